using EksInfra.Access.Migration;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// In API mode EKS reads access entries only. It makes the EC2_LINUX (EC2_WINDOWS) entry of a managed node group's role
/// and the FARGATE_LINUX entry of a Fargate profile's role itself; the stack writes one for each access.nodeRoles role of
/// kind linux or windows. The one node role left without an entry is the stack's own nodeRoleName when no managed node
/// group runs with it (cluster.nodeRoles[] must each be some group's): moving to API takes away its aws-auth mapping,
/// its only way in, so `diff` blocks and `migrate` refuses.
/// </summary>
public class ApiModeNodeJoinTests
{
    private const string KarpenterOnly = """
            nodeRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole", kind: linux }
        """;

    private static string NoGroups(string mode) => ComputeStacks.Full(mode, cluster: "    nodeGroups: []", nodeRoles: KarpenterOnly);

    [Theory]
    [InlineData("API")]
    [InlineData("API_AND_CONFIG_MAP")]
    public void Every_compute_role_but_an_unowned_stack_node_role_has_an_access_entry_in_the_access_entry_modes(string mode)
    {
        // Two node groups on two created roles, a Karpenter, a Windows and a Fargate role: each gets an entry, EKS's or the stack's.
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full(mode));
        Assert.Equal(5, plan.ComputeIdentities.Count);
        Assert.All(plan.ComputeIdentities, c => Assert.True(
            c.EntryCreatedByEks ^ plan.AccessEntries.Any(e => e.PrincipalArn == c.RoleArn && e.Type == c.AccessEntryType),
            $"{c.RoleArn}: EKS's entry {c.EntryCreatedByEks}, the stack's {plan.AccessEntries.Any(e => e.PrincipalArn == c.RoleArn)}"));
        Assert.Empty(ComputePlanner.WithoutAccessEntry(plan));

        // A created node role no group runs with is refused, so only nodeRoleName can be left without one.
        var unowned = Stacks.EvaluateText(Stacks.Edit(ComputeStacks.Full(mode), "        nodeRole: workload-node-role\n", ""));
        Assert.Contains(unowned.Errors, e => e.Path == "eks-infra:cluster.nodeRoles[0]" && e.Message.Contains("no node group runs with the node role", StringComparison.Ordinal));
        var left = Assert.Single(ComputePlanner.WithoutAccessEntry(Stacks.ValidPlanOf(NoGroups(mode))));
        Assert.Equal("eks-infra:cluster.nodeRoleName", left.ConfigPath);
    }

    [Theory]
    [InlineData("API_AND_CONFIG_MAP")]
    [InlineData("CONFIG_MAP")]
    public void Diff_calls_moving_to_api_a_danger_while_the_stacks_node_role_has_no_managed_node_group(string from)
    {
        var findings = Stacks.DiffFindings(NoGroups(from), NoGroups("API"));

        // A danger, not a blocker: on a Fargate-only cluster nothing runs with the role.
        var finding = Assert.Single(findings, f => f.Level == FindingLevel.Danger && f.Subject == "arn:aws:iam::123456789012:role/eks-node-role");
        Assert.Contains("eks-infra:cluster.nodeRoleName", finding.Title, StringComparison.Ordinal);
        Assert.Contains("loses its only way to join", finding.Title, StringComparison.Ordinal);
        Assert.Contains("managed node groups' roles only", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("eks-infra:access.nodeRoles", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("only Fargate profiles run pods", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_lets_the_move_to_api_through_when_every_node_role_keeps_an_entry()
    {
        Assert.DoesNotContain(Stacks.DiffFindings(ComputeStacks.Full("API_AND_CONFIG_MAP"), ComputeStacks.Full("API")), f => f.Level == FindingLevel.Error);
        Assert.DoesNotContain(Stacks.DiffFindings(NoGroups("API"), NoGroups("API")), f => f.Level == FindingLevel.Error);
    }

    [Fact]
    public void Migrate_to_api_warns_that_the_unowned_node_role_can_no_longer_join()
    {
        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", NoGroups("API_AND_CONFIG_MAP"), AuthenticationMode.Api);

        Assert.True(migration.CanWrite, string.Join("\n", migration.Blockers));
        var warning = Assert.Single(migration.NewWarnings, w => w.Path == "eks-infra:cluster.nodeRoleName");
        Assert.False(warning.IsError);
        Assert.Contains("cannot join in API", warning.Message, StringComparison.Ordinal);
        Assert.Contains(migration.Steps, s => s.Contains("access.nodeRoles role of kind linux or windows", StringComparison.Ordinal));

        var fine = ModeMigration.Plan("test", "Pulumi.test.yaml", ComputeStacks.Full("API_AND_CONFIG_MAP"), AuthenticationMode.Api);
        Assert.True(fine.CanWrite, string.Join("\n", fine.Blockers));
    }
}
