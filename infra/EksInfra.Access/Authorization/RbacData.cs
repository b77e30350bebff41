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
    /// The bootstrap ClusterRoles with an aggregationRule, whose rules the clusterrole-aggregation controller keeps equal
    /// to those of every ClusterRole their selectors match: the names the file's "aggregation" key resolves.
    /// </summary>
    public static IReadOnlySet<string> BuiltInAggregatedClusterRoles => AggregatedBuiltIn.Value;

    /// <summary>
    /// The ClusterRoles that aggregate in a stack's model: the built-in ones, less any a stack defines under the same name,
    /// whose own rules (and no aggregationRule: the stack writes none) replace them.
    /// </summary>
    public static IReadOnlySet<string> AggregatedInModel(IEnumerable<string> stackClusterRoles) =>
        BuiltInAggregatedClusterRoles.Except(stackClusterRoles, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);

    private static readonly Lazy<HashSet<string>> AggregatedBuiltIn = new(LoadAggregated);

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
            rules[entry.Name] = [.. entry.Value.EnumerateArray().Select((rule, i) => ParseRule(rule, (at, problem) =>
                new InvalidOperationException($"the embedded resource {file} is broken at {key}.{entry.Name}[{i}]{at}: {problem}")))];
        }

        return new Loaded(doc.RootElement.GetProperty("source").GetString()!, rules);
    }

    private static HashSet<string> LoadAggregated()
    {
        const string file = "builtin-cluster-roles.json";
        using var doc = Open(file);
        // "view = system:aggregate-to-view; edit = ...": each part names an aggregated role before its '='.
        var names = doc.RootElement.GetProperty("aggregation").GetString()!.Split(';').Select(part => part.Split('=')[0].Trim()).ToHashSet(StringComparer.Ordinal);
        if (names.FirstOrDefault(n => !BuiltInClusterRoles.ContainsKey(n)) is { } unknown)
        {
            throw new InvalidOperationException($"the embedded resource {file} is broken at aggregation: '{unknown}' is not one of its clusterRoles");
        }

        return names;
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

    /// <summary>
    /// A PolicyRule in Kubernetes' JSON field names; the live RBAC reader uses it too. Where it is not one (not an object,
    /// a field not a list of strings), <paramref name="invalid"/> makes the exception to throw from the place below the
    /// rule (empty for the rule itself, <c>.verbs[1]</c> for an item) and what is wrong.
    /// </summary>
    internal static PolicyRulePlan ParseRule(JsonElement rule, Func<string, string, Exception> invalid)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        if (rule.ValueKind != JsonValueKind.Object)
        {
            throw invalid("", $"expected a PolicyRule (an object with apiGroups, resources and verbs), found {Found(rule)}");
        }

        return new(
            Strings(rule, "apiGroups", invalid),
            Strings(rule, "resources", invalid),
            Strings(rule, "verbs", invalid),
            Strings(rule, "resourceNames", invalid),
            Strings(rule, "nonResourceURLs", invalid));
    }

    /// <summary>A JSON value as a message names what was found instead of what was expected.</summary>
    internal static string Found(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string {value.GetRawText()}",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    /// <summary>
    /// The items of an object's list field. Absent or null is empty, as Kubernetes and kubectl omit an empty list;
    /// anything else that is not a list is <paramref name="notAList"/>'s error.
    /// </summary>
    internal static List<JsonElement> Items(JsonElement owner, string name, Func<JsonElement, Exception> notAList)
    {
        if (!owner.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : throw notAList(list);
    }

    private static List<string> Strings(JsonElement rule, string name, Func<string, string, Exception> invalid)
    {
        var items = Items(rule, name, list => invalid($".{name}", $"expected a list of strings, found {Found(list)}"));
        var strings = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw invalid($".{name}[{strings.Count}]", $"expected a string, found {Found(item)}");
            }

            strings.Add(item.GetString()!);
        }

        return strings;
    }
}
