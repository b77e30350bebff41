using System.Text;
using EksInfra.Access.Import;
using EksInfra.Access.Migration;
using EksInfra.Access.Model;
using EksInfra.Access.Rendering;
using YamlDotNet.Core;

namespace EksInfra.Access.Tests;

/// <summary>
/// Found in QA review of the core: what a platform engineer must see for each of these inputs.
/// </summary>
public class QaFindingsTests
{
    private const string ChinaStack = """
        config:
          aws:region: cn-north-1
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
          eks-infra:access:
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
                assumedBy: ["arn:aws:iam::123456789012:root"]
        """;

    [Fact]
    public void An_assumedBy_principal_in_another_partition_than_the_region_is_an_error()
    {
        // The stack deploys to cn-north-1 (aws-cn); IAM refuses a trust policy naming an arn:aws: principal
        // (MalformedPolicyDocument: Invalid principal) at apply. mapRoles/mapUsers get this check; assumedBy does not.
        var evaluation = Stacks.EvaluateText(ChinaStack);

        Assert.False(evaluation.IsValid, "an aws-partition trust principal in an aws-cn stack was accepted:\n" + Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.roles[0].assumedBy[0]" && e.Message.Contains("partition", StringComparison.Ordinal));
    }

    /// <summary>
    /// Left out, assumedBy trusts the account root, which lets every principal of the account that IAM allows
    /// sts:AssumeRole in (IAM User Guide, "AWS JSON policy elements: Principal", "Specific AWS accounts"): deleting the
    /// last principal of the list must not widen the trust to that.
    /// </summary>
    [Theory]
    [InlineData("        assumedBy: []\n")]
    [InlineData("        assumedBy:\n")]
    [InlineData("        assumedBy: [ ]\n        path: /teams/\n")]
    public void An_emptied_assumedBy_is_refused_instead_of_trusting_the_whole_account(string assumedBy)
    {
        var stack = Stacks.Minimal().Replace("        groups: [system:masters]\n", "        groups: [system:masters]\n" + assumedBy, StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("eks-infra:access.roles[0].assumedBy", error.Path);
        Assert.Contains("is empty, and would trust the account root", error.Message, StringComparison.Ordinal);
        Assert.Contains("remove the key if the whole account is meant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_created_role_without_assumedBy_trusts_the_account_root()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal());

        var trust = Reparse.Json(plan.Roles.Single(r => r.Name == "eks-admin-role").TrustPolicyJson);
        Assert.Equal("arn:aws:iam::123456789012:root", trust.GetProperty("Statement")[0].GetProperty("Principal").GetProperty("AWS").GetString());
    }

    [Fact]
    public void A_model_with_no_principals_at_all_is_refused_for_having_no_cluster_admin()
    {
        // README: "A model with no cluster admin at all is an error." ClusterAdmins() skips the rule when there
        // are no identities, so an empty access block passes check, while diff calls the same state a blocking lockout.
        var evaluation = Stacks.EvaluateText("""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
              eks-infra:access:
                authenticationMode: CONFIG_MAP
            """);

        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access" && e.Message.Contains("no principal gets cluster-admin rights", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eusc-de-east-1", "is in the AWS European Sovereign Cloud partition (aws-eusc), which this tool does not plan ARNs for")]
    [InlineData("us-isob-east-1", "is in an ISO partition, which this tool does not plan ARNs for")]
    public void A_region_of_a_partition_the_tool_does_not_plan_for_is_named_as_such(string region, string gist)
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace("us-west-2", region, StringComparison.Ordinal));
        Assert.Contains(evaluation.Errors, e => e.Path == "aws:region" && e.Message.Contains(gist, StringComparison.Ordinal));
        Assert.DoesNotContain(evaluation.Errors, e => e.Path == "aws:region" && e.Message.Contains("is not an AWS region name", StringComparison.Ordinal));
    }

    [Fact]
    public void An_iso_region_is_refused_or_named_in_its_own_partition()
    {
        // The region rule accepts us-iso-east-1, but PartitionOfRegion maps it to 'aws', so every planned ARN
        // (roles, cluster, managed policies) says arn:aws: where the account lives in aws-iso.
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace("us-west-2", "us-iso-east-1", StringComparison.Ordinal));

