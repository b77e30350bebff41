using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>
/// Cluster admin reached only by holding several of the model's groups at once. Kubernetes' RBAC authorizer allows a
/// request when any rule of any binding naming the subject allows it (rbac.go, RulesFor over every binding), so what a
/// principal may do is the union of its groups' grants, and two ClusterRoles can together make their holder admin where
/// neither does alone: create on clusterrolebindings from one and bind on cluster-admin from the other, or impersonating
/// a service account in a namespace the principal's edit binding covers with impersonating system:masters from another
/// (<see cref="RbacRules.GrantsItselfClusterAdmin"/>). Each group alone is judged by <see cref="AccessSettings.BindsClusterAdmin"/>;
/// this judges a set of them, once per set.
/// </summary>
/// <param name="group">The declared group of a name, or null: the caller's own index of them.</param>
public sealed class CombinedGroups(AccessSettings access, Func<string, GroupSettings?> group)
{
    private readonly Dictionary<string, (IReadOnlyList<PolicyRulePlan>? Rules, bool MayRaise)> roles = new(StringComparer.Ordinal);

    private readonly Dictionary<string, bool> adminBySet = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the groups together, none of them admin alone, make their member cluster admin; the names of the groups
    /// that do it when so, in ordinal order.
    /// </summary>
    public IReadOnlyList<string>? MakeAdmin(IReadOnlyList<string> groupNames)
    {
        ArgumentNullException.ThrowIfNull(groupNames);
        if (groupNames.Count < 2)
        {
            return null;
        }

        // Only a group whose rules touch bindings, roles or impersonation can add to a way up; most principals' groups
        // (view, read-only, a team's edit in its namespaces and nothing else) leave fewer than two, and stop here.
        var count = 0;
        for (var i = 0; i < groupNames.Count; i++)
        {
            if (group(groupNames[i]) is { } declared && Role(declared.ClusterRole).MayRaise)
            {
                count++;
            }
        }

        if (count < 2)
        {
            return null;
        }

        var candidates = groupNames.Select(group).OfType<GroupSettings>().Where(g => Role(g.ClusterRole).MayRaise).DistinctBy(g => g.Name, StringComparer.Ordinal).ToList();

        candidates.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var key = string.Join('\n', candidates.Select(g => g.Name));
        if (!adminBySet.TryGetValue(key, out var admin))
        {
            adminBySet[key] = admin = Judge(candidates);
        }

        return admin ? [.. candidates.Select(g => g.Name)] : null;
    }

    private bool Judge(List<GroupSettings> candidates)
    {
        // A RoleBinding grants namespaced requests in its namespace only; a ClusterRoleBinding every request.
        bool Allowed(AccessRequest request) => candidates.Any(g =>
            (g.Namespaces.Count == 0 || (request.Namespace.Length > 0 && g.Namespaces.Contains(request.Namespace, StringComparer.Ordinal)))
            && Role(g.ClusterRole).Rules!.Any(r => RbacRules.Allows(r, request)));

        return RbacRules.GrantsItselfClusterAdmin(
            Allowed,
            candidates.Where(g => g.Namespaces.Count == 0).Select(g => g.ClusterRole),
            candidates.SelectMany(g => Role(g.ClusterRole).Rules!).SelectMany(r => r.ResourceNames),
            candidates.SelectMany(g => g.Namespaces));
    }

    /// <summary>
    /// The rules of a ClusterRole the model binds (the stack's own, read-only, or a built-in one; null for one it cannot
    /// know, such as an eks: role), and whether they could raise access at all.
    /// </summary>
    private (IReadOnlyList<PolicyRulePlan>? Rules, bool MayRaise) Role(string role)
    {
        if (!roles.TryGetValue(role, out var known))
        {
            var rules = RulesOf(role);
            roles[role] = known = (rules, rules is not null && MayRaise(rules));
        }

        return known;
    }

    // Apart from Role, whose every call would otherwise allocate this lookup's closure.
    private IReadOnlyList<PolicyRulePlan>? RulesOf(string role) =>
        access.ClusterRoles.FirstOrDefault(r => r.Name == role) is { } defined ? [.. defined.Rules.Select(r => r.AsRule())]
            : role == BuiltInRoles.ReadOnlyName ? BuiltInRoles.ReadOnly.Rules
            : RbacData.BuiltInClusterRoles.GetValueOrDefault(role);

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
