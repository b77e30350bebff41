using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>An EKS access policy associated with an access entry, with its scope.</summary>
public sealed record PolicyAssociation(string PolicyName, AccessScopePlan Scope)
{
    public override string ToString() => $"{PolicyName} ({Scope})";
}

/// <summary>
/// What Kubernetes sees of one IAM principal once EKS has authenticated it: a username, groups, and (through its
/// access entry) access policies. <see cref="Note"/> says where the identity came from when that matters.
/// </summary>
public sealed record AccessSubject(
    string Principal,
    string Kind,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<PolicyAssociation> Policies,
    string? Note = null)
{
    /// <summary>Every authenticated user is in this group as well (k8s.io/apiserver user.AllAuthenticated).</summary>
    public const string AllAuthenticated = "system:authenticated";

    public IReadOnlyCollection<string> EffectiveGroups => [.. Groups, AllAuthenticated];
}

public enum GrantPathKind
{
    SystemMasters,
    AccessPolicy,
    Rbac,
}

/// <summary>One reason a request is allowed: system:masters, an access policy and its scope, or a binding and its role.</summary>
public sealed record GrantPath(GrantPathKind Kind, string Description, RbacBinding? Binding = null, PolicyAssociation? Policy = null)
{
    public override string ToString() => Description;
}

/// <summary>
/// Decides requests the way an EKS cluster does: <c>system:masters</c> passes every check; the EKS access policies
/// of the principal's access entry (the EKS authorizer webhook); then RBAC. Any one allow is enough.
/// </summary>
public sealed class Authorizer(ClusterRbac rbac)
{
    public ClusterRbac Rbac { get; } = rbac;

    public IReadOnlyList<GrantPath> Why(AccessSubject subject, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(request);
        var paths = new List<GrantPath>();
        if (ClusterRbac.HasGroup(subject.Groups, KubernetesNames.SystemMasters))
        {
            // The API server's privileged group short-circuits authorization before any authorizer runs.
            paths.Add(new GrantPath(GrantPathKind.SystemMasters, "system:masters (bypasses RBAC)"));
        }

        foreach (var policy in subject.Policies)
        {
            if (PolicyApplies(policy, request) && RbacData.AccessPolicies.TryGetValue(policy.PolicyName, out var rules) && rules.Any(r => RbacRules.Allows(r, request)))
            {
                paths.Add(new GrantPath(GrantPathKind.AccessPolicy, $"access policy {policy}", Policy: policy));
            }
        }

        var groups = subject.EffectiveGroups;
        foreach (var binding in Rbac.BindingsFor(request.Namespace))
        {
            if (binding.Subjects.Any(s => ClusterRbac.Applies(s, binding, subject.Username, groups))
                && Rbac.RulesOf(binding).Any(r => RbacRules.Allows(r, request)))
            {
                paths.Add(new GrantPath(GrantPathKind.Rbac, binding.Via, Binding: binding));
            }
        }

        return paths;
    }

    /// <summary>
    /// Whether the subject may do everything everywhere (system:masters, a wildcard rule granted cluster-wide), or can
    /// make itself able to with what it holds (<see cref="RbacRules.GrantsItselfClusterAdmin"/>): cluster-wide, and a
    /// service account's impersonation in the namespaces it holds grants in.
    /// </summary>
    public bool IsClusterAdmin(AccessSubject subject) =>
        Why(subject, AccessRequest.Everything).Count > 0
        || RbacRules.GrantsItselfClusterAdmin(
            request => Why(subject, request).Count > 0,
            BindingsOf(subject).Where(b => b.IsClusterRoleBinding && b.RoleKind == "ClusterRole").Select(b => b.RoleName),
            BindingsOf(subject).SelectMany(Rbac.RulesOf).SelectMany(r => r.ResourceNames),
            BindingsOf(subject).Where(b => !b.IsClusterRoleBinding).Select(b => b.Namespace).Concat(subject.Policies.SelectMany(p => p.Scope.Namespaces).Select(KubernetesValues.NamespaceReachedBy).OfType<string>()).Distinct(StringComparer.Ordinal),
            Rbac.AggregatedClusterRoles.Contains);

    /// <summary>
    /// A namespace-scoped association grants only namespaced requests in the listed namespaces (EKS User Guide,
    /// "Associate access policies with access entries": accessScope type namespace); a cluster-scoped one grants everywhere.
    /// </summary>
    private static bool PolicyApplies(PolicyAssociation policy, AccessRequest request) => PolicyApplies(policy, request.Namespace);

    /// <summary>Whether the association's scope reaches a request in <paramref name="requestNamespace"/> ("" for one without a namespace).</summary>
    internal static bool PolicyApplies(PolicyAssociation policy, string requestNamespace) =>
        ScopeApplies(policy.Scope.Type == "cluster", policy.Scope.Namespaces, requestNamespace);

    /// <summary>Whether an access policy's scope reaches a request: a cluster scope every request, a namespace scope the namespaced ones in it.</summary>
    internal static bool ScopeApplies(bool clusterWide, IReadOnlyList<string> namespaces, string requestNamespace) =>
        clusterWide || (requestNamespace.Length > 0 && namespaces.Any(entry => KubernetesValues.ScopeCovers(entry, requestNamespace)));

    /// <summary>Every binding that reaches the subject, with the rules it brings: what the subject may do through RBAC.</summary>
    public IEnumerable<RbacBinding> BindingsOf(AccessSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var groups = subject.EffectiveGroups;
        return Rbac.Bindings.Where(b => b.Subjects.Any(s => ClusterRbac.Applies(s, b, subject.Username, groups)));
    }
}
