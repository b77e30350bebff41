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
    /// service account's impersonation in the namespaces it holds grants in; or may impersonate a user or service account
    /// that is cluster admin by its own bindings (<see cref="AdminToImpersonate"/>).
    /// </summary>
    public bool IsClusterAdmin(AccessSubject subject) => IsClusterAdmin(subject, impersonating: true);

    private bool IsClusterAdmin(AccessSubject subject, bool impersonating)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (Why(subject, AccessRequest.Everything).Count > 0)
        {
            return true;
        }

        var bindings = BindingsOf(subject).ToList();
        var names = bindings.SelectMany(Rbac.RulesOf).SelectMany(r => r.ResourceNames).Distinct(StringComparer.Ordinal).ToList();
        var namespaces = bindings.Where(b => !b.IsClusterRoleBinding).Select(b => b.Namespace)
            .Concat(subject.Policies.SelectMany(p => p.Scope.Namespaces).Select(KubernetesValues.NamespaceReachedBy).OfType<string>())
            .Distinct(StringComparer.Ordinal).ToList();
        bool Allowed(AccessRequest request) => Why(subject, request).Count > 0;
        if (RbacRules.GrantsItselfClusterAdmin(
            Allowed,
            bindings.Where(b => b.IsClusterRoleBinding && b.RoleKind == "ClusterRole").Select(b => b.RoleName),
            names,
            namespaces,
            Rbac.AggregatedClusterRoles.Contains))
        {
            return true;
        }

        if (!impersonating)
        {
            return false;
        }

        // "" stands for a name no rule lists, and for a namespace only cluster-wide grants reach.
        string[] anyName = ["", .. names];
        string[] anyNamespace = ["", .. namespaces];
        return AdminToImpersonate.Value.Any(target => target.Resource == "users"
            ? Allowed(new("impersonate", "", "users", "", target.Name!, ""))
            : (target.Namespace is { } ns ? [ns] : anyNamespace).Any(ns =>
                (target.Name is { } name ? [name] : anyName).Any(n => Allowed(new("impersonate", "", "serviceaccounts", "", n, ns)))));
    }

    /// <summary>
    /// The users and service accounts this cluster's bindings make cluster admin, whom a subject allowed to impersonate
    /// one becomes in one step (apiserver endpoints/filters/impersonation.go): Impersonate-User
    /// system:serviceaccount:NS:NAME needs only impersonate on serviceaccounts NAME in NS, and the request runs as that
    /// account with its groups system:serviceaccounts and system:serviceaccounts:NS; any other name needs impersonate on
    /// users NAME and runs with that name and no group but system:authenticated (more groups need impersonate on groups,
    /// which <see cref="RbacRules.GrantsItselfClusterAdmin"/> judges). A Group subject system:serviceaccounts[:NS] makes
    /// every account (of NS) admin: Name (and Namespace) null. Each is judged by its own bindings, without impersonating
    /// further. Found once per authorizer from the bindings' subjects; the model binds groups only, so it costs it nothing.
    /// </summary>
    private Lazy<List<(string Resource, string? Namespace, string? Name)>> AdminToImpersonate => adminToImpersonate ??= new(FindAdminToImpersonate);

    private Lazy<List<(string Resource, string? Namespace, string? Name)>>? adminToImpersonate;

    /// <summary>
    /// Whether a candidate Kubernetes' or EKS's own grant names is one of the system's: an account of kube-system, or a
    /// system: user. A service account outside kube-system, however the binding writes it (ServiceAccount, User
    /// system:serviceaccount:NS:NAME, Group system:serviceaccounts[:NS]), is anyone's to bind and stays judged.
    /// </summary>
    private static bool LeftToTheSystem((string Resource, string Namespace, string Name) candidate) =>
        candidate.Resource == "users" ? candidate.Name.StartsWith("system:", StringComparison.Ordinal) : candidate.Namespace == KubernetesValues.KubeSystem;

    private List<(string Resource, string? Namespace, string? Name)> FindAdminToImpersonate()
    {
        var candidates = new SortedSet<(string Resource, string Namespace, string Name)>();
        // The accounts kube-system's controllers run as are left out where Kubernetes' or EKS's own bindings grant them:
        // every cluster binds them (clusterrole-aggregation-controller may escalate and update clusterroles), so judging
        // their impersonation would make every holder of edit in kube-system admin on a live export, while the model,
        // which lacks those bindings, does not; that path is told (RbacRules.SystemAccountTakeover), not judged. A
        // binding's name and labels are anyone's to choose, so every other subject is judged whatever the binding is
        // called, and so is a "system" binding of cluster-admin (the bootstrap policy's only one binds system:masters).
        foreach (var binding in Rbac.Bindings)
        {
            var systemGrant = binding.IsSystemOwned && binding.RoleName != RbacRules.ClusterAdminRole;
            foreach (var s in binding.Subjects)
            {
                if (CandidateOf(s, binding) is { } candidate && !(systemGrant && LeftToTheSystem(candidate)))
                {
                    candidates.Add(candidate);
                }
            }
        }

        var found = new List<(string Resource, string? Namespace, string? Name)>();
        foreach (var (resource, ns, name) in candidates)
        {
            // An account of any name is judged by its groups alone, which every such account holds.
            var identity = resource == "users" ? new AccessSubject(name, "user", name, [], [])
                : new AccessSubject(name, "service account", name.Length > 0 ? $"{ClusterRbac.ServiceAccountUsernamePrefix}{ns}:{name}" : "", ns.Length > 0 ? [AllServiceAccounts, $"{AllServiceAccounts}:{ns}"] : [AllServiceAccounts], []);
            if (IsClusterAdmin(identity, impersonating: false))
            {
                found.Add((resource, ns.Length > 0 ? ns : null, name.Length > 0 ? name : null));
            }
        }

        return found;
    }

    /// <summary>Whom a binding's subject names, as one to impersonate: an account (any of NS when Name is "", any at all when NS is too) or a user.</summary>
    private static (string Resource, string Namespace, string Name)? CandidateOf(RbacSubject s, RbacBinding binding)
    {
        var accountNamespace = s.Namespace.Length > 0 ? s.Namespace : binding.Namespace;
        return s.Kind switch
        {
            "ServiceAccount" when accountNamespace.Length > 0 => ("serviceaccounts", accountNamespace, s.Name),
            // buildImpersonationRequests takes such a username as the service account it names.
            "User" when s.Name.StartsWith(ClusterRbac.ServiceAccountUsernamePrefix, StringComparison.Ordinal) =>
                s.Name[ClusterRbac.ServiceAccountUsernamePrefix.Length..].Split(':') is [{ Length: > 0 } ns, { Length: > 0 } name] ? ("serviceaccounts", ns, name) : null,
            "User" => ("users", "", s.Name),
            "Group" when s.Name == AllServiceAccounts => ("serviceaccounts", "", ""),
            "Group" when s.Name.StartsWith(AllServiceAccounts + ":", StringComparison.Ordinal) && s.Name.Length > AllServiceAccounts.Length + 1 =>
                ("serviceaccounts", s.Name[(AllServiceAccounts.Length + 1)..], ""),
            _ => null,
        };
    }

    /// <summary>Every service account is in this group, and in system:serviceaccounts:NS of its namespace (serviceaccount.MakeGroupNames).</summary>
    private const string AllServiceAccounts = "system:serviceaccounts";

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
