using YamlDotNet.RepresentationModel;

namespace EksInfra.Cli.Tests;

public sealed class ImportAndMigrateTests : IDisposable
{
    private const string LiveAwsAuth = """
        apiVersion: v1
        data:
          mapRoles: |
            - groups:
              - system:bootstrappers
              - system:nodes
              rolearn: arn:aws:iam::123456789012:role/eksctl-my-cluster-NodeInstanceRole-1ABC
              username: system:node:{{EC2PrivateDNSName}}
            - rolearn: arn:aws:iam::123456789012:role/platform-admin
              username: admin:{{SessionName}}
              groups:
                - system:masters
            - rolearn: arn:aws:sts::123456789012:assumed-role/dev/alice
              username: alice
              groups: [developers]
          mapUsers: |
            - userarn: arn:aws:iam::123456789012:user/bob
              username: bob
              groups:
                - developers
        kind: ConfigMap
        metadata:
          name: aws-auth
          namespace: kube-system
        """;

    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public void Import_carries_mappings_over_and_lists_what_it_cannot()
    {
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), LiveAwsAuth);

        var result = project.Run("import", "aws-auth.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        var stream = new YamlStream();
        stream.Load(new StringReader(result.Out));
        var access = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["config"])["eks-infra:access"];
        var roles = (YamlSequenceNode)access["mapRoles"];
        var role = (YamlMappingNode)Assert.Single(roles);
        Assert.Equal("arn:aws:iam::123456789012:role/platform-admin", ((YamlScalarNode)role["rolearn"]).Value);
        Assert.Equal("admin:{{SessionName}}", ((YamlScalarNode)role["username"]).Value);
        Assert.Single((YamlSequenceNode)access["mapUsers"]);
        var node = (YamlMappingNode)Assert.Single((YamlSequenceNode)access["nodeRoles"]);
        Assert.Equal("arn:aws:iam::123456789012:role/eksctl-my-cluster-NodeInstanceRole-1ABC", ((YamlScalarNode)node["rolearn"]).Value);
        Assert.Equal("linux", ((YamlScalarNode)node["kind"]).Value);
        Assert.Contains("data.mapRoles[0]: 'arn:aws:iam::123456789012:role/eksctl-my-cluster-NodeInstanceRole-1ABC' is a node role: carried into nodeRoles with kind linux", result.Error, StringComparison.Ordinal);
        Assert.Contains("data.mapRoles[2]: 'arn:aws:sts::123456789012:assumed-role/dev/alice' is an STS assumed-role", result.Error, StringComparison.Ordinal);
        Assert.Contains("groups.developers: aws-auth does not say what 'developers' may do", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_is_not_offered_dir_which_it_would_ignore()
    {
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), LiveAwsAuth);

        var help = project.Run("import", "--help");
        var refused = project.Run("import", "aws-auth.yaml", "--dir", project.Directory);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.DoesNotContain("--dir", help.Out, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == EksInfra.Cli.CliApp.Usage, refused.ToString());
        Assert.Contains("--dir", refused.Error, StringComparison.Ordinal);
        Assert.Empty(refused.Out);
    }

    [Fact]
    public void Import_notes_show_a_live_arn_with_control_characters_escaped_on_one_line()
    {
        var forged = LiveAwsAuth.Replace(
            "rolearn: arn:aws:sts::123456789012:assumed-role/dev/alice",
            "rolearn: \"arn:aws:sts::123456789012:assumed-role/dev/alice\\rnote: nothing skipped\\e[2K\"",
            StringComparison.Ordinal);
        Assert.NotEqual(LiveAwsAuth, forged);
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), forged);

        var result = project.Run("import", "aws-auth.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("data.mapRoles[2]: 'arn:aws:sts::123456789012:assumed-role/dev/alice\\rnote: nothing skipped\\u001B[2K' is an STS assumed-role", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Error, c => c is '\r' or '\u001b');
    }

    [Fact]
    public void An_imported_block_is_refused_by_check_until_its_groups_are_bound()
    {
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), LiveAwsAuth);
        var imported = project.Run("import", "aws-auth.yaml").Out;
        var cluster = "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:cluster:\n    name: legacy\n";
        project.WriteStack("legacy", cluster + imported["config:\n".Length..]);

        var refused = project.Run("check", "legacy");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(refused.ErrorLines, l => l.StartsWith("eks-infra:access.groups.developers.clusterRole: 'REPLACE-ME' is not a ClusterRole", StringComparison.Ordinal));

        project.EditStack("legacy", "clusterRole: REPLACE-ME", "clusterRole: edit");
        var accepted = project.Run("check", "legacy");
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
    }

    [Fact]
    public void An_imported_block_with_group_templates_passes_check_once_its_groups_are_bound()
    {
        var templated = LiveAwsAuth.Replace("groups: [developers]", "groups: [\"devs-{{AccountID}}\", \"team-{{SessionName}}\"]", StringComparison.Ordinal)
            .Replace("rolearn: arn:aws:sts::123456789012:assumed-role/dev/alice", "rolearn: arn:aws:iam::123456789012:role/dev", StringComparison.Ordinal);
        Assert.NotEqual(LiveAwsAuth, templated);
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), templated);
        var imported = project.Run("import", "aws-auth.yaml");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("data.mapRoles[2]: its group 'devs-{{AccountID}}' holds {{AccountID}}", imported.Error, StringComparison.Ordinal);
        Assert.Contains("externalGroups: 'team-{{SessionName}}' holds {{SessionName}}", imported.Error, StringComparison.Ordinal);
        var cluster = "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:cluster:\n    name: legacy\n";
        project.WriteStack("legacy", cluster + imported.Out["config:\n".Length..]);
        project.EditStack("legacy", "clusterRole: REPLACE-ME", "clusterRole: view");

        var accepted = project.Run("check", "legacy");

        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.DoesNotContain("team-{{SessionName}}", accepted.Error, StringComparison.Ordinal);
        // Once the mode leaves CONFIG_MAP, each member's access entry carries the group as written: check says so.
        project.EditStack("legacy", "authenticationMode: CONFIG_MAP", "authenticationMode: API_AND_CONFIG_MAP");
        var moved = project.Run("check", "legacy");
        Assert.Contains(moved.ErrorLines, l => l.Contains("externalGroups[0]", StringComparison.Ordinal) && l.Contains("'team-{{SessionName}}' holds the template {{SessionName}}", StringComparison.Ordinal) && l.Contains("carries the group as written", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_of_a_broken_mapRoles_says_the_authenticator_ignores_it()
    {
        File.WriteAllText(Path.Combine(project.Directory, "broken.yaml"), "apiVersion: v1\nkind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::123456789012:role/a\n     username: a\n");

        var result = project.Run("import", "broken.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("data.mapRoles: does not parse as a YAML list, so the cluster's authenticator is ignoring all of it", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Migrate_prints_the_change_and_steps_and_writes_only_with_write()
    {
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP # the seed's mode");
        var before = project.ReadStack("dev");

        var dry = project.Run("migrate", "dev", "--to", "API_AND_CONFIG_MAP");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("- authenticationMode: CONFIG_MAP # the seed's mode", dry.Out, StringComparison.Ordinal);
        Assert.Contains("+ authenticationMode: API_AND_CONFIG_MAP # the seed's mode", dry.Out, StringComparison.Ordinal);
        Assert.Contains("AmazonEKSClusterAdminPolicy (cluster-wide)", dry.Out, StringComparison.Ordinal);
        Assert.Contains("1. Set eks-infra:access.authenticationMode to API_AND_CONFIG_MAP", dry.Out, StringComparison.Ordinal);
        Assert.Equal(before, project.ReadStack("dev"));

        var written = project.Run("migrate", "dev", "--to", "API_AND_CONFIG_MAP", "--write");
        Assert.Equal(0, written.ExitCode);
        Assert.Equal(before.Replace("authenticationMode: CONFIG_MAP", "authenticationMode: API_AND_CONFIG_MAP", StringComparison.Ordinal), project.ReadStack("dev"));
        Assert.Equal(0, project.Run("check", "dev").ExitCode);
    }

    [Fact]
    public void Migrate_and_diff_warn_of_api_while_the_stacks_node_role_has_no_managed_node_group()
    {
        // A Karpenter-only staging: nodeRoleName is mapped in aws-auth, and in API nothing would give it an access entry.
        var shipped = project.ReadStack("staging");
        var groups = shipped[shipped.IndexOf("    nodeRoles: [staging-eks-workload-node-role]\n", StringComparison.Ordinal)..shipped.IndexOf("  eks-infra:access:\n", StringComparison.Ordinal)];
        project.EditStack("staging", groups, "    nodeGroups: []\n");
        var karpenterOnly = project.ReadStack("staging");
        Assert.Equal(0, project.Run("check", "staging").ExitCode);

        var migrate = project.Run("migrate", "staging", "--to", "API");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains(migrate.ErrorLines, l => l.Contains("eks-infra:cluster.nodeRoleName", StringComparison.Ordinal) && l.Contains("cannot join in API", StringComparison.Ordinal));
        Assert.Equal(karpenterOnly, project.ReadStack("staging"));

        project.SetBase("staging", karpenterOnly);
        project.EditStack("staging", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: API");
        var diff = project.Run("diff", "staging", "--base", "base", "--format", "json");

        using var doc = System.Text.Json.JsonDocument.Parse(diff.Out);
        var danger = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("level").GetString() == "danger" && f.GetProperty("title").GetString()!.Contains("loses its only way to join", StringComparison.Ordinal));
        Assert.Equal("the node role (no node group uses it) (eks-infra:cluster.nodeRoleName) loses its only way to join in API", danger.GetProperty("title").GetString());
    }

    [Fact]
    public void Migrate_refuses_backward_moves_and_says_the_skipped_step_is_its_own_rule_not_ekss()
    {
        var backwards = project.Run("migrate", "prod", "--to", "API_AND_CONFIG_MAP");
        Assert.Equal(1, backwards.ExitCode);
        Assert.Contains("moves backwards; EKS moves the mode forward only", backwards.Error, StringComparison.Ordinal);

        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");
        var skipping = project.Run("migrate", "dev", "--to", "API", "--write");
        Assert.Equal(1, skipping.ExitCode);
        Assert.Contains("this tool's own safety rule, not by EKS (EKS allows it)", skipping.Error, StringComparison.Ordinal);
        Assert.Contains("no aws-auth to fall back on", skipping.Error, StringComparison.Ordinal);
        Assert.Contains("migrate to API_AND_CONFIG_MAP first (`eksinfra migrate dev --to API_AND_CONFIG_MAP --write`), apply it, check every principal's access entry, then migrate to API", skipping.Error, StringComparison.Ordinal);
        Assert.Contains("dev: cannot migrate to API; nothing written", skipping.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("until the", skipping.Error + backwards.Error, StringComparison.Ordinal);
        Assert.Contains("authenticationMode: CONFIG_MAP", project.ReadStack("dev"), StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_to_config_map_is_refused_as_a_backward_move_not_a_usage_error()
    {
        var before = project.ReadStack("dev");

        var result = project.Run("migrate", "dev", "--to", "CONFIG_MAP", "--write");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:access.authenticationMode", StringComparison.Ordinal)
            && l.Contains("API_AND_CONFIG_MAP → CONFIG_MAP moves backwards; EKS moves the mode forward only", StringComparison.Ordinal));
        Assert.Contains("dev: cannot migrate to CONFIG_MAP; nothing written", result.Error, StringComparison.Ordinal);
        // Nothing in the stack can be fixed to allow a backward move.
        Assert.DoesNotContain("until the", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, project.ReadStack("dev"));
    }

    [Fact]
    public void Migrate_lists_what_cannot_become_an_access_entry_and_writes_nothing()
    {
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");
        project.EditStack("dev", "        username: kubernetes-user\n        groups: [system:masters]", "        username: kubernetes-user\n        groups: [system:masters, system:monitoring]");
        project.EditStack("dev", "    mapUsers:", "    mapAccounts: [\"210987654321\"]\n    mapUsers:");
        var before = project.ReadStack("dev");
        Assert.Equal(0, project.Run("check", "dev").ExitCode);

        var result = project.Run("migrate", "dev", "--to", "API_AND_CONFIG_MAP", "--write");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:access.mapUsers[0].groups[1]: 'system:monitoring' is a Kubernetes system group; EKS access entries refuse", StringComparison.Ordinal));
        Assert.Equal(before, project.ReadStack("dev"));
    }

    [Fact]
    public void Migrate_inserts_the_mode_when_the_stack_relies_on_the_default()
    {
        project.EditStack("staging", "    authenticationMode: API_AND_CONFIG_MAP\n", "");
        Assert.Equal(0, project.Run("check", "staging").ExitCode);

        var result = project.Run("migrate", "staging", "--to", "API", "--write");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  eks-infra:access:\n    authenticationMode: API\n    roles:", project.ReadStack("staging"), StringComparison.Ordinal);
        Assert.Equal(0, project.Run("check", "staging").ExitCode);
    }

    [Fact]
    public void Migrate_refuses_a_stack_file_that_is_not_utf8_and_leaves_its_bytes()
    {
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP # caf\u00e9");
        var latin1 = System.Text.Encoding.Latin1.GetBytes(project.ReadStack("dev"));
        File.WriteAllBytes(project.StackFile("dev"), latin1);

        var result = project.Run("migrate", "dev", "--to", "API_AND_CONFIG_MAP", "--write");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not valid UTF-8", result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing written", result.Error, StringComparison.Ordinal);
        Assert.Equal(latin1, File.ReadAllBytes(project.StackFile("dev")));
    }

    [Fact]
    public void Migrate_write_keeps_a_symlinked_stack_file_a_link_and_keeps_its_permissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");
        var real = Path.Combine(project.Directory, "stacks", "dev.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.Move(project.StackFile("dev"), real);
        File.CreateSymbolicLink(project.StackFile("dev"), real);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(real, ownerOnly);

        var result = project.Run("migrate", "dev", "--to", "API_AND_CONFIG_MAP", "--write");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotNull(new FileInfo(project.StackFile("dev")).LinkTarget);
        Assert.Contains("authenticationMode: API_AND_CONFIG_MAP", File.ReadAllText(real), StringComparison.Ordinal);
        Assert.Equal(ownerOnly, File.GetUnixFileMode(real));
    }

    [Fact]
    public void Migrate_inserting_the_mode_into_a_crlf_file_keeps_every_line_crlf()
    {
        project.EditStack("staging", "    authenticationMode: API_AND_CONFIG_MAP\n", "");
        project.WriteStack("staging", project.ReadStack("staging").Replace("\n", "\r\n", StringComparison.Ordinal));

        var result = project.Run("migrate", "staging", "--to", "API", "--write");

        Assert.True(result.ExitCode == 0, result.ToString());
        var written = project.ReadStack("staging");
        Assert.Contains("    authenticationMode: API\r\n", written, StringComparison.Ordinal);
        Assert.DoesNotMatch("[^\r]\n", written);
    }
}
