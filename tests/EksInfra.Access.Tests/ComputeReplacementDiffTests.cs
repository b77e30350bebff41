using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// Node group and Fargate profile edits that `pulumi up` turns into a replacement (terraform-provider-aws ForceNew
/// inputs of aws_eks_node_group and aws_eks_fargate_profile): `diff` blocks the ones that delete first and flags the
/// ones that create the new group first. Groups and profiles are matched as Pulumi keys them, by logical name.
/// </summary>
public class ComputeReplacementDiffTests
{
    private static readonly string Dev = File.ReadAllText(Repo.StackFile("dev"));

    private static readonly string Staging = File.ReadAllText(Repo.StackFile("staging"));

    private static readonly string Full = ComputeStacks.Full("API");

    private static string Edit(string stack, string from, string to)
    {
        Assert.Contains(from, stack, StringComparison.Ordinal);
        return stack.Replace(from, to, StringComparison.Ordinal);
    }

    private static IReadOnlyList<DiffFinding> Diff(string before, string after) =>
        AccessDiff.Compare(Stacks.ValidPlanOf(before), Stacks.ValidPlanOf(after), "main").Findings;

    private static IReadOnlyList<DiffFinding> About(IReadOnlyList<DiffFinding> findings, string subject) =>
        [.. findings.Where(f => f.Subject == subject)];

    [Fact]
    public void A_node_role_respelled_in_case_replaces_its_groups()
    {
        var after = Edit(Edit(Full, "nodeRoles: [workload-node-role]", "nodeRoles: [Workload-Node-Role]"), "nodeRole: workload-node-role", "nodeRole: Workload-Node-Role");
        var finding = Assert.Single(About(Diff(Full, after), "node group workload-arm"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("workload-node-role → Workload-Node-Role", finding.Title, StringComparison.Ordinal);
        Assert.Contains("change of case only", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pod_execution_role_respelled_in_case_replaces_the_profile()
    {
        var before = Edit(Full, "      - name: batch\n", "      - name: batch\n        podExecutionRoleName: batch-pods\n");
        var finding = Assert.Single(About(Diff(before, Edit(before, "podExecutionRoleName: batch-pods", "podExecutionRoleName: Batch-Pods")), "Fargate profile batch"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("batch-pods → Batch-Pods", finding.Title, StringComparison.Ordinal);
        Assert.Contains("change of case only", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stacks_own_node_role_respelled_in_case_is_reported_once_in_aws_auth_modes()
    {
        var findings = Diff(Staging, Edit(Staging, "nodeRoleName: staging-eks-node-role", "nodeRoleName: Staging-EKS-Node-Role"));

        // The shape guard names it; the node group on it is not reported a second time.
        var finding = Assert.Single(findings, f => f.Level == FindingLevel.Error);
        Assert.Equal("staging-eks-node-role", finding.Subject);
        Assert.Empty(About(findings, "node group system"));

        // In API mode the shape guard is silent, and the node group guard says what happens.
        var api = Edit(Staging, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: API");
        var group = Assert.Single(About(Diff(api, Edit(api, "nodeRoleName: staging-eks-node-role", "nodeRoleName: Staging-EKS-Node-Role")), "node group system"));
        Assert.Equal(FindingLevel.Error, group.Level);
        Assert.Contains("staging-eks-node-role → Staging-EKS-Node-Role", group.Title, StringComparison.Ordinal);
    }
}
