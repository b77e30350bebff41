using System.Text;
using EksInfra.Access.Import;
using EksInfra.Access.Migration;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>A stack with every kind of compute identity, for the compute tests of this and the other suites.</summary>
public static class ComputeStacks
{
    public const string Account = "123456789012";
    public const string KarpenterArn = "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole-my-cluster";
    public const string WindowsArn = "arn:aws:iam::123456789012:role/windows-nodes";

    public const string DefaultNodeGroups = """
            nodeRoles: [workload-node-role]
            nodeGroups:
              - name: system
                instanceTypes: [m6i.large]
                desiredSize: 2
                minSize: 1
                maxSize: 3
              - name: workload-arm
                instanceTypes: [m7g.large, m6g.large]
                capacityType: SPOT
                amiType: AL2023_ARM_64_STANDARD
                diskSize: 40
                desiredSize: 2
                minSize: 0
                maxSize: 10
                nodeRole: workload-node-role
                labels: { node.example.com/pool: workload }
                taints: [{ key: node.example.com/spot, value: "true", effect: NoSchedule }]
            fargateProfiles:
              - name: batch
                selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]
        """;

    public const string DefaultNodeRoles = $$"""
            nodeRoles:
              - { rolearn: "{{KarpenterArn}}", kind: linux }
              - { rolearn: "{{WindowsArn}}", kind: windows }
        """;

