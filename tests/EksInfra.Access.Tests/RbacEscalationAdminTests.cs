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

    private static ClusterRbac Live(string role, IReadOnlyList<PolicyRulePlan> rules, bool clusterWide = true)
    {
        var roles = new Dictionary<string, IReadOnlyList<PolicyRulePlan>>(RbacData.BuiltInClusterRoles, StringComparer.Ordinal) { [role] = rules };
        var binding = new RbacBinding($"team-{role}", clusterWide ? "" : "apps", "ClusterRole", role, [new RbacSubject("Group", "team")], new Dictionary<string, string>());
        return new ClusterRbac(roles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [binding]);
    }

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
        // impersonation.go: Impersonate-Group needs Impersonate-User, and system:masters bypasses authorization.
        { "impersonator", [Rule([""], ["users", "groups"], ["impersonate"])], true },
        { "group-impersonator", [Rule([""], ["groups"], ["impersonate"])], false },
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
