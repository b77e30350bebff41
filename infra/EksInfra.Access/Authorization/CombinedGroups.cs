using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>
/// Cluster admin reached only by holding several grants at once. Kubernetes' RBAC authorizer allows a request when any
/// rule of any binding naming the subject allows it (rbac.go, RulesFor over every binding), and EKS's authorizer adds the
/// access entry's policies, so what a principal may do is the union of its groups' and policies' grants: create on
/// clusterrolebindings from one and bind on cluster-admin from another, impersonating a service account in a namespace
/// an edit binding or policy covers with impersonating system:masters from another, escalate with update on a role
/// another group binds it to, or create and escalate on ClusterRoles with a cluster-wide binding to an aggregated role such
/// as view (<see cref="RbacRules.GrantsItselfClusterAdmin"/>). Each group alone is judged by
/// <see cref="AccessSettings.BindsClusterAdmin"/>; this judges the set, once per set, as <see cref="Authorizer.IsClusterAdmin"/>
/// judges a live subject.
/// </summary>
/// <param name="group">The declared group of a name, or null: the caller's own index of them.</param>
public sealed class CombinedGroups(AccessSettings access, Func<string, GroupSettings?> group)
{
    private readonly Dictionary<(bool IsPolicy, string Name), (IReadOnlyList<PolicyRulePlan>? Rules, bool MayRaise, bool Escalates)> roles = [];

    private readonly Dictionary<string, IReadOnlyList<string>?> adminBySet = new(StringComparer.Ordinal);

    private IReadOnlySet<string>? aggregated;

    /// <summary>
    /// Whether the groups and access policies together, none admin alone, make their holder cluster admin; what does it
    /// when so (the groups' names, then "access policy NAME"), in order.
    /// </summary>
    public IReadOnlyList<string>? MakeAdmin(IReadOnlyList<string> groupNames, IReadOnlyList<AccessPolicySettings> policies)
    {
        ArgumentNullException.ThrowIfNull(groupNames);
        ArgumentNullException.ThrowIfNull(policies);
        if (groupNames.Count + policies.Count < 2)
        {
            return null;
        }

        // Only a grant that touches bindings, roles or impersonation can add to a way up, and two are needed, unless one
        // escalates a ClusterRole another group binds cluster-wide, or creates one with escalate that an aggregated role
        // another group binds cluster-wide (view, edit, admin) gathers; most principals (view, read-only, a team's edit in its
        // namespaces and nothing else) stop here, at a lookup per grant.
        int raising = 0, clusterWide = 0;
        var escalates = false;
        for (var i = 0; i < groupNames.Count; i++)
        {
            if (group(groupNames[i]) is { } declared && Role(declared.ClusterRole) is { Rules: not null } role)
            {
                raising += role.MayRaise ? 1 : 0;
                escalates |= role.Escalates && declared.Namespaces.Count == 0;
                clusterWide += declared.Namespaces.Count == 0 ? 1 : 0;
            }
        }

        for (var i = 0; i < policies.Count; i++)
        {
            raising += Policy(policies[i].Policy).MayRaise ? 1 : 0;
        }

        if (raising < 2 && !(escalates && clusterWide >= 2))
        {
            return null;
        }

        var groups = groupNames.Select(group).OfType<GroupSettings>().Where(g => Role(g.ClusterRole).Rules is not null).DistinctBy(g => g.Name, StringComparer.Ordinal).OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        var grants = policies.Where(p => Policy(p.Policy).Rules is not null).OrderBy(p => p.Policy, StringComparer.Ordinal).ToList();
        var key = string.Join('\n', groups.Select(g => g.Name).Concat(grants.Select(p => $"{p.Policy}@{string.Join(',', p.Namespaces)}")));
        if (!adminBySet.TryGetValue(key, out var together))
        {
            adminBySet[key] = together = Judge(groups, grants) ? Fewest(groups, grants) : null;
        }

        return together;
    }

    /// <summary>The grants the way up needs: each one without which the rest still make admin is left out, in order.</summary>
    private List<string> Fewest(List<GroupSettings> groups, List<AccessPolicySettings> policies)
    {
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            var without = groups.Where((_, k) => k != i).ToList();
            if (without.Count + policies.Count > 0 && Judge(without, policies))
            {
                groups = without;
            }
        }

        for (var i = policies.Count - 1; i >= 0; i--)
        {
            var without = policies.Where((_, k) => k != i).ToList();
            if (groups.Count + without.Count > 0 && Judge(groups, without))
            {
                policies = without;
            }
        }