    /// <summary>Two node groups on two roles, a Karpenter role, a Windows role and a Fargate profile, beside people.</summary>
    public static string Full(string mode, string cluster = DefaultNodeGroups, string nodeRoles = DefaultNodeRoles, string mapRoles = "") => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
            vpcId: vpc-0a1b2c3d4e5f60718
            privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
        {{cluster}}
          eks-infra:access:
            authenticationMode: {{mode}}
        {{nodeRoles}}
            roles:
              - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }
            mapRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/ci/deployer", username: ci-deployer, groups: [deployers] }
        {{mapRoles}}
            mapUsers:
              - { userarn: "arn:aws:iam::123456789012:user/alice", username: alice, groups: [deployers] }
            groups:
              deployers: { clusterRole: edit }
        """;
}

/// <summary>Every compute identity mapped exactly once, in the form each mode needs, through render and re-parse.</summary>
public class ComputeRenderTests
{
    private static readonly string[] NodeGroups = ["system:bootstrappers", "system:nodes"];

    [Theory]
    [InlineData("CONFIG_MAP")]
    [InlineData("API_AND_CONFIG_MAP")]
    public void Aws_auth_reads_back_as_exactly_the_compute_identities_plus_the_people(string mode)
    {
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full(mode));
        var awsAuth = Reparse.AwsAuth(Stacks.Render(plan)[StackRenderer.AwsAuthFile]);

        var expected = new[]
        {
            new Mapping("arn:aws:iam::123456789012:role/eks-node-role", "system:node:{{EC2PrivateDNSName}}", NodeGroups),
            new Mapping("arn:aws:iam::123456789012:role/workload-node-role", "system:node:{{EC2PrivateDNSName}}", NodeGroups),
            // aws-auth takes the role without its IAM path: the authenticator matches the path-free assumed-role ARN.
            new Mapping("arn:aws:iam::123456789012:role/KarpenterNodeRole-my-cluster", "system:node:{{EC2PrivateDNSName}}", NodeGroups),
            new Mapping(ComputeStacks.WindowsArn, "system:node:{{EC2PrivateDNSName}}", ["eks:kube-proxy-windows", "system:bootstrappers", "system:nodes"]),
            new Mapping("arn:aws:iam::123456789012:role/my-cluster-fargate-batch", "system:node:{{SessionName}}", ["system:bootstrappers", "system:node-proxier", "system:nodes"]),
            new Mapping("arn:aws:iam::123456789012:role/eks-admin-role", "eks-admin", ["system:masters"]),
            new Mapping("arn:aws:iam::123456789012:role/deployer", "ci-deployer", ["deployers"]),
        };
        Assert.Equal(expected.Select(m => m.Key).Order(StringComparer.Ordinal), awsAuth.Roles.Select(m => m.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["arn:aws:iam::123456789012:user/alice alice [deployers]"], awsAuth.Users.Select(m => m.Key));
    }

    [Theory]
    [InlineData("API")]
    [InlineData("API_AND_CONFIG_MAP")]
    public void Access_entries_carry_the_node_types_with_no_username_or_groups_and_none_where_eks_creates_them(string mode)
    {
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full(mode));
        var entries = Reparse.Json(Stacks.Render(plan)[StackRenderer.AccessEntriesFile]).GetProperty("accessEntries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("principalArn").GetString()!);

        // The access entry keeps the IAM path.
        var karpenter = entries[ComputeStacks.KarpenterArn];
        Assert.Equal("EC2_LINUX", karpenter.GetProperty("type").GetString());
        var windows = entries[ComputeStacks.WindowsArn];
        Assert.Equal("EC2_WINDOWS", windows.GetProperty("type").GetString());
        foreach (var entry in new[] { karpenter, windows })
        {
            Assert.False(entry.TryGetProperty("username", out _));
            Assert.False(entry.TryGetProperty("kubernetesGroups", out _));
            Assert.Empty(entry.GetProperty("associatedAccessPolicies").EnumerateArray());
        }

        // EKS creates the entries of managed node group roles and of Fargate profiles' pod execution roles itself.
        Assert.DoesNotContain("arn:aws:iam::123456789012:role/eks-node-role", entries.Keys);
        Assert.DoesNotContain("arn:aws:iam::123456789012:role/workload-node-role", entries.Keys);
        Assert.DoesNotContain("arn:aws:iam::123456789012:role/my-cluster-fargate-batch", entries.Keys);
        Assert.Equal(5, entries.Count);
        Assert.All(entries.Values.Where(e => e.GetProperty("type").GetString() == "STANDARD"), e => Assert.NotEmpty(e.GetProperty("username").GetString()!));
    }

    [Fact]
    public void An_existing_fargate_role_gets_no_access_entry_from_the_stack_since_eks_makes_it()
    {
        const string fargate = """
                nodeRoles:
                  - { rolearn: "arn:aws:iam::123456789012:role/AmazonEKSFargatePodExecutionRole", kind: fargate }
            """;
        foreach (var mode in new[] { "API", "API_AND_CONFIG_MAP" })
        {
            var plan = Stacks.ValidPlanOf(ComputeStacks.Full(mode, nodeRoles: fargate));
            var entries = Reparse.Json(Stacks.Render(plan)[StackRenderer.AccessEntriesFile]).GetProperty("accessEntries").EnumerateArray()
                .Select(e => e.GetProperty("principalArn").GetString()!).ToList();
            Assert.Contains("arn:aws:iam::123456789012:user/alice", entries);
            Assert.DoesNotContain(entries, arn => arn.EndsWith("/AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal));
            Assert.Single(plan.ComputeIdentities, c => c.RoleArn.EndsWith("/AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal) && c.EntryCreatedByEks);
        }

        var both = Stacks.ValidPlanOf(ComputeStacks.Full("API_AND_CONFIG_MAP", nodeRoles: fargate));
        var mapping = Assert.Single(Reparse.AwsAuth(Stacks.Render(both)[StackRenderer.AwsAuthFile]).Roles, m => m.Arn.EndsWith("/AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal));
        Assert.Contains("system:node-proxier", mapping.Groups);
    }

    [Fact]
    public void The_fargate_role_trusts_fargate_pods_for_this_clusters_profiles_only()
    {
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full("API"));
        var file = Reparse.Json(Stacks.Render(plan)["iam/my-cluster-fargate-batch.json"]);
        var statement = file.GetProperty("assumeRolePolicy").GetProperty("Statement")[0];
        Assert.Equal("eks-fargate-pods.amazonaws.com", statement.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("arn:aws:eks:us-west-2:123456789012:fargateprofile/my-cluster/*", statement.GetProperty("Condition").GetProperty("ArnLike").GetProperty("aws:SourceArn").GetString());
        Assert.Equal(["arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"], file.GetProperty("managedPolicyArns").EnumerateArray().Select(p => p.GetString()));

        var workload = Reparse.Json(Stacks.Render(plan)["iam/workload-node-role.json"]);
        Assert.Equal("ec2.amazonaws.com", workload.GetProperty("assumeRolePolicy").GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal(3, workload.GetProperty("managedPolicyArns").GetArrayLength());
    }

    [Fact]
    public void The_plan_carries_each_node_group_and_profile_with_eks_api_names()
    {
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full("API"));
        Assert.Equal(["system", "workload-arm"], plan.Cluster.NodeGroups.Select(g => g.Name));
        var arm = plan.Cluster.NodeGroups[1];
        Assert.Equal(("workload-arm", "SPOT", "AL2023_ARM_64_STANDARD", 40, "workload-node-role"), (arm.NodeGroupName, arm.CapacityType, arm.AmiType, arm.DiskSize, arm.NodeRoleName));
        Assert.Equal(new TaintPlan("node.example.com/spot", "true", "NO_SCHEDULE"), Assert.Single(arm.Taints));
        Assert.Null(plan.Cluster.NodeGroups[0].CapacityType);
        var profile = Assert.Single(plan.Cluster.FargateProfiles);
        Assert.Equal(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], profile.SubnetIds);
    }

    [Fact]
    public void The_one_group_shorthand_keeps_its_resource_name_and_eks_generated_name()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var group = Assert.Single(plan.Cluster.NodeGroups);
        Assert.Equal(("my-cluster-node-group", null, "eks-node-role"), (group.LogicalName, group.NodeGroupName, group.NodeRoleName));
        Assert.Equal(["t3.medium"], group.InstanceTypes);
    }

    [Fact]
    public void Who_lists_every_compute_identity_with_its_kind()
    {
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full("API_AND_CONFIG_MAP"));
        var who = Reparse.Json(WhoReport.Render(plan, ReportFormat.Json)).GetProperty("principals").EnumerateArray()
            .ToDictionary(p => p.GetProperty("principal").GetString()!, p => p.GetProperty("kind").GetString()!);
        Assert.Equal("node group role (system)", who["arn:aws:iam::123456789012:role/eks-node-role"]);
        Assert.Equal("node group role (workload-arm)", who["arn:aws:iam::123456789012:role/workload-node-role"]);
        Assert.Equal("Karpenter/self-managed node role (linux)", who[ComputeStacks.KarpenterArn]);
        Assert.Equal("Karpenter/self-managed node role (windows)", who[ComputeStacks.WindowsArn]);
        Assert.Equal("Fargate pod execution role (batch)", who["arn:aws:iam::123456789012:role/my-cluster-fargate-batch"]);
        Assert.Contains("eks:kube-proxy-windows", WhoReport.Render(plan, ReportFormat.Table), StringComparison.Ordinal);
    }

    [Fact]
    public void A_windows_node_groups_role_is_mapped_once_with_the_windows_groups_beside_the_instance_roles_in_api_and_config_map()
    {
        // AWS, "Deploy Windows nodes on EKS clusters": the Windows node's role is mapped in aws-auth with
        // eks:kube-proxy-windows; pulumi-eks maps an instance role with system:bootstrappers and system:nodes only.
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full("API_AND_CONFIG_MAP", nodeRoles: "", cluster: """
                nodeRoles: [windows-workers]
                nodeGroups:
                  - { name: linux, instanceTypes: [m6i.large] }
                  - { name: win, instanceTypes: [m6i.large], amiType: WINDOWS_CORE_2022_x86_64, nodeRole: windows-workers }
            """));
        const string windowsRole = "arn:aws:iam::123456789012:role/windows-workers";
        string[] windowsGroups = ["eks:kube-proxy-windows", "system:bootstrappers", "system:nodes"];

        var rendered = Reparse.AwsAuth(Stacks.Render(plan)[StackRenderer.AwsAuthFile]);
        Assert.Equal(new Mapping(windowsRole, "system:node:{{EC2PrivateDNSName}}", windowsGroups).Key, Assert.Single(rendered.Roles, r => r.Arn == windowsRole).Key);

        // What pulumi up writes: the role once, among the role mappings, before pulumi-eks's instance roles.
        var written = ((YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Yaml(PulumiEksAwsAuth.MapRoles(plan.AwsAuth!)).Documents[0].RootNode).Children
            .Select(r => new Mapping(Reparse.Str(r, "rolearn"), Reparse.Str(r, "username"), Reparse.Strings(Reparse.Get(r, "groups")))).ToList();
        var windows = Assert.Single(written, m => m.Arn == windowsRole);
        Assert.Equal(windowsGroups, windows.Groups);
        Assert.True(written.IndexOf(windows) < written.FindIndex(m => m.Arn == "arn:aws:iam::123456789012:role/eks-node-role"));
        Assert.False(plan.AwsAuth!.IsInstanceRole("windows-workers"));
        Assert.True(plan.AwsAuth.IsInstanceRole("eks-node-role"));

        // EKS makes the group's access entry: one from the stack would be a second entry for the role (HTTP 409).
        Assert.DoesNotContain(plan.AccessEntries, e => e.PrincipalArn == windowsRole);
    }

    [Fact]
    public void Who_gives_a_windows_node_groups_role_the_windows_groups_eks_gives_its_entry()
    {
        // EKS makes a Windows managed node group's entry EC2_WINDOWS, which adds eks:kube-proxy-windows (User Guide, "Create access entries").
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full("API", nodeRoles: "", cluster: """
                nodeRoles: [windows-workers]
                nodeGroups:
                  - { name: linux, instanceTypes: [m6i.large] }
                  - { name: win, instanceTypes: [m6i.large], amiType: WINDOWS_CORE_2022_x86_64, nodeRole: windows-workers }
            """));

        var who = Reparse.Json(WhoReport.Render(plan, ReportFormat.Json)).GetProperty("principals").EnumerateArray()
            .ToDictionary(p => p.GetProperty("principal").GetString()!);
        var windows = who["arn:aws:iam::123456789012:role/windows-workers"];
        Assert.Equal("node group role (win; windows)", windows.GetProperty("kind").GetString());
        Assert.Equal(["eks:kube-proxy-windows", "system:bootstrappers", "system:nodes"], windows.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        var linux = who["arn:aws:iam::123456789012:role/eks-node-role"];
        Assert.Equal(["system:bootstrappers", "system:nodes"], linux.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("EC2_WINDOWS", Assert.Single(plan.ComputeIdentities, c => c.CreatedRoleName == "windows-workers").AccessEntryType);
    }
}

/// <summary>Each compute validation rule, just inside and just outside.</summary>
public class ComputeValidationTests
{
    // EKS User Guide, "EKS AL2 and AL2-Accelerated AMIs transition features guide": "Amazon EKS stopped publishing
    // EKS-optimized Amazon Linux 2 (AL2) AMIs on November 26, 2025"; the AMIs published before still launch.
    [Theory]
    [InlineData("AL2_x86_64", "m6i.large", 2025, 11, 25, false)]
    [InlineData("AL2_x86_64", "m6i.large", 2025, 11, 26, true)]
    [InlineData("AL2_ARM_64", "m7g.large", 2026, 12, 1, true)]
    [InlineData("AL2_x86_64_GPU", "g5.xlarge", 2026, 12, 1, true)]
    [InlineData("AL2023_x86_64_STANDARD", "m6i.large", 2026, 12, 1, false)]
    public void An_al2_node_group_is_warned_once_eks_stopped_publishing_al2_amis(string amiType, string instanceType, int year, int month, int day, bool warned)
    {
        var yaml = ComputeStacks.Full("API", $$"""
                nodeGroups:
                  - name: system
                    instanceTypes: [{{instanceType}}]
                    amiType: {{amiType}}
                    desiredSize: 2
                    minSize: 1
                    maxSize: 3
            """).Replace("    name: my-cluster\n", "    name: my-cluster\n    version: \"1.32\"\n", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(yaml, new DateOnly(year, month, day));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Equal(warned, evaluation.Warnings.Any(w => w.Path == "eks-infra:cluster.nodeGroups[0].amiType" && w.Message.Contains("stopped publishing", StringComparison.Ordinal)));
    }

    // EKS User Guide, "Create access entries": "Access entries do not support service linked roles ... in the format
    // arn:aws:iam::*:role/aws-service-role/*"; the stack writes an EC2_LINUX or EC2_WINDOWS entry for each node role.
    [Theory]
    [InlineData("API", true)]
    [InlineData("API_AND_CONFIG_MAP", true)]
    [InlineData("CONFIG_MAP", false)]
    public void A_service_linked_node_role_is_refused_where_the_stack_writes_it_an_access_entry(string mode, bool error)
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full(mode, nodeRoles: """
                nodeRoles:
                  - { rolearn: "arn:aws:iam::123456789012:role/aws-service-role/karpenter.amazonaws.com/KarpenterNode", kind: linux }
            """));

        var found = (error ? evaluation.Errors : evaluation.Warnings).Where(d => d.Path == "eks-infra:access.nodeRoles[0].rolearn").ToList();
        Assert.True(found.Count == 1, Stacks.Describe(evaluation));
        Assert.Contains("service-linked role", found[0].Message, StringComparison.Ordinal);
        Assert.Equal(!error, evaluation.IsValid);
    }

    private static string Group(string body, string extraRoles = "") => $$"""
        {{extraRoles}}
            nodeGroups:
              - name: g1
        {{body}}
        """;

    private static StackEvaluation WithGroup(string body, string mode = "API_AND_CONFIG_MAP", string extraRoles = "") =>
        Stacks.EvaluateText(ComputeStacks.Full(mode, cluster: Group(body, extraRoles), nodeRoles: ""));

    private static void Invalid(StackEvaluation evaluation, string path, string gist) =>
        Assert.Contains(evaluation.Errors, e => e.Path == path && e.Message.Contains(gist, StringComparison.Ordinal));

    private static void Valid(StackEvaluation evaluation) => Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));

    /// <summary>Valid when <paramref name="gist"/> is null; otherwise an error under <paramref name="pathPrefix"/> that says it.</summary>
    private static void Outcome(StackEvaluation evaluation, string pathPrefix, string? gist)
    {
        if (gist is null)
        {
            Valid(evaluation);
        }
        else
        {
            Assert.Contains(evaluation.Errors, e => e.Path.StartsWith(pathPrefix, StringComparison.Ordinal) && e.Message.Contains(gist, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Node_group_names_follow_eks_rules()
    {
        Valid(WithGroup("        instanceTypes: [m6i.large]"));
        var name63 = "a" + new string('b', 62);
        Valid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: $"    nodeGroups: [{{ name: {name63} }}]", nodeRoles: "")));
        Invalid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: $"    nodeGroups: [{{ name: {name63}c }}]", nodeRoles: "")), "eks-infra:cluster.nodeGroups[0].name", "is not a valid node group name");
        Invalid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: "    nodeGroups: [{ name: -system }]", nodeRoles: "")), "eks-infra:cluster.nodeGroups[0].name", "is not a valid node group name");
    }

    [Fact]
    public void Two_node_groups_of_one_name_are_refused()
    {
        Valid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: "    nodeGroups: [{ name: a }, { name: b }]", nodeRoles: "")));
        Invalid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: "    nodeGroups: [{ name: a }, { name: a }]", nodeRoles: "")), "eks-infra:cluster.nodeGroups[1].name", "two node groups are named 'a'");
        Invalid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: "    nodeGroups: [{ name: my_pool }, { name: my-pool }]", nodeRoles: "")), "eks-infra:cluster.nodeGroups[1].name", "would both be the Pulumi resource");
    }

    [Fact]
    public void The_shorthand_and_the_list_are_not_both_set()
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full("API", cluster: "    nodeGroup: { instanceType: t3.medium }\n    nodeGroups: [{ name: a }]", nodeRoles: ""));
        Invalid(evaluation, "eks-infra:cluster.nodeGroup", "set either nodeGroup");
        Assert.Contains(evaluation.Errors, e => e.Message.Contains("name: system, instanceTypes:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("minSize: 0, desiredSize: 0, maxSize: 1", null, null)]
    [InlineData("minSize: -1, desiredSize: 0, maxSize: 1", "minSize", "it must be 0 or more")]
    [InlineData("minSize: 0, desiredSize: 0, maxSize: 0", "maxSize", "maxSize of at least 1")]
    [InlineData("minSize: 3, desiredSize: 3, maxSize: 2", "minSize", "more than maxSize 2")]
    [InlineData("minSize: 1, desiredSize: 4, maxSize: 3", "desiredSize", "outside minSize 1 .. maxSize 3")]
    [InlineData("minSize: 1, desiredSize: 3, maxSize: 3", null, null)]
    // Pulumi's go-yaml reads 010 as 8 and 1_0 as 10: the program would get another size than the text says.
    [InlineData("minSize: 1, desiredSize: 3, maxSize: 010", "maxSize", "reaches the Pulumi program as 8")]
    [InlineData("minSize: 1, desiredSize: 3, maxSize: 1_0", "maxSize", "reaches the Pulumi program as 10")]
    [InlineData("minSize: 01, desiredSize: 03, maxSize: 07", null, null)]
    // A whole float reaches the program as JSON 3 (Go writes float64 3 as 3); a fraction stays one.
    [InlineData("minSize: 1.0, desiredSize: 3.0, maxSize: 1e1", null, null)]
    [InlineData("minSize: 1, desiredSize: 2.5, maxSize: 3", "desiredSize", "expected a whole number, found a number '2.5'")]
    public void Sizes_keep_zero_min_desired_max(string sizes, string? key, string? gist)
    {
        var evaluation = WithGroup($"        instanceTypes: [m6i.large]\n        {sizes.Replace(", ", "\n        ", StringComparison.Ordinal)}");
        if (key is null)
        {
            Valid(evaluation);
        }
        else
        {
            Invalid(evaluation, $"eks-infra:cluster.nodeGroups[0].{key}", gist!);
        }
    }

    [Theory]
    [InlineData("", 3, 3, 6)]
    [InlineData("maxSize: 2", 2, 2, 2)]
    [InlineData("minSize: 5", 5, 5, 6)]
    [InlineData("desiredSize: 8", 8, 3, 8)]
    [InlineData("minSize: 1, maxSize: 2", 2, 1, 2)]
    public void Sizes_left_out_are_chosen_around_those_given_as_the_readme_says(string sizes, int desired, int min, int max)
    {
        var evaluation = WithGroup($"        instanceTypes: [m6i.large]\n        {sizes.Replace(", ", "\n        ", StringComparison.Ordinal)}");

        Valid(evaluation);
        var group = Assert.Single(evaluation.Config!.Cluster.Compute.NodeGroups);
        Assert.Equal((desired, min, max), (group.DesiredSize, group.MinSize, group.MaxSize));
    }

    [Fact]
    public void Max_size_over_the_eks_quota_is_a_warning()
    {
        var inside = WithGroup("        maxSize: 450");
        Valid(inside);
        Assert.DoesNotContain(inside.Warnings, w => w.Path.EndsWith(".maxSize", StringComparison.Ordinal));
        var outside = WithGroup("        maxSize: 451");
        Valid(outside);
        Assert.Contains(outside.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].maxSize" && w.Message.Contains("quota of 450", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("AL2023_ARM_64_STANDARD", "[m6g.large, c7g.xlarge]", null)]
    [InlineData("AL2023_ARM_64_STANDARD", "[m6g.large, m6i.large]", "is an x86_64 instance type, but amiType AL2023_ARM_64_STANDARD runs on arm64")]
    [InlineData("BOTTLEROCKET_x86_64", "[m6g.large]", "is an arm64 (Graviton) instance type")]
    [InlineData("AL2023_x86_64_NVIDIA", "[g5.xlarge]", null)]
    [InlineData("AL2023_x86_64_NVIDIA", "[m6i.large]", "has no NVIDIA GPU")]
    [InlineData("AL2023_x86_64_NEURON", "[inf2.xlarge]", null)]
    [InlineData("AL2023_x86_64_NEURON", "[g5.xlarge]", "has no AWS Neuron accelerator")]
    // AL2's accelerated AMI carries the NVIDIA and the Neuron drivers (EKS User Guide, accelerated Amazon Linux AMIs).
    [InlineData("AL2_x86_64_GPU", "[inf2.xlarge, trn1.2xlarge]", null)]
    [InlineData("AL2_x86_64_GPU", "[g5.xlarge]", null)]
    [InlineData("AL2_x86_64_GPU", "[m6i.large]", "has no NVIDIA GPU")]
    [InlineData("WINDOWS_CORE_2022_x86_64", "[m6g.large]", "Windows runs on x86_64 only")]
    [InlineData("WINDOWS_CORE_2022_x86_64", "[m6i.large]", null)]
    // The NVIDIA FIPS Bottlerocket types of botocore's AMITypes enum: accepted, and held to their GPU and architecture.
    [InlineData("BOTTLEROCKET_x86_64_NVIDIA_FIPS", "[g5.xlarge]", null)]
    [InlineData("BOTTLEROCKET_x86_64_NVIDIA_FIPS", "[m6i.large]", "has no NVIDIA GPU")]
    [InlineData("BOTTLEROCKET_ARM_64_NVIDIA_FIPS", "[g5g.xlarge]", null)]
    [InlineData("BOTTLEROCKET_ARM_64_NVIDIA_FIPS", "[g5.xlarge]", "is an x86_64 instance type, but amiType BOTTLEROCKET_ARM_64_NVIDIA_FIPS runs on arm64")]
    // EKS User Guide, choosing an instance type: "AL2023 doesn't support A1 instances."
    [InlineData("AL2023_ARM_64_STANDARD", "[m6g.large, a1.large]", "AL2023 doesn't support A1 instances")]
    [InlineData("BOTTLEROCKET_ARM_64", "[a1.large]", null)]
    public void Instance_types_fit_the_ami_architecture_and_accelerator(string ami, string types, string? gist)
    {
        var evaluation = WithGroup($"        amiType: {ami}\n        instanceTypes: {types}", mode: "API");
        Outcome(evaluation, "eks-infra:cluster.nodeGroups[0].instanceTypes[", gist);
    }

    /// <summary>
    /// EKS User Guide, choosing an instance type: "Arm and non-accelerated Amazon EKS AMIs don't support the g3, g4, inf,
    /// and p families"; no EKS AMI type carries AMD's drivers.
    /// </summary>
    [Theory]
    [InlineData("        amiType: AL2023_x86_64_STANDARD\n        instanceTypes: [g4dn.xlarge]", "don't support the g3, g4, inf, and p families")]
    [InlineData("        amiType: BOTTLEROCKET_x86_64\n        instanceTypes: [p5.48xlarge]", "don't support the g3, g4, inf, and p families")]
    [InlineData("        instanceTypes: [inf2.xlarge]", "don't support the g3, g4, inf, and p families")]
    [InlineData("        amiType: AL2023_x86_64_STANDARD\n        instanceTypes: [g6.xlarge]", "has no drivers for it")]
    [InlineData("        amiType: AL2023_x86_64_STANDARD\n        instanceTypes: [g4ad.xlarge]", "no EKS AMI type has drivers for it")]
    [InlineData("        instanceTypes: [g4ad.xlarge]", "no EKS AMI type has drivers for it")]
    [InlineData("        amiType: AL2023_ARM_64_STANDARD\n        instanceTypes: [g5g.xlarge]", "set amiType to AL2023_ARM_64_NVIDIA")]
    public void An_accelerated_instance_without_its_ami_says_what_eks_supports(string group, string gist)
    {
        var evaluation = WithGroup(group);
        Valid(evaluation);
        var warning = Assert.Single(evaluation.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].instanceTypes[0]");
        Assert.Contains(gist, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpu_instance_on_a_standard_ami_is_a_warning()
    {
        var evaluation = WithGroup("        amiType: AL2023_x86_64_STANDARD\n        instanceTypes: [g5.xlarge]");
        Valid(evaluation);
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].instanceTypes[0]" && w.Message.Contains("no drivers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[m6i.large, m6a.large]", null)]
    [InlineData("[m6i.large, m6g.large]", "share an architecture")]
    [InlineData("[zz9.large]", "EC2 has no instance family 'zz9'")]
    [InlineData("[m6i.huge]", "'huge' is not a size EC2 sells")]
    [InlineData("[m6i.48xlarge, m6i.metal]", null)]
    [InlineData("[m6i.large, m6i.large]", "is listed twice")]
    [InlineData("[]", "needs at least one instance type")]
    public void Instance_types_exist_and_share_an_architecture_without_an_ami_type(string types, string? gist)
    {
        var evaluation = WithGroup($"        instanceTypes: {types}");
        Outcome(evaluation, "eks-infra:cluster.nodeGroups[0].instanceTypes", gist);
    }

    [Theory]
    [InlineData("[t4g.medium]")]
    [InlineData("[m7g.large, c7g.large]")]
    public void An_arm64_group_without_an_ami_type_is_an_error_since_eks_picks_an_x86_64_one(string types)
    {
        var evaluation = WithGroup($"        instanceTypes: {types}");
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:cluster.nodeGroups[0].instanceTypes[0]" && e.Message.Contains("set amiType: AL2023_ARM_64_STANDARD", StringComparison.Ordinal));
        Valid(WithGroup($"        amiType: AL2023_ARM_64_STANDARD\n        instanceTypes: {types}"));
    }

    [Fact]
    public void A_gpu_group_without_an_ami_type_is_warned_that_its_nodes_have_no_drivers()
    {
        var evaluation = WithGroup("        instanceTypes: [g5.xlarge]");
        Valid(evaluation);
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].instanceTypes[0]" && w.Message.Contains("set amiType to AL2023_x86_64_NVIDIA", StringComparison.Ordinal));
    }

    [Fact]
    public void More_than_twenty_instance_types_is_a_warning()
    {
        // 21 distinct x86_64 types of one size: only the count is past what EKS documents.
        string[] types = ["m5", "m5a", "m5ad", "m5d", "m5dn", "m5n", "m5zn", "m6a", "m6i", "m6id", "m6idn", "m6in", "m7a", "m7i", "m7i-flex", "m8a", "m8i", "m8i-flex", "c5", "c6i", "r6i"];
        var twenty = WithGroup($"        instanceTypes: [{string.Join(", ", types.Take(20).Select(t => t + ".large"))}]");
        Valid(twenty);
        Assert.DoesNotContain(twenty.Warnings, w => w.Message.Contains("instance types; EKS documents", StringComparison.Ordinal));
        var more = WithGroup($"        instanceTypes: [{string.Join(", ", types.Select(t => t + ".large"))}]");
        Valid(more);
        Assert.Contains(more.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].instanceTypes" && w.Message.Contains("lists 21 instance types; EKS documents at most 20", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("m6g.large", true, "replace nodeGroup with a nodeGroups entry with amiType: AL2023_ARM_64_STANDARD, in one change")]
    [InlineData("g5.xlarge", false, "replace nodeGroup with a nodeGroups entry with amiType: AL2023_x86_64_NVIDIA, in one change")]
    [InlineData("g4dn.xlarge", false, "replace nodeGroup with a nodeGroups entry with amiType: AL2023_x86_64_NVIDIA, in one change")]
    public void The_shorthand_group_is_told_to_move_into_node_groups_since_it_takes_no_ami_type(string type, bool error, string gist)
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full("API", cluster: $"    nodeGroup: {{ instanceType: {type} }}", nodeRoles: ""));

        var finding = Assert.Single(error ? evaluation.Errors : evaluation.Warnings, d => d.Path == "eks-infra:cluster.nodeGroup.instanceType");
        Assert.Contains(gist, finding.Message, StringComparison.Ordinal);
        Assert.Contains("the one-group nodeGroup form takes no amiType", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("set amiType", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shorthand_instance_type_is_checked_against_the_table_at_its_own_path()
    {
        Invalid(Stacks.EvaluateText(ComputeStacks.Full("API", cluster: "    nodeGroup: { instanceType: q9.large }", nodeRoles: "")), "eks-infra:cluster.nodeGroup.instanceType", "EC2 has no instance family 'q9'");
    }

    [Theory]
    [InlineData("amiType: AL2023_x86_64_STANDARD", null)]
    [InlineData("amiType: AL2023_X86_64_STANDARD", "is not an EKS AMI type")]
    [InlineData("amiType: CUSTOM", "needs a launch template")]
    [InlineData("capacityType: SPOT", null)]
    [InlineData("capacityType: spot", "is not a capacity type")]
    [InlineData("diskSize: 1", null)]
    [InlineData("diskSize: 0", "1 to 16384 GiB")]
    [InlineData("diskSize: 16385", "1 to 16384 GiB")]
    public void Ami_capacity_and_disk_settings_are_eks_values(string line, string? gist)
    {
        var evaluation = WithGroup($"        {line}");
        Outcome(evaluation, $"eks-infra:cluster.nodeGroups[0].{line[..line.IndexOf(':', StringComparison.Ordinal)]}", gist);
    }

    [Theory]
    [InlineData("", 19, 20)]
    [InlineData("        amiType: BOTTLEROCKET_x86_64\n", 19, 20)]
    [InlineData("        amiType: WINDOWS_CORE_2022_x86_64\n", 49, 50)]
    public void A_disk_below_the_eks_default_is_a_warning(string ami, int below, int enough)
    {
        var small = WithGroup($"{ami}        diskSize: {below}", mode: "API");
        Valid(small);
        Assert.Contains(small.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].diskSize" && w.Message.Contains($"below EKS's default of {enough} GiB", StringComparison.Ordinal) && w.Message.Contains($"set diskSize to {enough} or more", StringComparison.Ordinal));
        Assert.DoesNotContain(WithGroup($"{ami}        diskSize: {enough}", mode: "API").Warnings, w => w.Path.EndsWith(".diskSize", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("NoSchedule", null)]
    [InlineData("PreferNoSchedule", null)]
    [InlineData("NoExecute", null)]
    [InlineData("NO_SCHEDULE", "is not a taint effect")]
    public void Taint_effects_are_the_kubernetes_names(string effect, string? gist)
    {
        var evaluation = WithGroup($"        taints: [{{ key: dedicated, value: batch, effect: {effect} }}]");
        Outcome(evaluation, "eks-infra:cluster.nodeGroups[0].taints[0].effect", gist);
    }

    [Fact]
    public void Taint_keys_are_qualified_names_and_one_per_key_and_effect()
    {
        Valid(WithGroup("        taints: [{ key: example.com/gpu, effect: NoSchedule }, { key: example.com/gpu, effect: NoExecute }]"));
        Invalid(WithGroup("        taints: [{ key: example.com/gpu, effect: NoSchedule }, { key: example.com/gpu, effect: NoSchedule }]"), "eks-infra:cluster.nodeGroups[0].taints[1].key", "is listed twice");
        Invalid(WithGroup("        taints: [{ key: \"-gpu\", effect: NoSchedule }]"), "eks-infra:cluster.nodeGroups[0].taints[0].key", "is not a taint key");
        Invalid(WithGroup("        taints: [{ key: gpu, value: \"a b\", effect: NoSchedule }]"), "eks-infra:cluster.nodeGroups[0].taints[0].value", "is not a taint value");
    }

    // Kubernetes reserves taints under kubernetes.io and k8s.io, and EKS has refused them in a node group; eks.amazonaws.com
    // is EKS's own. node.kubernetes.io/ is no exception for taints, as it is for the kubelet's labels.
    [Theory]
    [InlineData("kubernetes.io/arch", "arm64", "NoSchedule")]
    [InlineData("node-role.kubernetes.io/gpu", "true", "NoSchedule")]
    [InlineData("k8s.io/pool", "batch", "PreferNoSchedule")]
    [InlineData("node.kubernetes.io/lifecycle", "spot", "NoSchedule")]
    [InlineData("eks.amazonaws.com/compute-type", "fargate", "NoSchedule")]
    public void A_taint_key_under_a_prefix_reserved_to_kubernetes_or_eks_is_an_error(string key, string value, string effect)
    {
        var evaluation = WithGroup($"        taints: [{{ key: {key}, value: {value}, effect: {effect} }}]");
        var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:cluster.nodeGroups[0].taints[0].key");
        var name = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        Assert.Contains($"'{key}' is under {key[..key.IndexOf('/', StringComparison.Ordinal)]}/, a prefix reserved to Kubernetes and EKS", error.Message, StringComparison.Ordinal);
        Assert.Contains($"use a key under a prefix of your own (example.com/{name})", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("removes it", error.Message, StringComparison.Ordinal);
    }

    // The node lifecycle controller sets and removes these to match the node's conditions (node_lifecycle_controller.go).
    [Theory]
    [InlineData("node.kubernetes.io/not-ready", "NoExecute")]
    [InlineData("node.kubernetes.io/unreachable", "NoExecute")]
    [InlineData("node.kubernetes.io/memory-pressure", "NoSchedule")]
    [InlineData("node.kubernetes.io/disk-pressure", "NoSchedule")]
    [InlineData("node.kubernetes.io/pid-pressure", "NoSchedule")]
    [InlineData("node.kubernetes.io/network-unavailable", "NoSchedule")]
    [InlineData("node.kubernetes.io/unschedulable", "NoSchedule")]
    [InlineData("node.kubernetes.io/not-ready", "NoSchedule")]
    // The controller manages these keys under one effect: under another the taint is still reserved, but not its.
    [InlineData("node.kubernetes.io/memory-pressure", "PreferNoSchedule", false)]
    [InlineData("node.kubernetes.io/disk-pressure", "NoExecute", false)]
    public void A_taint_key_the_node_controller_manages_is_an_error_that_says_so(string key, string effect, bool managed = true)
    {
        var evaluation = WithGroup($"        taints: [{{ key: {key}, effect: {effect} }}]");
        var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:cluster.nodeGroups[0].taints[0].key");
        Assert.Contains("a prefix reserved to Kubernetes and EKS", error.Message, StringComparison.Ordinal);
        Assert.Equal(managed, error.Message.Contains("Kubernetes' node lifecycle controller manages this taint: it adds and removes it to match the node's state", StringComparison.Ordinal));
        Assert.Contains("use a key under a prefix of your own", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com/gpu")]
    [InlineData("mykubernetes.io/pool")]
    [InlineData("kubernetes.io.example.com/pool")]
    [InlineData("nvidia.com/gpu")]
    [InlineData("CriticalAddonsOnly")]
    public void A_taint_key_near_but_not_under_a_reserved_prefix_is_valid(string key) =>
        Valid(WithGroup($"        taints: [{{ key: {key}, effect: PreferNoSchedule }}]"));

    [Fact]
    public void Label_keys_are_qualified_names_and_values_label_values()
    {
        var value63 = new string('v', 63);
        Valid(WithGroup($"        labels: {{ example.com/pool: {value63}, tier: web }}"));
        Invalid(WithGroup($"        labels: {{ tier: {value63}x }}"), "eks-infra:cluster.nodeGroups[0].labels.tier", "is not a label value");
        Invalid(WithGroup("        labels: { tier: \"\" }"), "eks-infra:cluster.nodeGroups[0].labels.tier", "is not a label value");
        Invalid(WithGroup("        labels: { \"a/b/c\": x }"), "eks-infra:cluster.nodeGroups[0].labels.a/b/c", "is not a label key");
        Invalid(WithGroup("        labels: { \"Example.com/pool\": x }"), "eks-infra:cluster.nodeGroups[0].labels.Example.com/pool", "is not a label key");
        var key64 = new string('k', 64);
        Invalid(WithGroup($"        labels: {{ {key64}: x }}"), $"eks-infra:cluster.nodeGroups[0].labels.{key64}", "is not a label key");
    }

    [Theory]
    [InlineData("node-role.kubernetes.io/worker")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("kubernetes.io/role")]
    [InlineData("k8s.io/pool")]
    [InlineData("eks.amazonaws.com/capacityType")]
    public void A_node_label_under_a_prefix_reserved_to_kubernetes_or_eks_is_an_error(string key) =>
        Invalid(WithGroup($"        labels: {{ {key}: \"true\" }}"), $"eks-infra:cluster.nodeGroups[0].labels.{key}", "a prefix reserved to Kubernetes and EKS");

    [Theory]
    [InlineData("node.kubernetes.io/lifecycle")]
    [InlineData("kubelet.kubernetes.io/pool")]
    public void A_node_label_under_the_kubelets_own_prefixes_is_warned(string key)
    {
        var evaluation = WithGroup($"        labels: {{ {key}: normal }}");
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == $"eks-infra:cluster.nodeGroups[0].labels.{key}" && w.Message.Contains("EKS has refused node group labels under kubernetes.io/", StringComparison.Ordinal));
        Assert.DoesNotContain(WithGroup("        labels: { mykubernetes.io/pool: a }").Warnings, w => w.Path.Contains(".labels.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_group_runs_with_a_node_role_the_stack_creates()
    {
        Valid(WithGroup("        nodeRole: extra", extraRoles: "    nodeRoles: [extra]"));
        Invalid(WithGroup("        nodeRole: other", extraRoles: "    nodeRoles: [extra]"), "eks-infra:cluster.nodeGroups[0].nodeRole", "is not a node role this stack creates");
        Invalid(WithGroup("", extraRoles: "    nodeRoles: [extra]"), "eks-infra:cluster.nodeRoles[0]", "no node group runs with the node role 'extra'");
        Invalid(WithGroup("        nodeRole: eks-admin-role", extraRoles: "    nodeRoles: [eks-admin-role]"), "eks-infra:cluster.nodeRoles[0]", "is already used by eks-infra:access.roles[0].name");
    }

    [Theory]
    [InlineData("AL2_x86_64", "1.33", "use AL2023_x86_64_STANDARD or BOTTLEROCKET_x86_64")]
    [InlineData("AL2_x86_64_GPU", "1.35", "use AL2023_x86_64_NVIDIA or BOTTLEROCKET_x86_64_NVIDIA")]
    [InlineData("AL2_ARM_64", "1.34", "use AL2023_ARM_64_STANDARD or BOTTLEROCKET_ARM_64")]
    [InlineData("AL2_x86_64", "1.32", null)]
    [InlineData("AL2023_x86_64_STANDARD", "1.35", null)]
    public void An_al2_ami_type_has_no_ami_past_kubernetes_1_32(string ami, string version, string? gist)
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full("API", cluster: $"    version: \"{version}\"\n    nodeGroups: [{{ name: g1, amiType: {ami}, instanceTypes: [{(ami == "AL2_ARM_64" ? "m6g.large" : ami == "AL2_x86_64_GPU" ? "g5.xlarge" : "m6i.large")}] }}]", nodeRoles: ""));
        if (gist is null)
        {
            Valid(evaluation);
        }
        else
        {
            Invalid(evaluation, "eks-infra:cluster.nodeGroups[0].amiType", $"EKS publishes no {ami} AMI for Kubernetes {version} (eks-infra:cluster.version)");
            Invalid(evaluation, "eks-infra:cluster.nodeGroups[0].amiType", gist);
        }
    }

    [Fact]
    public void An_al2_ami_type_without_a_cluster_version_is_a_warning()
    {
        var evaluation = WithGroup("        amiType: AL2_x86_64");
        Valid(evaluation);
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].amiType" && w.Message.Contains("eks-infra:cluster.version is not set", StringComparison.Ordinal) && w.Message.Contains("AL2023_x86_64_STANDARD", StringComparison.Ordinal));
    }

    [Fact]
    public void A_windows_managed_node_group_is_refused_in_config_map_only_where_pulumi_eks_needs_its_role_as_an_instance_role()
    {
        // pulumi-eks v4.3.0 nodes/nodegroup.ts refuses a managed node group whose role is not an instance role only
        // when the mode supports no access entries; outside CONFIG_MAP the role goes in as a role mapping.
        Valid(WithGroup("        amiType: WINDOWS_CORE_2022_x86_64", mode: "API"));
        Valid(WithGroup("        amiType: WINDOWS_CORE_2022_x86_64", mode: "API_AND_CONFIG_MAP"));
        var configMap = WithGroup("        amiType: WINDOWS_CORE_2022_x86_64", mode: "CONFIG_MAP");
        Invalid(configMap, "eks-infra:cluster.nodeGroups[0].amiType", "a Windows managed node group in CONFIG_MAP needs its role in aws-auth with eks:kube-proxy-windows");
        Invalid(configMap, "eks-infra:cluster.nodeGroups[0].amiType", "pulumi-eks refuses a managed node group whose role is not among its instanceRoles");
        Invalid(configMap, "eks-infra:cluster.nodeGroups[0].amiType", "move authenticationMode to API_AND_CONFIG_MAP");
        Assert.Single(configMap.Errors);
    }

    [Fact]
    public void A_windows_and_a_linux_node_group_on_one_node_role_is_an_error_since_a_role_has_one_entry_type()
    {
        static string Stack(string? linuxRole = null, string? windowsRole = null)
        {
            static string Role(string? name) => name is null ? "" : $", nodeRole: {name}";
            var extra = new[] { linuxRole, windowsRole }.OfType<string>().Distinct();
            return ComputeStacks.Full("API", nodeRoles: "", cluster: $$"""
                    nodeRoles: [{{string.Join(", ", extra)}}]
                    nodeGroups:
                      - { name: linux, instanceTypes: [m6i.large]{{Role(linuxRole)}} }
                      - { name: win, instanceTypes: [m6i.large], amiType: WINDOWS_CORE_2022_x86_64{{Role(windowsRole)}} }
                """);
        }

        var shared = Stacks.EvaluateText(Stack());
        Invalid(shared, "eks-infra:cluster.nodeGroups[1].amiType", "runs with the node role 'eks-node-role', as the Linux node group 'linux' does");
        Assert.Single(shared.Errors);
        Invalid(Stacks.EvaluateText(Stack("workers", "workers")), "eks-infra:cluster.nodeGroups[1].nodeRole", "runs with the node role 'workers', as the Linux node group 'linux' does");

        Valid(Stacks.EvaluateText(Stack(windowsRole: "windows-workers")));
        Valid(Stacks.EvaluateText(Stack("workers")));
    }

    [Theory]
    [InlineData("API", "nodes that use it cannot join in API")]
    [InlineData("API_AND_CONFIG_MAP", "join through its aws-auth mapping only, and stop joining once the mode moves to API")]
    public void The_node_role_without_a_node_group_is_a_warning_that_says_what_the_mode_leaves(string mode, string gist)
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full(mode, cluster: "    nodeGroups: []", nodeRoles: DefaultKarpenterRole));
        Valid(evaluation);
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:cluster.nodeRoleName" && w.Message.Contains(gist, StringComparison.Ordinal));
        Assert.DoesNotContain(Stacks.EvaluateText(ComputeStacks.Full("CONFIG_MAP", cluster: "    nodeGroups: []", nodeRoles: DefaultKarpenterRole)).Warnings, w => w.Path == "eks-infra:cluster.nodeRoleName");
    }

    private const string DefaultKarpenterRole = """
            nodeRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole", kind: linux }
        """;

    [Fact]
    public void A_spot_group_with_one_instance_type_is_a_warning()
    {
        var one = WithGroup("        capacityType: SPOT\n        instanceTypes: [m6i.large]");
        Valid(one);
        Assert.Contains(one.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0].instanceTypes" && w.Message.Contains("Spot pool is reclaimed", StringComparison.Ordinal));
        var two = WithGroup("        capacityType: SPOT\n        instanceTypes: [m6i.large, m6a.large]");
        Valid(two);
        Assert.DoesNotContain(two.Warnings, w => w.Message.Contains("Spot pool", StringComparison.Ordinal));
    }

    [Fact]
    public void Windows_nodes_are_reminded_of_cni_support_and_linux_capacity()
    {
        var only = WithGroup("        amiType: WINDOWS_CORE_2022_x86_64", mode: "API");
        Assert.Contains(only.Warnings, w => w.Path == "eks-infra:cluster.nodeGroups[0]" && w.Message.Contains("enable-windows-ipam", StringComparison.Ordinal));
        Assert.Contains(only.Warnings, w => w.Message.Contains("add a Linux node group", StringComparison.Ordinal));

        var mixed = Stacks.EvaluateText(ComputeStacks.Full("API"));
        Assert.Contains(mixed.Warnings, w => w.Path == "eks-infra:access.nodeRoles[1]" && w.Message.Contains("enable-windows-ipam", StringComparison.Ordinal));
        Assert.DoesNotContain(mixed.Warnings, w => w.Message.Contains("add a Linux node group", StringComparison.Ordinal));
        Assert.DoesNotContain(WithGroup("").Warnings, w => w.Message.Contains("Windows", StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_role_is_never_also_mapped_as_a_person()
    {
        const string person = """
                  - { rolearn: "arn:aws:iam::123456789012:role/windows-nodes", username: ops, groups: [deployers] }
            """;
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full("CONFIG_MAP", mapRoles: person));
        Invalid(evaluation, "eks-infra:access.nodeRoles[1].rolearn", "is also mapped as a person at eks-infra:access.mapRoles[1].rolearn");

        const string workload = """
                  - { rolearn: "arn:aws:iam::123456789012:role/workload-node-role", username: ops, groups: [deployers] }
            """;
        Invalid(Stacks.EvaluateText(ComputeStacks.Full("CONFIG_MAP", mapRoles: workload)), "eks-infra:access.mapRoles[1].rolearn", "which the stack maps as a node");
    }

    // aws-iam-authenticator matches a mapping by its whole ARN (RoleMapping.Matches, strings.EqualFold), and a STANDARD access
    // entry may name another account's principal: a role of the same name in another account is another principal.
    [Theory]
    [InlineData("windows-nodes", "eks-infra:access.nodeRoles[1].rolearn", "is also mapped as a person at eks-infra:access.mapRoles[1].rolearn")]
    [InlineData("workload-node-role", "eks-infra:access.mapRoles[1].rolearn", "is a node role the stack creates (eks-infra:cluster.nodeRoles[0]), which the stack maps as a node")]
    [InlineData("my-cluster-fargate-batch", "eks-infra:access.mapRoles[1].rolearn", "is the pod execution role of Fargate profile 'batch'")]
    [InlineData("path/windows-nodes", "eks-infra:access.nodeRoles[1].rolearn", "is also mapped as a person at eks-infra:access.mapRoles[1].rolearn")]
    public void A_role_of_a_compute_name_is_that_compute_role_only_in_the_stacks_account(string role, string path, string gist)
    {
        foreach (var mode in new[] { "CONFIG_MAP", "API_AND_CONFIG_MAP", "API" })
        {
            var other = Stacks.EvaluateText(ComputeStacks.Full(mode, mapRoles: $$"""
                      - { rolearn: "arn:aws:iam::210987654321:role/{{role}}", username: ops, groups: [deployers] }
                """));
            Assert.True(other.IsValid, $"{mode}: {Stacks.Describe(other)}");
            Assert.Contains(other.Warnings, w => w.Path == "eks-infra:access.mapRoles[1].rolearn" && w.Message.Contains("is in account 210987654321, not the account this stack deploys into", StringComparison.Ordinal));

            var own = Stacks.EvaluateText(ComputeStacks.Full(mode, mapRoles: $$"""
                      - { rolearn: "arn:aws:iam::123456789012:role/{{role}}", username: ops, groups: [deployers] }
                """));
            Invalid(own, path, gist);
        }
    }

    [Theory]
    [InlineData("{ rolearn: \"arn:aws:iam::123456789012:role/n1\", kind: linux }, { rolearn: \"arn:aws:iam::123456789012:role/other/n1\", kind: windows }", "eks-infra:access.nodeRoles[1].rolearn", "is listed twice")]
    [InlineData("{ rolearn: \"arn:aws:iam::123456789012:user/n1\", kind: linux }", "eks-infra:access.nodeRoles[0].rolearn", "nodes authenticate with an IAM role")]
    [InlineData("{ rolearn: \"arn:aws:iam::210987654321:role/n1\", kind: linux }", "eks-infra:access.nodeRoles[0].rolearn", "not the cluster's account")]
    [InlineData("{ rolearn: \"arn:aws:iam::123456789012:role/eks-node-role\", kind: linux }", "eks-infra:access.nodeRoles[0].rolearn", "the stack's node role")]
    [InlineData("{ rolearn: \"arn:aws:iam::123456789012:role/my-cluster-fargate-batch\", kind: fargate }", "eks-infra:access.nodeRoles[0].rolearn", "Fargate profile 'batch'")]
    [InlineData("{ rolearn: \"arn:aws:iam::123456789012:role/n1\", kind: Linux }", "eks-infra:access.nodeRoles[0].kind", "is not a node role kind")]
    public void Existing_node_roles_are_roles_of_the_account_mapped_once(string entries, string path, string gist)
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full("API", nodeRoles: $"    nodeRoles: [{entries}]"));
        Invalid(evaluation, path, gist);
        Valid(Stacks.EvaluateText(ComputeStacks.Full("API", nodeRoles: "    nodeRoles: [{ rolearn: \"arn:aws:iam::123456789012:role/n1\", kind: linux }]")));
    }

    private static StackEvaluation WithProfile(string profile, string subnets = "    privateSubnetIds: [subnet-0a1b2c3d4e5f60001]") => Stacks.EvaluateText($$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
            vpcId: vpc-0a1b2c3d4e5f60718
            publicSubnetIds: [subnet-0a1b2c3d4e5f60008, subnet-0a1b2c3d4e5f60009]
        {{subnets}}
            fargateProfiles:
              - {{profile}}
          eks-infra:access:
            authenticationMode: API
            roles:
              - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }
        """);

    [Fact]
    public void Fargate_profiles_need_private_subnets()
    {
        Valid(WithProfile("{ name: batch, selectors: [{ namespace: batch }] }"));
        Valid(WithProfile("{ name: batch, selectors: [{ namespace: batch }], subnetIds: [subnet-0a1b2c3d4e5f60003] }", subnets: ""));
        Invalid(WithProfile("{ name: batch, selectors: [{ namespace: batch }] }", subnets: ""), "eks-infra:cluster.fargateProfiles[0].subnetIds", "Fargate runs pods only in private subnets");
    }

    [Fact]
    public void A_fargate_profile_subnet_the_stack_lists_as_public_or_in_the_default_vpc_is_an_error()
    {
        Invalid(WithProfile("{ name: batch, selectors: [{ namespace: batch }], subnetIds: [subnet-0a1b2c3d4e5f60003, subnet-0a1b2c3d4e5f60009] }"), "eks-infra:cluster.fargateProfiles[0].subnetIds[1]", "is one of the cluster's publicSubnetIds, and CreateFargateProfile accepts only private subnets");

        var defaultVpc = Stacks.EvaluateText(Stacks.Minimal("API").Replace("    name: my-cluster\n", "    name: my-cluster\n    fargateProfiles:\n      - { name: batch, selectors: [{ namespace: batch }], subnetIds: [subnet-0a1b2c3d4e5f60003] }\n", StringComparison.Ordinal));
        Assert.Contains(defaultVpc.Errors, e => e.Path == "eks-infra:cluster.fargateProfiles[0].subnetIds" && e.Message.Contains("needs eks-infra:cluster.vpcId", StringComparison.Ordinal));
    }

    [Fact]
    public void Fargate_selectors_need_a_namespace_and_past_the_quotas_warn()
    {
        var five = string.Join(", ", Enumerable.Range(1, 5).Select(i => $"{{ namespace: ns{i} }}"));
        var inside = WithProfile($"{{ name: batch, selectors: [{five}] }}");
        Valid(inside);
        Assert.DoesNotContain(inside.Warnings, w => w.Message.Contains("default quota", StringComparison.Ordinal));
        // Selectors per profile and label pairs per selector are adjustable EKS quotas: a warning, and the stack still applies.
        var sixSelectors = WithProfile($"{{ name: batch, selectors: [{five}, {{ namespace: ns6 }}] }}");
        Valid(sixSelectors);
        Assert.Contains(sixSelectors.Warnings, w => w.Path == "eks-infra:cluster.fargateProfiles[0].selectors" && w.Message.Contains("over EKS's default quota of 5 per Fargate profile; ask AWS to raise it", StringComparison.Ordinal));
        Invalid(WithProfile("{ name: batch }"), "eks-infra:cluster.fargateProfiles[0].selectors", "at least one selector");
        Valid(WithProfile("{ name: batch, selectors: [{ namespace: \"batch-*\", labels: { a: \"1\", b: \"2\", c: \"3\", d: \"4\", e: \"5\" } }] }"));
        var sixLabels = WithProfile("{ name: batch, selectors: [{ namespace: batch, labels: { a: \"1\", b: \"2\", c: \"3\", d: \"4\", e: \"5\", f: \"6\" } }] }");
        Valid(sixLabels);
        Assert.Contains(sixLabels.Warnings, w => w.Path == "eks-infra:cluster.fargateProfiles[0].selectors[0].labels" && w.Message.Contains("over EKS's default quota of 5 label pairs per Fargate profile selector; ask AWS to raise it", StringComparison.Ordinal));
        Invalid(WithProfile("{ name: batch, selectors: [{ namespace: Batch }] }"), "eks-infra:cluster.fargateProfiles[0].selectors[0].namespace", "is not a namespace name or pattern");
    }

    [Theory]
    // EKS takes '*' and '?' in selector label keys and values, in any position; Kubernetes' other label rules still hold.
    [InlineData("{ \"tier*\": batch }", null)]
    [InlineData("{ \"example.com/*\": \"*\" }", null)]
    [InlineData("{ \"*-app\": \"v?\" }", null)]
    [InlineData("{ tier: \"*batch?\" }", null)]
    [InlineData("{ tier: \"a b*\" }", "is not a label value")]
    [InlineData("{ \"a/b/*\": x }", "is not a label key")]
    [InlineData("{ \"Tier*\": x }", null)]
    public void Fargate_selector_labels_take_wildcards(string labels, string? gist)
    {
        var evaluation = WithProfile($"{{ name: batch, selectors: [{{ namespace: \"batch-*\", labels: {labels} }}] }}");
        if (gist is null)
        {
            Valid(evaluation);
        }
        else
        {
            Assert.Contains(evaluation.Errors, e => e.Path.StartsWith("eks-infra:cluster.fargateProfiles[0].selectors[0].labels.", StringComparison.Ordinal) && e.Message.Contains(gist, StringComparison.Ordinal) && e.Message.Contains("Fargate also takes '*' and '?'", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("\"*\"", null)]
    [InlineData("\"?ops-*\"", null)]
    [InlineData("\"-ops*\"", "is not a namespace name or pattern")]
    [InlineData("\"ops_*\"", "is not a namespace name or pattern")]
    public void Fargate_selector_namespaces_take_wildcards(string ns, string? gist)
    {
        var evaluation = WithProfile($"{{ name: batch, selectors: [{{ namespace: {ns} }}] }}");
        if (gist is null)
        {
            Valid(evaluation);
        }
        else
        {
            Invalid(evaluation, "eks-infra:cluster.fargateProfiles[0].selectors[0].namespace", gist);
        }
    }

    [Fact]
    public void Fargate_profile_names_follow_eks_rules_and_its_role_name_fits_iam()
    {
        Invalid(WithProfile("{ name: eks-batch, selectors: [{ namespace: batch }] }"), "eks-infra:cluster.fargateProfiles[0].name", "starts with 'eks-'");
        Invalid(WithProfile("{ name: _batch, selectors: [{ namespace: batch }] }"), "eks-infra:cluster.fargateProfiles[0].name", "is not a valid Fargate profile name");
        var longName = new string('p', 45);
        Valid(WithProfile($"{{ name: {longName}, selectors: [{{ namespace: batch }}] }}"));
        Invalid(WithProfile($"{{ name: {longName}p, selectors: [{{ namespace: batch }}] }}"), "eks-infra:cluster.fargateProfiles[0].podExecutionRoleName", "set podExecutionRoleName to a shorter one");
        Invalid(WithProfile("{ name: batch, podExecutionRoleName: eks-admin-role, selectors: [{ namespace: batch }] }"), "eks-infra:cluster.fargateProfiles[0].podExecutionRoleName", "is already used by eks-infra:access.roles[0].name");
    }

    [Fact]
    public void Two_profiles_on_one_pod_execution_role_are_refused_as_this_tools_rule_not_iams()
    {
        var evaluation = WithProfile("{ name: batch, podExecutionRoleName: fargate-pods, selectors: [{ namespace: batch }] }\n      - { name: jobs, podExecutionRoleName: fargate-pods, selectors: [{ namespace: jobs }] }");

        var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:cluster.fargateProfiles[1].podExecutionRoleName");
        Assert.Contains("this tool creates one pod execution role per Fargate profile", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("IAM role names are unique", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_config_reaches_the_same_model_through_pulumi_json()
    {
        var yaml = ComputeStacks.Full("API_AND_CONFIG_MAP");
        var fromJson = PulumiConfig.Evaluate(yaml);
        Assert.True(fromJson.IsValid, Stacks.Describe(fromJson));
        Assert.Equal(Stacks.Render(Stacks.ValidPlanOf(yaml)), Stacks.Render(fromJson.Plan!));
        Assert.Equal(Stacks.ValidPlanOf(yaml).Cluster.NodeGroups.Select(g => g.Labels.Count), fromJson.Plan!.Cluster.NodeGroups.Select(g => g.Labels.Count));
    }
}

/// <summary>The diff's compute lockout guards, import into nodeRoles, and migration.</summary>
public class ComputeGuardTests
{
    private static AccessPlan Plan(string yaml) => Stacks.ValidPlanOf(yaml);

    [Fact]
    public void A_node_group_whose_role_changes_blocks_the_diff()
    {
        var before = Plan(ComputeStacks.Full("API_AND_CONFIG_MAP"));
        var after = Plan(ComputeStacks.Full("API_AND_CONFIG_MAP", cluster: ComputeStacks.DefaultNodeGroups.Replace("        nodeRole: workload-node-role\n", "", StringComparison.Ordinal).Replace("    nodeRoles: [workload-node-role]\n", "", StringComparison.Ordinal)));
        var report = AccessDiff.Compare(before, after, "main");
        Assert.True(report.HasErrors);
        var finding = Assert.Single(report.Findings, f => f.Level == FindingLevel.Error);
        Assert.Equal("node group workload-arm", finding.Subject);
        Assert.Contains("workload-node-role → eks-node-role", finding.Title, StringComparison.Ordinal);

        Assert.False(AccessDiff.Compare(before, before, "main").HasErrors);
    }

    [Fact]
    public void Removing_a_node_group_with_its_role_is_not_blocked_but_reported()
    {
        var before = Plan(ComputeStacks.Full("API_AND_CONFIG_MAP"));
        const string oneGroup = """
                nodeGroups:
                  - name: system
                    instanceTypes: [m6i.large]
                    desiredSize: 2
                    minSize: 1
                    maxSize: 3
                fargateProfiles:
                  - name: batch
                    selectors: [{ namespace: batch-jobs, labels: { tier: batch } }]
            """;
        var report = AccessDiff.Compare(before, Plan(ComputeStacks.Full("API_AND_CONFIG_MAP", cluster: oneGroup)), "main");
        Assert.False(report.HasErrors, string.Join("\n", report.Findings));
        Assert.Contains(report.Findings, f => f.Level == FindingLevel.Revoked && f.Subject == "arn:aws:iam::123456789012:role/workload-node-role");
        Assert.Contains(report.Findings, f => f.Level == FindingLevel.Danger && f.Title == "node group workload-arm is deleted");

        var back = AccessDiff.Compare(Plan(ComputeStacks.Full("API_AND_CONFIG_MAP", cluster: oneGroup)), before, "main");
        Assert.Contains(back.Findings, f => f.Level == FindingLevel.Changed && f.Title == "node group workload-arm is added" && f.Detail.Contains("m7g.large, m6g.large (SPOT)", StringComparison.Ordinal));
    }

    private const string ShorthandGroup = """
            nodeGroup:
              instanceType: t3.medium
              desiredSize: 3
              minSize: 3
              maxSize: 6
        """;

    /// <summary>pulumi-terraform-bridge replaces delete-first only a resource whose auto-named input the program sets: the shorthand's name is generated.</summary>
    [Fact]
    public void Moving_the_shorthand_group_to_other_subnets_is_a_create_first_replacement_not_a_block()
    {
        var before = Plan(ComputeStacks.Full("API", cluster: ShorthandGroup));
        var after = Plan(ComputeStacks.Full("API", cluster: ShorthandGroup).Replace("privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]", "privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60003]", StringComparison.Ordinal));

        var report = AccessDiff.Compare(before, after, "main");

        var moved = Assert.Single(report.Findings, f => f.Title.StartsWith("node group node-group changes its subnets", StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Danger, moved.Level);
        Assert.Contains("created first", moved.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// UpdateNodegroupConfig applies these in place, but a smaller desiredSize terminates nodes (NodegroupScalingConfig) and a
    /// NoExecute taint evicts the pods that do not tolerate it: `diff` shows them, the ones that move pods as dangers.
    /// </summary>
    [Theory]
    [InlineData("desiredSize: 3\n      minSize: 3", "desiredSize: 1\n      minSize: 1", FindingLevel.Danger, "scales: desired 3 → 1", "terminates 2 of the group's nodes")]
    [InlineData("maxSize: 6", "maxSize: 9", FindingLevel.Changed, "scales: desired 3 → 3, min..max 3..6 → 3..9", "in place")]
    public void Scaling_a_node_group_is_shown_and_scaling_it_in_is_a_danger(string from, string to, FindingLevel level, string title, string gist)
    {
        var before = Plan(ComputeStacks.Full("API", cluster: ShorthandGroup));
        var after = Plan(ComputeStacks.Full("API", cluster: ShorthandGroup.Replace(from, to, StringComparison.Ordinal)));

        var finding = Assert.Single(AccessDiff.Compare(before, after, "main").Findings, f => f.Subject == "node group node-group");

        Assert.Equal(level, finding.Level);
        Assert.Contains(title, finding.Title, StringComparison.Ordinal);
        Assert.Contains(gist, finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("        taints: [{ key: dedicated, value: system, effect: NoExecute }]\n", FindingLevel.Danger, "changes its taints: [] → [dedicated=system:NO_EXECUTE]", "evicts every pod there that does not tolerate it")]
    [InlineData("        taints: [{ key: dedicated, value: system, effect: NoSchedule }]\n", FindingLevel.Changed, "changes its taints: [] → [dedicated=system:NO_SCHEDULE]", "keeps running pods where they are")]
    [InlineData("        labels: { node.example.com/pool: system }\n", FindingLevel.Changed, "changes its labels: {} → {node.example.com/pool=system}", "in place")]
    public void Taint_and_label_changes_are_shown_and_a_no_execute_taint_is_a_danger(string added, FindingLevel level, string title, string gist)
    {
        const string end = "        maxSize: 3\n      - name: workload-arm";
        var before = Plan(ComputeStacks.Full("API"));
        var after = Plan(ComputeStacks.Full("API", cluster: ComputeStacks.DefaultNodeGroups.Replace(end, end.Replace("      - name", added + "      - name", StringComparison.Ordinal), StringComparison.Ordinal)));

        var finding = Assert.Single(AccessDiff.Compare(before, after, "main").Findings, f => f.Subject == "node group system");

        Assert.Equal(level, finding.Level);
        Assert.Contains(title, finding.Title, StringComparison.Ordinal);
        Assert.Contains(gist, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_a_fargate_profile_is_dangerous()
    {
        var before = Plan(ComputeStacks.Full("API"));
        var after = Plan(ComputeStacks.Full("API", cluster: ComputeStacks.DefaultNodeGroups[..ComputeStacks.DefaultNodeGroups.IndexOf("    fargateProfiles:", StringComparison.Ordinal)]));
        var report = AccessDiff.Compare(before, after, "main");
        Assert.False(report.HasErrors);
        Assert.Contains(report.Findings, f => f.Level == FindingLevel.Danger && f.Title == "Fargate profile batch is deleted" && f.Detail.Contains("batch-jobs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fargate_profile_whose_role_changes_blocks_the_diff()
    {
        var before = Plan(ComputeStacks.Full("API"));
        var after = Plan(ComputeStacks.Full("API", cluster: ComputeStacks.DefaultNodeGroups.Replace("      - name: batch\n", "      - name: batch\n        podExecutionRoleName: batch-pods\n", StringComparison.Ordinal)));
        var report = AccessDiff.Compare(before, after, "main");
        Assert.Contains(report.Findings, f => f.Level == FindingLevel.Error && f.Subject == "Fargate profile batch");
    }

    [Fact]
    public void Moving_a_node_group_to_other_subnets_blocks_the_diff()
    {
        var before = Plan(ComputeStacks.Full("API"));
        var after = Plan(ComputeStacks.Full("API").Replace("privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]", "privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60003]", StringComparison.Ordinal));

        var report = AccessDiff.Compare(before, after, "main");

        Assert.NotEmpty(before.Cluster.NodeGroups);
        Assert.All(before.Cluster.NodeGroups, g => Assert.Contains(report.Findings, f => f.Level == FindingLevel.Error && f.Subject == $"node group {g.Name}" && f.Title.Contains("changes its subnets", StringComparison.Ordinal)));
        // The profile defaults to the cluster's private subnets, so it moves too.
        Assert.Contains(report.Findings, f => f.Level == FindingLevel.Error && f.Subject.StartsWith("Fargate profile ", StringComparison.Ordinal) && f.Title.Contains("changes its subnets", StringComparison.Ordinal));
        Assert.DoesNotContain(AccessDiff.Compare(before, before, "main").Findings, f => f.Title.Contains("changes its subnets", StringComparison.Ordinal));
    }

    [Fact]
    public void Dropping_a_karpenter_role_is_dangerous_and_changing_its_kind_blocks()
    {
        var before = Plan(ComputeStacks.Full("API"));
        var dropped = AccessDiff.Compare(before, Plan(ComputeStacks.Full("API", nodeRoles: $"    nodeRoles: [{{ rolearn: \"{ComputeStacks.WindowsArn}\", kind: windows }}]")), "main");
        Assert.False(dropped.HasErrors);
        Assert.Contains(dropped.Findings, f => f.Level == FindingLevel.Danger && f.Subject == ComputeStacks.KarpenterArn && f.Title.Contains("no longer mapped", StringComparison.Ordinal));

        var kind = AccessDiff.Compare(before, Plan(ComputeStacks.Full("API", nodeRoles: ComputeStacks.DefaultNodeRoles.Replace("kind: windows", "kind: linux", StringComparison.Ordinal))), "main");
        Assert.Contains(kind.Findings, f => f.Level == FindingLevel.Error && f.Subject == ComputeStacks.WindowsArn && f.Title.Contains("EC2_WINDOWS → EC2_LINUX", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stacks_own_node_role_moving_is_reported_once_in_aws_auth_modes()
    {
        var before = Plan(ComputeStacks.Full("CONFIG_MAP"));
        var after = Plan(ComputeStacks.Full("CONFIG_MAP").Replace("    vpcId:", "    nodeRoleName: new-node-role\n    vpcId:", StringComparison.Ordinal));
        var errors = AccessDiff.Compare(before, after, "main").Findings.Where(f => f.Level == FindingLevel.Error).ToList();
        Assert.Single(errors);
        Assert.Contains("node role mapping is removed", errors[0].Title, StringComparison.Ordinal);

        // In API mode the shape guard is silent, and the node group guard says what happens.
        var api = AccessDiff.Compare(Plan(ComputeStacks.Full("API")), Plan(ComputeStacks.Full("API").Replace("    vpcId:", "    nodeRoleName: new-node-role\n    vpcId:", StringComparison.Ordinal)), "main");
        Assert.Contains(api.Findings, f => f.Level == FindingLevel.Error && f.Subject == "node group system");
    }

    private static readonly string LiveAwsAuth = AwsAuthManifests.Text("""
          mapRoles: |
            - rolearn: arn:aws:iam::123456789012:role/KarpenterNodeRole-my-cluster
              username: system:node:{{EC2PrivateDNSName}}
              groups:
                - system:bootstrappers
                - system:nodes
            - rolearn: arn:aws:iam::123456789012:role/windows-nodes
              username: system:node:{{EC2PrivateDNSName}}
              groups:
                - eks:kube-proxy-windows
                - system:bootstrappers
                - system:nodes
            - rolearn: arn:aws:iam::123456789012:role/AmazonEKSFargatePodExecutionRole
              username: system:node:{{SessionName}}
              groups:
                - system:bootstrappers
                - system:nodes
                - system:node-proxier
            - rolearn: arn:aws:iam::123456789012:role/platform-admin
              username: admin:{{SessionName}}
              groups:
                - system:masters
        """);

    [Fact]
    public void Import_carries_node_windows_and_fargate_mappings_into_node_roles_of_their_kinds()
    {
        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes(LiveAwsAuth), "aws-auth.yaml");
        Assert.Empty(imported.Errors);
        var access = ((YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Root(imported.AccessBlockYaml!)["config"])["eks-infra:access"];
        var nodeRoles = Assert.IsType<YamlDotNet.RepresentationModel.YamlSequenceNode>(Reparse.Get(access, "nodeRoles")).Children
            .ToDictionary(n => Reparse.Str(n, "rolearn"), n => Reparse.Str(n, "kind"));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["arn:aws:iam::123456789012:role/KarpenterNodeRole-my-cluster"] = "linux",
                ["arn:aws:iam::123456789012:role/windows-nodes"] = "windows",
                ["arn:aws:iam::123456789012:role/AmazonEKSFargatePodExecutionRole"] = "fargate",
            },
            nodeRoles);
        var mapRoles = Assert.IsType<YamlDotNet.RepresentationModel.YamlSequenceNode>(Reparse.Get(access, "mapRoles")).Children;
        Assert.Equal(["arn:aws:iam::123456789012:role/platform-admin"], mapRoles.Select(m => Reparse.Str(m, "rolearn")));
    }

    [Fact]
    public void Import_does_not_take_a_hybrid_nodes_role_for_a_fargate_role()
    {
        // EKS User Guide, "Prepare cluster access for hybrid nodes": the same username as Fargate's, without system:node-proxier.
        var live = LiveAwsAuth.Replace("""
                - system:node-proxier
            """, "", StringComparison.Ordinal);
        Assert.NotEqual(LiveAwsAuth, live);

        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes(live), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var access = ((YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Root(imported.AccessBlockYaml!)["config"])["eks-infra:access"];
        var nodeRoles = Assert.IsType<YamlDotNet.RepresentationModel.YamlSequenceNode>(Reparse.Get(access, "nodeRoles")).Children.Select(n => Reparse.Str(n, "rolearn"));
        Assert.DoesNotContain("arn:aws:iam::123456789012:role/AmazonEKSFargatePodExecutionRole", nodeRoles);
        var note = Assert.Single(imported.Skipped, s => s.Why.Contains("AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal));
        Assert.Contains("as an EKS Hybrid Nodes role is", note.Why, StringComparison.Ordinal);
        Assert.Contains("HYBRID_LINUX access entry", note.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void An_imported_stack_renders_the_same_node_mappings_and_migrates_without_blockers()
    {
        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes(LiveAwsAuth), "aws-auth.yaml");
        var access = imported.AccessBlockYaml!.Replace("config:\n", "", StringComparison.Ordinal);
        var stack = $"""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
            {access}
            """;
        var plan = Stacks.ValidPlanOf(stack);
        var awsAuth = Reparse.AwsAuth(Stacks.Render(plan)[StackRenderer.AwsAuthFile]);
        var live = Reparse.AwsAuth(LiveAwsAuth);
        foreach (var mapping in live.Roles)
        {
            Assert.Contains(awsAuth.Roles, m => m.Arn == mapping.Arn && m.Username == mapping.Username && m.Groups.Order(StringComparer.Ordinal).SequenceEqual(mapping.Groups.Order(StringComparer.Ordinal)));
        }

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);
        Assert.Empty(migration.Blockers);
        Assert.Contains(migration.Carried, c => c.Contains("AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal) && c.Contains("FARGATE_LINUX", StringComparison.Ordinal));
        Assert.Contains(migration.Carried, c => c.Contains("windows-nodes", StringComparison.Ordinal) && c.Contains("EC2_WINDOWS", StringComparison.Ordinal));

        // Leaving CONFIG_MAP, EKS makes the entries of managed node group and Fargate roles itself: a second one fails.
        var fargate = Assert.Single(migration.Carried, c => c.Contains("AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal) && c.Contains("check it is there", StringComparison.Ordinal));
        // Both commands as the AWS CLI takes them: DescribeAccessEntry and CreateAccessEntry require the cluster and the principal.
        Assert.Matches(@"`aws eks describe-access-entry --cluster-name my-cluster --region us-west-2 --principal-arn arn:aws:iam::\d{12}:role/\S*AmazonEKSFargatePodExecutionRole\S*`", fargate);
        Assert.Matches(@"`aws eks create-access-entry --cluster-name my-cluster --region us-west-2 --principal-arn arn:aws:iam::\d{12}:role/\S*AmazonEKSFargatePodExecutionRole\S* --type FARGATE_LINUX`", fargate);
        Assert.All(migration.Carried.Where(c => c.Contains(": type EC2_", StringComparison.Ordinal) || c.Contains(": type FARGATE_", StringComparison.Ordinal)),
            c => Assert.Contains("EKS makes its access entry itself when the mode leaves CONFIG_MAP", c, StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Why.Contains("is a node role", StringComparison.Ordinal) && s.Why.Contains("set managedNodeGroup: true on its access.nodeRoles entry before the move", StringComparison.Ordinal));
    }

    [Fact]
    public void The_access_entry_limit_counts_the_entries_eks_creates_for_compute()
    {
        var plan = Plan(ComputeStacks.Full("API"));
        Assert.Equal(3, plan.ComputeIdentities.Count(c => c.EntryCreatedByEks));
        Assert.Equal(plan.ComputeIdentities.Count, plan.ComputeIdentities.Select(c => c.RoleArnWithoutPath).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}

/// <summary>
/// EKS User Guide, "Deploy Windows nodes on EKS clusters", "Enable Windows support": the cluster role carries
/// AmazonEKSVPCResourceController once Windows nodes are in the cluster, whichever way they join.
/// </summary>
public class WindowsClusterRoleTests
{
    private const string LinuxOnlyNodeRoles = $$"""
            nodeRoles:
              - { rolearn: "{{ComputeStacks.KarpenterArn}}", kind: linux }
        """;

    private const string WindowsNodeGroup = """
            nodeRoles: [windows-group-role]
            nodeGroups:
              - name: system
                instanceTypes: [m6i.large]
              - name: windows
                instanceTypes: [m6i.large]
                amiType: WINDOWS_CORE_2022_x86_64
                nodeRole: windows-group-role
        """;

    private static IReadOnlyList<string?> ClusterRolePolicies(string stack)
    {
        var files = Stacks.Render(Stacks.ValidPlanOf(stack));
        return [.. Reparse.Json(files["iam/eks-cluster-role.json"]).GetProperty("managedPolicyArns").EnumerateArray().Select(e => e.GetString())];
    }

    [Fact]
    public void Windows_nodes_of_an_existing_role_give_the_cluster_role_the_vpc_resource_controller() =>
        Assert.Equal(
            ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController"],
            ClusterRolePolicies(ComputeStacks.Full("API")).Order(StringComparer.Ordinal));

    [Fact]
    public void A_windows_managed_node_group_gives_the_cluster_role_the_vpc_resource_controller() =>
        Assert.Contains("arn:aws:iam::aws:policy/AmazonEKSVPCResourceController", ClusterRolePolicies(ComputeStacks.Full("API", cluster: WindowsNodeGroup, nodeRoles: LinuxOnlyNodeRoles)));

    /// <summary>EKS guide, "Disable Windows support": the policy stays where the cluster uses security groups for Pods.</summary>
    [Fact]
    public void Removing_the_last_windows_nodes_warns_that_the_policy_is_detached()
    {
        var finding = Assert.Single(Stacks.DiffFindings(ComputeStacks.Full("API"), ComputeStacks.Full("API", nodeRoles: LinuxOnlyNodeRoles)), f => f.Subject == "IAM role eks-cluster-role");

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Equal("IAM role eks-cluster-role loses the managed policy AmazonEKSVPCResourceController", finding.Title);
        Assert.Contains("security groups for Pods need it too", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(ComputeStacks.Full("API"), ComputeStacks.Full("API")), f => f.Subject == "IAM role eks-cluster-role");
    }

    [Fact]
    public void A_linux_only_cluster_role_keeps_the_cluster_policy_alone() =>
        Assert.Equal(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"], ClusterRolePolicies(ComputeStacks.Full("API", nodeRoles: LinuxOnlyNodeRoles)));
}

/// <summary>
/// A managed node group made outside the stack (eksctl, the console): EKS maps its role in aws-auth and, once the mode
/// leaves CONFIG_MAP, makes its access entry itself (EKS User Guide, "Migrating existing aws-auth ConfigMap entries to
/// access entries"), so the stack keeps the mapping and writes no entry of its own.
/// </summary>
public class OutsideManagedNodeGroupTests
{
    private const string EksctlRole = "arn:aws:iam::123456789012:role/eksctl-my-cluster-ng-NodeInstanceRole-1A2B3C";

    private static string Stack(string mode, string managed = "true") => ComputeStacks.Full(mode, nodeRoles: $$"""
            nodeRoles:
              - { rolearn: "{{ComputeStacks.KarpenterArn}}", kind: linux }
              - { rolearn: "{{EksctlRole}}", kind: linux, managedNodeGroup: {{managed}} }
        """);

    [Theory]
    [InlineData("API_AND_CONFIG_MAP")]
    [InlineData("API")]
    public void The_stack_writes_no_access_entry_for_it_and_counts_the_one_eks_makes(string mode)
    {
        var plan = Stacks.ValidPlanOf(Stack(mode));

        Assert.DoesNotContain(plan.AccessEntries, e => e.PrincipalArn == EksctlRole);
        Assert.Contains(plan.AccessEntries, e => e.PrincipalArn == ComputeStacks.KarpenterArn && e.Type == "EC2_LINUX");
        Assert.Equal(
            StackEvaluator.AccessEntriesCreatedByEks(Stacks.ValidPlanOf(Stack(mode, managed: "false"))) + 1,
            StackEvaluator.AccessEntriesCreatedByEks(plan));
    }

    [Fact]
    public void While_aws_auth_counts_the_stack_keeps_its_mapping()
    {
        var awsAuth = Reparse.AwsAuth(Stacks.Render(Stacks.ValidPlanOf(Stack("API_AND_CONFIG_MAP")))[StackRenderer.AwsAuthFile]);

        var mapping = Assert.Single(awsAuth.Roles, r => r.Arn == EksctlRole);
        Assert.Equal("system:node:{{EC2PrivateDNSName}}", mapping.Username);
        Assert.Equal(["system:bootstrappers", "system:nodes"], mapping.Groups.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Leaving_config_map_is_planned_without_a_second_entry_and_checked_before_api()
    {
        var toBoth = ModeMigration.Plan("test", "Pulumi.test.yaml", Stack("CONFIG_MAP"), AuthenticationMode.ApiAndConfigMap);
        Assert.Empty(toBoth.Blockers);
        Assert.Contains(toBoth.Carried, c => c.StartsWith(EksctlRole, StringComparison.Ordinal) && c.Contains("the EC2_LINUX access entry EKS creates for the managed node group", StringComparison.Ordinal));

        var toApi = ModeMigration.Plan("test", "Pulumi.test.yaml", Stack("API_AND_CONFIG_MAP"), AuthenticationMode.Api);
        Assert.Contains(toApi.Steps, s => s.Contains($"`aws eks describe-access-entry --cluster-name my-cluster --region us-west-2 --principal-arn {EksctlRole}`", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("false", "true", "is left to EKS (managedNodeGroup set)", "create it then")]
    [InlineData("true", "false", "the stack now writes the access entry", "refuses a second with HTTP 409")]
    public void Turning_the_flag_on_or_off_moves_the_entry_and_is_a_danger(string from, string to, string title, string gist)
    {
        var finding = Assert.Single(Stacks.DiffFindings(Stack("API_AND_CONFIG_MAP", managed: from), Stack("API_AND_CONFIG_MAP", managed: to)), f => f.Subject == EksctlRole && f.Level != FindingLevel.Changed);

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains(title, finding.Title, StringComparison.Ordinal);
        Assert.Contains(gist, finding.Detail, StringComparison.Ordinal);
        Assert.Contains($"aws eks describe-access-entry --cluster-name my-cluster --region us-west-2 --principal-arn {EksctlRole}", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropping_the_flag_as_the_mode_leaves_config_map_checks_the_node_groups_roles_not_an_entry_that_cannot_exist_yet()
    {
        // EKS makes a managed node group role's entry at the mode change itself, so before the move there is no entry to describe.
        var finding = Assert.Single(Stacks.DiffFindings(Stack("CONFIG_MAP", managed: "true"), Stack("API_AND_CONFIG_MAP", managed: "false")), f => f.Subject == EksctlRole && f.Level != FindingLevel.Changed);

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("the stack now writes the access entry", finding.Title, StringComparison.Ordinal);
        Assert.Contains("EKS makes its own entry at that mode change", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("aws eks list-nodegroups --cluster-name my-cluster --region us-west-2", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("describe-access-entry", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_the_flag_as_the_mode_leaves_config_map_deletes_nothing_and_says_to_check_eks_entry_afterwards()
    {
        var finding = Assert.Single(Stacks.DiffFindings(Stack("CONFIG_MAP", managed: "false"), Stack("API_AND_CONFIG_MAP", managed: "true")), f => f.Subject == EksctlRole && f.Level != FindingLevel.Changed);

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("the stack makes none", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("deletes", finding.Detail, StringComparison.Ordinal);
        Assert.Contains($"aws eks describe-access-entry --cluster-name my-cluster --region us-west-2 --principal-arn {EksctlRole}` shows no entry after the update", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void In_config_map_the_flag_moves_no_entry_and_is_no_danger() =>
        Assert.DoesNotContain(Stacks.DiffFindings(Stack("CONFIG_MAP", managed: "false"), Stack("CONFIG_MAP")), f => f.Subject == EksctlRole && f.Level != FindingLevel.Changed);

    [Fact]
    public void A_fargate_role_takes_no_managed_node_group_flag()
    {
        var evaluation = Stacks.EvaluateText(ComputeStacks.Full("API", nodeRoles: """
                nodeRoles:
                  - { rolearn: "arn:aws:iam::123456789012:role/other-fargate", kind: fargate, managedNodeGroup: true }
            """));

        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("eks-infra:access.nodeRoles[0].managedNodeGroup", error.Path);
        Assert.Contains("remove the key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_config_binds_the_flag_as_the_stack_file_does()
    {
        var yaml = Stack("API_AND_CONFIG_MAP");

        var fromJson = PulumiConfig.Evaluate(yaml);

        Assert.True(fromJson.IsValid, Stacks.Describe(fromJson));
        Assert.Equal(Stacks.Render(Stacks.ValidPlanOf(yaml)), Stacks.Render(fromJson.Plan!));
    }
}

/// <summary>
/// EKS removes a node role's aws-auth mapping with its last managed node group, and the stack's unchanged aws-auth
/// inputs never write it back in that update: diff says so where aws-auth is read.
/// </summary>
public class LastManagedNodeGroupTests
{
    private const string Title = "loses its last managed node group";

    private const string OneGroup = """
            nodeGroups:
              - { name: system, instanceTypes: [m6i.large], desiredSize: 2, minSize: 1, maxSize: 3 }
        """;

    private const string Karpenter = """
            nodeRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole", kind: linux }
        """;

    [Theory]
    [InlineData("CONFIG_MAP")]
    [InlineData("API_AND_CONFIG_MAP")]
    public void Removing_the_last_group_of_a_mapped_role_is_a_danger(string mode)
    {
        var findings = Stacks.DiffFindings(ComputeStacks.Full(mode, cluster: OneGroup, nodeRoles: Karpenter), ComputeStacks.Full(mode, cluster: "    nodeGroups: []", nodeRoles: Karpenter));

        var finding = Assert.Single(findings, f => f.Title.Contains(Title, StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Equal("arn:aws:iam::123456789012:role/eks-node-role", finding.Subject);
        Assert.Contains("pulumi up --refresh", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_left_on_the_role_keeps_the_mapping()
    {
        var two = """
                nodeGroups:
                  - { name: system, instanceTypes: [m6i.large], desiredSize: 2, minSize: 1, maxSize: 3 }
                  - { name: batch, instanceTypes: [m6i.large], desiredSize: 1, minSize: 1, maxSize: 3 }
            """;

        var findings = Stacks.DiffFindings(ComputeStacks.Full("CONFIG_MAP", cluster: two, nodeRoles: Karpenter), ComputeStacks.Full("CONFIG_MAP", cluster: OneGroup, nodeRoles: Karpenter));

        Assert.Contains(findings, f => f.Title.Contains("node group batch is deleted", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Title.Contains(Title, StringComparison.Ordinal));
    }

    [Fact]
    public void The_last_group_of_a_role_that_moves_to_another_group_keeps_the_mapping()
    {
        var renamed = OneGroup.Replace("name: system", "name: general", StringComparison.Ordinal);

        var findings = Stacks.DiffFindings(ComputeStacks.Full("CONFIG_MAP", cluster: OneGroup, nodeRoles: Karpenter), ComputeStacks.Full("CONFIG_MAP", cluster: renamed, nodeRoles: Karpenter));

        Assert.DoesNotContain(findings, f => f.Title.Contains(Title, StringComparison.Ordinal));
    }
}

/// <summary>
/// EKS runs CoreDNS on EC2 nodes by default ("Get started with AWS Fargate"): a stack with Fargate as its only Linux
/// compute is warned that cluster DNS stays Pending, and told what is left to do.
/// </summary>
public class FargateOnlyCoreDnsTests
{
    private const string Gist = "CoreDNS runs on EC2 nodes by default";

    private static StackEvaluation Evaluate(string selectors, string nodeGroups = "    nodeGroups: []", string nodeRoles = "") =>
        Stacks.EvaluateText(ComputeStacks.Full("CONFIG_MAP", cluster: $$"""
            {{nodeGroups}}
                fargateProfiles:
                  - name: apps
                    selectors: {{selectors}}
            """, nodeRoles: nodeRoles));

    [Theory]
    [InlineData("[{ namespace: apps }]", "add a profile selecting namespace kube-system")]
    [InlineData("[{ namespace: apps }, { namespace: kube-system, labels: { k8s-app: other } }]", "add a profile selecting namespace kube-system")]
    [InlineData("[{ namespace: apps }, { namespace: kube-system, labels: { k8s-app: kube-dns } }]", "a profile here selects its pods")]
    [InlineData("[{ namespace: \"kube-*\" }]", "a profile here selects its pods")]
    [InlineData("[{ namespace: \"k?be-s*m\", labels: { \"*\": \"kube-d?s\" } }]", "a profile here selects its pods")]
    [InlineData("[{ namespace: \"**********************************x\" }]", "add a profile selecting namespace kube-system")]
    public void Fargate_as_the_only_linux_compute_is_warned(string selectors, string advice)
    {
        var evaluation = Evaluate(selectors);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Message.Contains(Gist, StringComparison.Ordinal));
        Assert.Equal("eks-infra:cluster.fargateProfiles", warning.Path);
        Assert.Contains(advice, warning.Message, StringComparison.Ordinal);
        Assert.Contains("eks.amazonaws.com/compute-type: ec2", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    nodeGroups:\n      - { name: system, instanceTypes: [m6i.large], desiredSize: 2, minSize: 1, maxSize: 3 }", "")]
    [InlineData("    nodeGroups: []", "    nodeRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/KarpenterNodeRole\", kind: linux }")]
    public void Linux_ec2_capacity_is_not_warned(string nodeGroups, string nodeRoles)
    {
        var evaluation = Evaluate("[{ namespace: apps }]", nodeGroups, nodeRoles);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains(Gist, StringComparison.Ordinal));
    }
}

public class TaintedOnlyCoreDnsTests
{
    private const string Gist = "every Linux node group has a NoSchedule or NoExecute taint that EKS's CoreDNS does not tolerate";

    private static StackEvaluation Evaluate(string groups, string nodeRoles = "", string fargate = "") =>
        Stacks.EvaluateText(ComputeStacks.Full("API", cluster: $"    nodeGroups:\n{groups}{fargate}", nodeRoles: nodeRoles));

    private const string Gpu = "      - { name: gpu, instanceTypes: [g5.xlarge], amiType: AL2023_x86_64_NVIDIA, taints: [{ key: nvidia.com/gpu, effect: NoSchedule }] }\n";

    [Theory]
    [InlineData(Gpu)]
    [InlineData(Gpu + "      - { name: batch, instanceTypes: [m6i.large], taints: [{ key: team, value: batch, effect: NoExecute }, { key: CriticalAddonsOnly, effect: NoSchedule }] }\n")]
    public void Every_linux_group_tainted_against_coredns_is_warned(string groups)
    {
        var evaluation = Evaluate(groups);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Message.Contains(Gist, StringComparison.Ordinal));
        Assert.Equal("eks-infra:cluster.nodeGroups", warning.Path);
    }

    [Theory]
    // One group takes CoreDNS: untainted, tainted only with what CoreDNS tolerates, or only PreferNoSchedule.
    [InlineData(Gpu + "      - { name: system, instanceTypes: [m6i.large] }\n", "", "")]
    [InlineData("      - { name: system, instanceTypes: [m6i.large], taints: [{ key: CriticalAddonsOnly, effect: NoSchedule }] }\n", "", "")]
    [InlineData("      - { name: system, instanceTypes: [m6i.large], taints: [{ key: team, effect: PreferNoSchedule }] }\n", "", "")]
    // Karpenter's nodes, or a Fargate profile that selects CoreDNS.
    [InlineData(Gpu, "    nodeRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/KarpenterNodeRole\", kind: linux }", "")]
    [InlineData(Gpu, "", "    fargateProfiles:\n      - name: dns\n        selectors: [{ namespace: kube-system, labels: { k8s-app: kube-dns } }]\n")]
    public void A_place_coredns_can_run_is_not_warned(string groups, string nodeRoles, string fargate)
    {
        var evaluation = Evaluate(groups, nodeRoles, fargate);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains(Gist, StringComparison.Ordinal));
    }
}
