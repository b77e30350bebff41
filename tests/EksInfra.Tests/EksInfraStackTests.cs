using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;
using EksInfra.Access;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using Moq;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;
using static EksInfra.Tests.Values;

namespace EksInfra.Tests;

[Collection(PulumiTestGroup.Name)]
public sealed class EksInfraStackTests
{
    private const string RoleType = "aws:iam/role:Role";
    private const string AttachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    private const string RolePolicyType = "aws:iam/rolePolicy:RolePolicy";
    private const string ClusterType = "eks:index:Cluster";
    private const string NodeGroupType = "eks:index:ManagedNodeGroup";
    private const string FargateProfileType = "aws:eks/fargateProfile:FargateProfile";
    private const string ProviderType = "pulumi:providers:kubernetes";
    private const string ClusterRoleType = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
    private const string ClusterRoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
    private const string RoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
    private const string ConfigMapType = "kubernetes:core/v1:ConfigMap";
    private const string ConfigMapPatchType = "kubernetes:core/v1:ConfigMapPatch";
    internal const string NamespaceType = "kubernetes:core/v1:Namespace";
    internal const string ResourceQuotaType = "kubernetes:core/v1:ResourceQuota";
    internal const string LimitRangeType = "kubernetes:core/v1:LimitRange";

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Registers_exactly_the_resources_the_plan_names(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);

        var expected = ExpectedResources(run.Plan).Order(StringComparer.Ordinal).ToList();
        var actual = run.Mocks.Registrations.Select(r => $"{r.Type} {r.Name}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.DoesNotContain(run.Mocks.Registrations, r => r.Type == ConfigMapType);
    }