        if (evaluation.Plan is { } plan)
        {
            Assert.All(plan.Roles, r => Assert.StartsWith("arn:aws-iso:", r.Arn, StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(evaluation.Errors, e => e.Path == "aws:region");
        }
    }

    [Fact]
    public void An_unquoted_template_username_is_reported_at_its_path_with_the_advice_to_quote_it()
    {
        // `username: {{SessionName}}` is a YAML flow map, not text. Today the user reads
        // "(file): the file is not valid YAML: a map key must be a plain string": no config path, no fix.
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace("username: eks-admin", "username: {{SessionName}}", StringComparison.Ordinal));

        Assert.False(evaluation.IsValid);
        Assert.Contains(evaluation.Errors, e => e.Message.Contains("quote", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_yaml_merge_key_is_applied_as_pulumi_applies_it()
    {
        // Pulumi reads stack files with go-yaml, which applies '<<' merge keys. The tool reports
        // "unknown key '<<'" and then "required: username" for a file Pulumi reads fine.
        var evaluation = Stacks.EvaluateText("""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
              eks-infra:access:
                authenticationMode: API_AND_CONFIG_MAP
                roles:
                  - &admin
                    name: eks-admin-role
                    username: eks-admin
                    groups: [system:masters]
                  - <<: *admin
                    name: eks-admin-role-2
                    username: eks-admin-2
            """);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Plan!.AccessEntries, e => e.Username == "eks-admin-2");
    }

    [Theory]
    [InlineData("0b101")]
    [InlineData("0B101")]
    [InlineData("0X1F")]
    [InlineData("-0x1F")]
    [InlineData("0O17")]
    public void A_value_yaml_1_1_reads_as_a_number_is_quoted_in_aws_auth(string username)
    {
        // aws-iam-authenticator reads mapRoles with go-yaml v2 (YAML 1.1, ParseInt base 0), which turns these
        // into numbers: the mapping's username silently becomes "5", "31", ... StyleOf quotes 0x.., not these.
        Assert.Equal(ScalarStyle.DoubleQuoted, Yaml.StyleOf(username));
    }

    [Theory]
    [InlineData("-_1")]
    [InlineData("+_1")]
    [InlineData("1e_3")]
    [InlineData("2e_5")]
    [InlineData("1.5e_3")]
    [InlineData("1_")]
    [InlineData("1e1_0")]
    [InlineData(".5")]
    [InlineData(".1_0")]
    [InlineData(".2_5")]
    [InlineData(".5e1_0")]
    public void A_value_go_yaml_reads_as_a_number_once_it_drops_underscores_is_quoted(string value)
    {
        // go-yaml's resolve.go strips every '_' from a scalar opening with a digit or sign before it parses a number.
        Assert.True(Yaml.GoYamlReadsAsNumber(value));
        Assert.Equal(ScalarStyle.DoubleQuoted, Yaml.StyleOf(value));
    }

    [Theory]
    [InlineData("1_", true)]
    [InlineData("0X1F", true)]
    [InlineData("+_1", true)]
    [InlineData("1000", false)]
    [InlineData("team-1_a", false)]
    [InlineData(".2_5", true)]
    [InlineData(".5_", false)]
    [InlineData("._5", false)]
    public void A_group_pulumi_eks_writes_plain_and_go_yaml_reads_as_a_number_is_an_error_in_config_map(string group, bool refused)
    {
        string Stack(string mode) => Stacks.Minimal(mode, access: $$"""
                mapUsers:
                  - { userarn: "arn:aws:iam::123456789012:user/ci", username: ci, groups: ["{{group}}"] }
            """).Replace("    groups:\n      deployers:", $"    externalGroups: [\"{group}\"]\n    groups:\n      deployers:", StringComparison.Ordinal);

        var configMap = Stacks.EvaluateText(Stack("CONFIG_MAP"));
        Assert.Equal(refused, configMap.Errors.Any(e => e.Path == "eks-infra:access.mapUsers[0].groups[0]" && e.Message.Contains("takes it for a number", StringComparison.Ordinal)));
        Assert.Equal(refused, Stacks.EvaluateText(Stack("API_AND_CONFIG_MAP")).Warnings.Any(w => w.Path == "eks-infra:access.mapUsers[0].groups[0]" && w.Message.Contains("takes it for a number", StringComparison.Ordinal)));
        Assert.DoesNotContain(Stacks.EvaluateText(Stack("API")).Diagnostics, d => d.Message.Contains("takes it for a number", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("team-1_a")]
    [InlineData("1.2.3")]
    [InlineData("-")]
    [InlineData("0x1p3")]
    [InlineData("12ab")]
    public void A_value_go_yaml_keeps_as_text_is_not_taken_for_a_number(string value) =>
        Assert.False(Yaml.GoYamlReadsAsNumber(value));

    [Theory]
    [InlineData("tab\t")]
    [InlineData("\tlead")]
    [InlineData("\u0085z")]
    [InlineData("a\u2028b")]
    public void A_group_with_a_tab_at_an_end_or_a_control_character_renders_quoted_and_reads_back_whole(string group)
    {
        Assert.Equal(ScalarStyle.DoubleQuoted, Yaml.StyleOf(group));
        var text = Yaml.Emit(Yaml.Map(("groups", Yaml.Strings([group]))));
        var back = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(text)["groups"];
        Assert.Equal(group, back.Children.Single().ToString());
    }

    [Fact]
    public void Import_notes_a_role_arn_with_a_path_that_the_live_authenticator_never_matches()
    {
        // In aws-auth a role ARN with a path never matches (the authenticator compares the path-free
        // assumed-role ARN), so this mapping grants nothing today. Imported as is, the plan strips the path and
        // the dead mapping becomes a live system:masters grant, with no note.
        var awsAuth = AwsAuthManifests.Text("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/teams/platform/admins
                  username: admin:{{SessionName}}
                  groups:
                    - system:masters
            """);

        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes(awsAuth), "aws-auth.yaml");

        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("path", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_does_not_call_a_fargate_pod_execution_role_the_stacks_node_role()
    {
        // A Fargate pod execution role (system:node:{{SessionName}}) is dropped with the advice to set
        // eks-infra:cluster.nodeRoleName to it: wrong (the stack's node role is the managed node group's), and
        // once pulumi-eks owns aws-auth the Fargate pods can no longer register. CONFIG_MAP could carry it.
        var awsAuth = AwsAuthManifests.Text("""
              mapRoles: |
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

        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes(awsAuth), "aws-auth.yaml");

        var carried = imported.AccessBlockYaml?.Contains("AmazonEKSFargatePodExecutionRole", StringComparison.Ordinal) ?? false;
        var note = imported.Skipped.FirstOrDefault(s => s.Where == "data.mapRoles[0]");
        Assert.True(
            carried || (note is not null && note.Why.Contains("Fargate", StringComparison.Ordinal) && !note.Why.Contains("nodeRoleName", StringComparison.Ordinal)),
            $"Fargate mapping neither carried nor explained; note: {note?.Why}");
    }

    [Fact]
    public void Migrate_rewrites_a_flow_style_access_block_into_valid_yaml()
    {
        // Rewrite's token regex takes 'CONFIG_MAP,' (comma included) as the value, so the new text loses the
        // comma, no longer parses, and the user is told their valid file has "1 problem" to fix.
        const string stack = """
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
              eks-infra:access: {authenticationMode: CONFIG_MAP, roles: [{name: eks-admin-role, username: eks-admin, groups: [system:masters]}]}
            """;

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.Empty(migration.Blockers);
        Assert.NotNull(migration.NewFileText);
        var after = Stacks.EvaluateText(migration.NewFileText);
        Assert.True(after.IsValid, Stacks.Describe(after));
        Assert.Equal(AuthenticationMode.ApiAndConfigMap, after.Plan!.Mode);
    }
}
