using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// A compute role that moves between existing (<c>access.nodeRoles</c>, made outside the stack) and created (a node
/// role or a Fargate profile's pod execution role the stack makes): IAM refuses to create a name that exists, and a
/// role the stack stops creating is deleted while the new config still maps its ARN, so `diff` blocks both ways.
/// </summary>
public class ComputeOwnershipDiffTests
{
    private static readonly string Full = ComputeStacks.Full("API");

    private const string FargateArn = "arn:aws:iam::123456789012:role/my-cluster-fargate-batch";

    private const string Profile = "    fargateProfiles:\n      - name: batch\n        selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]\n";

    /// <summary>Full without its Fargate profile, the profile's role listed as an existing one of kind fargate.</summary>
    private static readonly string FargateExisting = Stacks.Edit(
        Stacks.Edit(Full, Profile, ""),
        "      - { rolearn: \"" + ComputeStacks.WindowsArn + "\", kind: windows }\n",
        "      - { rolearn: \"" + ComputeStacks.WindowsArn + "\", kind: windows }\n      - { rolearn: \"" + FargateArn + "\", kind: fargate }\n");

    /// <summary>Full without the node group on workload-node-role, the role listed as an existing Linux role (Karpenter's, say).</summary>
    private static readonly string LinuxExisting = Stacks.Edit(
        Stacks.Edit(Stacks.Edit(Full, "    nodeRoles: [workload-node-role]\n", ""), ComputeStacks.DefaultNodeGroups[ComputeStacks.DefaultNodeGroups.IndexOf("      - name: workload-arm", StringComparison.Ordinal)..ComputeStacks.DefaultNodeGroups.IndexOf("    fargateProfiles:", StringComparison.Ordinal)], ""),
        "      - { rolearn: \"" + ComputeStacks.WindowsArn + "\", kind: windows }\n",
        "      - { rolearn: \"" + ComputeStacks.WindowsArn + "\", kind: windows }\n      - { rolearn: \"arn:aws:iam::123456789012:role/workload-node-role\", kind: linux }\n");

    private static DiffFinding Blocker(IReadOnlyList<DiffFinding> findings, string arn) =>
        Assert.Single(findings, f => f.Level == FindingLevel.Error && f.Subject == arn && f.Title.Contains("created by the stack", StringComparison.Ordinal));

    [Fact]
    public void An_existing_fargate_role_now_created_by_a_profile_blocks_since_iam_refuses_the_name()
    {
        var finding = Blocker(Stacks.DiffFindings(FargateExisting, Full), FargateArn);

        Assert.Contains("was an existing role (eks-infra:access.nodeRoles[2]) and is now created by the stack (eks-infra:cluster.fargateProfiles[0])", finding.Title, StringComparison.Ordinal);
        Assert.Contains("EntityAlreadyExists", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("pulumi import", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_linux_role_now_created_for_a_node_group_blocks()
    {
        var finding = Blocker(Stacks.DiffFindings(LinuxExisting, Full), "arn:aws:iam::123456789012:role/workload-node-role");

        Assert.Contains("eks-infra:access.nodeRoles[2]", finding.Title, StringComparison.Ordinal);
        Assert.Contains("eks-infra:cluster.nodeRoles[0]", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_created_fargate_role_now_listed_as_existing_blocks_since_the_stack_deletes_it()
    {
        var finding = Assert.Single(Stacks.DiffFindings(Full, FargateExisting), f => f.Level == FindingLevel.Error && f.Subject == FargateArn);

        Assert.Contains("was created by the stack (eks-infra:cluster.fargateProfiles[0]) and is now listed as an existing role (eks-infra:access.nodeRoles[2])", finding.Title, StringComparison.Ordinal);
        Assert.Contains("deletes the role", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("two steps", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_created_node_role_now_listed_as_existing_blocks()
    {
        var finding = Assert.Single(Stacks.DiffFindings(Full, LinuxExisting), f => f.Level == FindingLevel.Error && f.Subject == "arn:aws:iam::123456789012:role/workload-node-role" && f.Title.Contains("existing role", StringComparison.Ordinal));

        Assert.Contains("deletes the role", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compute_role_that_stays_where_it_is_does_not_block()
    {
        Assert.DoesNotContain(Stacks.DiffFindings(Full, Full), f => f.Level == FindingLevel.Error);
        Assert.DoesNotContain(Stacks.DiffFindings(FargateExisting, FargateExisting), f => f.Level == FindingLevel.Error);
    }
}
