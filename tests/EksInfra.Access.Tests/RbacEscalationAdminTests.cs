using EksInfra.Access.Audit;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

/// <summary>
/// Rules that let a subject make itself cluster admin, which the audit counts as cluster admin: Kubernetes' escalation
/// prevention lets bind, escalate and impersonate through by design.
/// </summary>
public class RbacEscalationAdminTests
{
    private const string Team = "arn:aws:iam::123456789012:role/team";

    private static PolicyRulePlan Rule(string[] groups, string[] resources, string[] verbs, string[]? names = null) => new(groups, resources, verbs, names ?? [], []);

    private static ClusterRbac Live(string role, IReadOnlyList<PolicyRulePlan> rules, bool clusterWide = true, bool aggregated = false)
    {
        var roles = new Dictionary<string, IReadOnlyList<PolicyRulePlan>>(RbacData.BuiltInClusterRoles, StringComparer.Ordinal) { [role] = rules };
        var binding = new RbacBinding($"team-{role}", clusterWide ? "" : "apps", "ClusterRole", role, [new RbacSubject("Group", "team")], new Dictionary<string, string>());
        return new ClusterRbac(roles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [binding])
        {
            AggregatedClusterRoles = aggregated ? new HashSet<string>([role], StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal),
        };
    }

    private const string RbacApi = "rbac.authorization.k8s.io";

