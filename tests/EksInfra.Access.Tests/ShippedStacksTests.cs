using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Tests;

/// <summary>staging and prod: the two ARN forms, API mode without aws-auth, namespace-scoped bindings.</summary>
public class ShippedStacksTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Shipped_stack_is_valid(string stack)
    {
        var evaluation = Stacks.Shipped(stack);
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
    }

    [Fact]
    public void Staging_ci_role_is_path_stripped_in_aws_auth_and_keeps_its_path_in_access_entries()
    {
        var files = Stacks.Render(Stacks.ValidPlan(Stacks.Shipped("staging")));
        var awsAuth = Reparse.AwsAuth(files[StackRenderer.AwsAuthFile]);
        var ci = Assert.Single(awsAuth.Roles, r => r.Username == "ci-deployer");
        Assert.Equal("arn:aws:iam::123456789012:role/github-actions-deployer", ci.Arn);
        Assert.Equal(["app-deployers"], ci.Groups);
        Assert.DoesNotContain(awsAuth.Roles, r => r.Arn.Contains("/ci/", StringComparison.Ordinal));

        var entries = Reparse.Json(files[StackRenderer.AccessEntriesFile]).GetProperty("accessEntries").EnumerateArray().ToList();
        var entry = Assert.Single(entries, e => e.TryGetProperty("username", out var username) && username.GetString() == "ci-deployer");
        Assert.Equal("arn:aws:iam::123456789012:role/ci/github-actions-deployer", entry.GetProperty("principalArn").GetString());

        var user = Assert.Single(awsAuth.Users);
        Assert.Equal("arn:aws:iam::123456789012:user/qa-lead", user.Arn);
        Assert.Equal(["read-only"], user.Groups);
        Assert.Contains(awsAuth.Roles, r => r.Arn == "arn:aws:iam::123456789012:role/staging-eks-node-role" && r.Username == "system:node:{{EC2PrivateDNSName}}");
    }

    [Fact]
    public void Staging_creates_its_own_role_names_so_it_can_share_the_dev_account()
    {
        var dev = Stacks.ValidPlan(Stacks.Shipped("dev")).Roles.Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var staging = Stacks.ValidPlan(Stacks.Shipped("staging")).Roles.Select(r => r.Name).ToList();
        Assert.Equal(5, staging.Count);
        Assert.DoesNotContain(staging, dev.Contains);
    }

    [Fact]
    public void Staging_runs_a_spot_workload_pool_on_its_own_role_beside_the_system_pool_and_maps_karpenter()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("staging"));
        Assert.Equal(["system", "workload-spot"], plan.Cluster.NodeGroups.Select(g => g.Name));
        var spot = plan.Cluster.NodeGroups[1];
        Assert.Equal(("SPOT", "staging-eks-workload-node-role"), (spot.CapacityType, spot.NodeRoleName));
        Assert.Equal("staging-eks-node-role", plan.Cluster.NodeGroups[0].NodeRoleName);

        var files = Stacks.Render(plan);
        var awsAuth = Reparse.AwsAuth(files[StackRenderer.AwsAuthFile]);
        var nodes = awsAuth.Roles.Where(r => r.Username == "system:node:{{EC2PrivateDNSName}}").Select(r => r.Arn).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["arn:aws:iam::123456789012:role/KarpenterNodeRole-staging-cluster", "arn:aws:iam::123456789012:role/staging-eks-node-role", "arn:aws:iam::123456789012:role/staging-eks-workload-node-role"],
            nodes);
        var karpenter = Assert.Single(Reparse.Json(files[StackRenderer.AccessEntriesFile]).GetProperty("accessEntries").EnumerateArray(), e => e.GetProperty("type").GetString() != "STANDARD");
        Assert.Equal(("arn:aws:iam::123456789012:role/KarpenterNodeRole-staging-cluster", "EC2_LINUX"), (karpenter.GetProperty("principalArn").GetString(), karpenter.GetProperty("type").GetString()));
    }

    [Fact]
    public void Prod_runs_batch_jobs_on_a_fargate_profile_whose_entry_eks_creates()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("prod"));
        var profile = Assert.Single(plan.Cluster.FargateProfiles);
        Assert.Equal(("batch", "prod-cluster-fargate-batch"), (profile.Name, profile.PodExecutionRoleName));
        Assert.Equal(["batch-jobs"], profile.Selectors.Select(s => s.Namespace));
        Assert.Equal(plan.Cluster.Network.PrivateSubnetIds, profile.SubnetIds);
        Assert.DoesNotContain(plan.AccessEntries, e => e.PrincipalArn.EndsWith("/prod-cluster-fargate-batch", StringComparison.Ordinal));
        Assert.Contains(plan.Roles, r => r.Name == "prod-cluster-fargate-batch" && r.Purpose == RolePurpose.FargatePodExecution);
    }

    [Fact]
    public void Staging_app_deployers_are_bound_in_their_namespaces_only()
    {
        var docs = Reparse.Documents(Stacks.Render(Stacks.ValidPlan(Stacks.Shipped("staging")))[StackRenderer.RbacFile]);
        var bindings = docs.Where(d => Subject(d) == "app-deployers").ToList();
        Assert.All(bindings, b => Assert.Equal("RoleBinding", Reparse.Str(b, "kind")));
        Assert.Equal(["apps", "apps-jobs"], bindings.Select(b => Reparse.Str(b["metadata"], "namespace")).Order(StringComparer.Ordinal));
        Assert.All(bindings, b => Assert.Equal("edit", Reparse.Str(b["roleRef"], "name")));
        Assert.All(bindings, b => Assert.Equal("ClusterRole", Reparse.Str(b["roleRef"], "kind")));
    }

    [Fact]
    public void The_rendered_aws_auth_has_the_metadata_pulumi_eks_gives_it()
    {
        // pulumi-eks v4.3.0 (cluster.ts, nodeAccess) writes aws-auth with the patchForce annotation and no label, and
        // the program's mapAccounts patch adds none: the live object does not carry the stack's managed-by label.
        var manifest = Reparse.Root(AwsAuthRenderer.Render(Stacks.ValidPlan(Stacks.Shipped("dev")))!);
        var metadata = (YamlDotNet.RepresentationModel.YamlMappingNode)manifest["metadata"];
        Assert.False(metadata.Children.ContainsKey("labels"));
        Assert.Equal("true", metadata["annotations"]["pulumi.com/patchForce"].ToString());
        Assert.Equal(("aws-auth", "kube-system"), (metadata["name"].ToString(), metadata["namespace"].ToString()));
    }

    [Fact]
    public void Prod_in_api_mode_has_no_aws_auth_and_keeps_sso_paths_in_access_entries()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("prod"));
        Assert.Null(plan.AwsAuth);
        Assert.Null(AwsAuthRenderer.Render(plan));
        var files = Stacks.Render(plan);
        Assert.False(files.ContainsKey(StackRenderer.AwsAuthFile));

        var doc = Reparse.Json(files[StackRenderer.AccessEntriesFile]);
        Assert.Equal("API", doc.GetProperty("authenticationMode").GetString());
        var entries = doc.GetProperty("accessEntries").EnumerateArray().ToDictionary(e => e.GetProperty("username").GetString()!);
        Assert.Equal(
            "arn:aws:iam::345678901234:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PaymentsDevelopers_9d8c7b6a5f4e3d21",
            entries["sso:{{SessionName}}"].GetProperty("principalArn").GetString());
        Assert.Equal(["team-payments"], entries["sso:{{SessionName}}"].GetProperty("kubernetesGroups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(
            "arn:aws:iam::345678901234:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SupportReadOnly_1a2b3c4d5e6f7a8b",
            entries["support:{{SessionName}}"].GetProperty("principalArn").GetString());
        Assert.Equal(4, entries.Count);
        Assert.All(entries.Values, e => Assert.Equal("STANDARD", e.GetProperty("type").GetString()));
    }

    [Fact]
    public void Prod_admin_role_trusts_the_sso_role_with_its_full_path()
    {
        var files = Stacks.Render(Stacks.ValidPlan(Stacks.Shipped("prod")));
        var doc = Reparse.Json(files["iam/prod-eks-admin-role.json"]);
        var statement = Assert.Single(doc.GetProperty("assumeRolePolicy").GetProperty("Statement").EnumerateArray());
        Assert.Equal(
            "arn:aws:iam::345678901234:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmins_4f2a9c1e7b3d5a60",
            statement.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal(3600, doc.GetProperty("maxSessionDuration").GetInt32());
        Assert.Equal("arn:aws:iam::345678901234:role/prod-eks-admin-role", doc.GetProperty("arn").GetString());
    }

    [Fact]
    public void Prod_team_payments_gets_role_bindings_in_its_namespaces_and_read_only_is_cluster_wide()
    {
        var docs = Reparse.Documents(Stacks.Render(Stacks.ValidPlan(Stacks.Shipped("prod")))[StackRenderer.RbacFile]);
        var payments = docs.Where(d => Subject(d) == "team-payments").ToList();
        Assert.Equal(2, payments.Count);
        Assert.All(payments, b => Assert.Equal("RoleBinding", Reparse.Str(b, "kind")));
        Assert.Equal(["payments", "payments-jobs"], payments.Select(b => Reparse.Str(b["metadata"], "namespace")).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(docs, d => Reparse.Str(d, "kind") == "ClusterRoleBinding" && Subject(d) == "team-payments");
        var readOnly = Assert.Single(docs, d => Subject(d) == "read-only");
        Assert.Equal("ClusterRoleBinding", Reparse.Str(readOnly, "kind"));
        Assert.Null(Reparse.Get(readOnly["metadata"], "namespace"));
    }

    [Fact]
    public void Prod_network_settings_reach_the_plan()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("prod"));
        Assert.Equal("us-east-1", plan.Cluster.Region);
        Assert.Equal("345678901234", plan.Cluster.AccountId);
        Assert.Equal("vpc-0a1b2c3d4e5f60718", plan.Cluster.Network.VpcId);
        Assert.Equal(3, plan.Cluster.Network.PrivateSubnetIds.Count);
        Assert.False(plan.Cluster.Network.EndpointPublicAccess);
        Assert.True(plan.Cluster.Network.EndpointPrivateAccess);
        Assert.True(plan.Cluster.Protect);
        var group = Assert.Single(plan.Cluster.NodeGroups);
        Assert.Equal(("m6i.large", 4, 3, 9), (group.InstanceType, group.DesiredSize, group.MinSize, group.MaxSize));
    }

    private static string? Subject(YamlMappingNode doc) =>
        Reparse.Get(doc, "subjects") is YamlSequenceNode subjects ? Reparse.Str(subjects.Children[0], "name") : null;
}