    [Fact]
    public async Task Dev_registers_the_seed_resources_under_names_derived_from_the_cluster()
    {
        var run = await PulumiHarness.RunShippedAsync("dev");
        var names = run.Mocks.Registrations.Select(r => $"{r.Type} {r.Name}").ToHashSet(StringComparer.Ordinal);

        Assert.Contains("eks-infra:iam:IamRoles my-cluster-iam", names);
        Assert.Contains($"{RoleType} my-cluster-iam-eks-cluster-role", names);
        Assert.Contains($"{RoleType} my-cluster-iam-eks-node-role", names);
        Assert.Contains($"{RoleType} my-cluster-iam-eks-admin-role", names);
        Assert.Contains($"{RoleType} my-cluster-iam-eks-readonly-role", names);
        Assert.Contains("eks-infra:cluster:EksCluster my-cluster", names);
        Assert.Contains($"{ClusterType} my-cluster-eks", names);
        Assert.Contains($"{NodeGroupType} my-cluster-node-group", names);
        Assert.Contains("eks-infra:access:KubernetesAccess my-cluster-access", names);
        Assert.Contains($"{ProviderType} my-cluster-access-provider", names);
        Assert.Contains($"{ClusterRoleType} my-cluster-access-cluster-role-read-only", names);
        Assert.Contains($"{ClusterRoleBindingType} my-cluster-access-cluster-role-binding-read-only", names);
        Assert.Equal(4, run.OfType(RoleType).Count);
        Assert.Equal(4, run.OfType(AttachmentType).Count);
        Assert.Equal(2, run.OfType(RolePolicyType).Count);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Roles_carry_the_plans_names_trust_policies_and_policies(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var iam = $"{run.Prefix}-iam";

        foreach (var role in run.Plan.Roles)
        {
            var inputs = run.Inputs(RoleType, $"{iam}-{role.LogicalName}");
            Assert.Equal(role.Name, Str(inputs["name"]));
            Assert.Equal(role.IamPath, Str(inputs["path"]));
            Assert.Equal(role.TrustPolicyJson, Str(inputs["assumeRolePolicy"]));
            if (role.MaxSessionDuration is { } seconds)
            {
                Assert.Equal((double)seconds, Assert.IsType<double>(inputs["maxSessionDuration"]));
            }
            else
            {
                Assert.False(inputs.ContainsKey("maxSessionDuration"));
            }

            foreach (var attachment in role.ManagedPolicies)
            {
                var attachmentInputs = run.Inputs(AttachmentType, $"{iam}-{attachment.LogicalName}");
                Assert.Equal(attachment.PolicyArn, Str(attachmentInputs["policyArn"]));
                Assert.Equal(role.Name, Str(attachmentInputs["role"]));
            }

            if (role.InlinePolicy is { } policy)
            {
                var policyInputs = run.Inputs(RolePolicyType, $"{iam}-{policy.LogicalName}");
                Assert.Equal(policy.Name, Str(policyInputs["name"]));
                Assert.Equal(policy.PolicyJson, Str(policyInputs["policy"]));
                Assert.Equal(role.Name, Str(policyInputs["role"]));
            }
        }

        var service = run.Inputs(RoleType, $"{iam}-{run.Plan.ServiceRole.LogicalName}");
        Assert.Contains("eks.amazonaws.com", Str(service["assumeRolePolicy"]), StringComparison.Ordinal);
        var servicePolicies = run.Plan.ServiceRole.ManagedPolicies.Select(p => p.PolicyArn);
        Assert.Contains($"arn:{run.Plan.Cluster.Partition}:iam::aws:policy/AmazonEKSClusterPolicy", servicePolicies);
        var nodePolicies = run.Plan.NodeRole.ManagedPolicies.Select(p => p.PolicyArn).ToList();
        foreach (var name in new[] { "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly" })
        {
            Assert.Contains($"arn:{run.Plan.Cluster.Partition}:iam::aws:policy/{name}", nodePolicies);
        }

        Assert.All(run.Plan.AccessRoles, role => Assert.Contains("eks:DescribeCluster", role.InlinePolicy!.PolicyJson, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Cluster_gets_the_plans_aws_auth_entries_with_path_stripped_arns(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var cluster = run.Inputs(ClusterType, $"{run.Prefix}-eks");

        if (run.Plan.AwsAuth is { } awsAuth)
        {
            var roleMappings = List(cluster["roleMappings"]).Select(Map)
                .Select(m => $"{Str(m["roleArn"])} {Str(m["username"])} {Joined(Strings(m, "groups"))}")
                .ToList();
            var expectedRoles = awsAuth.NonNodeRoleMappings
                .Select(m => $"{m.RoleArn} {m.Username} {Joined(m.Groups)}")
                .ToList();
            Assert.Equal(expectedRoles, roleMappings);
            Assert.All(List(cluster["roleMappings"]).Select(Map), m => Assert.Equal(Arns.StripPath(Str(m["roleArn"])), Str(m["roleArn"])));
            Assert.DoesNotContain(roleMappings, m => m.StartsWith(run.Plan.NodeRole.ArnWithoutPath + " ", StringComparison.Ordinal));

            var userMappings = List(cluster["userMappings"]).Select(Map)
                .Select(m => $"{Str(m["userArn"])} {Str(m["username"])} {Joined(Strings(m, "groups"))}")
                .ToList();
            var expectedUsers = awsAuth.MapUsers.Select(m => $"{m.UserArn} {m.Username} {Joined(m.Groups)}").ToList();
            Assert.Equal(expectedUsers, userMappings);

            // Every created node role goes in as an instance role, which pulumi-eks maps with the node username and groups.
            Assert.Equal(run.Plan.NodeRoles.Count(), List(cluster["instanceRoles"]).Length);
        }
        else
        {
            // API mode: pulumi-eks rejects any aws-auth input.
            Assert.False(HasItems(cluster, "roleMappings"));
            Assert.False(HasItems(cluster, "userMappings"));
            Assert.False(HasItems(cluster, "instanceRoles"));
        }
    }

    [Fact]
    public async Task Staging_maps_the_ci_role_without_its_iam_path()
    {
        var run = await PulumiHarness.RunShippedAsync("staging");
        var cluster = run.Inputs(ClusterType, "staging-cluster-eks");
        var arns = List(cluster["roleMappings"]).Select(Map).Select(m => Str(m["roleArn"])).ToList();

        Assert.Contains("arn:aws:iam::123456789012:role/github-actions-deployer", arns);
        Assert.Contains("arn:aws:iam::123456789012:role/staging-eks-admin-role", arns);
        Assert.DoesNotContain("arn:aws:iam::123456789012:role/ci/github-actions-deployer", arns);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Cluster_gets_the_plans_access_entries_and_policy_associations(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var cluster = run.Inputs(ClusterType, $"{run.Prefix}-eks");
        var entries = MapOrEmpty(cluster, "accessEntries");

        Assert.Equal(
            run.Plan.AccessEntries.Select(e => e.Key).Order(StringComparer.Ordinal),
            entries.Keys.Order(StringComparer.Ordinal));
        foreach (var entry in run.Plan.AccessEntries)
        {
            var actual = Map(entries[entry.Key]);
            Assert.Equal(entry.PrincipalArn, Str(actual["principalArn"]));
            Assert.Equal(entry.Type, Str(actual["type"]));
            if (entry.Type == AccessPlanner.AccessEntryTypeStandard)
            {
                Assert.Equal(entry.Username, Str(actual["username"]));
                Assert.Equal(entry.KubernetesGroups, Strings(actual, "kubernetesGroups"));
            }
            else
            {
                // EKS refuses a username or groups on a node entry.
                Assert.False(actual.ContainsKey("username"));
                Assert.False(actual.ContainsKey("kubernetesGroups"));
            }

            var policies = MapOrEmpty(actual, "accessPolicies");
            Assert.Equal(entry.AccessPolicies.Select(p => p.Key).Order(StringComparer.Ordinal), policies.Keys.Order(StringComparer.Ordinal));
            foreach (var association in entry.AccessPolicies)
            {
                var policy = Map(policies[association.Key]);
                Assert.Equal(association.PolicyArn, Str(policy["policyArn"]));
                var scope = Map(policy["accessScope"]);
                Assert.Equal(association.Scope.Type, Str(scope["type"]));
                Assert.Equal(association.Scope.Namespaces, Strings(scope, "namespaces"));
            }
        }

        if (run.Plan.Mode == AuthenticationMode.ConfigMap)
        {
            Assert.Empty(entries);
        }
        else
        {
            Assert.NotEmpty(entries);
        }
    }

    [Fact]
    public async Task Prod_access_entries_keep_the_sso_roles_full_path()
    {
        var run = await PulumiHarness.RunShippedAsync("prod");
        var cluster = run.Inputs(ClusterType, "prod-cluster-eks");
        var principals = MapOrEmpty(cluster, "accessEntries").Values.Select(Map).Select(e => Str(e["principalArn"])).ToList();

        Assert.Contains("arn:aws:iam::345678901234:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PaymentsDevelopers_9d8c7b6a5f4e3d21", principals);
        Assert.Contains("arn:aws:iam::345678901234:role/prod-eks-admin-role", principals);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Cluster_and_node_group_carry_the_configured_settings(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var plan = run.Plan;
        var cluster = run.Inputs(ClusterType, $"{run.Prefix}-eks");

        Assert.Equal(plan.Cluster.Name, Str(cluster["name"]));
        Assert.Equal(plan.Mode.ToConfigValue(), Str(cluster["authenticationMode"]));
        Assert.True(Assert.IsType<bool>(cluster["enableConfigMapMutable"]));
        Assert.True(Assert.IsType<bool>(cluster["skipDefaultNodeGroup"]));
        Assert.IsAssignableFrom<Resource>(cluster["serviceRole"]);
        if (plan.Cluster.KubernetesVersion is { } version)
        {
            Assert.Equal(version, Str(cluster["version"]));
        }
        else
        {
            Assert.False(cluster.ContainsKey("version"));
        }

        var network = plan.Cluster.Network;
        Assert.Equal(network.EndpointPublicAccess, Assert.IsType<bool>(cluster["endpointPublicAccess"]));
        Assert.Equal(network.EndpointPrivateAccess, Assert.IsType<bool>(cluster["endpointPrivateAccess"]));
        Assert.Equal(network.PrivateSubnetIds, Strings(cluster, "privateSubnetIds"));
        Assert.Equal(network.PublicSubnetIds, Strings(cluster, "publicSubnetIds"));
        if (network.VpcId is { } vpcId)
        {
            Assert.Equal(vpcId, Str(cluster["vpcId"]));
        }
        else
        {
            Assert.False(cluster.ContainsKey("vpcId"));
        }

        Assert.NotEmpty(plan.Cluster.NodeGroups);
        foreach (var nodeGroup in plan.Cluster.NodeGroups)
        {
            var nodes = run.Inputs(NodeGroupType, nodeGroup.LogicalName);
            Assert.Equal(nodeGroup.InstanceTypes, Strings(nodes, "instanceTypes"));
            var scaling = Map(nodes["scalingConfig"]);
            Assert.Equal((double)nodeGroup.DesiredSize, Assert.IsType<double>(scaling["desiredSize"]));
            Assert.Equal((double)nodeGroup.MinSize, Assert.IsType<double>(scaling["minSize"]));
            Assert.Equal((double)nodeGroup.MaxSize, Assert.IsType<double>(scaling["maxSize"]));
            Assert.IsAssignableFrom<Resource>(nodes["nodeRole"]);
            Assert.True(nodes.ContainsKey("cluster"));
        }
    }

    [Fact]
    public async Task Dev_is_the_seed_cluster_with_three_t3_medium_nodes()
    {
        var run = await PulumiHarness.RunShippedAsync("dev");
        var cluster = run.Inputs(ClusterType, "my-cluster-eks");
        var nodes = run.Inputs(NodeGroupType, "my-cluster-node-group");

        Assert.Equal("my-cluster", Str(cluster["name"]));
        Assert.Equal("API_AND_CONFIG_MAP", Str(cluster["authenticationMode"]));
        Assert.Equal(new[] { "t3.medium" }, Strings(nodes, "instanceTypes"));
        Assert.Equal(3d, Assert.IsType<double>(Map(nodes["scalingConfig"])["desiredSize"]));
    }

    /// <summary>
    /// pulumi-eks's kubeconfigJson names no profile; with aws:profile the provider would sign in as the default
    /// credentials, not the ones that made the cluster and its aws-auth.
    /// </summary>
    [Fact]
    public async Task With_aws_profile_the_kubernetes_provider_signs_in_with_that_profile_and_the_output_stays_portable()
    {
        var raw = StackFiles.RawValues("dev");
        raw["aws:profile"] = "platform-admin";
        var run = await PulumiHarness.RunAsync("dev", raw);

        var call = Assert.Single(run.Mocks.Calls, c => c.Token == StackMocks.GetKubeconfigToken);
        Assert.Equal("platform-admin", call.Args["profileName"]);
        var provider = run.Inputs(ProviderType, $"{run.Prefix}-access-provider");
        Assert.Equal(StackMocks.KubeconfigWithProfile("platform-admin"), Str(provider["kubeconfig"]));
        Assert.Equal(StackMocks.KubeconfigJson, await OutputUtilities.GetValueAsync(Assert.IsType<Output<string>>(run.Outputs["kubeconfig"])));
    }

    private const string DevDeployer = "arn:aws:iam::123456789012:role/eks-infra-ci-deploy-dev";

    /// <summary>
    /// With aws:assumeRoles the AWS provider creates the cluster as that role, its only admin at first; pulumi-eks's
    /// kubeconfigs then sign in as it only through providerCredentialOpts.roleArn (cluster.ts: `--role`).
    /// </summary>
    [Fact]
    public async Task With_aws_assume_roles_both_kubernetes_providers_sign_in_as_the_role_that_created_the_cluster()
    {
        var raw = StackFiles.RawValues("dev");
        raw["aws:assumeRoles"] = $$"""[{"roleArn":"{{DevDeployer}}","sessionName":"deploy"}]""";
        var run = await PulumiHarness.RunAsync("dev", raw);

        Assert.Equal(DevDeployer, run.Plan.Cluster.ProviderRoleArn);
        var credentials = Map(run.Inputs(ClusterType, "my-cluster-eks")["providerCredentialOpts"]);
        Assert.Equal(DevDeployer, Str(credentials["roleArn"]));
        Assert.False(credentials.ContainsKey("profileName"));
        Assert.DoesNotContain(run.Mocks.Calls, c => c.Token == StackMocks.GetKubeconfigToken);
    }

    [Fact]
    public async Task With_aws_assume_roles_and_a_profile_the_provider_asks_for_both()
    {
        var raw = StackFiles.RawValues("dev");
        raw["aws:assumeRoles"] = $$"""[{"roleArn":"{{DevDeployer}}"}]""";
        raw["aws:profile"] = "platform-admin";
        var run = await PulumiHarness.RunAsync("dev", raw);

        var credentials = Map(run.Inputs(ClusterType, "my-cluster-eks")["providerCredentialOpts"]);
        Assert.Equal((DevDeployer, "platform-admin"), (Str(credentials["roleArn"]), Str(credentials["profileName"])));
        var call = Assert.Single(run.Mocks.Calls, c => c.Token == StackMocks.GetKubeconfigToken);
        Assert.Equal((DevDeployer, "platform-admin"), ((string)call.Args["roleArn"], (string)call.Args["profileName"]));
        Assert.Equal(StackMocks.KubeconfigWithProfile("platform-admin", DevDeployer), Str(run.Inputs(ProviderType, $"{run.Prefix}-access-provider")["kubeconfig"]));
    }

    [Fact]
    public async Task Without_aws_assume_roles_or_aws_profile_the_cluster_gets_no_credential_options()
    {
        var run = await PulumiHarness.RunShippedAsync("dev");

        Assert.Null(run.Plan.Cluster.ProviderRoleArn);
        Assert.False(run.Inputs(ClusterType, "my-cluster-eks").ContainsKey("providerCredentialOpts"));
    }

    /// <summary>
    /// The AWS provider creates the cluster with aws:profile even when AWS_PROFILE names another; pulumi-eks v4.3.0, given
    /// no providerCredentialOpts, would write aws-auth with AWS_PROFILE's (cluster.ts createCluster), which a new cluster
    /// refuses as Unauthorized: not its creator.
    /// </summary>
    [Fact]
    public async Task With_aws_profile_pulumi_eks_writes_aws_auth_with_that_profile_whatever_AWS_PROFILE_says()
    {
        var raw = StackFiles.RawValues("dev");
        raw["aws:profile"] = "platform-admin";
        var run = await PulumiHarness.RunAsync("dev", raw);

        var credentials = Map(run.Inputs(ClusterType, "my-cluster-eks")["providerCredentialOpts"]);
        Assert.Equal("platform-admin", Str(credentials["profileName"]));
        Assert.False(credentials.ContainsKey("roleArn"));
    }

    [Fact]
    public async Task A_chain_of_assumed_roles_fails_the_run_before_anything_is_registered()
    {
        var raw = StackFiles.RawValues("dev");
        raw["aws:assumeRoles"] = $$"""[{"roleArn":"arn:aws:iam::123456789012:role/hop"},{"roleArn":"{{DevDeployer}}"}]""";
        var mocks = StackMocks.ForStack("dev", raw);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Deployment.TestAsync(mocks.Mock.Object, PulumiHarness.Options("dev"), EksInfraProgram.Run));

        Assert.Contains("aws:assumeRoles: lists 2 roles, a chain", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Registrations);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Rbac_objects_match_the_plan_through_the_clusters_provider(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var access = $"{run.Prefix}-access";
        var rbac = run.Plan.Rbac;

        var provider = run.Inputs(ProviderType, $"{access}-provider");
        Assert.Equal(StackMocks.KubeconfigJson, Str(provider["kubeconfig"]));
        Assert.DoesNotContain(run.Mocks.Calls, c => c.Token == StackMocks.GetKubeconfigToken);

        foreach (var role in rbac.ClusterRoles)
        {
            var inputs = run.Inputs(ClusterRoleType, $"{access}-{role.LogicalName}");
            Assert.Equal(role.Name, Str(Map(inputs["metadata"])["name"]));
            var rules = List(inputs["rules"]).Select(Map).ToList();
            Assert.Equal(role.Rules.Count, rules.Count);
            for (var i = 0; i < rules.Count; i++)
            {
                Assert.Equal(role.Rules[i].ApiGroups, Strings(rules[i], "apiGroups"));
                Assert.Equal(role.Rules[i].Resources, Strings(rules[i], "resources"));
                Assert.Equal(role.Rules[i].Verbs, Strings(rules[i], "verbs"));
                Assert.Equal(role.Rules[i].ResourceNames, Strings(rules[i], "resourceNames"));
                Assert.Equal(role.Rules[i].NonResourceUrls, Strings(rules[i], "nonResourceURLs"));
            }
        }

        foreach (var binding in rbac.ClusterRoleBindings)
        {
            var inputs = run.Inputs(ClusterRoleBindingType, $"{access}-{binding.LogicalName}");
            Assert.Equal(binding.Name, Str(Map(inputs["metadata"])["name"]));
            AssertRoleRef(binding.ClusterRole, inputs);
            AssertGroupSubject(binding.Group, inputs);
        }

        foreach (var binding in rbac.RoleBindings)
        {
            var inputs = run.Inputs(RoleBindingType, $"{access}-{binding.LogicalName}");
            var metadata = Map(inputs["metadata"]);
            Assert.Equal(binding.Name, Str(metadata["name"]));
            Assert.Equal(binding.Namespace, Str(metadata["namespace"]));
            AssertRoleRef(binding.ClusterRole, inputs);
            AssertGroupSubject(binding.Group, inputs);
        }

        Assert.NotEmpty(rbac.ClusterRoleBindings);
    }

    [Fact]
    public async Task Staging_binds_app_deployers_to_edit_in_each_listed_namespace()
    {
        var run = await PulumiHarness.RunShippedAsync("staging");
        var bindings = run.OfType(RoleBindingType).Select(r => Map(r.Inputs["metadata"])).ToList();

        Assert.Equal(new[] { "apps", "apps-jobs" }, bindings.Select(m => Str(m["namespace"])).Order(StringComparer.Ordinal));
        Assert.All(run.OfType(RoleBindingType), r => Assert.Equal("edit", Str(Map(r.Inputs["roleRef"])["name"])));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Outputs_name_the_cluster_its_endpoint_a_secret_kubeconfig_and_each_roles_check(string stack)
    {
        var run = await PulumiHarness.RunShippedAsync(stack);
        var plan = run.Plan;

        Assert.Equal(plan.Cluster.Name, Assert.IsType<string>(run.Outputs["clusterName"]));
        Assert.Equal(StackMocks.Endpoint, await OutputUtilities.GetValueAsync(Assert.IsType<Output<string>>(run.Outputs["endpoint"])));

        var kubeconfig = Assert.IsType<Output<string>>(run.Outputs["kubeconfig"]);
        Assert.True(await Output.IsSecretAsync(kubeconfig));
        Assert.Equal(StackMocks.KubeconfigJson, await OutputUtilities.GetValueAsync(kubeconfig));

        var arns = await OutputUtilities.GetValueAsync(Assert.IsType<Output<ImmutableDictionary<string, string>>>(run.Outputs["accessRoleArns"]));
        var commands = await OutputUtilities.GetValueAsync(Assert.IsType<Output<ImmutableDictionary<string, string>>>(run.Outputs["verifyCommands"]));
        var accessRoles = plan.AccessRoles.ToList();
        Assert.Equal(accessRoles.Select(r => r.Name).Order(StringComparer.Ordinal), arns.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(accessRoles.Select(r => r.Name).Order(StringComparer.Ordinal), commands.Keys.Order(StringComparer.Ordinal));
        foreach (var role in accessRoles)
        {
            var arn = run.Mocks.RoleArn(role.IamPath, role.Name);
            Assert.Equal(arn, arns[role.Name]);
            Assert.Equal(role.Arn, arns[role.Name]);
            Assert.Equal(plan.Cluster.VerifyCommand(arn), commands[role.Name]);
            Assert.Contains($"aws sts assume-role --role-arn '{arn}'", commands[role.Name], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dev_outputs_the_seeds_verification_step_for_the_admin_role()
    {
        var run = await PulumiHarness.RunShippedAsync("dev");
        var commands = await OutputUtilities.GetValueAsync(Assert.IsType<Output<ImmutableDictionary<string, string>>>(run.Outputs["verifyCommands"]));

        var command = commands["eks-admin-role"];
        Assert.StartsWith("(creds=\"$(aws sts assume-role --role-arn 'arn:aws:iam::123456789012:role/eks-admin-role' --role-session-name eks-infra-verify", command, StringComparison.Ordinal);
        Assert.EndsWith("&& aws eks update-kubeconfig --name my-cluster --region us-west-2 && kubectl get nodes)", command, StringComparison.Ordinal);
        Assert.DoesNotContain("update-kubeconfig --name my-cluster --region us-west-2 --role-arn", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_accounts_go_into_a_patch_of_aws_auth_and_never_a_second_config_map()
    {
        var raw = StackFiles.RawValues("dev");
        var access = JsonNode.Parse(raw["eks-infra:access"]!)!.AsObject();
        access["mapAccounts"] = new JsonArray("123456789012");
        raw["eks-infra:access"] = access.ToJsonString();

        var run = await PulumiHarness.RunAsync("dev", raw);
        var patch = run.Inputs(ConfigMapPatchType, "my-cluster-access-aws-auth-map-accounts");
        var metadata = Map(patch["metadata"]);
        var data = Map(patch["data"]);

        Assert.Equal("aws-auth", Str(metadata["name"]));
        Assert.Equal("kube-system", Str(metadata["namespace"]));
        Assert.Equal(new[] { "mapAccounts" }, data.Keys);
        Assert.Equal(AwsAuthRenderer.MapAccounts(run.Plan.AwsAuth!.MapAccounts), Str(data["mapAccounts"]));
        Assert.Contains("123456789012", Str(data["mapAccounts"]), StringComparison.Ordinal);
        Assert.DoesNotContain(run.Mocks.Registrations, r => r.Type == ConfigMapType);
        // The patch needs the aws-auth ConfigMap that pulumi-eks creates with the cluster.
        await PulumiHarness.AssertWaitsForAsync(run.Registered(ConfigMapPatchType, "my-cluster-access-aws-auth-map-accounts"), [Assert.Single(run.Resources.OfType<EksCluster>()).Cluster]);
    }

    [Fact]
    public async Task An_invalid_config_registers_nothing_and_names_the_config_path()
    {
        var raw = StackFiles.RawValues("dev");
        var access = JsonNode.Parse(raw["eks-infra:access"]!)!.AsObject();
        access["mapRoles"] = new JsonArray(new JsonObject
        {
            ["rolearn"] = "arn:aws:sts::123456789012:assumed-role/deployer/botocore-session-1700000000",
            ["username"] = "ci-deployer",
            ["groups"] = new JsonArray("read-only"),
        });
        raw["eks-infra:access"] = access.ToJsonString();
        var mocks = new StackMocks("aws", "123456789012");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));

        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => Deployment.TestAsync(mocks.Mock.Object, PulumiHarness.Options("dev"), EksInfraProgram.Run));

        Assert.Contains("eks-infra:access.mapRoles[0].rolearn", error.Message, StringComparison.Ordinal);
        Assert.Contains("assumed-role", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Registrations);
        mocks.Mock.Verify(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()), Times.Never());
    }

    private static void AssertRoleRef(string clusterRole, ImmutableDictionary<string, object> inputs)
    {
        var roleRef = Map(inputs["roleRef"]);
        Assert.Equal("rbac.authorization.k8s.io", Str(roleRef["apiGroup"]));
        Assert.Equal("ClusterRole", Str(roleRef["kind"]));
        Assert.Equal(clusterRole, Str(roleRef["name"]));
    }

    private static void AssertGroupSubject(string group, ImmutableDictionary<string, object> inputs)
    {
        var subject = Map(Assert.Single(List(inputs["subjects"])));
        Assert.Equal("Group", Str(subject["kind"]));
        Assert.Equal(group, Str(subject["name"]));
        Assert.Equal("rbac.authorization.k8s.io", Str(subject["apiGroup"]));
    }

    /// <summary>Every (type token, logical name) the program must register for the plan, and nothing else.</summary>
    private static List<string> ExpectedResources(AccessPlan plan)
    {
        var prefix = plan.Cluster.LogicalName;
        var iam = $"{prefix}-iam";
        var access = $"{prefix}-access";
        var expected = new List<string> { $"eks-infra:iam:IamRoles {iam}" };
        foreach (var role in plan.Roles)
        {
            expected.Add($"{RoleType} {iam}-{role.LogicalName}");
            expected.AddRange(role.ManagedPolicies.Select(a => $"{AttachmentType} {iam}-{a.LogicalName}"));
            if (role.InlinePolicy is { } policy)
            {
                expected.Add($"{RolePolicyType} {iam}-{policy.LogicalName}");
            }
        }

        expected.Add($"eks-infra:cluster:EksCluster {prefix}");
        expected.Add($"{ClusterType} {prefix}-eks");
        expected.AddRange(plan.Cluster.NodeGroups.Select(g => $"{NodeGroupType} {g.LogicalName}"));
        expected.AddRange(plan.Cluster.FargateProfiles.Select(p => $"{FargateProfileType} {p.LogicalName}"));
        expected.Add($"eks-infra:access:KubernetesAccess {access}");
        expected.Add($"{ProviderType} {access}-provider");
        expected.AddRange(plan.Rbac.ClusterRoles.Select(r => $"{ClusterRoleType} {access}-{r.LogicalName}"));
        expected.AddRange(plan.Rbac.ClusterRoleBindings.Select(b => $"{ClusterRoleBindingType} {access}-{b.LogicalName}"));
        expected.AddRange(plan.Rbac.RoleBindings.Select(b => $"{RoleBindingType} {access}-{b.LogicalName}"));
        foreach (var ns in plan.Namespaces)
        {
            expected.Add($"{NamespaceType} {access}-{ns.LogicalName}");
            if (ns.Quota is { } quota)
            {
                expected.Add($"{ResourceQuotaType} {access}-{quota.LogicalName}");
            }

            if (ns.LimitRange is { } range)
            {
                expected.Add($"{LimitRangeType} {access}-{range.LogicalName}");
            }
        }

        if (plan.AwsAuth is { MapAccounts.Count: > 0 })
        {
            expected.Add($"{ConfigMapPatchType} {access}-aws-auth-map-accounts");
        }

        return expected;
    }
}
