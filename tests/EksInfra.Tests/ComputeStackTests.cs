using System.Text;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;
using Pulumi;
using static EksInfra.Tests.Values;

namespace EksInfra.Tests;

/// <summary>The program under mocks with every kind of compute identity: what pulumi-eks and the AWS provider are handed.</summary>
[Collection(PulumiTestGroup.Name)]
public sealed class ComputeStackTests
{
    private const string ClusterType = "eks:index:Cluster";
    private const string NodeGroupType = "eks:index:ManagedNodeGroup";
    private const string FargateProfileType = "aws:eks/fargateProfile:FargateProfile";

    private static string Stack(string mode) => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
            vpcId: vpc-0a1b2c3d4e5f60718
            privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
            nodeRoles: [workload-node-role]
            nodeGroups:
              - name: system
                instanceTypes: [m6i.large]
              - name: workload-arm
                instanceTypes: [m7g.large, m6g.large]
                capacityType: SPOT
                amiType: AL2023_ARM_64_STANDARD
                diskSize: 40
                minSize: 0
                desiredSize: 2
                maxSize: 10
                nodeRole: workload-node-role
                labels: { node.example.com/pool: workload }
                taints: [{ key: node.example.com/spot, value: "true", effect: NoSchedule }]
            fargateProfiles:
              - name: batch
                selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]
          eks-infra:access:
            authenticationMode: {{mode}}
            nodeRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole-my-cluster", kind: linux }
              - { rolearn: "arn:aws:iam::123456789012:role/windows-nodes", kind: windows }
            roles:
              - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }
        """;

    private static Task<StackRun> RunAsync(string mode, Func<string, string>? edit = null)
    {
        var text = (edit ?? (t => t))(Stack(mode));
        var source = StackFileReader.ReadValues("compute", "Pulumi.compute.yaml", Encoding.UTF8.GetBytes(text));
        var raw = source.Values.ToDictionary(v => v.Key, v => (string?)StackFiles.ToPulumiText(v.Value), StringComparer.Ordinal);
        return PulumiHarness.RunAsync("compute", raw);
    }

    [Fact]
    public async Task Node_groups_run_in_the_private_subnets_even_where_the_cluster_also_has_public_ones()
    {
        // Left to pulumi-eks, a node group takes the cluster's public and private subnets alike.
        var run = await RunAsync("API", t => t.Replace(
            "privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]",
            "privateSubnetIds: [subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60001]\n    publicSubnetIds: [subnet-0a1b2c3d4e5f60009, subnet-0a1b2c3d4e5f60008]",
            StringComparison.Ordinal));

        Assert.Equal(["subnet-0a1b2c3d4e5f60008", "subnet-0a1b2c3d4e5f60009"], Strings(run.Inputs("eks:index:Cluster", "my-cluster-eks"), "publicSubnetIds"));
        foreach (var group in run.OfType(NodeGroupType))
        {
            Assert.Equal(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], Strings(group.Inputs, "subnetIds"));
        }

        Assert.Equal(2, run.OfType(NodeGroupType).Count);
    }

    [Fact]
    public async Task Node_groups_without_private_subnets_leave_the_choice_to_pulumi_eks()
    {
        var run = await RunAsync("API", t => t
            .Replace("    vpcId: vpc-0a1b2c3d4e5f60718\n", "", StringComparison.Ordinal)
            .Replace("    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n", "", StringComparison.Ordinal)
            // Fargate needs private subnets of the cluster's own VPC, which a default-VPC cluster does not have.
            .Replace("    fargateProfiles:\n      - name: batch\n        selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]\n", "", StringComparison.Ordinal));

        Assert.All(run.OfType(NodeGroupType), g => Assert.False(g.Inputs.ContainsKey("subnetIds")));
        Assert.Equal(2, run.OfType(NodeGroupType).Count);
    }

    [Theory]
    [InlineData("CONFIG_MAP")]
    [InlineData("API")]
    public async Task Registers_one_node_group_per_entry_with_its_settings_and_role(string mode)
    {
        var run = await RunAsync(mode);
        Assert.Equal(
            ["my-cluster-node-group-system", "my-cluster-node-group-workload-arm"],
            run.OfType(NodeGroupType).Select(r => r.Name).Order(StringComparer.Ordinal));

        var arm = run.Inputs(NodeGroupType, "my-cluster-node-group-workload-arm");
        Assert.Equal("workload-arm", Str(arm["nodeGroupName"]));
        Assert.Equal(["m7g.large", "m6g.large"], Strings(arm, "instanceTypes"));
        Assert.Equal("SPOT", Str(arm["capacityType"]));
        Assert.Equal("AL2023_ARM_64_STANDARD", Str(arm["amiType"]));
        Assert.Equal(40d, Assert.IsType<double>(arm["diskSize"]));
        Assert.Equal("workload", Str(Map(arm["labels"])["node.example.com/pool"]));
        var taint = Map(Assert.Single(List(arm["taints"])));
        Assert.Equal(("node.example.com/spot", "true", "NO_SCHEDULE"), (Str(taint["key"]), Str(taint["value"]), Str(taint["effect"])));
        var role = Assert.IsAssignableFrom<CustomResource>(arm["nodeRole"]);
        Assert.Equal("my-cluster-iam-workload-node-role", role.GetResourceName());

        // Unset settings are not sent, so EKS's defaults apply and an existing group is not replaced.
        var system = run.Inputs(NodeGroupType, "my-cluster-node-group-system");
        Assert.False(system.ContainsKey("capacityType"));
        Assert.False(system.ContainsKey("amiType"));
        Assert.Equal("my-cluster-iam-eks-node-role", Assert.IsAssignableFrom<CustomResource>(system["nodeRole"]).GetResourceName());
    }

    [Fact]
    public async Task Registers_one_fargate_profile_per_entry_with_the_created_pod_execution_role()
    {
        var run = await RunAsync("API");
        var profile = Assert.Single(run.OfType(FargateProfileType));
        Assert.Equal("my-cluster-fargate-batch", profile.Name);
        var inputs = profile.Inputs;
        Assert.Equal("my-cluster", Str(inputs["clusterName"]));
        Assert.Equal("batch", Str(inputs["fargateProfileName"]));
        Assert.Equal("arn:aws:iam::123456789012:role/my-cluster-fargate-batch", Str(inputs["podExecutionRoleArn"]));
        Assert.Equal(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], Strings(inputs, "subnetIds"));
        var selector = Map(Assert.Single(List(inputs["selectors"])));
        Assert.Equal("batch-jobs", Str(selector["namespace"]));
        Assert.Equal("batch", Str(Map(selector["labels"])["tier"]));

        var role = run.Inputs("aws:iam/role:Role", "my-cluster-iam-my-cluster-fargate-batch");
        Assert.Contains("eks-fargate-pods.amazonaws.com", Str(role["assumeRolePolicy"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CONFIG_MAP")]
    [InlineData("API_AND_CONFIG_MAP")]
    public async Task Aws_auth_modes_hand_pulumi_eks_every_node_role(string mode)
    {
        var run = await RunAsync(mode);
        var cluster = run.Inputs(ClusterType, "my-cluster-eks");

        // Created node roles go in as Role resources: pulumi-eks maps each, and checks each group's role is among them.
        var instanceRoles = List(cluster["instanceRoles"]).Select(r => Assert.IsAssignableFrom<CustomResource>(r).GetResourceName()).Order(StringComparer.Ordinal);
        Assert.Equal(["my-cluster-iam-eks-node-role", "my-cluster-iam-workload-node-role"], instanceRoles);

        // Existing node roles and the Fargate role go in as role mappings, path-free, with the groups AWS documents.
        var mappings = List(cluster["roleMappings"]).Select(Map)
            .ToDictionary(m => Str(m["roleArn"]), m => $"{Str(m["username"])} {Joined(Strings(m, "groups"))}");
        Assert.Equal("system:node:{{EC2PrivateDNSName}} system:bootstrappers,system:nodes", mappings["arn:aws:iam::123456789012:role/KarpenterNodeRole-my-cluster"]);
        Assert.Equal("system:node:{{EC2PrivateDNSName}} eks:kube-proxy-windows,system:bootstrappers,system:nodes", mappings["arn:aws:iam::123456789012:role/windows-nodes"]);
        Assert.Equal("system:node:{{SessionName}} system:bootstrappers,system:node-proxier,system:nodes", mappings["arn:aws:iam::123456789012:role/my-cluster-fargate-batch"]);
        Assert.DoesNotContain("arn:aws:iam::123456789012:role/eks-node-role", mappings.Keys);
        Assert.Equal(run.Plan.ComputeIdentities.Count, instanceRoles.Count() + mappings.Keys.Count(k => k != "arn:aws:iam::123456789012:role/eks-admin-role"));
    }

    [Fact]
    public async Task Api_and_config_map_hands_pulumi_eks_a_windows_groups_role_as_a_role_mapping_with_the_windows_groups()
    {
        // pulumi-eks maps an instance role without eks:kube-proxy-windows, and outside CONFIG_MAP does not need a
        // managed node group's role among them (v4.3.0 authenticationMode.ts createInstanceRoleMapping, nodes/nodegroup.ts).
        var run = await RunAsync("API_AND_CONFIG_MAP", t => t
            .Replace("    nodeRoles: [workload-node-role]\n", "    nodeRoles: [workload-node-role, windows-workers]\n", StringComparison.Ordinal)
            .Replace("    fargateProfiles:\n", "      - { name: win, instanceTypes: [m6i.large], amiType: WINDOWS_CORE_2022_x86_64, nodeRole: windows-workers }\n    fargateProfiles:\n", StringComparison.Ordinal));
        var cluster = run.Inputs(ClusterType, "my-cluster-eks");

        var instanceRoles = List(cluster["instanceRoles"]).Select(r => Assert.IsAssignableFrom<CustomResource>(r).GetResourceName()).Order(StringComparer.Ordinal);
        Assert.Equal(["my-cluster-iam-eks-node-role", "my-cluster-iam-workload-node-role"], instanceRoles);

        var windows = Assert.Single(List(cluster["roleMappings"]).Select(Map), m => Str(m["roleArn"]) == "arn:aws:iam::123456789012:role/windows-workers");
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", Str(windows["username"]));
        Assert.Equal(["eks:kube-proxy-windows", "system:bootstrappers", "system:nodes"], Strings(windows, "groups"));

        var group = run.Inputs(NodeGroupType, "my-cluster-node-group-win");
        Assert.Equal("WINDOWS_CORE_2022_x86_64", Str(group["amiType"]));
        Assert.Equal("my-cluster-iam-windows-workers", Assert.IsAssignableFrom<CustomResource>(group["nodeRole"]).GetResourceName());

        // EKS makes the group's access entry; the stack writes none for the role.
        Assert.DoesNotContain("role-windows-workers", MapOrEmpty(cluster, "accessEntries").Keys);
    }

    [Fact]
    public async Task Api_mode_gives_the_node_entries_their_types_and_no_aws_auth_input()
    {
        var run = await RunAsync("API");
        var cluster = run.Inputs(ClusterType, "my-cluster-eks");
        Assert.False(HasItems(cluster, "instanceRoles"));
        Assert.False(HasItems(cluster, "roleMappings"));

        var entries = MapOrEmpty(cluster, "accessEntries");
        var karpenter = Map(entries["role-karpenternoderole-my-cluster"]);
        Assert.Equal(("arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole-my-cluster", "EC2_LINUX"), (Str(karpenter["principalArn"]), Str(karpenter["type"])));
        var windows = Map(entries["role-windows-nodes"]);
        Assert.Equal("EC2_WINDOWS", Str(windows["type"]));
        Assert.False(windows.ContainsKey("username"));
        Assert.False(windows.ContainsKey("kubernetesGroups"));
        Assert.DoesNotContain("role-eks-node-role", entries.Keys);
        Assert.DoesNotContain("role-my-cluster-fargate-batch", entries.Keys);
    }
}
