using EksInfra.Access.Planning;

namespace EksInfra.Access.Reports;

/// <summary>
/// What a change does to the namespaces the stack creates. They are created with RetainOnDelete, so one that
/// leaves the model stays in the cluster, unmanaged; a replacement would delete nothing but then fail to create a
/// namespace that still exists (or, on a new cluster, leave the old one behind with every workload), so it blocks.
/// pulumi-kubernetes 4.29 and later create a new object with a create, not a server-side apply (CHANGELOG, #2926:
/// "the API server now returns an AlreadyExists error instead of silently updating the existing object"), so a
/// namespace that exists already is not adopted.
/// </summary>
internal static class NamespaceDiff
{
    public static void Compare(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var now = after.Namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal);
        foreach (var ns in before.Namespaces)
        {
            if (!now.TryGetValue(ns.Name, out var kept))
            {
                findings.Add(new(FindingLevel.Danger, $"namespace {ns.Name}", $"namespace {ns.Name} leaves the model",
                    $"the stack stops managing it: `pulumi up` forgets it but does not delete it (RetainOnDelete), so it stays in the cluster with its workloads, unmanaged{(ns.Quota is not null || ns.LimitRange is not null ? "; the quota and limit range the stack wrote into it are deleted" : "")}. Delete it with kubectl if that is what you want; {AddedBackLater}."));
                continue;
            }

            if (!SameSettings(ns, kept))
            {
                findings.Add(new(FindingLevel.Changed, $"namespace {ns.Name}", $"namespace {ns.Name} changes its labels, quota or limit range", $"now: {Settings(kept)} (was: {Settings(ns)})"));
            }

            var urnBefore = $"{before.Cluster.LogicalName}/{ns.LogicalName}";
            var urnAfter = $"{after.Cluster.LogicalName}/{kept.LogicalName}";
            if (urnBefore != urnAfter)
            {
                findings.Add(new(FindingLevel.Error, $"namespace {ns.Name}", $"namespace {ns.Name} would be replaced",
                    $"its Pulumi resource moves from {urnBefore} to {urnAfter}: Pulumi would create a new Namespace object and retain the old one, and Kubernetes refuses a second namespace of the same name (or, on a replaced cluster, the team's namespace is re-created empty). Keep the cluster name."));
            }
        }

        var was = before.Namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        // The base's bindings into a namespace it did not create show the namespace exists: creating it fails for sure.
        var usedBefore = before.Rbac.RoleBindings.Select(b => b.Namespace).ToHashSet(StringComparer.Ordinal);
        foreach (var ns in after.Namespaces.Where(n => !was.Contains(n.Name)))
        {
            findings.Add(usedBefore.Contains(ns.Name)
                ? new(FindingLevel.Error, $"namespace {ns.Name}", $"namespace {ns.Name}, which exists, would be created by the stack",
                    $"the base binds groups into {ns.Name} without creating it (it was managed elsewhere), so it exists, and `pulumi up` fails with AlreadyExists: the Kubernetes provider creates a namespace, it does not adopt one. Keep managedElsewhere. This pipeline cannot hand an existing namespace to the stack: after a `pulumi import` of it, this diff, which reads no Pulumi state, still blocks, so that takes an administrator's merge past the required check ({Settings(ns)})")
                : new(FindingLevel.Changed, $"namespace {ns.Name}", $"namespace {ns.Name} is created by the stack",
                    $"{Settings(ns)}; kept in the cluster if later dropped from the config. {ExistingNamespace}"));
        }
    }

    /// <summary>What `pulumi up` does with a namespace that exists already (one made by hand, or one this stack let go of).</summary>
    private const string ExistingNamespace =
        "If a namespace of that name exists already, `pulumi up` fails with AlreadyExists (the Kubernetes provider creates it, it does not adopt it): mark it managedElsewhere, or `pulumi import` it first";

    private const string AddedBackLater = "adding it back to the config later fails with AlreadyExists while it exists, unless it is marked managedElsewhere or imported with `pulumi import`";

    /// <summary>
    /// Labels compared as text; quantities by value. apimachinery's Quantity: "Non-canonical values will still parse as long
    /// as they are well formed, but will be re-emitted in their canonical form", and pulumi-kubernetes normalizes inputs
    /// before it diffs them, so `1000m` for `1` changes nothing a preview or the cluster shows.
    /// </summary>
    private static bool SameSettings(NamespacePlan a, NamespacePlan b) =>
        a.Labels.SequenceEqual(b.Labels)
        && SameQuantities(a.Quota?.Hard, b.Quota?.Hard)
        && SameQuantities(a.LimitRange?.DefaultRequest, b.LimitRange?.DefaultRequest)
        && SameQuantities(a.LimitRange?.Default, b.LimitRange?.Default);

    private static bool SameQuantities(IReadOnlyList<KeyValuePair<string, string>>? a, IReadOnlyList<KeyValuePair<string, string>>? b) =>
        (a ?? []).Count == (b ?? []).Count
        && (a ?? []).Zip(b ?? []).All(p => p.First.Key == p.Second.Key && (p.First.Value == p.Second.Value
            || (Model.KubernetesValues.TryParseQuantity(p.First.Value, out var x) && Model.KubernetesValues.TryParseQuantity(p.Second.Value, out var y) && x == y)));

    private static string Settings(NamespacePlan ns)
    {
        static string Pairs(IEnumerable<KeyValuePair<string, string>> pairs) => string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"));
        var parts = new List<string> { $"labels {Pairs(ns.Labels)}" };
        if (ns.Quota is { } quota)
        {
            parts.Add($"quota {Pairs(quota.Hard)}");
        }

        if (ns.LimitRange is { } range)
        {
            parts.Add($"default requests {Pairs(range.DefaultRequest)}; default limits {Pairs(range.Default)}");
        }

        return string.Join("; ", parts);
    }
}
