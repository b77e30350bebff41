using System.Globalization;
using System.Text.RegularExpressions;

namespace EksInfra.Access.Model;

/// <summary>
/// Kubernetes' own value rules, as the API server applies them: resource quantities, label keys and values,
/// and the namespaces every cluster has already.
/// </summary>
public static partial class KubernetesValues
{
    /// <summary>Namespaces every cluster has from its first minute; the stack never creates or adopts them.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"];

    public static bool IsSystemNamespace(string name) => SystemNamespaces.Contains(name, StringComparer.Ordinal);

    /// <summary>The label the API server puts on every namespace, with the namespace's name as its value.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>
    /// An EKS access scope namespace pattern: EKS allows a '*' at the end of a namespace name (e.g. <c>dev-*</c>),
    /// matching every namespace that starts with the rest (Amazon EKS User Guide, "Associate access policies
    /// with access entries"). Such a pattern names no one namespace, so nothing is ever created for it.
    /// </summary>
    public static bool IsNamespacePattern(string name) => name.Contains('*', StringComparison.Ordinal);

    /// <summary>
    /// Parses a quantity exactly as k8s.io/apimachinery/pkg/api/resource.ParseQuantity does (parseQuantityString,
    /// then quantitySuffixer.interpret): a non-empty text of an optional sign, decimal digits with at most one '.'
    /// (<c>1</c>, <c>1.5</c>, <c>1.</c>, <c>.5</c>; no digits at all reads as 0), then one suffix: binary SI
    /// (Ki Mi Gi Ti Pi Ei), decimal SI (n u m "" k M G T P E) or a decimal exponent (<c>e3</c>, <c>E-2</c>). Case
    /// matters: <c>1ki</c>, <c>1KI</c> and <c>1mi</c> are errors; so is any space. <paramref name="value"/> is the
    /// amount in base units (cores, bytes, pods).
    /// </summary>
    public static bool TryParseQuantity(string text, out double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        var match = QuantityPattern().Match(text);
        if (text.Length == 0 || !match.Success)
        {
            return false;
        }

        // parseQuantityString reads a number with no digits at all ("", "+", ".") as 0, so "Gi" and "-" are 0.
        var digits = match.Groups["number"].Value.TrimStart('+', '-');
        var number = digits.Trim('.').Length == 0 ? 0 : double.Parse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var suffix = match.Groups["suffix"].Value;
        double scale = suffix switch
        {
            "" => 1,
            "n" => 1e-9,
            "u" => 1e-6,
            "m" => 1e-3,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "P" => 1e15,
            "E" => 1e18,
            "Ki" => 1024d,
            "Mi" => Math.Pow(1024, 2),
            "Gi" => Math.Pow(1024, 3),
            "Ti" => Math.Pow(1024, 4),
            "Pi" => Math.Pow(1024, 5),
            "Ei" => Math.Pow(1024, 6),
            // apimachinery reads the exponent with strconv.ParseInt: a whole number that fits an int64.
            _ => long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) ? Math.Pow(10, exponent) : double.NaN,
        };
        if (double.IsNaN(scale))
        {
            return false;
        }

        value = number * scale;
        return true;
    }

    /// <summary>
    /// A label key, by apimachinery's validation.IsQualifiedName: an optional DNS-1123 subdomain prefix (at most
    /// 253 characters) and '/', then a name of 1 to 63 characters, alphanumeric at both ends, with '-', '_' and '.'
    /// inside. Returns why it is not one, or null.
    /// </summary>
    public static string? LabelKeyProblem(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('/');
        if (parts.Length > 2)
        {
            return "a label key has at most one '/', between an optional DNS subdomain prefix and the name";
        }

        var name = parts[^1];
        if (parts.Length == 2 && (parts[0].Length == 0 || parts[0].Length > 253 || !Dns1123Subdomain().IsMatch(parts[0])))
        {
            return $"the prefix '{parts[0]}' is not a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)";
        }

        if (name.Length == 0 || name.Length > 63 || !QualifiedName().IsMatch(name))
        {
            return $"the name part '{name}' must be 1 to 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
        }

        return null;
    }

    /// <summary>A label value, by apimachinery's validation.IsValidLabelValue: empty, or up to 63 characters shaped like a label name.</summary>
    public static bool IsValidLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 0 || (value.Length <= 63 && QualifiedName().IsMatch(value));
    }

    // The grammar of apimachinery's parseQuantityString and quantitySuffixer.interpret (resource/quantity.go, suffix.go).
    [GeneratedRegex(@"^(?<number>[+-]?[0-9]*\.?[0-9]*)(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+|)\z", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z")]
    private static partial Regex QualifiedName();
}
