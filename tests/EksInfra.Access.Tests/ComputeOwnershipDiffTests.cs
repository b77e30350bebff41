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
        // The program declares the role as a child of the {cluster}-iam component, so an import must name that parent.
        Assert.Contains("pulumi import aws:iam/role:Role my-cluster-iam-my-cluster-fargate-batch my-cluster-fargate-batch --parent 'iam=URN'", finding.Detail, StringComparison.Ordinal);
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
        Assert.Contains("give the profile that role under another name instead", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("two steps", finding.Detail, StringComparison.Ordinal);
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

    /// <summary>Full without its Fargate profile, the profile's role name mapped for a person under mapRoles.</summary>
    private static readonly string FargateRoleMappedForPeople = Stacks.Edit(
        ComputeStacks.Full("API", mapRoles: "      - { rolearn: \"" + FargateArn + "\", username: batch-operator, groups: [deployers] }\n"), Profile, "");

    /// <summary>Full without its Fargate profile, an access role of roles[] under the profile role's name.</summary>
    private static readonly string FargateRoleCreatedForPeople = Stacks.Edit(
        Stacks.Edit(Full, Profile, ""),
        "      - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }\n",
        "      - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }\n      - { name: my-cluster-fargate-batch, username: batch-operator, groups: [deployers] }\n");

    [Fact]
    public void A_mapped_roles_name_taken_for_a_created_compute_role_blocks()
    {
        Assert.True(Stacks.EvaluateText(FargateRoleMappedForPeople).Plan is not null, Stacks.Describe(Stacks.EvaluateText(FargateRoleMappedForPeople)));

        var finding = Assert.Single(Stacks.DiffFindings(FargateRoleMappedForPeople, Full), f => f.Level == FindingLevel.Error && f.Subject == FargateArn);

        Assert.Contains("was mapped as an existing role or user", finding.Title, StringComparison.Ordinal);
        Assert.Contains("eks-infra:cluster.fargateProfiles[0]", finding.Title, StringComparison.Ordinal);
        Assert.Contains("EntityAlreadyExists", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_created_compute_role_left_mapped_as_an_existing_role_blocks()
    {
        var finding = Assert.Single(Stacks.DiffFindings(Full, FargateRoleMappedForPeople), f => f.Level == FindingLevel.Error && f.Subject == FargateArn);

        Assert.Contains("created by the stack for the", finding.Title, StringComparison.Ordinal);
        Assert.Contains("the mapping points at a deleted role", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>An access role and a created compute role of one name are one Pulumi resource (one logical name), updated in place.</summary>
    [Fact]
    public void An_access_role_and_a_created_compute_role_trading_a_name_is_no_blocker()
    {
        Assert.Equal(
            Stacks.ValidPlanOf(FargateRoleCreatedForPeople).Roles.Single(r => r.Name == "my-cluster-fargate-batch").LogicalName,
            Stacks.ValidPlanOf(Full).Roles.Single(r => r.Name == "my-cluster-fargate-batch").LogicalName);

        var toCompute = Stacks.DiffFindings(FargateRoleCreatedForPeople, Full);
        Assert.DoesNotContain(toCompute, f => f.Level == FindingLevel.Error && f.Subject == FargateArn);
        // Its trust policy changes hands: whoever assumed the access role loses it.
        var danger = Assert.Single(toCompute, f => f.Level == FindingLevel.Danger && f.Subject == FargateArn);
        Assert.Contains("stops being an access role of roles[] and becomes the Fargate pod execution role", danger.Title, StringComparison.Ordinal);
        Assert.Contains("everyone who assumes it today loses it", danger.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(Full, FargateRoleCreatedForPeople), f => f.Level == FindingLevel.Error && f.Subject == FargateArn);
    }
}