        return [.. groups.Select(g => g.Name), .. policies.Select(p => $"access policy {p.Policy}")];
    }

    private bool Judge(List<GroupSettings> groups, List<AccessPolicySettings> policies)
    {
        // A RoleBinding grants namespaced requests in its namespace only; a namespace-scoped association likewise
        // (Authorizer.PolicyApplies); a ClusterRoleBinding or a cluster-scoped association every request.
        bool Allowed(AccessRequest request) =>
            groups.Any(g => (g.Namespaces.Count == 0 || (request.Namespace.Length > 0 && g.Namespaces.Contains(request.Namespace, StringComparer.Ordinal)))
                && Role(g.ClusterRole).Rules!.Any(r => RbacRules.Allows(r, request)))
            || policies.Any(p => Authorizer.ScopeApplies(p.Namespaces.Count == 0, p.Namespaces, request.Namespace)
                && Policy(p.Policy).Rules!.Any(r => RbacRules.Allows(r, request)));

        return RbacRules.GrantsItselfClusterAdmin(
            Allowed,
            groups.Where(g => g.Namespaces.Count == 0).Select(g => g.ClusterRole),
            groups.SelectMany(g => Role(g.ClusterRole).Rules!).Concat(policies.SelectMany(p => Policy(p.Policy).Rules!)).SelectMany(r => r.ResourceNames),
            groups.SelectMany(g => g.Namespaces).Concat(policies.SelectMany(p => p.Namespaces).Select(KubernetesValues.NamespaceReachedBy).OfType<string>()).Distinct(StringComparer.Ordinal),
            Aggregates);
    }

    /// <summary>Whether a bound ClusterRole aggregates: a built-in one with an aggregationRule, as the stack's own never have.</summary>
    private bool Aggregates(string role) => (aggregated ??= RbacData.AggregatedInModel(access.ClusterRoles.Select(r => r.Name))).Contains(role);

    /// <summary>
    /// The rules of a ClusterRole the model binds (the stack's own, read-only, or a built-in one); null for one it cannot
    /// know, such as an eks: role. And whether they could raise access at all, and escalate a ClusterRole.
    /// </summary>
    private (IReadOnlyList<PolicyRulePlan>? Rules, bool MayRaise, bool Escalates) Role(string role) => Known((false, role));

    /// <summary>As <see cref="Role"/>, for an EKS access policy's Kubernetes rules.</summary>
    private (IReadOnlyList<PolicyRulePlan>? Rules, bool MayRaise, bool Escalates) Policy(string policy) => Known((true, policy));

    private (IReadOnlyList<PolicyRulePlan>? Rules, bool MayRaise, bool Escalates) Known((bool IsPolicy, string Name) key)
    {
        if (!roles.TryGetValue(key, out var known))
        {
            var rules = RulesOf(key);
            roles[key] = known = (rules, rules is not null && MayRaise(rules), rules is not null && rules.Any(r => RbacRules.VerbMatches(r, "escalate") && RbacRules.ApiGroupMatches(r, RbacRules.RbacGroup) && RbacRules.ResourceMatches(r, "clusterroles", "")));
        }

        return known;
    }

    // Apart from Known, whose every call would otherwise allocate this lookup's closure.
    private IReadOnlyList<PolicyRulePlan>? RulesOf((bool IsPolicy, string Name) key) =>
        key.IsPolicy ? RbacData.AccessPolicies.GetValueOrDefault(key.Name)
            : access.ClusterRoles.FirstOrDefault(r => r.Name == key.Name) is { } defined ? [.. defined.Rules.Select(r => r.AsRule())]
            : key.Name == BuiltInRoles.ReadOnlyName ? BuiltInRoles.ReadOnly.Rules
            : RbacData.BuiltInClusterRoles.GetValueOrDefault(key.Name);

    /// <summary>Whether any rule could allow a request the admin test probes: a write of bindings or roles, bind, escalate or impersonate.</summary>
    private static bool MayRaise(IReadOnlyList<PolicyRulePlan> rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Verbs.Any(v => v is RbacRules.All or "create" or "update" or "patch" or "bind" or "escalate" or "impersonate")
                && rule.Resources.Any(r => r is RbacRules.All or "clusterrolebindings" or "clusterroles" or "users" or "groups" or "serviceaccounts"))
            {
                return true;
            }
        }

        return false;
    }
}
