using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Cli.Tests;

public sealed class CheckAndRenderTests : IDisposable
{
    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public void A_stack_file_whose_name_pulumi_refuses_stops_every_command_with_the_rule()
    {
        File.WriteAllText(Path.Combine(project.Directory, "Pulumi.e`v<!--il.yaml"), project.ReadStack("dev"));

        foreach (var args in new[] { new[] { "check" }, ["who", "dev"], ["stacks"] })
        {
            var result = project.Run(args);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.Out);
            Assert.Equal(
                "eksinfra: Pulumi.e`v<!--il.yaml: 'e`v<!--il' is not a name Pulumi takes for a stack (1 to 100 letters, digits, '-', '_' or '.'), so this file is no stack of the project; rename it or move it out of the project folder",
                Assert.Single(result.ErrorLines));
        }
    }

    [Fact]
    public void Every_stack_file_whose_name_pulumi_refuses_is_named_in_the_one_error()
    {
        foreach (var name in new[] { "Pulumi.b c.yaml", "Pulumi.a!.yaml", "Pulumi..yaml" })
        {
            File.WriteAllText(Path.Combine(project.Directory, name), project.ReadStack("dev"));
        }

        var result = project.Run("check");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "eksinfra: Pulumi..yaml, Pulumi.a!.yaml, Pulumi.b c.yaml: '', 'a!', 'b c' are not names Pulumi takes for a stack (1 to 100 letters, digits, '-', '_' or '.'), so these files are no stacks of the project; rename them or move them out of the project folder",
            Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData("nope", "no stack 'nope'")]
    [InlineData("--format", "'--format' is not an option of this command")]
    public void Check_refuses_an_unknown_stack_or_option_before_printing_any_findings(string wrong, string error)
    {
        var result = project.Run("check", "dev", wrong);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"eksinfra: {error}", line, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_value_outside_an_options_choices_lists_them_on_one_readable_line()
    {
        var result = project.Run("who", "dev", "--format", "xml");

        Assert.Equal(2, result.ExitCode);
        var line = result.ErrorLines.First();
        Assert.Contains("'xml'", line, StringComparison.Ordinal);
        Assert.Contains("'table', 'markdown', 'json'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\\n", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\\t", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diagnostic_quoting_a_key_with_line_breaks_stays_one_line_of_stderr()
    {
        // A pull request's stack file could otherwise print a workflow command, or close the code fence
        // the preview workflow pastes stderr into.
        project.EditStack("dev", "  eks-infra:access:\n", "  eks-infra:access:\n    \"x\\n::error::forged\\n```\\e[2K\": 1\n");

        var result = project.Run("check", "dev");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => l.Contains("forged", StringComparison.Ordinal));
        Assert.Contains("x\\n::error::forged\\n```\\u001B[2K", line, StringComparison.Ordinal);
        Assert.DoesNotContain(result.ErrorLines, l => l.StartsWith("::error::", StringComparison.Ordinal) || l.StartsWith("```", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', result.Error);
    }

    [Fact]
    public void Check_passes_every_shipped_stack()
    {
        var result = project.Run("check");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var stack in TestProject.ShippedStacks)
        {
            Assert.Contains($"{stack}: valid", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_reports_an_invalid_stack_with_its_config_path_first_and_exits_1()
    {
        project.EditStack("staging", "rolearn: arn:aws:iam::123456789012:role/ci/github-actions-deployer", "rolearn: arn:aws:sts::123456789012:assumed-role/github-actions-deployer/run-42");

        var result = project.Run("check");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => !l.Contains("warning:", StringComparison.Ordinal));
        Assert.StartsWith("eks-infra:access.mapRoles[0].rolearn: ", line, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::123456789012:role/github-actions-deployer", line, StringComparison.Ordinal);
        Assert.Contains("Pulumi.staging.yaml:", line, StringComparison.Ordinal);
        Assert.Contains("staging: invalid", result.Out, StringComparison.Ordinal);
        Assert.Contains("dev: valid", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_strict_fails_on_warnings()
    {
        Assert.Equal(1, project.Run("check", "dev", "--strict").ExitCode);
        Assert.Equal(0, project.Run("check", "dev").ExitCode);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, project.Run("check", "qa").ExitCode);
        Assert.Equal(2, project.Run("render").ExitCode);
        Assert.Equal(2, project.Run("who", "dev", "--format", "xml").ExitCode);
        Assert.Equal(2, project.Run("diff", "dev").ExitCode);
        Assert.Equal(2, project.Run("frobnicate").ExitCode);
    }

    [Fact]
    public void Every_verb_has_help()
    {
        foreach (var verb in new[] { "check", "render", "who", "diff", "import", "migrate", "stacks" })
        {
            var result = project.Run(verb, "--help");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Two_stacks_in_one_account_creating_the_same_role_name_clash()
    {
        project.EditStack("staging", "serviceRoleName: staging-eks-cluster-role", "serviceRoleName: eks-cluster-role");

        var result = project.Run("check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:cluster.serviceRoleName: stack staging creates IAM role 'eks-cluster-role' in account 123456789012, and so do dev", StringComparison.Ordinal));
        Assert.Equal(0, project.Run("check", "staging").ExitCode);
    }

    [Fact]
    public void A_clash_between_stacks_names_each_roles_item_and_position_and_leaves_dev_its_names()
    {
        var line = project.ReadStack("staging").Split('\n').ToList().FindIndex(l => l.Contains("- name: staging-eks-admin-role", StringComparison.Ordinal)) + 1;
        project.EditStack("staging", "- name: staging-eks-admin-role", "- name: eks-admin-role");

        var result = project.Run("check");

        Assert.Equal(1, result.ExitCode);
        var staging = Assert.Single(result.ErrorLines, l => l.Contains("stack staging creates IAM role 'eks-admin-role'", StringComparison.Ordinal));
        Assert.StartsWith("eks-infra:access.roles[0].name: ", staging, StringComparison.Ordinal);
        Assert.Contains("so give this stack's role its own name (e.g. 'staging-eks-admin-role')", staging, StringComparison.Ordinal);
        Assert.EndsWith($"(Pulumi.staging.yaml:{line}:15)", staging, StringComparison.Ordinal);
        var dev = Assert.Single(result.ErrorLines, l => l.Contains("stack dev creates IAM role 'eks-admin-role'", StringComparison.Ordinal));
        Assert.Contains("dev keeps the names people already assume, so give the role of staging its own name there (e.g. 'staging-eks-admin-role')", dev, StringComparison.Ordinal);
        Assert.Matches(@"\(Pulumi\.dev\.yaml:\d+:\d+\)$", dev);
    }

    [Fact]
    public void Render_dev_writes_the_seed_mappings_plus_the_node_role()
    {
        var result = project.Run("render", "dev", "--out", "out");
        Assert.True(result.ExitCode == 0, result.ToString());

        var dir = Path.Combine(project.Directory, "out");
        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Order(StringComparer.Ordinal);
        Assert.Equal([".eksinfra-render", "access-entries.json", "aws-auth.yaml", "iam/eks-admin-role.json", "iam/eks-cluster-role.json", "iam/eks-node-role.json", "iam/eks-readonly-role.json", "rbac.yaml"], files);

        var configMap = LoadYaml(File.ReadAllText(Path.Combine(dir, "aws-auth.yaml"))).Single();
        var data = (YamlMappingNode)configMap["data"];
        var roles = Mappings(((YamlScalarNode)data["mapRoles"]).Value!, "rolearn");
        var users = Mappings(((YamlScalarNode)data["mapUsers"]).Value!, "userarn");
        Assert.Equal(
            [
                ("arn:aws:iam::123456789012:role/eks-admin-role", "eks-admin", "system:masters"),
                ("arn:aws:iam::123456789012:role/eks-node-role", "system:node:{{EC2PrivateDNSName}}", "system:bootstrappers,system:nodes"),
                ("arn:aws:iam::123456789012:role/eks-readonly-role", "eks-readonly", "read-only"),
            ],
            roles.Order());
        Assert.Equal([("arn:aws:iam::123456789012:user/username", "kubernetes-user", "system:masters")], users);

        var rbac = LoadYaml(File.ReadAllText(Path.Combine(dir, "rbac.yaml")));
        var binding = Assert.Single(rbac, d => ((YamlScalarNode)d["kind"]).Value == "ClusterRoleBinding");
        Assert.Equal("read-only", ((YamlScalarNode)((YamlMappingNode)binding["roleRef"])["name"]).Value);
        Assert.Equal("read-only", ((YamlScalarNode)((YamlMappingNode)((YamlSequenceNode)binding["subjects"])[0])["name"]).Value);
        Assert.Contains(rbac, d => ((YamlScalarNode)d["kind"]).Value == "ClusterRole" && ((YamlScalarNode)((YamlMappingNode)d["metadata"])["name"]).Value == "read-only");

        using var trust = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "iam", "eks-cluster-role.json")));
        var statement = trust.RootElement.GetProperty("assumeRolePolicy").GetProperty("Statement")[0];
        Assert.Equal("eks.amazonaws.com", statement.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("sts:AssumeRole", statement.GetProperty("Action").GetString());
        Assert.Equal("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", trust.RootElement.GetProperty("managedPolicyArns")[0].GetString());
    }

    [Fact]
    public void Render_without_out_prints_manifests_that_parse()
    {
        var result = project.Run("render", "dev");

        Assert.Equal(0, result.ExitCode);
        var kinds = LoadYaml(result.Out).Select(d => ((YamlScalarNode)d["kind"]).Value).ToList();
        Assert.Equal(["ConfigMap", "ClusterRole", "ClusterRoleBinding"], kinds);
    }

    [Fact]
    public void Render_of_an_invalid_stack_writes_nothing_and_exits_1()
    {
        project.EditStack("dev", "groups: [read-only]", "groups: [readonly]");

        var result = project.Run("render", "dev", "--out", "out");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:access.roles[1].groups[0]: the group 'readonly' is mapped but bound to nothing", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "out")));
        Assert.Empty(Directory.GetDirectories(project.Directory));
    }

    [Fact]
    public void Render_over_an_earlier_api_mode_render_removes_files_the_stack_no_longer_makes()
    {
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        var prod = project.ReadStack("prod");
        project.WriteStack("dev", prod);

        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);

        var dir = Path.Combine(project.Directory, "out");
        Assert.False(File.Exists(Path.Combine(dir, "aws-auth.yaml")));
        Assert.False(File.Exists(Path.Combine(dir, "iam", "eks-admin-role.json")));
        Assert.True(File.Exists(Path.Combine(dir, "iam", "prod-eks-admin-role.json")));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Reordering_every_list_leaves_rendered_bytes_unchanged(string stack)
    {
        Assert.Equal(0, project.Run("render", stack, "--out", "a").ExitCode);
        var original = project.ReadStack(stack);
        project.WriteStack(stack, StackShuffler.ReverseEveryList(original));
        Assert.NotEqual(original, project.ReadStack(stack));

        Assert.Equal(0, project.Run("render", stack, "--out", "b").ExitCode);

        foreach (var file in Directory.GetFiles(Path.Combine(project.Directory, "a"), "*", SearchOption.AllDirectories))
        {
            var twin = file.Replace(Path.Combine(project.Directory, "a"), Path.Combine(project.Directory, "b"), StringComparison.Ordinal);
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(twin));
        }
    }

    [Fact]
    public void Who_lists_each_principal_as_its_access_entry_makes_it_where_access_entries_exist()
    {
        // dev is API_AND_CONFIG_MAP: EKS uses a principal's access entry over its aws-auth mapping, and the entry carries
        // the model's system:masters as AmazonEKSClusterAdminPolicy, with no system: group.
        var json = project.Run("who", "dev", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var principals = doc.RootElement.GetProperty("principals").EnumerateArray().ToDictionary(p => p.GetProperty("username").GetString()!);
        foreach (var admin in new[] { "eks-admin", "kubernetes-user" })
        {
            Assert.False(principals[admin].GetProperty("bypassesRbac").GetBoolean());
            Assert.True(principals[admin].GetProperty("clusterAdmin").GetBoolean());
            Assert.DoesNotContain("system:masters", principals[admin].GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
            Assert.Equal("access policy AmazonEKSClusterAdminPolicy (cluster-wide), the model's system:masters", principals[admin].GetProperty("grants")[0].GetProperty("description").GetString());
        }

        Assert.Equal("ClusterRole read-only (cluster-wide)", principals["eks-readonly"].GetProperty("grants")[0].GetProperty("description").GetString());

        var table = project.Run("who", "staging");
        Assert.Contains("ClusterRole edit (namespaces apps, apps-jobs)", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("bypasses RBAC", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_in_config_map_mode_calls_out_system_masters_and_the_creator_outside_aws_auth()
    {
        project.EditStack("dev", "    authenticationMode: API_AND_CONFIG_MAP\n", "    authenticationMode: CONFIG_MAP\n");

        var json = project.Run("who", "dev", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        var principals = doc.RootElement.GetProperty("principals").EnumerateArray().ToDictionary(p => p.GetProperty("username").GetString()!);
        Assert.True(principals["eks-admin"].GetProperty("bypassesRbac").GetBoolean());
        Assert.Contains("system:masters", principals["eks-admin"].GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.False(principals["eks-readonly"].GetProperty("bypassesRbac").GetBoolean());

        var table = project.Run("who", "dev");
        Assert.Contains("bypasses RBAC", table.Out, StringComparison.Ordinal);
        Assert.Contains("whom EKS makes system:masters itself, outside aws-auth", table.Out, StringComparison.Ordinal);
    }

    internal static List<YamlMappingNode> LoadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static List<(string Arn, string Username, string Groups)> Mappings(string yaml, string arnKey)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. ((YamlSequenceNode)stream.Documents[0].RootNode).Cast<YamlMappingNode>().Select(m => (
            ((YamlScalarNode)m[arnKey]).Value!,
            ((YamlScalarNode)m["username"]).Value!,
            string.Join(",", ((YamlSequenceNode)m["groups"]).Cast<YamlScalarNode>().Select(g => g.Value))))];
    }
}
