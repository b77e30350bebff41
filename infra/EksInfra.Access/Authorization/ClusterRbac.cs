using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Platform;

namespace EksInfra.Access.Authorization;

/// <summary>A binding's subject: <c>User</c>, <c>Group</c> or <c>ServiceAccount</c>, as RBAC spells the kind.</summary>
public sealed record RbacSubject(string Kind, string Name, string Namespace = "");

/// <summary>A ClusterRoleBinding (empty <see cref="Namespace"/>) or a RoleBinding, with the labels that say who made it.</summary>
public sealed record RbacBinding(
    string Name,
    string Namespace,
    string RoleKind,
    string RoleName,
    IReadOnlyList<RbacSubject> Subjects,
    IReadOnlyDictionary<string, string> Labels)
{
    public bool IsClusterRoleBinding => Namespace.Length == 0;

    public string Kind => IsClusterRoleBinding ? "ClusterRoleBinding" : "RoleBinding";

    public string Display => IsClusterRoleBinding ? $"ClusterRoleBinding {Name}" : $"RoleBinding {Namespace}/{Name}";

    public string RoleDisplay => $"{RoleKind} {RoleName}";

    /// <summary>Kubernetes' bootstrap bindings and EKS's own: system: and eks: names, eks.amazonaws.com/ labels.</summary>
    public bool IsSystemOwned => IsBootstrap
        || Name.StartsWith("system:", StringComparison.Ordinal)
        || Name.StartsWith("eks:", StringComparison.Ordinal)
        || Labels.Keys.Any(k => k.StartsWith("eks.amazonaws.com/", StringComparison.Ordinal));

    /// <summary>The stack labels every object it writes (RbacRenderer, KubernetesAccess).</summary>
    public bool IsManagedByStack => Labels.TryGetValue(KubernetesNames.ManagedByLabel, out var v) && v == KubernetesNames.ManagedByValue;

    /// <summary>
    /// Kubernetes' bootstrap policy labels every object it makes kubernetes.io/bootstrapping: rbac-defaults
    /// (bootstrappolicy/testdata/cluster-role-bindings.yaml@c60df8997f62f861cf0cd2b13ab62271464589ed).
    /// </summary>
    public bool IsBootstrap => Labels.TryGetValue("kubernetes.io/bootstrapping", out var v) && v == "rbac-defaults";

    /// <summary>How a report names this path: the role, the binding, and for Kubernetes' own binding that the stack does not manage it.</summary>
    public string Via => $"{RoleDisplay} via {Display}{(IsBootstrap ? " (Kubernetes' own binding, not the stack's)" : "")}";
}

/// <summary>
/// The RBAC objects of one cluster, the model's or a live one, and the walk the RBAC authorizer makes over them
/// (plugin/pkg/auth/authorizer/rbac/rbac.go, VisitRulesFor): every ClusterRoleBinding; RoleBindings only in the
/// request's namespace, so a cluster-scoped request or one across all namespaces is never granted by a RoleBinding.
/// </summary>
public sealed class ClusterRbac
{
    private readonly Func<string, bool> existsWithoutRules;

    /// <param name="existsWithoutRules">
    /// ClusterRoles the cluster has whose rules <paramref name="clusterRoles"/> does not hold; none for a live export,
    /// which holds every role there is.
    /// </param>
    public ClusterRbac(
        IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> clusterRoles,
        IReadOnlyDictionary<(string Namespace, string Name), IReadOnlyList<PolicyRulePlan>> roles,
        IReadOnlyList<RbacBinding> bindings,
        Func<string, bool>? existsWithoutRules = null)
    {
        ClusterRoles = clusterRoles;
        Roles = roles;
        Bindings = bindings;
        this.existsWithoutRules = existsWithoutRules ?? (_ => false);
    }

    public IReadOnlyDictionary<string, IReadOnlyList<PolicyRulePlan>> ClusterRoles { get; }

    public IReadOnlyDictionary<(string Namespace, string Name), IReadOnlyList<PolicyRulePlan>> Roles { get; }

    public IReadOnlyList<RbacBinding> Bindings { get; }

    /// <summary>
    /// The ClusterRoles with an aggregationRule that selects: the clusterrole-aggregation controller sets such a role's
    /// rules to those of every other ClusterRole whose labels its selectors match, one created later included.
    /// </summary>
    public IReadOnlySet<string> AggregatedClusterRoles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// What the cluster holds by the model: the built-in ClusterRoles, the stack's own, the bootstrap bindings every
    /// authenticated user holds, and the stack's bindings. What the stack itself creates is <see cref="StackBindings"/>.
    /// </summary>
    public static ClusterRbac OfPlan(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var roles = new SortedDictionary<string, IReadOnlyList<PolicyRulePlan>>(StringComparer.Ordinal);
        foreach (var (name, rules) in RbacData.BuiltInClusterRoles)
        {
            roles[name] = rules;
        }

        foreach (var role in plan.Rbac.ClusterRoles)
        {
            roles[role.Name] = role.Rules;
        }

        // The controllers' roles (system:controller:*) and EKS's (eks:*) exist in every cluster, but their rules
        // change with versions and no source pins them (Platform/KubernetesClusterRoles.cs): not known, not "nothing".
        return new ClusterRbac(roles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [.. RbacData.BuiltInClusterRoleBindings, .. StackBindings(plan)], KubernetesClusterRoles.IsProvided)
        {
            AggregatedClusterRoles = RbacData.AggregatedInModel(plan.Rbac.ClusterRoles.Select(r => r.Name)),
        };
    }

