using EksInfra.Access.Model;

namespace EksInfra.Access.Planning;

/// <summary>
/// A namespace the stack creates, with its labels and optional ResourceQuota and LimitRange. The Pulumi program
/// creates it with RetainOnDelete: dropping it from the config leaves the team's workloads where they are.
/// </summary>
public sealed record NamespacePlan(
    string LogicalName,
    string Name,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    ResourceQuotaPlan? Quota,
    LimitRangePlan? LimitRange);

/// <summary>A ResourceQuota's <c>spec.hard</c>, sorted by resource name.</summary>
public sealed record ResourceQuotaPlan(string LogicalName, string Name, IReadOnlyList<KeyValuePair<string, string>> Hard);

/// <summary>One <c>Container</c> limit of a LimitRange: the defaults a container without requests or limits gets.</summary>
public sealed record LimitRangePlan(
    string LogicalName,
    string Name,
    IReadOnlyList<KeyValuePair<string, string>> DefaultRequest,
    IReadOnlyList<KeyValuePair<string, string>> Default);

/// <summary>Which namespaces the stack owns, and what it writes into each.</summary>
public static class NamespacePlanner
{
    /// <summary>The name of the ResourceQuota and LimitRange the stack writes into each of its namespaces.</summary>
    public const string ObjectName = "eks-infra";

    private static readonly StringComparer Ordinal = StringComparer.Ordinal;

    /// <summary>
    /// Every namespace a group binds into or an access policy is scoped to, plus those declared under
    /// <c>namespaces</c>; without the ones every cluster has, wildcard patterns, and those managed elsewhere.
    /// A RoleBinding into a namespace nobody created fails <c>pulumi up</c> with NotFound after a minute of retries.
    /// </summary>
    public static IReadOnlyList<string> OwnedNamespaces(AccessSettings access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var elsewhere = access.Namespaces.Where(n => n.ManagedElsewhere).Select(n => n.Name).ToHashSet(Ordinal);
        // Collected in a loop over every principal's access policies (the result is a sorted set, so their order is not its).
        var named = new List<string>();
        foreach (var group in access.Groups)
        {
            named.AddRange(group.Namespaces);
        }

        foreach (var role in access.Roles)
        {
            AddScopes(named, role.AccessPolicies);
        }

        foreach (var mapping in access.MapRoles)
        {
            AddScopes(named, mapping.AccessPolicies);
        }

        foreach (var mapping in access.MapUsers)
        {
            AddScopes(named, mapping.AccessPolicies);
        }

        foreach (var ns in access.Namespaces)
        {
            if (!ns.ManagedElsewhere)
            {
                named.Add(ns.Name);
            }
        }

        return [.. named
            .Where(n => n.Length > 0 && !KubernetesValues.IsNamespacePattern(n) && !KubernetesValues.IsSystemNamespace(n) && !elsewhere.Contains(n))
            .Distinct(Ordinal)
            .Order(Ordinal)];

        static void AddScopes(List<string> named, IReadOnlyList<AccessPolicySettings> policies)
        {
            for (var i = 0; i < policies.Count; i++)
            {
                named.AddRange(policies[i].Namespaces);
            }
        }
    }

    public static IReadOnlyList<NamespacePlan> Plan(AccessSettings access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var settings = access.Namespaces.GroupBy(n => n.Name, Ordinal).ToDictionary(g => g.Key, g => g.First(), Ordinal);
        return [.. OwnedNamespaces(access).Select(name =>
        {
            settings.TryGetValue(name, out var ns);
            var managedBy = new KeyValuePair<string, string>(KubernetesNames.ManagedByLabel, KubernetesNames.ManagedByValue);
            var labels = ns is not { Labels.Count: > 0 } ? [managedBy] : ns.Labels
                .Where(l => l.Key != KubernetesNames.ManagedByLabel)
                .Append(managedBy)
                .OrderBy(l => l.Key, Ordinal)
                .ToList();
            var quota = ns is { Quota.Count: > 0 } ? new ResourceQuotaPlan(LogicalNames.ResourceQuota(name), ObjectName, Pairs(ns.Quota)) : null;
            var range = ns is not null && (ns.DefaultRequest.Count > 0 || ns.DefaultLimit.Count > 0)
                ? new LimitRangePlan(LogicalNames.LimitRange(name), ObjectName, Pairs(ns.DefaultRequest), Pairs(ns.DefaultLimit))
                : null;
            return new NamespacePlan(LogicalNames.Namespace(name), name, labels, quota, range);
        })];
    }

    private static List<KeyValuePair<string, string>> Pairs(IEnumerable<QuantitySetting> values) =>
        [.. values.Select(q => new KeyValuePair<string, string>(q.Resource, q.Quantity)).OrderBy(p => p.Key, Ordinal)];
}