    private static AuditReport Audit(ClusterRbac rbac)
    {
        var mapping = new LiveMapping(PrincipalKind.Role, Team, "team", ["team"], "aws-auth data.mapRoles[9]");
        return AccessAudit.Compare(Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP")), new LiveCluster([mapping], null, rbac));
    }

    private static bool IsAdmin(ClusterRbac rbac) => new Authorizer(rbac).IsClusterAdmin(new AccessSubject(Team, "role", "team", ["team"], []));

    public static TheoryData<string, PolicyRulePlan[], bool> Cases => new()
    {
        // escalation_check.go BindingAuthorized: bind on the roleRef's ClusterRole lets a binding to it be created.
        { "binder", [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"]), Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["create"])], true },
        { "binder-of-cluster-admin", [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"], ["cluster-admin"]), Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["create"])], true },
        { "binder-of-view", [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"], ["view"]), Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["create"])], false },
        { "bind-only", [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"])], false },
        // The registry's Update calls BindingAuthorized as Create does: adding oneself to the bootstrap's cluster-admin binding.
        { "binding-editor", [Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["get", "update", "patch"]), Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"], ["cluster-admin"])], true },
        { "admin-binding-patcher", [Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["patch"], ["cluster-admin"]), Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"], ["cluster-admin"])], true },
        { "binding-editor-without-bind", [Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["update", "patch"])], false },
        // "You cannot change the Role or ClusterRole that it refers to": another binding's update adds subjects to its own role only.
        { "other-binding-editor", [Rule(["rbac.authorization.k8s.io"], ["clusterrolebindings"], ["update", "patch"], ["team-view"]), Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["bind"], ["cluster-admin"])], false },
        // impersonation.go: Impersonate-Group needs Impersonate-User, and system:masters bypasses authorization.
        { "impersonator", [Rule([""], ["users", "groups"], ["impersonate"])], true },
        { "group-impersonator", [Rule([""], ["groups"], ["impersonate"])], false },
        // Each impersonated name is authorized on its own: any one user, or a service account, carries the group with it.
        { "named-impersonator", [Rule([""], ["users"], ["impersonate"], ["nobody"]), Rule([""], ["groups"], ["impersonate"], ["system:masters"])], true },
        { "service-account-impersonator", [Rule([""], ["serviceaccounts", "groups"], ["impersonate"])], true },
        { "service-account-only", [Rule([""], ["serviceaccounts"], ["impersonate"])], false },
        // escalate lets a role it is bound to be given every permission.
        { "self-escalator", [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["escalate", "patch"], ["self-escalator"])], true },
        { "other-escalator", [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["escalate", "patch"], ["view"])], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_cluster_wide_grant_that_lets_the_subject_make_itself_admin_is_cluster_admin(string role, PolicyRulePlan[] rules, bool admin)
    {
        var rbac = Live(role, rules);

        Assert.Equal(admin, IsAdmin(rbac));
        var report = Audit(rbac);
        Assert.Equal(admin, report.Blocking.Any(f => f.Subject == Team));
        Assert.Equal(admin, report.Findings.Single(f => f.Subject == $"ClusterRoleBinding team-{role}").ReachesAdmin);
    }

    /// <summary>
    /// Kubernetes, "Aggregated ClusterRoles": "If you create a new ClusterRole that matches the label selector of an existing
    /// aggregated ClusterRole, that change triggers adding the new rules into the aggregated ClusterRole." With escalate the
    /// clusterrole storage lets the new role hold any rule (policybased/storage.go, RoleEscalationAuthorized), so a
    /// subject bound cluster-wide to the aggregated role gains every permission. A create names no object, so escalate
    /// limited to names does not pass it.
    /// </summary>
    public static TheoryData<string, PolicyRulePlan[], bool, bool, bool> AggregationCases => new()
    {
        { "aggregated-creator", [Rule([RbacApi], ["clusterroles"], ["create", "escalate"])], true, true, true },
        { "creator-of-a-role-that-aggregates-nothing", [Rule([RbacApi], ["clusterroles"], ["create", "escalate"])], false, true, false },
        { "aggregated-creator-without-escalate", [Rule([RbacApi], ["clusterroles"], ["create", "get", "list"])], true, true, false },
        { "aggregated-creator-escalating-by-name", [Rule([RbacApi], ["clusterroles"], ["create"]), Rule([RbacApi], ["clusterroles"], ["escalate"], ["mine"])], true, true, false },
        // A RoleBinding to the aggregated role grants its new rules in its namespace only: admin there, not of the cluster.
        { "aggregated-creator-bound-in-a-namespace", [Rule([RbacApi], ["clusterroles"], ["create", "escalate"])], true, false, false },
    };

    [Theory]
    [MemberData(nameof(AggregationCases))]
    public void Creating_a_role_an_aggregated_role_gathers_is_cluster_admin_through_a_cluster_wide_binding(string role, PolicyRulePlan[] rules, bool aggregated, bool clusterWide, bool admin)
    {
        var rbac = Live(role, rules, clusterWide, aggregated);

        Assert.Equal(admin, IsAdmin(rbac));
        var report = Audit(rbac);
        Assert.Equal(admin, report.Blocking.Any(f => f.Subject == Team));
        var binding = Assert.Single(report.Findings, f => f.Subject == (clusterWide ? $"ClusterRoleBinding team-{role}" : $"RoleBinding apps/team-{role}"));
        Assert.Equal(admin, binding.ReachesAdmin);
        Assert.Equal(admin, binding.Title.StartsWith("cluster admin, ", StringComparison.Ordinal));
    }

    /// <summary>The built-in view, edit and admin aggregate (bootstrap policy aggregationRule): a second binding may supply create and escalate.</summary>
    [Theory]
    [InlineData("view", true, true)]
    [InlineData("admin", true, true)]
    [InlineData("view", false, false)]
    [InlineData("system:basic-user", true, false)]
    public void Create_and_escalate_on_cluster_roles_with_a_cluster_wide_view_binding_is_cluster_admin(string bound, bool clusterWide, bool admin)
    {
        var roles = new Dictionary<string, IReadOnlyList<PolicyRulePlan>>(RbacData.BuiltInClusterRoles, StringComparer.Ordinal)
        {
            ["role-maker"] = [Rule([RbacApi], ["clusterroles"], ["create", "escalate"])],
        };
        var noLabels = new Dictionary<string, string>();
        RbacBinding[] bindings =
        [
            new("team-role-maker", "", "ClusterRole", "role-maker", [new RbacSubject("Group", "team")], noLabels),
            new($"team-{bound}", clusterWide ? "" : "apps", "ClusterRole", bound, [new RbacSubject("Group", "team")], noLabels),
        ];
        var rbac = new ClusterRbac(roles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), bindings) { AggregatedClusterRoles = RbacData.BuiltInAggregatedClusterRoles };

        Assert.Equal(["admin", "edit", "view"], RbacData.BuiltInAggregatedClusterRoles.Order(StringComparer.Ordinal));
        Assert.Equal(admin, IsAdmin(rbac));
        Assert.Equal(admin, Audit(rbac).Blocking.Any(f => f.Subject == Team));
    }

    /// <summary>
    /// The audit reads aggregationRule from the live export: storage.go's hasAggregationRule counts a rule with at least one
    /// clusterRoleSelector, and the aggregation controller gathers by those selectors only.
    /// </summary>
    [Theory]
    [InlineData("""{ "clusterRoleSelectors": [ { "matchLabels": { "example.com/aggregate-to-platform": "true" } } ] }""", true)]
    [InlineData("""{ "clusterRoleSelectors": [] }""", false)]
    [InlineData("null", false)]
    public void A_live_cluster_role_with_an_aggregation_rule_is_read_as_aggregated(string aggregationRule, bool admin)
    {
        var export = $$"""
            { "apiVersion": "v1", "kind": "List", "items": [
              { "kind": "ClusterRole", "metadata": { "name": "cluster-admin" }, "rules": [ { "apiGroups": ["*"], "resources": ["*"], "verbs": ["*"] } ] },
              { "kind": "ClusterRoleBinding", "metadata": { "name": "cluster-admin" }, "roleRef": { "kind": "ClusterRole", "name": "cluster-admin" }, "subjects": [ { "kind": "Group", "name": "system:masters" } ] },
              { "kind": "ClusterRole", "metadata": { "name": "platform" }, "aggregationRule": {{aggregationRule}},
                "rules": [ { "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["create", "escalate"] } ] },
              { "kind": "ClusterRoleBinding", "metadata": { "name": "team-platform" }, "roleRef": { "kind": "ClusterRole", "name": "platform" }, "subjects": [ { "kind": "Group", "name": "team" } ] }
            ] }
            """;

        var rbac = LiveInputs.ReadRbac(System.Text.Encoding.UTF8.GetBytes(export), "rbac.json");

        Assert.Equal(admin, rbac.AggregatedClusterRoles.Contains("platform"));
        Assert.Equal(admin, IsAdmin(rbac));
        Assert.Equal(admin, Audit(rbac).Findings.Single(f => f.Subject == "ClusterRoleBinding team-platform").ReachesAdmin);
    }

    [Fact]
    public void A_live_aggregation_rule_that_is_not_an_object_is_refused_with_its_place()
    {
        var export = """{ "apiVersion": "v1", "kind": "List", "items": [ { "kind": "ClusterRole", "metadata": { "name": "platform" }, "aggregationRule": [], "rules": [] } ] }""";

        var error = Assert.Throws<AuditInputException>(() => LiveInputs.ReadRbac(System.Text.Encoding.UTF8.GetBytes(export), "rbac.json"));

        Assert.Contains("items[0].aggregationRule", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected an object", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Kubernetes, "Anonymous requests": a request no authenticator takes runs as system:anonymous in system:unauthenticated;
    /// a live grant of cluster-admin to them is one to anyone who reaches the API server.
    /// </summary>
    [Theory]
    [InlineData("Group", "system:unauthenticated", "open-door")]
    [InlineData("User", "system:anonymous", "open-door")]
    [InlineData("Group", "system:unauthenticated", "system:open-door")]
    [InlineData("Group", "system:authenticated", "eks:open-door")]
    public void Cluster_admin_for_anonymous_requests_blocks_the_audit(string kind, string name, string bindingName)
    {
        var binding = new RbacBinding(bindingName, "", "ClusterRole", "cluster-admin", [new RbacSubject(kind, name)], new Dictionary<string, string>());
        var rbac = new ClusterRbac(RbacData.BuiltInClusterRoles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [binding]);

        var report = AccessAudit.Compare(Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP")), new LiveCluster([], null, rbac));

        // A system: or eks: name is no cover: the bootstrap grants these subjects nothing of the kind.
        var finding = Assert.Single(report.Findings, f => f.Subject == $"ClusterRoleBinding {bindingName}");
        Assert.True(finding.ReachesAdmin);
        Assert.Contains(name == "system:authenticated" ? "every authenticated principal" : "with no credentials at all", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(report.Blocking, f => f.Subject == $"ClusterRoleBinding {bindingName}");
    }

    /// <summary>
    /// Kubernetes, "Using RBAC Authorization": a ClusterRole labelled to aggregate into edit has its rules added to edit;
    /// one that lets edit's holders impersonate system:masters makes every group the stack binds to edit cluster admin.
    /// </summary>
    [Fact]
    public void A_built_in_role_the_stack_binds_that_aggregates_an_escalation_blocks_the_audit()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        Assert.Contains(plan.Rbac.ClusterRoleBindings, b => b.ClusterRole == "edit");
        var model = ClusterRbac.OfPlan(plan);
        var roles = new Dictionary<string, IReadOnlyList<PolicyRulePlan>>(model.ClusterRoles, StringComparer.Ordinal)
        {
            ["edit"] = [.. RbacData.BuiltInClusterRoles["edit"], Rule([""], ["users", "groups"], ["impersonate"])],
        };
        var live = new ClusterRbac(roles, model.Roles, model.Bindings);

        var report = AccessAudit.Compare(plan, new LiveCluster([], null, live));

        var finding = Assert.Single(report.Findings, f => f.Subject == "ClusterRole edit");
        Assert.True(finding.ReachesAdmin);
        Assert.Contains("aggregate-to-edit", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// A live access entry's namespace pattern reaches names no one created: its AmazonEKSEditPolicy lets the principal
    /// impersonate system:serviceaccount:team-x:any (impersonation.go authorizes that in team-x, which it never reads), and
    /// a group allowed to impersonate system:masters completes the way to cluster admin, for can and for the audit.
    /// </summary>
    [Theory]
    [InlineData("AmazonEKSEditPolicy", "team-*", true)]
    [InlineData("AmazonEKSAdminPolicy", "team-*", true)]
    [InlineData("AmazonEKSEditPolicy", "team-a", true)]
    [InlineData("AmazonEKSViewPolicy", "team-*", false)]
    // A prefix of 63 characters takes no more: the name it covers is the prefix itself.
    [InlineData("AmazonEKSEditPolicy", "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt*", true)]
    public void A_live_access_policy_scoped_to_a_pattern_supplies_a_service_account_to_impersonate(string policy, string scope, bool admin)
    {
        var rbac = Live("masters-impersonator", [Rule([""], ["groups"], ["impersonate"], [KubernetesNames.SystemMasters])]);
        var association = new PolicyAssociation(policy, new AccessScopePlan("namespace", [scope]));

        Assert.Equal(admin, new Authorizer(rbac).IsClusterAdmin(new AccessSubject(Team, "role", "team", ["team"], [association])));
        Assert.False(IsAdmin(rbac));

        var plan = Stacks.ValidPlanOf(Stacks.Minimal("API"));
        var entries = plan.AccessEntries.Select(e => new LiveAccessEntry(e.PrincipalArn, e.Type, e.Username, e.KubernetesGroups, [.. e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope))], $"access entry {e.Key}"));
        var team = new LiveAccessEntry(Team, "STANDARD", "team", ["team"], [association], "access entry team");
        var report = AccessAudit.Compare(plan, new LiveCluster(null, [.. entries, team], rbac));
        var finding = Assert.Single(report.Findings, f => f.Subject == Team && f.Section == AuditSection.Unmanaged);
        Assert.Equal(admin, finding.Title.StartsWith("cluster admin, ", StringComparison.Ordinal));
        Assert.Equal(admin, report.Blocking.Any(f => f.Subject == Team));
    }

    /// <summary>
    /// impersonation.go: Impersonate-User system:serviceaccount:NS:NAME is authorized as impersonate on serviceaccounts NAME
    /// in NS and runs as that account with its groups (system:serviceaccounts, system:serviceaccounts:NS); any other
    /// name as impersonate on users, with no groups. So impersonating an account or user bound cluster-admin is admin.
    /// </summary>
    [Theory]
    [InlineData("serviceaccounts", "", true, "ServiceAccount", "tools/ci-bot", "cluster-admin", true)]
    [InlineData("serviceaccounts", "ci-bot", true, "ServiceAccount", "tools/ci-bot", "cluster-admin", true)]
    [InlineData("serviceaccounts", "other-bot", true, "ServiceAccount", "tools/ci-bot", "cluster-admin", false)]
    [InlineData("serviceaccounts", "", false, "ServiceAccount", "apps/ci-bot", "cluster-admin", true)]
    [InlineData("serviceaccounts", "", false, "ServiceAccount", "tools/ci-bot", "cluster-admin", false)]
    [InlineData("serviceaccounts", "", true, "ServiceAccount", "tools/ci-bot", "view", false)]
    [InlineData("serviceaccounts", "", true, "Group", "system:serviceaccounts:tools", "cluster-admin", true)]
    [InlineData("serviceaccounts", "", true, "User", "system:serviceaccount:tools:ci-bot", "cluster-admin", true)]
    [InlineData("users", "", true, "User", "ops-admin", "cluster-admin", true)]
    [InlineData("users", "ops-admin", true, "User", "ops-admin", "cluster-admin", true)]
    // A service account's username is impersonated as the account, which impersonate on users does not allow.
    [InlineData("users", "", true, "ServiceAccount", "tools/ci-bot", "cluster-admin", false)]
    [InlineData("serviceaccounts", "", true, "User", "ops-admin", "cluster-admin", false)]
    public void Impersonating_a_service_account_or_user_bound_cluster_admin_is_cluster_admin(string resource, string name, bool clusterWide, string kind, string subject, string role, bool admin)
    {
        var live = Live("impersonator", [Rule([""], [resource], ["impersonate"], name.Length > 0 ? [name] : null)], clusterWide);
        var target = kind == "ServiceAccount"
            ? new RbacSubject(kind, subject.Split('/')[1], subject.Split('/')[0])
            : new RbacSubject(kind, subject);
        var rbac = new ClusterRbac(live.ClusterRoles, live.Roles, [.. live.Bindings, new RbacBinding("ci-bot-admin", "", "ClusterRole", role, [target], new Dictionary<string, string>())]);

        Assert.Equal(admin, IsAdmin(rbac));
        var finding = Assert.Single(Audit(rbac).Findings, f => f.Subject == Team && f.Section == AuditSection.Unmanaged);
        Assert.Equal(admin, finding.ReachesAdmin);
        Assert.Equal(admin, finding.Title.StartsWith("cluster admin, ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every cluster binds its controllers' accounts (bootstrappolicy controller_policy.go: clusterrole-aggregation-controller
    /// may escalate and update clusterroles). Judging their impersonation would make every holder of edit admin on a real
    /// export, and a mapping that only differs in username "gain" admin the model does not grant.
    /// </summary>
    [Fact]
    public void Impersonating_the_clusters_own_controller_accounts_is_told_not_judged()
    {
        var controllerRole = new Dictionary<string, IReadOnlyList<PolicyRulePlan>>(RbacData.BuiltInClusterRoles)
        {
            ["system:controller:clusterrole-aggregation-controller"] = [Rule(["rbac.authorization.k8s.io"], ["clusterroles"], ["escalate", "get", "list", "watch", "update", "patch"])],
        };
        var bootstrap = new Dictionary<string, string> { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var model = ClusterRbac.OfPlan(plan);
        var rbac = new ClusterRbac(controllerRole, model.Roles, [.. model.Bindings, new RbacBinding("system:controller:clusterrole-aggregation-controller", "", "ClusterRole", "system:controller:clusterrole-aggregation-controller", [new RbacSubject("ServiceAccount", "clusterrole-aggregation-controller", "kube-system")], bootstrap)]);
        var deployer = plan.AwsAuth!.MapRoles.Single(r => r.Username == "ci-deployer");
        List<LiveMapping> live = [.. plan.AwsAuth.MapRoles.Select((r, i) => new LiveMapping(PrincipalKind.Role, r.RoleArn ?? "", r == deployer ? "ci-deployer-2" : r.Username, r.Groups, $"data.mapRoles[{i}]"))];

        var report = AccessAudit.Compare(plan, new LiveCluster(live, null, rbac));

        var differs = Assert.Single(report.Findings, f => f.Section == AuditSection.Differs);
        Assert.False(differs.ReachesAdmin, differs.Title);
        Assert.Empty(report.Blocking);

        // A binding's name and labels are anyone's to choose: one named or labelled as the system's still makes an account
        // outside kube-system, or any account cluster-admin, an admin to impersonate.
        // The same account written as a User or a Group subject is the same account (serviceaccount.MakeUsername, MakeGroupNames).
        (string Role, RbacSubject Subject)[] disguises =
        [
            ("cluster-admin", new RbacSubject("ServiceAccount", "ci-bot", "tools")),
            ("cluster-admin", new RbacSubject("ServiceAccount", "ci-bot", "kube-system")),
            ("admin-everything", new RbacSubject("ServiceAccount", "ci-bot", "tools")),
            ("admin-everything", new RbacSubject("User", "system:serviceaccount:tools:ci-bot")),
            ("admin-everything", new RbacSubject("Group", "system:serviceaccounts:tools")),
            ("admin-everything", new RbacSubject("Group", "system:serviceaccounts")),
        ];
        foreach (var (role, subject) in disguises)
        {
            var roles = new Dictionary<string, IReadOnlyList<PolicyRulePlan>>(controllerRole) { ["admin-everything"] = [Rule(["*"], ["*"], ["*"])] };
            var disguised = new ClusterRbac(roles, rbac.Roles, [.. rbac.Bindings, new RbacBinding("system:ci-bot", "", "ClusterRole", role, [subject], bootstrap)]);
            var judged = AccessAudit.Compare(plan, new LiveCluster(live, null, disguised));
            Assert.True(Assert.Single(judged.Findings, f => f.Section == AuditSection.Differs).ReachesAdmin, $"{role} to {subject}");
        }
    }

    /// <summary>AmazonEKSAdminPolicy allows impersonate on serviceaccounts (EKS access policy reference), so cluster-wide it reaches an admin account.</summary>
    [Theory]
    [InlineData("cluster-admin", true)]
    [InlineData("view", false)]
    public void A_live_admin_policy_impersonates_a_service_account_bound_cluster_admin(string role, bool admin)
    {
        var binding = new RbacBinding("ci-bot-admin", "", "ClusterRole", role, [new RbacSubject("ServiceAccount", "ci-bot", "tools")], new Dictionary<string, string>());
        var rbac = new ClusterRbac(RbacData.BuiltInClusterRoles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [binding]);
        var association = new PolicyAssociation("AmazonEKSAdminPolicy", AccessScopePlan.Cluster);
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("API"));
        var entries = plan.AccessEntries.Select(e => new LiveAccessEntry(e.PrincipalArn, e.Type, e.Username, e.KubernetesGroups, [.. e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope))], $"access entry {e.Key}"));
        var team = new LiveAccessEntry(Team, "STANDARD", "team", [], [association], "access entry team");

        var report = AccessAudit.Compare(plan, new LiveCluster(null, [.. entries, team], rbac));

        var finding = Assert.Single(report.Findings, f => f.Subject == Team && f.Section == AuditSection.Unmanaged);
        Assert.Equal(admin, finding.Title.StartsWith("cluster admin, ", StringComparison.Ordinal));
        Assert.Equal(admin, report.Blocking.Any(f => f.Subject == Team));
    }

    [Fact]
    public void The_same_rules_bound_in_one_namespace_are_not_cluster_admin()
    {
        var rbac = Live("impersonator", [Rule([""], ["users", "groups"], ["impersonate"])], clusterWide: false);

        Assert.False(IsAdmin(rbac));
    }
}

/// <summary>Grants that let a subject act as kube-system's service accounts are told in the audit, not judged as admin.</summary>
public class SystemAccountReachTests
{
    private const string Team = "arn:aws:iam::123456789012:role/team";

    [Theory]
    [InlineData("kube-system", "edit", true)]
    [InlineData("", "edit", true)]
    [InlineData("apps", "edit", false)]
    [InlineData("kube-system", "view", false)]
    public void A_binding_that_reaches_kube_system_accounts_says_so(string ns, string role, bool told)
    {
        var binding = new RbacBinding("team-ops", ns, "ClusterRole", role, [new RbacSubject("Group", "team")], new Dictionary<string, string>());
        var rbac = new ClusterRbac(RbacData.BuiltInClusterRoles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [binding]);
        var mapping = new LiveMapping(PrincipalKind.Role, Team, "team", ["team"], "aws-auth data.mapRoles[9]");

        var report = AccessAudit.Compare(Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP")), new LiveCluster([mapping], null, rbac));

        var finding = Assert.Single(report.Findings, f => f.Section == AuditSection.UnmanagedBinding);
        Assert.Equal(told, finding.Detail.Contains("act as the service accounts the cluster's controllers and add-ons run as", StringComparison.Ordinal));
        Assert.False(finding.ReachesAdmin);
    }
}

/// <summary>
/// `check` tells the same reach where the stack grants it: a group's ClusterRole bound cluster-wide or in kube-system,
/// or an access policy whose scope covers kube-system (Kubernetes' RBAC guide on edit: it "can be used to gain the API
/// access levels of any ServiceAccount in the namespace").
/// </summary>
public class SystemAccountReachInCheckTests
{
    private const string Reach = "act as the service accounts the cluster's controllers and add-ons run as";

    [Theory]
    [InlineData("edit", "", true)]
    [InlineData("admin", "[kube-system]", true)]
    [InlineData("admin", "[team-a, kube-system]", true)]
    [InlineData("edit", "[team-a]", false)]
    [InlineData("view", "", false)]
    [InlineData("token-maker", "", true)]
    [InlineData("pod-reader", "", false)]
    // A workload's pod template names a service account as a pod does.
    [InlineData("workload-maker", "", true)]
    [InlineData("workload-patcher", "[kube-system]", true)]
    public void A_group_holding_kube_system_accounts_is_warned(string role, string namespaces, bool warned)
    {
        var scope = namespaces.Length == 0 ? "" : $"\n        namespaces: {namespaces}";
        var stack = Stacks.Minimal(access: """
                clusterRoles:
                  token-maker:
                    rules:
                      - { apiGroups: [""], resources: [serviceaccounts/token], verbs: [create] }
                  pod-reader:
                    rules:
                      - { apiGroups: [""], resources: [pods], verbs: [get, list] }
                  workload-maker:
                    rules:
                      - { apiGroups: [apps], resources: [deployments, daemonsets], verbs: [create, update, patch] }
                  workload-patcher:
                    rules:
                      - { apiGroups: [apps], resources: [deployments, daemonsets], verbs: [get, list, patch] }
            """).Replace("        clusterRole: edit", $"        clusterRole: {role}{scope}", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = evaluation.Warnings.SingleOrDefault(w => w.Message.Contains(Reach, StringComparison.Ordinal));
        Assert.Equal(warned, warning is not null);
        if (warning is not null)
        {
            Assert.Equal("eks-infra:access.groups.deployers.clusterRole", warning.Path);
            Assert.Contains(namespaces.Length == 0 ? "bound cluster-wide" : "bound in kube-system", warning.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("AmazonEKSEditPolicy", "", "eks-infra:access.mapRoles[0].accessPolicies[0].policy")]
    [InlineData("AmazonEKSAdminPolicy", "[kube-system]", "eks-infra:access.mapRoles[0].accessPolicies[0].namespaces")]
    [InlineData("AmazonEKSAdminPolicy", "[team-a, \"kube-*\"]", "eks-infra:access.mapRoles[0].accessPolicies[0].namespaces")]
    [InlineData("AmazonEKSEditPolicy", "[team-a, \"team-*\"]", null)]
    [InlineData("AmazonEKSViewPolicy", "", null)]
    public void An_access_policy_whose_scope_covers_kube_system_is_warned(string policy, string namespaces, string? path)
    {
        var scope = namespaces.Length == 0 ? "" : $", namespaces: {namespaces}";
        var stack = Stacks.Minimal()
            .Replace("        groups: [deployers]\n", $"        groups: [deployers]\n        accessPolicies: [{{ policy: {policy}{scope} }}]\n", StringComparison.Ordinal)
            .Replace("        clusterRole: edit", "        clusterRole: view", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Equal(path, evaluation.Warnings.SingleOrDefault(w => w.Message.Contains(Reach, StringComparison.Ordinal))?.Path);
    }

    [Theory]
    [InlineData("clusterRole: edit", true)]
    [InlineData("clusterRole: edit\n        namespaces: [team-a]", false)]
    [InlineData("clusterRole: view", false)]
    public void Who_marks_a_member_that_can_act_as_kube_system_accounts(string binding, bool marked)
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal().Replace("clusterRole: edit", binding, StringComparison.Ordinal));

        var json = System.Text.Json.Nodes.JsonNode.Parse(Reports.WhoReport.Render(plan, Reports.ReportFormat.Json))!;
        var deployer = json["principals"]!.AsArray().Single(p => p!["username"]!.GetValue<string>() == "ci-deployer")!;
        Assert.Equal(marked, deployer["actsAsSystemAccounts"]!.GetValue<bool>());
        Assert.False(deployer["clusterAdmin"]!.GetValue<bool>());
        Assert.Equal(marked, deployer["grants"]![0]!["description"]!.GetValue<string>().Contains("act as kube-system's service accounts", StringComparison.Ordinal));
        var table = Reports.WhoReport.Render(plan, Reports.ReportFormat.Table);
        Assert.Equal(marked, table.Contains("1 principal can act as kube-system's service accounts", StringComparison.Ordinal));

        // The admin, in system:masters, is admin already: never counted as merely reaching the accounts.
        var admin = json["principals"]!.AsArray().Single(p => p!["username"]!.GetValue<string>() == "eks-admin")!;
        Assert.False(admin["actsAsSystemAccounts"]!.GetValue<bool>());
    }

    [Fact]
    public void Who_marks_an_access_policy_scoped_over_kube_system()
    {
        var stack = Stacks.Minimal()
            .Replace("        groups: [deployers]\n", "        groups: [deployers]\n        accessPolicies: [{ policy: AmazonEKSEditPolicy, namespaces: [\"kube-*\"] }]\n", StringComparison.Ordinal)
            .Replace("        clusterRole: edit", "        clusterRole: view", StringComparison.Ordinal);

        var json = System.Text.Json.Nodes.JsonNode.Parse(Reports.WhoReport.Render(Stacks.ValidPlanOf(stack), Reports.ReportFormat.Json))!;
        var deployer = json["principals"]!.AsArray().Single(p => p!["username"]!.GetValue<string>() == "ci-deployer")!;

        Assert.True(deployer["actsAsSystemAccounts"]!.GetValue<bool>());
        var policy = deployer["grants"]!.AsArray().Single(g => g!["via"]!.GetValue<string>() == "AccessPolicy")!;
        Assert.Contains("act as kube-system's service accounts", policy["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_system_masters_principal_is_not_warned_of_its_policies()
    {
        var stack = Stacks.Minimal()
            .Replace("        groups: [system:masters]\n", "        groups: [system:masters]\n        accessPolicies: [{ policy: AmazonEKSEditPolicy }]\n", StringComparison.Ordinal)
            .Replace("        clusterRole: edit", "        clusterRole: view", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains(Reach, StringComparison.Ordinal));
    }
}

/// <summary>
/// RBAC grants a principal the union of its bindings (rbac.go), so two groups' ClusterRoles can together make their
/// member cluster admin where neither does alone. who, check and the admin test of can and audit judge the set.
/// </summary>
public class CombinedGroupsAdminTests
{
    private static string Stack(string firstRole, string secondRole, string secondNamespaces = "", string adminGroups = "[system:masters]") => Stacks.Minimal(access: $$"""
            clusterRoles:
              creator:
                rules:
                  - {{firstRole}}
              finisher:
                rules:
                  - {{secondRole}}
        """)
        .Replace("        groups: [deployers]\n", "        groups: [deployers, first, second]\n", StringComparison.Ordinal)
        .Replace("        groups: [system:masters]\n", $"        groups: {adminGroups}\n", StringComparison.Ordinal)
        .Replace("      deployers:\n        clusterRole: edit\n", $"      deployers:\n        clusterRole: view\n      first:\n        clusterRole: creator\n      second:\n        clusterRole: finisher\n{secondNamespaces}", StringComparison.Ordinal);

    private const string CreateBindings = "{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create] }";
    private const string BindAdmin = "{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin] }";
    private const string ImpersonateMasters = "{ apiGroups: [\"\"], resources: [groups], verbs: [impersonate], resourceNames: [system:masters] }";
    private const string ImpersonateAccounts = "{ apiGroups: [\"\"], resources: [serviceaccounts], verbs: [impersonate] }";

    private static System.Text.Json.Nodes.JsonNode Deployer(string stack)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Reports.WhoReport.Render(Stacks.ValidPlanOf(stack), Reports.ReportFormat.Json))!;
        return json["principals"]!.AsArray().Single(p => p!["username"]!.GetValue<string>() == "ci-deployer")!;
    }

    [Theory]
    [InlineData(CreateBindings, BindAdmin, "", true)]
    // A service account's impersonation is authorized in its namespace: a RoleBinding there supplies it.
    [InlineData(ImpersonateMasters, ImpersonateAccounts, "        namespaces: [apps]\n", true)]
    [InlineData(CreateBindings, ImpersonateAccounts, "", false)]
    [InlineData(ImpersonateMasters, CreateBindings, "", false)]
    public void Two_groups_that_complete_each_other_make_their_member_admin(string first, string second, string namespaces, bool admin)
    {
        var stack = Stack(first, second, namespaces);
        Assert.Contains("clusterRole: finisher", stack, StringComparison.Ordinal);

        var deployer = Deployer(stack);
        Assert.Equal(admin, deployer["clusterAdmin"]!.GetValue<bool>());
        Assert.Equal(admin, deployer["grants"]!.AsArray().Any(g => g!["via"]!.GetValue<string>() == "CombinedRbac" && g["grant"]!.GetValue<string>() == "first, second"));

        var evaluation = Stacks.EvaluateText(stack);
        var warnings = evaluation.Warnings.Where(w => w.Message.Contains("together let their holders make themselves cluster admin", StringComparison.Ordinal)).ToList();
        Assert.Equal(admin ? 1 : 0, warnings.Count);
        if (admin)
        {
            Assert.Equal("eks-infra:access.mapRoles[0].groups", warnings[0].Path);
            Assert.Contains("group 'first' and group 'second' together", warnings[0].Message, StringComparison.Ordinal);
        }

        var access = ModelAccess.Of(Stacks.ValidPlanOf(stack));
        Assert.Equal(admin, access.Authorizer.IsClusterAdmin(access.Subjects.Single(s => s.Username == "ci-deployer")));
    }

    /// <summary>Escalate with update on a ClusterRole another group binds the principal to cluster-wide: it can add every permission to it.</summary>
    [Fact]
    public void Escalating_a_role_another_group_binds_makes_admin()
    {
        const string Basic = "{ apiGroups: [\"\"], resources: [pods], verbs: [get, list] }";
        const string Escalate = "{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update], resourceNames: [creator] }";

        var stack = Stack(Basic, Escalate);

        var deployer = Deployer(stack);
        Assert.True(deployer["clusterAdmin"]!.GetValue<bool>());
        var access = ModelAccess.Of(Stacks.ValidPlanOf(stack));
        Assert.True(access.Authorizer.IsClusterAdmin(access.Subjects.Single(s => s.Username == "ci-deployer")));
    }

    /// <summary>
    /// EKS's authorizer adds the access entry's policies to RBAC: AmazonEKSEditPolicy holds impersonate on service accounts,
    /// which with a group's impersonation of system:masters makes admin. A pattern scope does too, whatever namespaces the
    /// cluster has: the API server authorizes impersonating system:serviceaccount:NS:NAME in NS without reading NS
    /// (impersonation.go), and EKS "doesn't confirm the spelling or existence of the namespaces".
    /// </summary>
    [Theory]
    [InlineData("[apps]", true)]
    [InlineData("[\"kube-*\"]", true)]
    [InlineData("[\"team-*\"]", true)]
    [InlineData("[\"t*\"]", true)]
    public void A_group_and_an_access_policy_together_make_admin(string namespaces, bool admin)
    {
        var stack = Stacks.Minimal("API", access: $$"""
                clusterRoles:
                  masters-impersonator:
                    rules:
                      - {{ImpersonateMasters}}
            """)
            .Replace("        groups: [deployers]\n", $"        groups: [imp]\n        accessPolicies: [{{ policy: AmazonEKSEditPolicy, namespaces: {namespaces} }}]\n", StringComparison.Ordinal)
            .Replace("      deployers:\n        clusterRole: edit\n", "      imp:\n        clusterRole: masters-impersonator\n", StringComparison.Ordinal);
        Assert.Contains("clusterRole: masters-impersonator", stack, StringComparison.Ordinal);

        var deployer = Deployer(stack);
        Assert.Equal(admin, deployer["clusterAdmin"]!.GetValue<bool>());
        Assert.Equal(admin, deployer["grants"]!.AsArray().Any(g => g!["grant"]!.GetValue<string>() == "imp, access policy AmazonEKSEditPolicy"));
        var access = ModelAccess.Of(Stacks.ValidPlanOf(stack));
        Assert.Equal(admin, access.Authorizer.IsClusterAdmin(access.Subjects.Single(s => s.Username == "ci-deployer")));
        Assert.Equal(admin, Stacks.EvaluateText(stack).Warnings.Any(w => w.Message.Contains("group 'imp' and access policy AmazonEKSEditPolicy together", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A group's create and escalate on ClusterRoles with another's cluster-wide binding to view: a new ClusterRole labelled
    /// rbac.authorization.k8s.io/aggregate-to-view with every permission is gathered into view (Kubernetes, "Aggregated
    /// ClusterRoles"). A RoleBinding to view grants the gathered rules in its namespace only.
    /// </summary>
    [Theory]
    [InlineData("", true)]
    [InlineData("        namespaces: [apps]\n", false)]
    public void Creating_cluster_roles_with_escalate_and_a_cluster_wide_view_binding_make_admin(string viewNamespaces, bool admin)
    {
        const string CreateRoles = "{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [create, escalate] }";
        const string Basic = "{ apiGroups: [\"\"], resources: [pods], verbs: [get, list] }";
        var stack = Stack(CreateRoles, Basic)
            .Replace("      deployers:\n        clusterRole: view\n", $"      deployers:\n        clusterRole: view\n{viewNamespaces}", StringComparison.Ordinal);
        Assert.Contains("clusterRole: creator", stack, StringComparison.Ordinal);

        var deployer = Deployer(stack);
        Assert.Equal(admin, deployer["clusterAdmin"]!.GetValue<bool>());
        Assert.Equal(admin, deployer["grants"]!.AsArray().Any(g => g!["via"]!.GetValue<string>() == "CombinedRbac" && g["grant"]!.GetValue<string>() == "deployers, first"));

        var evaluation = Stacks.EvaluateText(stack);
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = evaluation.Warnings.SingleOrDefault(w => w.Message.Contains("together let their holders make themselves cluster admin", StringComparison.Ordinal));
        Assert.Equal(admin, warning is not null);
        if (warning is not null)
        {
            Assert.Equal("eks-infra:access.mapRoles[0].groups", warning.Path);
            Assert.Contains("group 'deployers' and group 'first' together", warning.Message, StringComparison.Ordinal);
            Assert.Contains("create and escalate on ClusterRoles with a cluster-wide binding to view, edit or admin", warning.Message, StringComparison.Ordinal);
        }

        var access = ModelAccess.Of(Stacks.ValidPlanOf(stack));
        Assert.Equal(admin, access.Authorizer.IsClusterAdmin(access.Subjects.Single(s => s.Username == "ci-deployer")));
    }

    [Fact]
    public void The_combination_counts_as_the_stacks_cluster_admin()
    {
        var stack = Stack(CreateBindings, BindAdmin, adminGroups: "[deployers]");

        var evaluation = Stacks.EvaluateText(stack);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(Stacks.EvaluateText(Stack(CreateBindings, ImpersonateAccounts, adminGroups: "[deployers]")).Errors, e => e.Message.Contains("no principal gets cluster-admin rights", StringComparison.Ordinal));
    }
}
