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

    private static IReadOnlyList<DiffFinding> About(IReadOnlyList<DiffFinding> findings, string subject) =>
        [.. findings.Where(f => f.Subject == subject)];

    [Theory]
    [InlineData("instanceTypes: [m7g.large, m6g.large]", "instanceTypes: [m7g.xlarge, m6g.large]", "instanceTypes: [m7g.large, m6g.large] → [m7g.xlarge, m6g.large]")]
    [InlineData("instanceTypes: [m7g.large, m6g.large]", "instanceTypes: [m6g.large, m7g.large]", "instanceTypes: [m7g.large, m6g.large] → [m6g.large, m7g.large] (the order only)")]
    [InlineData("capacityType: SPOT", "capacityType: ON_DEMAND", "capacityType: SPOT → ON_DEMAND")]
    [InlineData("amiType: AL2023_ARM_64_STANDARD", "amiType: BOTTLEROCKET_ARM_64", "amiType: AL2023_ARM_64_STANDARD → BOTTLEROCKET_ARM_64")]
    [InlineData("diskSize: 40", "diskSize: 60", "diskSize: 40 GiB → 60 GiB")]
    public void A_forcenew_input_of_a_named_group_blocks_since_the_group_is_deleted_first(string from, string to, string change)
    {
        var finding = Assert.Single(About(Stacks.DiffFindings(Full, Stacks.Edit(Full, from, to)), "node group workload-arm"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains(change, finding.Title, StringComparison.Ordinal);
        Assert.Contains("cannot change a node group's", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("deleted before its replacement exists", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("add a node group under a new name", finding.Detail, StringComparison.Ordinal);
        Assert.Empty(About(Stacks.DiffFindings(Full, Full), "node group workload-arm"));
    }

    [Fact]
    public void The_one_group_forms_instance_type_change_is_flagged_since_its_replacement_is_created_first()
    {
        var finding = Assert.Single(About(Stacks.DiffFindings(Dev, Stacks.Edit(Dev, "instanceType: t3.medium", "instanceType: t3.large")), "node group node-group"));

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("instanceType: [t3.medium] → [t3.large]", finding.Title, StringComparison.Ordinal);
        Assert.Contains("created first", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("drained", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_spot_on_a_named_group_created_on_demand_blocks_since_eks_took_on_demand()
    {
        var after = Stacks.Edit(Full, "instanceTypes: [m6i.large]\n", "instanceTypes: [m6i.large]\n        capacityType: SPOT\n");
        var finding = Assert.Single(About(Stacks.DiffFindings(Full, after), "node group system"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("changes its capacityType: unset (EKS's ON_DEMAND) → SPOT", finding.Title, StringComparison.Ordinal);
        Assert.Contains("deleted before its replacement exists", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amiType: AL2023_x86_64_STANDARD", "amiType", "default")]
    [InlineData("diskSize: 50", "diskSize", "20 GiB")]
    public void Setting_an_input_eks_chose_is_flagged_as_a_replacement_unless_it_equals_the_choice(string setting, string input, string chosen)
    {
        var after = Stacks.Edit(Full, "instanceTypes: [m6i.large]\n", $"instanceTypes: [m6i.large]\n        {setting}\n");
        var finding = Assert.Single(About(Stacks.DiffFindings(Full, after), "node group system"));

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains($"sets its {input}: unset", finding.Title, StringComparison.Ordinal);
        Assert.Contains(setting.Split(' ')[1], finding.Title, StringComparison.Ordinal);
        Assert.Contains("replaces the group unless it equals what EKS chose (", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(chosen, finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("capacityType: ON_DEMAND")]
    [InlineData("diskSize: 20")]
    public void Setting_exactly_what_eks_chose_changes_nothing(string setting)
    {
        var after = Stacks.Edit(Full, "instanceTypes: [m6i.large]\n", $"instanceTypes: [m6i.large]\n        {setting}\n");
        Assert.Empty(About(Stacks.DiffFindings(Full, after), "node group system"));
    }

    [Fact]
    public void Leaving_out_an_input_keeps_what_eks_holds()
    {
        // Optional and Computed: left out, nothing is sent and the state keeps the value.
        var after = Stacks.Edit(Stacks.Edit(Full, "        capacityType: SPOT\n", ""), "        diskSize: 40\n", "");
        Assert.Empty(About(Stacks.DiffFindings(Full, after), "node group workload-arm"));
    }

    [Fact]
    public void A_respelled_group_name_blocks_since_the_one_resource_is_replaced_delete_first()
    {
        var findings = Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "- name: workload-spot", "- name: workload_spot"));

        var finding = Assert.Single(findings, f => f.Level == FindingLevel.Error);
        Assert.Equal("node group workload-spot", finding.Subject);
        Assert.Contains("workload-spot → workload_spot", finding.Title, StringComparison.Ordinal);
        Assert.Contains("deleted first", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("not a respelling", finding.Detail, StringComparison.Ordinal);
        // It is not a deleted group and a new one created first.
        Assert.DoesNotContain(findings, f => f.Title.EndsWith(" is deleted", StringComparison.Ordinal) || f.Title.EndsWith(" is added", StringComparison.Ordinal));
    }

    [Fact]
    public void Moving_the_one_group_form_into_node_groups_under_its_own_name_is_a_new_group()
    {
        var after = Stacks.Edit(Dev, "    nodeGroup:\n      instanceType: t3.medium\n", "    nodeGroups:\n      - name: node-group\n        instanceTypes: [t3.medium]\n");
        after = Stacks.Edit(Stacks.Edit(Stacks.Edit(after, "      desiredSize: 3\n", "        desiredSize: 3\n"), "      minSize: 3\n", "        minSize: 3\n"), "      maxSize: 6\n", "        maxSize: 6\n");
        var findings = About(Stacks.DiffFindings(Dev, after), "node group node-group");

        var deleted = Assert.Single(findings, f => f.Level == FindingLevel.Danger);
        Assert.Equal("node group node-group is deleted", deleted.Title);
        Assert.Contains("the new groups are created first", deleted.Detail, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Level == FindingLevel.Changed && f.Title == "node group node-group is added");
        Assert.DoesNotContain(findings, f => f.Level == FindingLevel.Error);
    }

    [Theory]
    [InlineData("selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]", "selectors: [{ namespace: batch-jobs, labels: { tier: etl } }]", "[batch-jobs {tier=batch}] → [batch-jobs {tier=etl}]")]
    [InlineData("selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]", "selectors: [{ namespace: batch-jobs, labels: { tier: batch } }, { namespace: etl }]", "[batch-jobs {tier=batch}] → [batch-jobs {tier=batch}, etl]")]
    [InlineData("selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]", "selectors: [{ namespace: batch-jobs }]", "[batch-jobs {tier=batch}] → [batch-jobs]")]
    public void A_fargate_selector_change_blocks_since_the_profile_is_deleted_with_its_pods(string from, string to, string change)
    {
        var finding = Assert.Single(About(Stacks.DiffFindings(Full, Stacks.Edit(Full, from, to)), "Fargate profile batch"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains($"changes its selectors: {change}", finding.Title, StringComparison.Ordinal);
        Assert.Contains("EKS cannot change a profile's selectors; add a profile with the new selectors under a new name first, then remove this one.", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_respelled_fargate_profile_name_blocks()
    {
        var before = Stacks.Edit(Full, "      - name: batch\n", "      - name: batch-jobs\n        podExecutionRoleName: batch-pods\n");
        var findings = Stacks.DiffFindings(before, Stacks.Edit(before, "- name: batch-jobs\n", "- name: batch_jobs\n"));

        var finding = Assert.Single(findings, f => f.Level == FindingLevel.Error);
        Assert.Equal("Fargate profile batch-jobs", finding.Subject);
        Assert.Contains("batch-jobs → batch_jobs", finding.Title, StringComparison.Ordinal);
        Assert.Contains("deleted first", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, f => f.Title.EndsWith(" is deleted", StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_role_respelled_in_case_replaces_its_groups()
    {
        var after = Stacks.Edit(Stacks.Edit(Full, "nodeRoles: [workload-node-role]", "nodeRoles: [Workload-Node-Role]"), "nodeRole: workload-node-role", "nodeRole: Workload-Node-Role");
        var finding = Assert.Single(About(Stacks.DiffFindings(Full, after), "node group workload-arm"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("workload-node-role → Workload-Node-Role", finding.Title, StringComparison.Ordinal);
        Assert.Contains("change of case only", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pod_execution_role_respelled_in_case_replaces_the_profile()
    {
        var before = Stacks.Edit(Full, "      - name: batch\n", "      - name: batch\n        podExecutionRoleName: batch-pods\n");
        var finding = Assert.Single(About(Stacks.DiffFindings(before, Stacks.Edit(before, "podExecutionRoleName: batch-pods", "podExecutionRoleName: Batch-Pods")), "Fargate profile batch"));

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("batch-pods → Batch-Pods", finding.Title, StringComparison.Ordinal);
        Assert.Contains("change of case only", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stacks_own_node_role_respelled_in_case_is_reported_once_in_aws_auth_modes()
    {
        var findings = Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "nodeRoleName: staging-eks-node-role", "nodeRoleName: Staging-EKS-Node-Role"));

        // The shape guard names it; the node group on it is not reported a second time.
        var finding = Assert.Single(findings, f => f.Level == FindingLevel.Error);
        Assert.Equal("staging-eks-node-role", finding.Subject);
        Assert.Empty(About(findings, "node group system"));

        // In API mode the shape guard is silent, and the node group guard says what happens.
        var api = Stacks.Edit(Staging, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: API");
        var group = Assert.Single(About(Stacks.DiffFindings(api, Stacks.Edit(api, "nodeRoleName: staging-eks-node-role", "nodeRoleName: Staging-EKS-Node-Role")), "node group system"));
        Assert.Equal(FindingLevel.Error, group.Level);
        Assert.Contains("staging-eks-node-role → Staging-EKS-Node-Role", group.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_groups_of_a_cluster_with_public_subnets_only_carry_them_and_a_swap_blocks()
    {
        var groups = ComputeStacks.DefaultNodeGroups[..ComputeStacks.DefaultNodeGroups.IndexOf("    fargateProfiles:", StringComparison.Ordinal)];
        var before = Stacks.Edit(ComputeStacks.Full("API", cluster: groups), "privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]", "publicSubnetIds: [subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60001]");

        // pulumi-eks would put them in the cluster's subnets, these same ones; named in the plan, diff sees them.
        Assert.All(Stacks.ValidPlanOf(before).Cluster.NodeGroups, g => Assert.Equal(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], g.SubnetIds));

        var findings = Stacks.DiffFindings(before, Stacks.Edit(before, "subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60003, subnet-0a1b2c3d4e5f60001"));
        foreach (var group in new[] { "system", "workload-arm" })
        {
            var finding = Assert.Single(About(findings, $"node group {group}"));
            Assert.Equal(FindingLevel.Error, finding.Level);
            Assert.Contains("[subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002] → [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60003]", finding.Title, StringComparison.Ordinal);
            Assert.Contains("eks-infra:cluster.publicSubnetIds", finding.Detail, StringComparison.Ordinal);
        }

        // A reorder is the same set: nothing changes.
        Assert.Empty(About(Stacks.DiffFindings(before, Stacks.Edit(before, "subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002")), "node group system"));
    }
}
