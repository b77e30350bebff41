using System.Text.Json;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>
/// The permissions the model does not define but relies on, as data shipped with the tool: the built-in
/// ClusterRoles from Kubernetes' bootstrap policy (builtin-cluster-roles.json), the bootstrap ClusterRoleBindings
/// that reach every authenticated user (builtin-cluster-role-bindings.json) and the Kubernetes rules of the
/// EKS access policies from AWS's documentation (eks-access-policies.json). Each file names its source.
/// </summary>
public static class RbacData
{
    private static readonly Lazy<Loaded> BuiltIn = new(() => Load("builtin-cluster-roles.json", "clusterRoles"));
    private static readonly Lazy<Loaded> Policies = new(() => Load("eks-access-policies.json", "accessPolicies"));
    private static readonly Lazy<(string Source, IReadOnlyList<RbacBinding> Bindings)> BuiltInBindings = new(LoadBindings);

    /// <summary>The bootstrap ClusterRoles' rules; those of <c>admin</c>, <c>edit</c>, <c>view</c> with their aggregation resolved.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> BuiltInClusterRoles => BuiltIn.Value.Rules;

    public static string BuiltInClusterRolesSource => BuiltIn.Value.Source;

    /// <summary>
    /// The bootstrap ClusterRoleBindings of the group system:authenticated (system:basic-user, system:discovery,
    /// system:public-info-viewer): Kubernetes makes them, not the stack, and every authenticated principal holds them.
    /// </summary>
    public static IReadOnlyList<RbacBinding> BuiltInClusterRoleBindings => BuiltInBindings.Value.Bindings;

    public static string BuiltInClusterRoleBindingsSource => BuiltInBindings.Value.Source;

    /// <summary>Access policy name → the Kubernetes rules it grants.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> AccessPolicies => Policies.Value.Rules;

    public static string AccessPoliciesSource => Policies.Value.Source;

    private sealed record Loaded(string Source, IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> Rules);

    private static Loaded Load(string file, string key)
    {
        using var doc = Open(file);
        var rules = new SortedDictionary<string, IReadOnlyList<PolicyRulePlan>>(StringComparer.Ordinal);
        foreach (var entry in doc.RootElement.GetProperty(key).EnumerateObject())
        {
            rules[entry.Name] = [.. entry.Value.EnumerateArray().Select(ParseRule)];
        }

        return new Loaded(doc.RootElement.GetProperty("source").GetString()!, rules);
    }

    private static (string, IReadOnlyList<RbacBinding>) LoadBindings()
    {
        using var doc = Open("builtin-cluster-role-bindings.json");
        var bindings = doc.RootElement.GetProperty("clusterRoleBindings").EnumerateArray().Select(b => new RbacBinding(
            b.GetProperty("metadata").GetProperty("name").GetString()!,
            "",
            b.GetProperty("roleRef").GetProperty("kind").GetString()!,
            b.GetProperty("roleRef").GetProperty("name").GetString()!,
            [.. b.GetProperty("subjects").EnumerateArray().Select(s => new RbacSubject(s.GetProperty("kind").GetString()!, s.GetProperty("name").GetString()!))],
            b.GetProperty("metadata").GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!, StringComparer.Ordinal)));
        return (doc.RootElement.GetProperty("source").GetString()!, [.. bindings]);
    }

    private static JsonDocument Open(string file)
    {
        var name = $"EksInfra.Access.Authorization.{file}";
        using var stream = typeof(RbacData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded resource {name} is missing from the build");
        return JsonDocument.Parse(stream);
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
