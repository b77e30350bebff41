using System.Text.Json.Nodes;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// check warns that a ClusterRole with escalate, bind or impersonate lets its groups raise their own access ("count them
/// as cluster admins"); `who` says the same of each member, so a reader of either sees it.
/// </summary>
public class EscalationInWhoTests
{
    private static string WithRole(string verbs, string resourceNames = "") => Stacks.Minimal(access: $$"""
            clusterRoles:
              role-binder:
                rules:
                  - { apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [{{verbs}}]{{resourceNames}} }
        """).Replace("clusterRole: edit", "clusterRole: role-binder", StringComparison.Ordinal);

    private static JsonNode Deployer(string stack)
    {
        var json = JsonNode.Parse(WhoReport.Render(Stacks.ValidPlanOf(stack), ReportFormat.Json))!;
        return json["principals"]!.AsArray().Single(p => p!["username"]!.GetValue<string>() == "ci-deployer")!;
    }

    [Fact]
    public void A_member_of_a_group_whose_cluster_role_can_bind_is_marked_as_raising_its_own_access()
    {
        var stack = WithRole("get, bind");
        var deployer = Deployer(stack);

        Assert.True(deployer["raisesOwnAccess"]!.GetValue<bool>());
        Assert.False(deployer["clusterAdmin"]!.GetValue<bool>());
        Assert.Contains("lets it raise its own access", deployer["grants"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        var table = WhoReport.Render(Stacks.ValidPlanOf(stack), ReportFormat.Table);
        Assert.Contains("1 principal can raise its own access through a ClusterRole with escalate, bind or impersonate: count it as cluster admin.", table, StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespaced_binding_of_such_a_role_is_not_counted_as_cluster_admin()
    {
        var plain = WithRole("get, bind");
        var line = plain.Split('\n').Single(l => l.TrimStart() == "clusterRole: role-binder");
        var stack = plain.Replace(line + "\n", $"{line}\n{line[..line.IndexOf('c', StringComparison.Ordinal)]}namespaces: [team-a]\n", StringComparison.Ordinal);
        Assert.Contains("namespaces: [team-a]", stack, StringComparison.Ordinal);

        Assert.False(Deployer(stack)["raisesOwnAccess"]!.GetValue<bool>());
        Assert.DoesNotContain("count it as cluster admin", WhoReport.Render(Stacks.ValidPlanOf(stack), ReportFormat.Table), StringComparison.Ordinal);
    }

    /// <summary>
    /// Named grants can be enough: bind on cluster-admin with the right to create or update a ClusterRoleBinding
    /// (escalation_check.go BindingAuthorized), or impersonating one named user with the group system:masters. `who`
    /// and `check` count the members as cluster admin, as `can` and the audit do.
    /// </summary>
    [Theory]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin] }", "{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [get, update] }")]
    [InlineData("{ apiGroups: [\"\"], resources: [users], verbs: [impersonate], resourceNames: [nobody] }", "{ apiGroups: [\"\"], resources: [groups], verbs: [impersonate], resourceNames: [system:masters] }")]
    public void Named_grants_that_make_a_member_cluster_admin_count_as_cluster_admin(string first, string second)
    {
        var stack = Stacks.Minimal(access: $$"""
                clusterRoles:
                  role-binder:
                    rules:
                      - {{first}}
                      - {{second}}
            """).Replace("clusterRole: edit", "clusterRole: role-binder", StringComparison.Ordinal);

        Assert.True(Deployer(stack)["clusterAdmin"]!.GetValue<bool>());
        Assert.Contains(Stacks.EvaluateText(stack).Warnings, w => w.Message.Contains("whose rules let its members make themselves cluster admin", StringComparison.Ordinal));
        Assert.DoesNotContain(Stacks.EvaluateText(stack).Warnings, w => w.Message.Contains("allow every verb on every resource", StringComparison.Ordinal));

        // The only admin left: check's "some principal must be cluster admin" holds through it.
        var alone = Stacks.EvaluateText(stack.Replace("        groups: [system:masters]\n", "        groups: [deployers]\n", StringComparison.Ordinal));
        Assert.True(alone.IsValid, Stacks.Describe(alone));
    }

    [Theory]
    [InlineData("get, list", "")]
    [InlineData("bind", ", resourceNames: [view]")]
    public void A_cluster_role_without_an_unrestricted_escalation_is_not_marked(string verbs, string names)
    {
        var stack = WithRole(verbs, names);

        Assert.False(Deployer(stack)["raisesOwnAccess"]!.GetValue<bool>());
        Assert.DoesNotContain("raise", WhoReport.Render(Stacks.ValidPlanOf(stack), ReportFormat.Table), StringComparison.Ordinal);
    }
}
