using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>
/// One request as the Kubernetes authorizer sees it (k8s.io/apiserver authorizer.Attributes): a resource request
/// (API group, resource, subresource, name, namespace) or a non-resource request (a URL path).
/// An empty <see cref="Namespace"/> is a cluster-scoped request, or one across every namespace.
/// </summary>
public sealed record AccessRequest(string Verb, string ApiGroup, string Resource, string Subresource, string Name, string Namespace, string? Path = null)
{
    public bool IsResourceRequest => Path is null;

    public static AccessRequest NonResource(string verb, string path) => new(verb, "", "", "", "", "", path);

    /// <summary><c>*</c> in every field: only a rule of wildcards allows it, which is what cluster admin means.</summary>
    public static readonly AccessRequest Everything = new("*", "*", "*", "", "", "");

    public string CombinedResource => Subresource.Length > 0 ? $"{Resource}/{Subresource}" : Resource;
}

/// <summary>
/// Kubernetes' RBAC rule matching, as plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows) and
/// pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches,
/// NonResourceURLMatches) define it. Rules only allow; there is no deny.
/// </summary>
public static class RbacRules
{
    public const string All = "*";

    /// <summary>
    /// What Kubernetes' privilege escalation prevention lets through ("Using RBAC Authorization"): escalate and bind on
    /// roles and clusterroles let a subject grant permissions it does not hold, and impersonate on users, groups and
    /// service accounts lets it act as another subject, system:masters or a controller's service account included.
    /// </summary>
    public static readonly IReadOnlyList<AccessRequest> Escalations =
    [
        new("escalate", RbacGroup, "roles", "", "", ""),
        new("escalate", RbacGroup, "clusterroles", "", "", ""),
        new("bind", RbacGroup, "roles", "", "", ""),
        new("bind", RbacGroup, "clusterroles", "", "", ""),
        new("impersonate", "", "users", "", "", ""),
        new("impersonate", "", "groups", "", "", ""),
        new("impersonate", "", "serviceaccounts", "", "", ""),
    ];

    /// <summary>
    /// Whether a subject allowed, cluster-wide, the requests <paramref name="allowed"/> answers can make itself cluster
    /// admin with them alone: Kubernetes lets it (a) create a ClusterRoleBinding to cluster-admin, or update or patch the
    /// one that exists (the bootstrap's, named cluster-admin; a roleRef cannot change), when it may bind that ClusterRole
    /// (pkg/registry/rbac/escalation_check.go BindingAuthorized, which the registry's Create and Update both call: verb bind
    /// on clusterroles named as the roleRef), (b) act as system:masters when it may impersonate some user or service
    /// account, any name will do, and that group (apiserver filters impersonation.go: each is authorized by its name, a
    /// service account as serviceaccounts, and a group only with a user), (c) add every permission to a ClusterRole it is
    /// bound to cluster-wide (<paramref name="boundClusterRoles"/>) when it may escalate and update or patch that role, (d)
    /// create a ClusterRole with every permission, labelled to match the selector of an aggregated ClusterRole it is bound to
    /// cluster-wide, when it may create and escalate clusterroles: the aggregation controller copies the new role's rules
    /// into the bound one (Kubernetes, "Aggregated ClusterRoles"; clusterroleaggregation_controller.go).
    /// <paramref name="namesInRules"/> are the resourceNames of the rules behind <paramref name="allowed"/>: a rule
    /// restricted to names allows a request only by one of them.
    /// </summary>
    /// <param name="serviceAccountNamespaces">Namespaces where the subject holds namespaced grants: impersonating a service
    /// account is authorized in the account's namespace (impersonation.go), so a RoleBinding there can supply it.</param>
    /// <param name="aggregates">Whether a ClusterRole has an aggregationRule (<see cref="ClusterRbac.AggregatedClusterRoles"/>); none when null.</param>
    public static bool GrantsItselfClusterAdmin(Func<AccessRequest, bool> allowed, IEnumerable<string> boundClusterRoles, IEnumerable<string> namesInRules, IEnumerable<string>? serviceAccountNamespaces = null, Func<string, bool>? aggregates = null)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(boundClusterRoles);
        ArgumentNullException.ThrowIfNull(namesInRules);
        var bound = boundClusterRoles as IReadOnlyCollection<string> ?? [.. boundClusterRoles];
        string[] names = ["", ClusterAdminRole, .. namesInRules.Distinct(StringComparer.Ordinal)];
        // A binding's roleRef cannot change ("cannot change roleRef"), so an update reaches admin only on a binding that
        // grants cluster-admin already: the bootstrap's, named cluster-admin.
        var changesAdminBinding = allowed(new("create", RbacGroup, "clusterrolebindings", "", "", ""))
            || allowed(new("update", RbacGroup, "clusterrolebindings", "", ClusterAdminRole, ""))
            || allowed(new("patch", RbacGroup, "clusterrolebindings", "", ClusterAdminRole, ""));
        if (changesAdminBinding && allowed(new("bind", RbacGroup, "clusterroles", "", ClusterAdminRole, "")))
        {
            return true;
        }

