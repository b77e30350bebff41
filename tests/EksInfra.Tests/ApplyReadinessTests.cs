using System.Reflection;
using System.Text.Json.Nodes;
using EksInfra.Access.Model;
using Moq;
using Pulumi;
using Pulumi.Testing;
using static EksInfra.Tests.Values;

namespace EksInfra.Tests;

/// <summary>What a real `pulumi up` of the shipped stacks needs that a mock run would otherwise not show.</summary>
[Collection(PulumiTestGroup.Name)]
public sealed class ApplyReadinessTests
{
    private const string RoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";

    private static readonly FieldInfo ProtectField = typeof(Resource).GetField("_protect", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("Pulumi.Resource has no _protect field in this SDK version");

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Every_namespace_a_role_binding_targets_is_registered_and_the_binding_waits_for_it(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var access = Assert.Single(run.Resources.OfType<KubernetesAccess>());
        var namespaces = run.OfType(EksInfraStackTests.NamespaceType).ToDictionary(r => Str(Map(r.Inputs["metadata"])["name"]), StringComparer.Ordinal);

        foreach (var binding in run.OfType(RoleBindingType))
        {
            var ns = Str(Map(binding.Inputs["metadata"])["namespace"]);
            if (KubernetesValues.IsSystemNamespace(ns))
            {
                continue;
            }

            Assert.True(namespaces.ContainsKey(ns), $"{stack}: RoleBinding {binding.Name} targets namespace {ns}, which nothing registers");
            await PulumiHarness.AssertWaitsForAsync(run.Registered(RoleBindingType, binding.Name!), [access.Namespaces[ns]]);
        }

        foreach (var (name, ns) in namespaces)
        {
            var labels = Map(Map(ns.Inputs["metadata"])["labels"]);
            Assert.Equal(KubernetesNames.ManagedByValue, Str(labels[KubernetesNames.ManagedByLabel]));
            Assert.True((bool?)run.Registered(EksInfraStackTests.NamespaceType, ns.Name!)["retainOnDelete"] == true, $"{stack}: namespace {name} must be retained on delete");
        }

        Assert.Equal(stack != "dev", namespaces.Count > 0);
    }

    [Fact]
    public async Task Prod_quota_and_limit_range_carry_the_plan_and_wait_for_their_namespace()
    {
        var run = await PulumiHarness.RunShippedAsync("prod");
        var access = Assert.Single(run.Resources.OfType<KubernetesAccess>());
        var quota = Assert.Single(run.OfType(EksInfraStackTests.ResourceQuotaType));
        var range = Assert.Single(run.OfType(EksInfraStackTests.LimitRangeType));

        Assert.Equal("payments", Str(Map(quota.Inputs["metadata"])["namespace"]));
        var hard = Map(Map(quota.Inputs["spec"])["hard"]);
        Assert.Equal("32Gi", Str(hard["requests.memory"]));
        Assert.Equal("200", Str(hard["pods"]));
        var limit = Map(Assert.Single(List(Map(range.Inputs["spec"])["limits"])));
        Assert.Equal("Container", Str(limit["type"]));
        Assert.Equal("100m", Str(Map(limit["defaultRequest"])["cpu"]));
        Assert.Equal("512Mi", Str(Map(limit["default"])["memory"]));
        await PulumiHarness.AssertWaitsForAsync(run.Registered(EksInfraStackTests.ResourceQuotaType, quota.Name!), [access.Namespaces["payments"]]);
        await PulumiHarness.AssertWaitsForAsync(run.Registered(EksInfraStackTests.LimitRangeType, range.Name!), [access.Namespaces["payments"]]);
    }

    [Fact]
    public async Task Prod_protects_the_aws_cluster_and_its_service_and_node_roles_only()
    {
        var run = await PulumiHarness.RunShippedAsync("prod");
        var cluster = run.Registered(ClusterType, "prod-cluster-eks");

        // Protect on the component would reach the access entries pulumi-eks creates as its children.
        Assert.NotEqual(true, (bool?)cluster["protect"]);
        Assert.True(Assert.IsType<bool>(run.Inputs(ClusterType, "prod-cluster-eks")["deletionProtection"]));
        Assert.True(await ProtectsAsync(cluster, "aws:eks/cluster:Cluster"));
        foreach (var child in new[] { "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "kubernetes:core/v1:ConfigMap", "aws:ec2/securityGroup:SecurityGroup" })
        {
            Assert.False(await ProtectsAsync(cluster, child), $"{child} must stay changeable");
        }

        var roles = run.Resources.OfType<Pulumi.Aws.Iam.Role>().GroupBy(r => r.GetResourceName(), StringComparer.Ordinal).Select(g => g.First()).ToList();
        var protectedNames = roles.Where(r => (bool?)ProtectField.GetValue(r) == true).Select(r => r.GetResourceName()).Order(StringComparer.Ordinal);
        Assert.Equal(["prod-cluster-iam-prod-eks-cluster-role", "prod-cluster-iam-prod-eks-node-role"], protectedNames);
    }

    [Fact]
    public async Task Dev_protects_nothing()
    {
        var run = await PulumiHarness.RunShippedAsync("dev");

        Assert.False(await ProtectsAsync(run.Registered(ClusterType, "my-cluster-eks"), "aws:eks/cluster:Cluster"));
        // Sent as false, not left out: the AWS provider computes deletion_protection and would keep an earlier true.
        Assert.False(Assert.IsType<bool>(run.Inputs("eks:index:Cluster", "my-cluster-eks")["deletionProtection"]));
        Assert.DoesNotContain(run.Resources, r => (bool?)ProtectField.GetValue(r) == true);
    }

    [Fact]
    public async Task A_role_trusting_another_created_role_is_registered_after_it_and_waits_for_it()
    {
        // eks-admin-role sorts first in the plan; trusting eks-readonly-role, it must wait for it: IAM refuses a trust
        // policy whose principal does not exist yet.
        var raw = StackFiles.RawValues("dev");
        var access = JsonNode.Parse(raw["eks-infra:access"]!)!.AsObject();
        var admin = access["roles"]!.AsArray().Single(r => (string)r!["name"]! == "eks-admin-role")!.AsObject();
        admin["assumedBy"] = new JsonArray("arn:aws:iam::123456789012:role/eks-readonly-role");
        raw["eks-infra:access"] = access.ToJsonString();

        var run = await PulumiHarness.RunAsync("dev", raw);

        var roles = Assert.Single(run.Resources.OfType<IamRoles>());
        var adminRole = roles.Named("eks-admin-role");
        var readonlyRole = roles.Named("eks-readonly-role");
        Assert.Equal([readonlyRole], adminRole.Trusted);
        Assert.Empty(readonlyRole.Trusted);
        var order = run.Mocks.Registrations.Where(r => r.Type == "aws:iam/role:Role").Select(r => r.Name).ToList();
        Assert.True(order.IndexOf(readonlyRole.Resource.GetResourceName()) < order.IndexOf(adminRole.Resource.GetResourceName()), string.Join(", ", order));
        Assert.Equal(run.Plan.Roles.Select(r => r.Name), roles.All.Select(r => r.Plan.Name));
    }

    [Fact]
    public async Task A_prod_change_removing_a_mapped_principal_deletes_nothing_protected()
    {
        var before = await PulumiHarness.RunShippedAsync("prod");
        var raw = StackFiles.RawValues("prod");
        var access = JsonNode.Parse(raw["eks-infra:access"]!)!.AsObject();
        var mapRoles = access["mapRoles"]!.AsArray();
        var removedArn = (string)mapRoles[1]!["rolearn"]!;
        mapRoles.RemoveAt(1);
        raw["eks-infra:access"] = access.ToJsonString();
        var after = await PulumiHarness.RunAsync("prod", raw);

        // Resources the program stops registering are deleted by `pulumi up`; none of them may be protected.
        var kept = after.Mocks.Registrations.Select(r => $"{r.Type} {r.Name}").ToHashSet(StringComparer.Ordinal);
        var deleted = before.Resources.Where(r => !kept.Contains($"{r.GetResourceType()} {r.GetResourceName()}")).ToList();
        Assert.DoesNotContain(deleted, r => (bool?)ProtectField.GetValue(r) == true);

        // The principal's access entry is a child of the pulumi-eks component: gone from its inputs, under no protection.
        var entriesBefore = MapOrEmpty(before.Inputs("eks:index:Cluster", "prod-cluster-eks"), "accessEntries");
        var entriesAfter = MapOrEmpty(after.Inputs("eks:index:Cluster", "prod-cluster-eks"), "accessEntries");
        var removedKeys = entriesBefore.Keys.Except(entriesAfter.Keys).ToList();
        Assert.Equal(removedArn, Str(Map(entriesBefore[Assert.Single(removedKeys)])["principalArn"]));
        var cluster = after.Registered(ClusterType, "prod-cluster-eks");
        Assert.NotEqual(true, (bool?)cluster["protect"]);
        Assert.False(await ProtectsAsync(cluster, "aws:eks/accessEntry:AccessEntry"));
    }

    [Fact]
    public async Task Public_access_cidrs_reach_the_cluster_and_eks_default_is_sent_when_not_set()
    {
        var raw = StackFiles.RawValues("dev");
        var cluster = JsonNode.Parse(raw["eks-infra:cluster"]!)!.AsObject();
        cluster["publicAccessCidrs"] = new JsonArray("54.240.197.0/24", "52.12.34.0/24");
        raw["eks-infra:cluster"] = cluster.ToJsonString();

        var run = await PulumiHarness.RunAsync("dev", raw);

        Assert.Equal(["52.12.34.0/24", "54.240.197.0/24"], Strings(run.Inputs("eks:index:Cluster", "my-cluster-eks"), "publicAccessCidrs"));
        // vpc_config.public_access_cidrs is Optional and Computed: unsent, a list removed from the config would stay on the cluster.
        var shipped = await PulumiHarness.RunShippedAsync("dev");
        Assert.Equal(["0.0.0.0/0"], Strings(shipped.Inputs("eks:index:Cluster", "my-cluster-eks"), "publicAccessCidrs"));

        // With the public endpoint off there is no list to send: pulumi-eks refuses publicAccessCidrs then.
        cluster.Remove("publicAccessCidrs");
        cluster["endpointPublicAccess"] = false;
        cluster["endpointPrivateAccess"] = true;
        raw["eks-infra:cluster"] = cluster.ToJsonString();
        var privateOnly = await PulumiHarness.RunAsync("dev", raw);
        Assert.False(privateOnly.Inputs("eks:index:Cluster", "my-cluster-eks").ContainsKey("publicAccessCidrs"));
    }

    [Fact]
    public async Task Turning_protect_off_sends_deletion_protection_false()
    {
        var raw = StackFiles.RawValues("prod");
        var cluster = JsonNode.Parse(raw["eks-infra:cluster"]!)!.AsObject();
        cluster["protect"] = false;
        raw["eks-infra:cluster"] = cluster.ToJsonString();

        var run = await PulumiHarness.RunAsync("prod", raw);

        Assert.False(Assert.IsType<bool>(run.Inputs("eks:index:Cluster", "prod-cluster-eks")["deletionProtection"]));
    }

    [Fact]
    public async Task Every_existing_principal_is_looked_up_by_name_and_all_present_passes()
    {
        var run = await PulumiHarness.RunShippedAsync("staging");

        var roleNames = run.Mocks.Calls.Where(c => c.Token == StackMocks.GetRoleToken).Select(c => (string)c.Args["name"]).Order(StringComparer.Ordinal);
        var userNames = run.Mocks.Calls.Where(c => c.Token == StackMocks.GetUserToken).Select(c => (string)c.Args["userName"]);
        Assert.Equal(["KarpenterNodeRole-staging-cluster", "eks-infra-ci-deploy-staging", "github-actions-deployer"], roleNames);
        Assert.Equal(["qa-lead"], userNames);
        Assert.NotEmpty(run.Mocks.Registrations);
    }

    [Fact]
    public async Task A_missing_mapped_role_fails_the_run_with_its_config_path_and_registers_nothing()
    {
        var raw = StackFiles.RawValues("staging");
        var mocks = StackMocks.ForStack("staging", raw);
        mocks.ExistingRoles.Remove("github-actions-deployer");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Deployment.TestAsync(mocks.Mock.Object, PulumiHarness.Options("staging"), EksInfraProgram.Run));

        Assert.Contains("eks-infra:access.mapRoles[0].rolearn", error.Message, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::123456789012:role/ci/github-actions-deployer", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Registrations);
    }

    [Fact]
    public async Task A_missing_trusted_role_fails_the_run_in_any_mode()
    {
        var raw = StackFiles.RawValues("prod");
        var mocks = StackMocks.ForStack("prod", raw);
        Assert.True(mocks.ExistingRoles.Remove("AWSReservedSSO_PlatformAdmins_4f2a9c1e7b3d5a60"));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Deployment.TestAsync(mocks.Mock.Object, PulumiHarness.Options("prod"), EksInfraProgram.Run));

        Assert.Contains("eks-infra:access.roles[0].assumedBy[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("trust policy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_iam_knows_under_another_path_fails_the_run()
    {
        var raw = StackFiles.RawValues("staging");
        var run = PulumiHarness.RunAsync("staging", raw, m => m.ExistingRoles["github-actions-deployer"] = "arn:aws:iam::123456789012:role/github-actions-deployer");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => run);

        Assert.Contains("eks-infra:access.mapRoles[0].rolearn", error.Message, StringComparison.Ordinal);
        Assert.Contains("IAM knows this role as 'arn:aws:iam::123456789012:role/github-actions-deployer'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_config_map_mode_a_missing_mapped_user_is_a_warning_and_the_run_goes_on()
    {
        var raw = StackFiles.RawValues("dev");
        var access = JsonNode.Parse(raw["eks-infra:access"]!)!.AsObject();
        access["authenticationMode"] = "CONFIG_MAP";
        raw["eks-infra:access"] = access.ToJsonString();

        var run = await PulumiHarness.RunAsync("dev", raw, m => m.ExistingUsers.Clear());

        Assert.Contains(run.Mocks.Calls, c => c.Token == StackMocks.GetUserToken && (string)c.Args["userName"] == "username");
        Assert.NotEmpty(run.Mocks.Registrations);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Access_entries_and_policy_associations_are_deleted_before_they_are_replaced_and_nothing_else_is(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var cluster = run.Registered(ClusterType, stack == "dev" ? "my-cluster-eks" : $"{stack}-cluster-eks");

        // A replaced association's delete would remove the new scope's association; a replaced entry's create gets HTTP 409.
        // The mocks cannot show the engine applying the transform to pulumi-eks's children (a remote component's); Pulumi's
        // docs say transforms reach them ("Transforms support modifying child resources of packaged components (such as
        // those in awsx and eks)", concepts/options/transformations), so this calls the transforms the component was
        // registered with, through the SDK's callback server as the engine does, for each type.
        foreach (var child in new[] { "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" })
        {
            Assert.True(DeletesFirst(await RegisteredRequests.TransformedAsync(cluster, child)), $"{child} must be deleted before it is replaced");
        }

        foreach (var child in new[] { "aws:eks/cluster:Cluster", "kubernetes:core/v1:ConfigMap", "aws:ec2/securityGroup:SecurityGroup", "aws:iam/role:Role" })
        {
            Assert.False(DeletesFirst(await RegisteredRequests.TransformedAsync(cluster, child)), $"{child} keeps Pulumi's create-first replacement");
        }
    }

    /// <summary>
    /// The cluster component, its node groups and Fargate profiles as registered: under the EksCluster component (a
    /// resource moved to another parent gets another URN, and `pulumi up` deletes and recreates it) and after the IAM
    /// policies EKS checks when it creates them.
    /// </summary>
    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task The_cluster_its_node_groups_and_fargate_profiles_are_registered_under_eks_cluster_after_their_role_policies(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var eks = Assert.Single(run.Resources.OfType<EksCluster>());
        var roles = Assert.Single(run.Resources.OfType<IamRoles>());
        var parent = await PulumiHarness.UrnOf(eks);

        var cluster = run.Registered(ClusterType, eks.Cluster.GetResourceName());
        Assert.Equal(parent, (string?)cluster["parent"]);
        await PulumiHarness.AssertWaitsForAsync(cluster, roles.Service.Attachments);

        Assert.Equal(run.Plan.Cluster.NodeGroups.Count, eks.NodeGroups.Count);
        foreach (var (group, plan) in eks.NodeGroups.Zip(run.Plan.Cluster.NodeGroups))
        {
            var registered = run.Registered("eks:index:ManagedNodeGroup", group.GetResourceName());
            Assert.Equal(parent, (string?)registered["parent"]);
            await PulumiHarness.AssertWaitsForAsync(registered, roles.Named(plan.NodeRoleName).Attachments);
        }

        Assert.Equal(run.Plan.Cluster.FargateProfiles.Count, eks.FargateProfiles.Count);
        Assert.Equal(stack == "prod", eks.FargateProfiles.Count > 0);
        foreach (var (profile, plan) in eks.FargateProfiles.Zip(run.Plan.Cluster.FargateProfiles))
        {
            var registered = run.Registered("aws:eks/fargateProfile:FargateProfile", profile.GetResourceName());
            Assert.Equal(parent, (string?)registered["parent"]);
            await PulumiHarness.AssertWaitsForAsync(registered, [eks.Cluster, .. roles.Named(plan.PodExecutionRoleName).Attachments]);
        }
    }

    private const string ClusterType = "eks:index:Cluster";

    private static bool DeletesFirst(JsonObject options) => (bool?)options["deleteBeforeReplace"] == true;

    private static async Task<bool> ProtectsAsync(JsonObject registered, string type) =>
        (bool?)(await RegisteredRequests.TransformedAsync(registered, type))["protect"] == true;
}
