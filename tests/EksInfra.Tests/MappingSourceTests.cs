using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.Utilities;
using static EksInfra.Tests.Values;

namespace EksInfra.Tests;

/// <summary>
/// Every kind of mapping source, in each authentication mode, checked against the ARNs a user would
/// expect to see in aws-auth and in the access entries, written out here rather than taken from the plan.
/// </summary>
[Collection(PulumiTestGroup.Name)]
public sealed class MappingSourceTests
{
    private const string ClusterType = "eks:index:Cluster";
    private const string Account = "123456789012";
    private const string SsoRoleArn = $"arn:aws:iam::{Account}:role/aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_Dev_0123456789abcdef";
    private const string SsoRoleArnInAwsAuth = $"arn:aws:iam::{Account}:role/AWSReservedSSO_Dev_0123456789abcdef";
    private const string CreatedWithPath = $"arn:aws:iam::{Account}:role/platform/team-admin";
    private const string CreatedWithPathInAwsAuth = $"arn:aws:iam::{Account}:role/team-admin";
    private const string CreatedWithoutPath = $"arn:aws:iam::{Account}:role/team-viewer";
    private const string UserArn = $"arn:aws:iam::{Account}:user/alice";
    private const string ClusterAdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

    public static TheoryData<string> Modes => new() { "CONFIG_MAP", "API_AND_CONFIG_MAP", "API" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Aws_auth_gets_each_role_without_its_path_the_user_as_is_and_the_node_role_as_an_instance_role(string mode)
    {
        var run = await PulumiHarness.RunAsync("mapping", Config(mode));
        var cluster = run.Inputs(ClusterType, "mapping-test-eks");

        if (mode == "API")
        {
            Assert.False(HasItems(cluster, "roleMappings"));
            Assert.False(HasItems(cluster, "userMappings"));
            Assert.False(HasItems(cluster, "instanceRoles"));
            return;
        }

        var roles = List(cluster["roleMappings"]).Select(Map)
            .ToDictionary(m => Str(m["roleArn"]), m => (Str(m["username"]), Joined(Strings(m, "groups"))), StringComparer.Ordinal);
        Assert.Equal(
            new Dictionary<string, (string, string)>
            {
                [CreatedWithPathInAwsAuth] = ("team-admin", "system:masters"),
                [CreatedWithoutPath] = ("team-viewer", "read-only"),
                [SsoRoleArnInAwsAuth] = ("sso-dev:{{SessionName}}", "read-only"),
            },
            roles);

        var user = Map(Assert.Single(List(cluster["userMappings"])));
        Assert.Equal(UserArn, Str(user["userArn"]));
        Assert.Equal("alice", Str(user["username"]));
        Assert.Equal(["read-only"], Strings(user, "groups"));

        // pulumi-eks maps an instance role itself as system:node:{{EC2PrivateDNSName}}; it must be the stack's node role.
        var nodeRole = Assert.IsType<Pulumi.Aws.Iam.Role>(Assert.Single(List(cluster["instanceRoles"])));
        Assert.Equal($"arn:aws:iam::{Account}:role/eks-node-role", await OutputUtilities.GetValueAsync(nodeRole.Arn));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Access_entries_keep_every_path_and_turn_system_masters_into_the_cluster_admin_policy(string mode)
    {
        var run = await PulumiHarness.RunAsync("mapping", Config(mode));
        var cluster = run.Inputs(ClusterType, "mapping-test-eks");
        var entries = MapOrEmpty(cluster, "accessEntries").Values.Select(Map).ToDictionary(e => Str(e["principalArn"]), StringComparer.Ordinal);

        if (mode == "CONFIG_MAP")
        {
            Assert.Empty(entries);
            return;
        }

        Assert.Equal(
            new[] { CreatedWithPath, CreatedWithoutPath, SsoRoleArn, UserArn }.Order(StringComparer.Ordinal),
            entries.Keys.Order(StringComparer.Ordinal));
        Assert.All(entries.Values, e => Assert.Equal("STANDARD", Str(e["type"])));

        var admin = entries[CreatedWithPath];
        Assert.Equal("team-admin", Str(admin["username"]));
        Assert.Empty(Strings(admin, "kubernetesGroups"));
        var association = Map(Assert.Single(MapOrEmpty(admin, "accessPolicies").Values));
        Assert.Equal(ClusterAdminPolicy, Str(association["policyArn"]));
        Assert.Equal("cluster", Str(Map(association["accessScope"])["type"]));

        foreach (var (arn, username) in new[] { (CreatedWithoutPath, "team-viewer"), (SsoRoleArn, "sso-dev:{{SessionName}}"), (UserArn, "alice") })
        {
            Assert.Equal(username, Str(entries[arn]["username"]));
            Assert.Equal(["read-only"], Strings(entries[arn], "kubernetesGroups"));
            Assert.Empty(MapOrEmpty(entries[arn], "accessPolicies"));
        }

        // The node role's EC2_LINUX entry is EKS's own; a second one from the stack would fail with HTTP 409.
        Assert.DoesNotContain(entries.Keys, arn => arn.EndsWith(":role/eks-node-role", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Outputs_give_each_created_role_its_arn_with_its_path(string mode)
    {
        var run = await PulumiHarness.RunAsync("mapping", Config(mode));

        Assert.Equal("mapping-test", run.Outputs["clusterName"]);
        Assert.Equal(StackMocks.Endpoint, await OutputUtilities.GetValueAsync(Assert.IsType<Output<string>>(run.Outputs["endpoint"])));
        var arns = await OutputUtilities.GetValueAsync(Assert.IsType<Output<ImmutableDictionary<string, string>>>(run.Outputs["accessRoleArns"]));
        Assert.Equal(
            new Dictionary<string, string> { ["team-admin"] = CreatedWithPath, ["team-viewer"] = CreatedWithoutPath },
            arns);
        var commands = await OutputUtilities.GetValueAsync(Assert.IsType<Output<ImmutableDictionary<string, string>>>(run.Outputs["verifyCommands"]));
        Assert.Equal(["team-admin", "team-viewer"], commands.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(CreatedWithPath, commands["team-admin"], StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BrokenConfigs => new()
    {
        { "eks-infra:access", "{\"authenticationMode\": ", "eks-infra:access" },
        { "eks-infra:access", "{\"authenticationMode\": \"CONFIGMAP\"}", "eks-infra:access.authenticationMode" },
        { "eks-infra:cluster", "{\"nodeGroup\": {}}", "eks-infra:cluster.name" },
        { "aws:allowedAccountIds", "[\"12345\"]", "aws:allowedAccountIds[0]" },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public async Task A_broken_config_registers_nothing_and_names_its_path(string key, string value, string path)
    {
        var raw = Config("API_AND_CONFIG_MAP");
        raw[key] = value;
        var mocks = new StackMocks("aws", Account);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));

        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => Deployment.TestAsync(mocks.Mock.Object, PulumiHarness.Options("mapping"), EksInfraProgram.Run));

        // One line per error, config path first, as `eksinfra check` prints them.
        Assert.Contains(error.Message.Split('\n'), line => line.TrimStart().StartsWith(path + ": ", StringComparison.Ordinal));
        Assert.Empty(mocks.Registrations);
    }

    /// <summary>One stack with every mapping source: created roles with and without a path, an SSO role with a path, a user.</summary>
    private static Dictionary<string, string?> Config(string mode) => new(StringComparer.Ordinal)
    {
        ["aws:region"] = "us-west-2",
        ["aws:allowedAccountIds"] = new JsonArray(Account).ToJsonString(),
        ["eks-infra:cluster"] = new JsonObject { ["name"] = "mapping-test" }.ToJsonString(),
        ["eks-infra:access"] = new JsonObject
        {
            ["authenticationMode"] = mode,
            ["roles"] = new JsonArray(
                new JsonObject { ["name"] = "team-admin", ["path"] = "/platform/", ["username"] = "team-admin", ["groups"] = new JsonArray("system:masters") },
                new JsonObject { ["name"] = "team-viewer", ["username"] = "team-viewer", ["groups"] = new JsonArray("read-only") }),
            ["mapRoles"] = new JsonArray(
                new JsonObject { ["rolearn"] = SsoRoleArn, ["username"] = "sso-dev:{{SessionName}}", ["groups"] = new JsonArray("read-only") }),
            ["mapUsers"] = new JsonArray(
                new JsonObject { ["userarn"] = UserArn, ["username"] = "alice", ["groups"] = new JsonArray("read-only") }),
            ["groups"] = new JsonObject { ["read-only"] = new JsonObject { ["clusterRole"] = "read-only" } },
        }.ToJsonString(),
    };
}