        string[] accountNamespaces = ["", .. serviceAccountNamespaces ?? []];
        var asSomeone = names.Any(n => allowed(new("impersonate", "", "users", "", n, ""))
            || accountNamespaces.Any(ns => allowed(new("impersonate", "", "serviceaccounts", "", n, ns))));
        if (asSomeone && allowed(new("impersonate", "", "groups", "", Model.KubernetesNames.SystemMasters, "")))
        {
            return true;
        }

        if (bound.Any(role => allowed(new("escalate", RbacGroup, "clusterroles", "", role, ""))
            && (allowed(new("update", RbacGroup, "clusterroles", "", role, "")) || allowed(new("patch", RbacGroup, "clusterroles", "", role, "")))))
        {
            return true;
        }

        // A create carries no object name, so both create and the escalate check of the clusterrole storage
        // (RoleEscalationAuthorized, with the request's name) are asked for the name "": a rule with resourceNames allows neither.
        return aggregates is not null && bound.Any(aggregates)
            && allowed(new("create", RbacGroup, "clusterroles", "", "", ""))
            && allowed(new("escalate", RbacGroup, "clusterroles", "", "", ""));
    }

    /// <summary>
    /// Whether <paramref name="rules"/>, bound cluster-wide (under the ClusterRoles <paramref name="boundClusterRoles"/>),
    /// make their holder cluster admin: every verb on every resource, or a way to grant itself that with them alone.
    /// </summary>
    public static bool MakeHolderAdmin(IReadOnlyList<PolicyRulePlan> rules, IEnumerable<string> boundClusterRoles, Func<string, bool>? aggregates = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Any(r => Allows(r, AccessRequest.Everything))
            || GrantsItselfClusterAdmin(request => rules.Any(r => Allows(r, request)), boundClusterRoles, rules.SelectMany(r => r.ResourceNames), aggregates: aggregates);
    }

    /// <summary>
    /// Whether a URL path (or every path starting with it) is a resource request to the API server, which no
    /// nonResourceURLs entry matches: apiserver requestinfo.go NewRequestInfo takes /api/VERSION/... with three parts or
    /// more and /apis/GROUP/VERSION/... with four as resource paths; /api, /api/VERSION, /apis/GROUP/VERSION are not.
    /// </summary>
    public static bool IsResourcePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && ((parts[0] == "api" && parts.Length >= 3) || (parts[0] == "apis" && parts.Length >= 4));
    }

    /// <summary>
    /// The ways <paramref name="rules"/>, held in kube-system (bound there or cluster-wide), let their holder act as the
    /// service accounts the cluster's own controllers and add-ons run as there: creating pods (a pod may name any account
    /// of its namespace) or workloads that create them, creating the accounts' tokens (serviceaccounts/token) or impersonating them. Kubernetes' "RBAC
    /// good practices" counts each as an escalation path, and its RBAC guide says of the built-in edit role that it "can
    /// be used to gain the API access levels of any ServiceAccount in the namespace". How far that reaches depends on the
    /// accounts the cluster has, so it is told, not judged as cluster admin; impersonating an account the bindings make
    /// admin is judged where they are known (<see cref="Authorizer.IsClusterAdmin"/>).
    /// </summary>
    /// <returns>What the holder can do, as "create pods or impersonate service accounts in kube-system, and so act as ...", or null.</returns>
    public static string? SystemAccountTakeover(IReadOnlyList<PolicyRulePlan> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var ways = SystemAccountWays.Where(w => rules.Any(r => Allows(r, w.Request))).Select(w => w.Way).ToList();
        // A workload's pod template names a service account as a pod does ("RBAC good practices", workload creation).
        if (!ways.Contains(CreatePods) && WorkloadCreations.Any(request => rules.Any(r => Allows(r, request))))
        {
            ways.Insert(0, "create or change workloads that run pods (deployments, daemonsets, jobs, ...)");
        }

        return ways.Count == 0 ? null
            : $"{(ways.Count == 1 ? ways[0] : $"{string.Join(", ", ways[..^1])} or {ways[^1]}")} in {Model.KubernetesValues.KubeSystem}, and so act as the service accounts the cluster's controllers and add-ons run as there";
    }

    /// <summary><see cref="SystemAccountTakeover"/> of an EKS access policy's Kubernetes rules (RbacData), where it holds in kube-system.</summary>
    public static string? AccessPolicyTakeover(string policy) => AccessPolicyTakeovers.Value.GetValueOrDefault(policy);

    /// <summary><see cref="SystemAccountTakeover"/> of a built-in ClusterRole's rules (RbacData), judged once: groups bound to view or edit are many.</summary>
    public static string? BuiltInRoleTakeover(string role) => BuiltInRoleTakeovers.Value.GetValueOrDefault(role);

    private static readonly Lazy<Dictionary<string, string?>> AccessPolicyTakeovers =
        new(() => RbacData.AccessPolicies.ToDictionary(p => p.Key, p => SystemAccountTakeover(p.Value), StringComparer.Ordinal));

    private static readonly Lazy<Dictionary<string, string?>> BuiltInRoleTakeovers =
        new(() => RbacData.BuiltInClusterRoles.ToDictionary(p => p.Key, p => SystemAccountTakeover(p.Value), StringComparer.Ordinal));

    /// <summary>
    /// How an access scope reaches kube-system: "" at cluster scope (no namespaces), else the first entry covering it
    /// (<c>kube-system</c>, or a pattern such as <c>kube-*</c>); null when it does not.
    /// </summary>
    public static string? KubeSystemCoverage(IReadOnlyList<string> namespaces)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        if (namespaces.Count == 0)
        {
            return "";
        }

        foreach (var ns in namespaces)
        {
            if (Model.KubernetesValues.ScopeCovers(ns, Model.KubernetesValues.KubeSystem))
            {
                return ns;
            }
        }

        return null;
    }

    private const string CreatePods = "create pods";

    // Changing an existing workload's pod template (coredns, aws-node) runs code under its account as creating one does.
    private static readonly AccessRequest[] WorkloadCreations =
    [
        .. new[] { "create", "update", "patch" }.SelectMany(verb => new[] { ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "statefulsets"), ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"), ("", "replicationcontrollers") }
            .Select(w => new AccessRequest(verb, w.Item1, w.Item2, "", "", Model.KubernetesValues.KubeSystem))),
    ];

    private static readonly (AccessRequest Request, string Way)[] SystemAccountWays =
    [
        (new("create", "", "pods", "", "", Model.KubernetesValues.KubeSystem), CreatePods),
        (new("create", "", "serviceaccounts", "token", "", Model.KubernetesValues.KubeSystem), "create service account tokens"),
        (new("impersonate", "", "serviceaccounts", "", "", Model.KubernetesValues.KubeSystem), "impersonate service accounts"),
    ];

    public const string RbacGroup = Rendering.RbacRenderer.ApiGroup;

    public const string ClusterAdminRole = "cluster-admin";

    /// <summary>The <see cref="Escalations"/> <paramref name="rule"/> allows, for every name or (with resourceNames) for the names it lists.</summary>
    public static IEnumerable<AccessRequest> EscalationsAllowed(PolicyRulePlan rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Escalations.Where(e => VerbMatches(rule, e.Verb) && ApiGroupMatches(rule, e.ApiGroup) && ResourceMatches(rule, e.Resource, ""));
    }

    public static bool Allows(PolicyRulePlan rule, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.IsResourceRequest)
        {
            return VerbMatches(rule, request.Verb) && NonResourceUrlMatches(rule, request.Path!);
        }

        return VerbMatches(rule, request.Verb)
            && ApiGroupMatches(rule, request.ApiGroup)
            && ResourceMatches(rule, request.CombinedResource, request.Subresource)
            && ResourceNameMatches(rule, request.Name);
    }

    public static bool VerbMatches(PolicyRulePlan rule, string verb) => rule.Verbs.Any(v => v == All || v == verb);

    public static bool ApiGroupMatches(PolicyRulePlan rule, string group) => rule.ApiGroups.Any(g => g == All || g == group);

    /// <summary><c>*</c> is every resource and subresource; <c>*/scale</c> is the scale subresource of every resource.</summary>
    public static bool ResourceMatches(PolicyRulePlan rule, string combinedResource, string subresource)
    {
        foreach (var resource in rule.Resources)
        {
            if (resource == All || resource == combinedResource)
            {
                return true;
            }

            if (subresource.Length > 0 && resource.Length == subresource.Length + 2
                && resource.StartsWith("*/", StringComparison.Ordinal) && resource.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A rule with resourceNames allows only requests that name one of them: list, watch (of the collection),
    /// deletecollection and the create of an object carry no name, so such a rule never allows them; the create of a
    /// subresource names its object (pods/NAME/exec).
    /// </summary>
    public static bool ResourceNameMatches(PolicyRulePlan rule, string name) =>
        rule.ResourceNames.Count == 0 || rule.ResourceNames.Any(n => n == name);

    /// <summary><c>*</c> is every path; a trailing <c>*</c> is a prefix match (<c>/healthz/*</c>).</summary>
    public static bool NonResourceUrlMatches(PolicyRulePlan rule, string path) =>
        rule.NonResourceUrls.Any(url => url == All || url == path
            || (url.EndsWith('*') && path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal)));
}
