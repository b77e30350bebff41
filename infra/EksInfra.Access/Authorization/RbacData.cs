using System.Text.Json;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>
/// The permissions the model does not define but relies on, as data shipped with the tool: the built-in
/// ClusterRoles from Kubernetes' bootstrap policy (builtin-cluster-roles.json) and the Kubernetes rules of the
/// EKS access policies from AWS's documentation (eks-access-policies.json). Each file names its source.
/// </summary>
public static class RbacData
{
    private static readonly Lazy<Loaded> BuiltIn = new(() => Load("builtin-cluster-roles.json", "clusterRoles"));
    private static readonly Lazy<Loaded> Policies = new(() => Load("eks-access-policies.json", "accessPolicies"));

    /// <summary><c>admin</c>, <c>cluster-admin</c>, <c>edit</c>, <c>view</c>: their rules, aggregation resolved.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> BuiltInClusterRoles => BuiltIn.Value.Rules;

    public static string BuiltInClusterRolesSource => BuiltIn.Value.Source;

    /// <summary>Access policy name → the Kubernetes rules it grants.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> AccessPolicies => Policies.Value.Rules;

    public static string AccessPoliciesSource => Policies.Value.Source;

    private sealed record Loaded(string Source, IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> Rules);

    private static Loaded Load(string file, string key)
    {
        var name = $"EksInfra.Access.Authorization.{file}";
        using var stream = typeof(RbacData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded resource {name} is missing from the build");
        using var doc = JsonDocument.Parse(stream);
        var rules = new SortedDictionary<string, IReadOnlyList<PolicyRulePlan>>(StringComparer.Ordinal);
        foreach (var entry in doc.RootElement.GetProperty(key).EnumerateObject())
        {
            rules[entry.Name] = [.. entry.Value.EnumerateArray().Select(ParseRule)];
        }

        return new Loaded(doc.RootElement.GetProperty("source").GetString()!, rules);
    }

    /// <summary>A PolicyRule in Kubernetes' JSON field names; the live RBAC reader uses it too.</summary>
    internal static PolicyRulePlan ParseRule(JsonElement rule) => new(
        Strings(rule, "apiGroups"),
        Strings(rule, "resources"),
        Strings(rule, "verbs"),
        Strings(rule, "resourceNames"),
        Strings(rule, "nonResourceURLs"));

    private static List<string> Strings(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => e.GetString() ?? "")]
            : [];
}