    /// <summary>The bindings the stack creates (labelled managed-by eks-infra): what an audit expects to find live.</summary>
    public static IReadOnlyList<RbacBinding> StackBindings(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var labels = new Dictionary<string, string> { [KubernetesNames.ManagedByLabel] = KubernetesNames.ManagedByValue };
        return [.. plan.Rbac.ClusterRoleBindings
            .Select(b => new RbacBinding(b.Name, "", "ClusterRole", b.ClusterRole, [new RbacSubject("Group", b.Group)], labels))
            .Concat(plan.Rbac.RoleBindings.Select(b => new RbacBinding(b.Name, b.Namespace, "ClusterRole", b.ClusterRole, [new RbacSubject("Group", b.Group)], labels)))];
    }

    /// <summary>The rules a binding's roleRef resolves to; empty when the role does not exist (RBAC then grants nothing).</summary>
    public IReadOnlyList<PolicyRulePlan> RulesOf(RbacBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (binding.RoleKind == "ClusterRole")
        {
            return ClusterRoles.TryGetValue(binding.RoleName, out var rules) ? rules : [];
        }

        // A RoleBinding may refer to a Role only in its own namespace.
        return Roles.TryGetValue((binding.Namespace, binding.RoleName), out var local) ? local : [];
    }

    /// <summary>Whether the binding's ClusterRole exists but its rules are not known here, so what it grants is not evaluated.</summary>
    public bool RulesNotKnown(RbacBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return binding.RoleKind == "ClusterRole" && !ClusterRoles.ContainsKey(binding.RoleName) && existsWithoutRules(binding.RoleName);
    }

    /// <summary>The bindings whose rules the authorizer consults for a request in <paramref name="requestNamespace"/>.</summary>
    public IEnumerable<RbacBinding> BindingsFor(string requestNamespace) => Bindings.Where(b => Reaches(b, requestNamespace));

    /// <summary>
    /// rule.go VisitRulesFor: ClusterRoleBindings for every request, a RoleBinding only for one in its own namespace
    /// (a request without a namespace, "", none).
    /// </summary>
    public static bool Reaches(RbacBinding binding, string requestNamespace)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return binding.IsClusterRoleBinding || (requestNamespace.Length > 0 && binding.Namespace == requestNamespace);
    }

    /// <summary>
    /// appliesToUser in rbac.go: a User subject by name, a Group subject by membership, a ServiceAccount subject by the
    /// username Kubernetes gives the account, which a live aws-auth may map an IAM principal to. A username template
    /// (<c>sso:{{SessionName}}</c>) matches the names it can produce.
    /// </summary>
    public static bool Applies(RbacSubject subject, RbacBinding binding, string username, IReadOnlyCollection<string> groups)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(groups);
        return subject.Kind switch
        {
            "User" => CanRenderAs(username, subject.Name),
            "Group" => HasGroup(groups, subject.Name),
            // A ServiceAccount subject is the user system:serviceaccount:NS:NAME, NS defaulting to a RoleBinding's own
            // namespace (rbac/validation appliesToUser, serviceaccount.MatchesUsername), so an IAM principal mapped to
            // that username gets the account's permissions.
            "ServiceAccount" => (subject.Namespace.Length > 0 ? subject.Namespace : binding.Namespace) is { Length: > 0 } ns
                && CanRenderAs(username, $"{ServiceAccountUsernamePrefix}{ns}:{subject.Name}"),
            _ => false,
        };
    }

    public const string ServiceAccountUsernamePrefix = "system:serviceaccount:";

    /// <summary>
    /// Whether a mapping's groups can hold <paramref name="group"/>: the authenticator renders every group of a mapping
    /// with the username's templates (server.go renderTemplates), so a live <c>team-{{AccountID}}</c> is
    /// <c>team-123456789012</c> to RBAC and to the API server's system:masters check.
    /// </summary>
    public static bool HasGroup(IReadOnlyCollection<string> groups, string group)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return groups.Contains(group) || groups.Any(g => g.Contains("{{", StringComparison.Ordinal) && CanRenderAs(g, group));
    }

    /// <summary>Whether <paramref name="template"/> (a username or group, which may hold <c>{{...}}</c> templates) can render as <paramref name="name"/>.</summary>
    public static bool CanRenderAs(string template, string name)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.Contains("{{", StringComparison.Ordinal))
        {
            return template == name;
        }

        var pattern = "^" + System.Text.RegularExpressions.Regex.Replace(
            template,
            @"\{\{[^}]*\}\}|[^{]+|\{",
            m => TemplateValues.GetValueOrDefault(m.Value) ?? System.Text.RegularExpressions.Regex.Escape(m.Value),
            System.Text.RegularExpressions.RegexOptions.None,
            TimeSpan.FromSeconds(1)) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(name, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// What each template can render to (aws-iam-authenticator pkg/server/server.go, renderTemplate): a session name as
    /// STS allows it ([\w+=,.@-], up to 64) but with every '@' made '-', unless raw; a 12-digit account; an access key
    /// id; a node's private DNS name. Any other {{...}} is left as it is written, so it matches only itself.
    /// </summary>
    private static readonly Dictionary<string, string> TemplateValues = new(StringComparer.Ordinal)
    {
        ["{{SessionName}}"] = "[A-Za-z0-9_+=,.-]{0,64}",
        ["{{SessionNameRaw}}"] = "[A-Za-z0-9_+=,.@-]{0,64}",
        ["{{AccountID}}"] = "[0-9]{12}",
        ["{{AccessKeyID}}"] = "[A-Z0-9]{16,128}",
        ["{{EC2PrivateDNSName}}"] = "[A-Za-z0-9.-]+",
    };
}
