using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace EksInfra.Access.Model;

/// <summary>
/// Kubernetes' own value rules, as the API server applies them: resource quantities, label keys and values,
/// and the namespaces every cluster has already.
/// </summary>
public static partial class KubernetesValues
{
    /// <summary>Namespaces every cluster has from its first minute; the stack never creates or adopts them.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-node-lease", "kube-public", KubeSystem];

    /// <summary>Where aws-auth and the cluster's own controllers and add-ons live.</summary>
    public const string KubeSystem = "kube-system";

    public static bool IsSystemNamespace(string name) => SystemNamespaces.Contains(name, StringComparer.Ordinal);

    /// <summary>
    /// Kubernetes docs, "Namespaces": "Avoid creating namespaces with the prefix kube-, since it is reserved for
    /// Kubernetes system namespaces." The API server accepts such a name, so it is a warning.
    /// </summary>
    public const string ReservedNamespacePrefix = "kube-";

    /// <summary>Whether a key prefix is <paramref name="domain"/> or one of its subdomains (<c>node.kubernetes.io</c> is under kubernetes.io).</summary>
    public static bool IsUnderDomain(string prefix, string domain)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix == domain || prefix.EndsWith("." + domain, StringComparison.Ordinal);
    }

    /// <summary>
    /// The prefix of a label key under kubernetes.io or k8s.io, else null. Kubernetes docs, "Well-Known Labels,
    /// Annotations and Taints": "Kubernetes reserves all labels, annotations and taints in the kubernetes.io and k8s.io
    /// namespaces."
    /// </summary>
    public static string? KubernetesReservedPrefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && (IsUnderDomain(key[..slash], "kubernetes.io") || IsUnderDomain(key[..slash], "k8s.io")) ? key[..slash] : null;
    }

    /// <summary>The label the API server puts on every namespace, with the namespace's name as its value.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>
    /// An EKS access scope namespace pattern: EKS allows a '*' at the end of a namespace name (e.g. <c>dev-*</c>),
    /// matching every namespace that starts with the rest (Amazon EKS User Guide, "Associate access policies
    /// with access entries"). Such a pattern names no one namespace, so nothing is ever created for it.
    /// </summary>
    public static bool IsNamespacePattern(string name) => name.Contains('*', StringComparison.Ordinal);

    /// <summary>
    /// A namespace a request may name under an access scope entry: the entry itself, or for a pattern (<c>team-*</c>) one
    /// valid namespace name it covers (<c>team-x</c>); null when it covers none. The namespace need not exist: EKS "doesn't
    /// confirm the spelling or existence of the namespaces on your cluster" (User Guide, "Associate access policies with
    /// access entries"), and the API server authorizes impersonating system:serviceaccount:NS:NAME as a request in NS
    /// without reading NS (apiserver filters/impersonation.go), so a pattern grants that in a namespace no one made.
    /// </summary>
    public static string? NamespaceReachedBy(string scopeEntry)
    {
        ArgumentNullException.ThrowIfNull(scopeEntry);
        if (!IsNamespacePattern(scopeEntry))
        {
            return scopeEntry;
        }

        // The prefix is a name the pattern covers when it is one (a 63-character prefix can take nothing more); one that ends
        // in '-', or is empty, is not, and one more letter makes it one.
        var prefix = scopeEntry[..^1];
        return new[] { prefix, prefix + "x" }.FirstOrDefault(name => ScopeCovers(scopeEntry, name) && KubernetesNames.IsDns1123Label(name));
    }

    /// <summary>Whether an access policy's scope entry (a namespace, or a prefix and a trailing '*') covers <paramref name="ns"/>.</summary>
    public static bool ScopeCovers(string scopeEntry, string ns) =>
        scopeEntry.EndsWith('*') ? ns.StartsWith(scopeEntry.AsSpan(0, scopeEntry.Length - 1), StringComparison.Ordinal) : scopeEntry == ns;

    /// <summary>
    /// Parses a quantity as k8s.io/apimachinery/pkg/api/resource.ParseQuantity does (parseQuantityString, then
    /// quantitySuffixer.interpret): an optional sign, decimal digits with at most one '.' (<c>1</c>, <c>1.5</c>,
    /// <c>1.</c>, <c>.5</c>), then one suffix: binary SI (Ki Mi Gi Ti Pi Ei), decimal SI (n u m "" k M G T P E) or a
    /// decimal exponent (<c>e3</c>, <c>E-2</c>). Case matters: <c>1ki</c>, <c>1KI</c> and <c>1mi</c> are errors; so
    /// is any space. <paramref name="value"/> is the amount in base units (cores, bytes, pods) as ParseQuantity
    /// stores it: exact, rounded up to a billionth, and capped at 2^63 - 1 only when the suffix is binary
    /// (<c>if format == BinarySI &amp;&amp; amount.Cmp(maxAllowed.Dec) &gt; 0</c>): 8Ei is 2^63 - 1, 10E and 1e30 keep their value.
    /// This tool's rule beside Kubernetes': a quantity has at least one digit. ParseQuantity reads some digitless
    /// texts as 0 (<c>Gi</c>, <c>-</c>, <c>.</c>) and refuses others (<c>Pi</c>, <c>Ei</c>), which no one means to write.
    /// </summary>
    public static bool TryParseQuantity(string text, out QuantityValue value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        var match = QuantityPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var number = match.Groups["number"].Value;
        var unsigned = number.TrimStart('+', '-');
        var point = unsigned.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? unsigned : unsigned.Remove(point, 1);
        if (digits.Length == 0)
        {
            return false;
        }

        var suffix = match.Groups["suffix"].Value;
        var (decimalExponent, binaryExponent) = suffix switch
        {
            "" => ((long?)0, 0),
            "n" => (-9, 0),
            "u" => (-6, 0),
            "m" => (-3, 0),
            "k" => (3, 0),
            "M" => (6, 0),
            "G" => (9, 0),
            "T" => (12, 0),
            "P" => (15, 0),
            "E" => (18, 0),
            "Ki" => (0, 10),
            "Mi" => (0, 20),
            "Gi" => (0, 30),
            "Ti" => (0, 40),
            "Pi" => (0, 50),
            "Ei" => (0, 60),
            // apimachinery (pkg/api/resource/suffix.go, interpret) reads the exponent with strconv.ParseInt, a whole number
            // that fits an int64, and returns it as int32(parsed): the low 32 bits, so e4294967296 is e0.
            _ => long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) ? ((long)unchecked((int)exponent), 0) : ((long?)null, 0),
        };
        if (decimalExponent is not { } tens)
        {
            return false;
        }

        var fractionDigits = point < 0 ? 0 : unsigned.Length - point - 1;
        var mantissa = BigInteger.Parse(digits, CultureInfo.InvariantCulture) << binaryExponent;
        var exponentOfTen = tens - fractionDigits;
        if (!mantissa.IsZero && exponentOfTen < NanoExponent)
        {
            // ParseQuantity: amount.Round(amount, Nano, inf.RoundUp).
            mantissa = QuantityValue.DivideRoundingUp(mantissa, NanoExponent - exponentOfTen);
            exponentOfTen = NanoExponent;
        }

        value = QuantityValue.Of(mantissa, exponentOfTen);
        if (binaryExponent > 0 && value > QuantityValue.MaxInt64)
        {
            value = QuantityValue.MaxInt64;
        }

        value = number.StartsWith('-') ? value.Negate() : value;
        return true;
    }

    private const long NanoExponent = -9;

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

    /// <summary>
    /// The namespace labels PodSecurity admission reads (pod-security-admission api/constants.go): a level for each
    /// mode, and the policy version each mode evaluates.
    /// </summary>
    public const string PodSecurityLabelPrefix = "pod-security.kubernetes.io/";

    private static readonly string[] PodSecurityModes = ["enforce", "audit", "warn"];

    public static readonly IReadOnlyList<string> PodSecurityLabels =
        [.. PodSecurityModes.SelectMany(mode => new[] { PodSecurityLabelPrefix + mode, $"{PodSecurityLabelPrefix}{mode}-version" })];

    /// <summary>
    /// Why PodSecurity admission refuses <paramref name="value"/> for the label <paramref name="key"/>, or null.
    /// ValidateNamespace (admission.go) answers 422 Invalid to a namespace created with a label that
    /// PolicyToEvaluate cannot parse: a level is privileged, baseline or restricted (ParseLevel), a version is
    /// latest or v1.N (ParseVersion: <c>^v1\.([0-9]|[1-9][0-9]*)$</c>, N read by strconv.Atoi into a 64-bit int).
    /// A key under the prefix that PodSecurity never reads passes, and gets no answer here.
    /// </summary>
    public static string? PodSecurityLabelProblem(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!PodSecurityLabels.Contains(key, StringComparer.Ordinal))
        {
            return null;
        }

        if (key.EndsWith("-version", StringComparison.Ordinal))
        {
            var match = PodSecurityVersion().Match(value);
            return value == "latest" || (match.Success && long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                ? null
                : $"PodSecurity admission refuses a namespace whose {key} is '{value}': write 'latest' or v1.N for a Kubernetes minor version, such as v1.30";
        }

        return value is "privileged" or "baseline" or "restricted"
            ? null
            : $"PodSecurity admission refuses a namespace whose {key} is '{value}': write privileged, baseline or restricted (lower case)";
    }

    [GeneratedRegex(@"^v1\.(0|[1-9][0-9]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex PodSecurityVersion();

    // The grammar of apimachinery's parseQuantityString and quantitySuffixer.interpret (resource/quantity.go, suffix.go).
    [GeneratedRegex(@"^(?<number>[+-]?[0-9]*\.?[0-9]*)(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+|)\z", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z")]
    private static partial Regex QualifiedName();
}
