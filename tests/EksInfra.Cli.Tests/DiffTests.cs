using System.Text.Json;
using EksInfra.Cli;

namespace EksInfra.Cli.Tests;

public sealed class DiffTests : IDisposable
{
    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    private CliResult DiffAgainstShipped(string stack, string format = "markdown")
    {
        project.SetBase(stack, File.ReadAllText(Path.Combine(TestProject.RepoRoot, $"Pulumi.{stack}.yaml")));
        return project.Run("diff", stack, "--base", "base", "--format", format);
    }

    private static List<(string Level, string Title)> Findings(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Out);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("level").GetString()!, f.GetProperty("title").GetString()!))];
    }

    [Fact]
    public void No_change_reports_no_change()
    {
        var result = DiffAgainstShipped("dev");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No change in who can access the cluster.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_system_masters_mapping_comes_first_and_flagged_in_markdown()
    {
        project.EditStack("staging", "    mapUsers:\n", "    mapUsers:\n      - userarn: arn:aws:iam::123456789012:user/mallory\n        username: mallory\n        groups: [system:masters]\n");

        var result = DiffAgainstShipped("staging");

        Assert.Equal(0, result.ExitCode);
        var rows = result.Out.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.StartsWith("| ⚠️ **danger** | **new cluster admin: mallory (system:masters)**", rows[0], StringComparison.Ordinal);
        Assert.Contains("`arn:aws:iam::123456789012:user/mallory`", rows[0], StringComparison.Ordinal);
        Assert.Contains("> [!WARNING]", result.Out, StringComparison.Ordinal);
        Assert.Single(rows);
        // staging has access entries, which EKS uses over aws-auth: mallory's carries system:masters as the admin policy.
        var cells = rows[0].Split(" | ");
        Assert.Contains(cells, c => c.Contains("access policy AmazonEKSClusterAdminPolicy (cluster-wide), the model's system:masters", StringComparison.Ordinal));
        Assert.DoesNotContain(cells, c => c.Contains("bypasses RBAC", StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_group_moved_to_another_role_blocks_and_exits_1()
    {
        project.EditStack("staging", "        nodeRole: staging-eks-workload-node-role\n", "");
        project.EditStack("staging", "    nodeRoles: [staging-eks-workload-node-role]\n", "");

        var result = DiffAgainstShipped("staging", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("error", "node group workload-spot changes its node role: staging-eks-workload-node-role → staging-eks-node-role"), Findings(result)[0]);
    }

    [Fact]
    public void Dropping_the_karpenter_role_is_flagged_as_dangerous()
    {
        project.EditStack("staging", "      - rolearn: arn:aws:iam::123456789012:role/KarpenterNodeRole-staging-cluster\n        kind: linux\n", "");

        var result = DiffAgainstShipped("staging", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(("danger", "the Karpenter/self-managed node role (linux) is no longer mapped"), Findings(result)[0]);
    }

    [Fact]
    public void A_karpenter_role_the_stack_starts_creating_blocks_and_exits_1()
    {
        // The role exists (Karpenter's): the stack's CreateRole of its name would fail with EntityAlreadyExists.
        project.EditStack("staging", "      - rolearn: arn:aws:iam::123456789012:role/KarpenterNodeRole-staging-cluster\n        kind: linux\n", "");
        project.EditStack("staging", "    nodeRoles: [staging-eks-workload-node-role]\n", "    nodeRoles: [staging-eks-workload-node-role, KarpenterNodeRole-staging-cluster]\n");
        project.EditStack("staging", "    nodeGroups:\n", "    nodeGroups:\n      - name: karpenter-pool\n        instanceTypes: [m6i.large]\n        nodeRole: KarpenterNodeRole-staging-cluster\n");

        var result = DiffAgainstShipped("staging", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(("error", "IAM role KarpenterNodeRole-staging-cluster was an existing role (eks-infra:access.nodeRoles[0]) and is now created by the stack (eks-infra:cluster.nodeRoles[1])"), Findings(result));
    }

    [Fact]
    public void Endpoint_changes_that_cut_callers_off_are_dangers_with_their_config_path()
    {
        project.EditStack("staging", "    version: \"1.35\"\n", "    version: \"1.35\"\n    publicAccessCidrs: [\"52.12.34.56/32\"]\n");

        var narrowed = DiffAgainstShipped("staging", "json");

        Assert.Equal(0, narrowed.ExitCode);
        using (var doc = JsonDocument.Parse(narrowed.Out))
        {
            var finding = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("subject").GetString() == "eks-infra:cluster.publicAccessCidrs");
            Assert.Equal("danger", finding.GetProperty("level").GetString());
            Assert.Equal("who may reach the public endpoint narrows: [0.0.0.0/0 (EKS's default)] → [52.12.34.56/32]", finding.GetProperty("title").GetString());
        }

        project.EditStack("staging", "    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "    endpointPublicAccess: false\n    endpointPrivateAccess: true\n");
        var privateOnly = DiffAgainstShipped("staging");

        Assert.Equal(0, privateOnly.ExitCode);
        Assert.Contains("| ⚠️ **danger** | **the cluster's public endpoint is turned off: the API is reachable only from inside its VPC or a network connected to it** | `eks-infra:cluster.endpointPublicAccess` |", privateOnly.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_widened_to_every_namespace_is_a_danger_listed_first()
    {
        project.EditStack("staging", "        namespaces: [apps, apps-jobs]\n", "");

        var result = DiffAgainstShipped("staging", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(("danger", "group app-deployers widens from namespaces apps, apps-jobs to every namespace (cluster-wide)"), Findings(result)[0]);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("eks-infra:access.groups.app-deployers.namespaces", doc.RootElement.GetProperty("findings")[0].GetProperty("subject").GetString());
    }

    [Fact]
    public void Authentication_mode_moving_backwards_is_an_error_and_exits_1()
    {
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");

        var result = DiffAgainstShipped("dev", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("error", "authentication mode moves backwards: API_AND_CONFIG_MAP → CONFIG_MAP"), Findings(result)[0]);
    }

    [Fact]
    public void Moving_the_mode_forward_is_flagged_as_one_way()
    {
        project.EditStack("staging", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: API");

        var result = DiffAgainstShipped("staging", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(("danger", "authentication mode moves forward: API_AND_CONFIG_MAP → API (one-way)"), Findings(result));
    }

    [Fact]
    public void Removing_the_node_role_mapping_is_an_error()
    {
        project.EditStack("staging", "nodeRoleName: staging-eks-node-role", "nodeRoleName: staging-nodes-v2");

        var result = DiffAgainstShipped("staging", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(("error", "the node role mapping is removed from aws-auth"), Findings(result));
    }

    [Fact]
    public void Removing_the_last_cluster_admin_is_an_error()
    {
        project.EditStack("prod", "groups: [system:masters]", "groups: [read-only]");
        project.EditStack("prod", "maxSessionDuration: 3600\n", "maxSessionDuration: 3600\n        accessPolicies:\n          - policy: AmazonEKSViewPolicy\n");

        // The deployer (the cluster creator, admin through its own access entry) is an admin that check counts,
        // and so does diff: it flags that no mapped principal is admin any more, but does not block.
        Assert.Equal(0, project.Run("check", "prod").ExitCode);
        var withDeployer = DiffAgainstShipped("prod", "json");
        Assert.Equal(0, withDeployer.ExitCode);
        Assert.Contains(("danger", "only the deployer keeps cluster-admin rights"), Findings(withDeployer));
        project.EditStack("prod", "    deployerArn: arn:aws:iam::345678901234:role/ci/eks-infra-deploy-prod\n", "");

        var head = project.Run("check", "prod");
        Assert.Equal(1, head.ExitCode);
        Assert.Contains(head.ErrorLines, l => l.StartsWith("eks-infra:access: no principal gets cluster-admin rights", StringComparison.Ordinal));

        var diff = DiffAgainstShipped("prod");
        Assert.Equal(1, diff.ExitCode);
    }

    [Fact]
    public void A_case_changed_arn_keeps_its_entry_key_and_is_flagged_as_a_delete_first_replacement()
    {
        // The key is the lower-cased name, so the entry is replaced in place, delete first: no HTTP 409, a gap in access.
        project.EditStack("staging", "role/ci/github-actions-deployer", "role/ci/GitHub-Actions-Deployer");

        var findings = Findings(DiffAgainstShipped("staging", "json"));

        Assert.Contains(("danger", "the principal's access entry is replaced"), findings);
        Assert.DoesNotContain(("error", "the principal's access entry would be re-created under a new name"), findings);
    }

    [Fact]
    public void Renaming_the_cluster_or_its_service_role_would_replace_it()
    {
        project.EditStack("staging", "name: staging-cluster", "name: staging-cluster-2");
        project.EditStack("staging", "serviceRoleName: staging-eks-cluster-role", "serviceRoleName: staging-cluster-role");

        var findings = Findings(DiffAgainstShipped("staging", "json"));

        Assert.Contains(("error", "cluster name changes: staging-cluster → staging-cluster-2"), findings);
        Assert.Contains(("error", "the cluster's service role changes: staging-eks-cluster-role → staging-cluster-role"), findings);
    }

    [Fact]
    public void Grants_and_revocations_are_listed_principal_by_principal()
    {
        project.EditStack("staging", "      - userarn: arn:aws:iam::123456789012:user/qa-lead\n        username: qa-lead\n        groups: [read-only]\n", "");
        project.EditStack("staging", "namespaces: [apps, apps-jobs]", "namespaces: [apps]");

        var findings = Findings(DiffAgainstShipped("staging", "json"));

        Assert.Contains(("revoked", "revoked from user qa-lead"), findings);
        Assert.Contains(("changed", "changed for role ci-deployer"), findings);
    }

    [Fact]
    public void A_new_stack_shows_every_grant_as_new()
    {
        project.SetBase("dev", null);

        var result = project.Run("diff", "dev", "--base", "base");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("New stack", result.Out, StringComparison.Ordinal);
        Assert.Contains("new cluster admin: eks-admin", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_as_a_git_revision_reads_the_stack_file_at_that_revision()
    {
        project.Git("init", "-q", "-b", "main");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("error", "authentication mode moves backwards: API_AND_CONFIG_MAP → CONFIG_MAP"), Findings(result)[0]);

        var missing = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "no-such-rev");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("neither a file nor a git revision", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_revision_whose_stack_file_git_cannot_read_is_an_error_not_a_new_stack()
    {
        project.Git("init", "-q", "-b", "main");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");
        var blob = project.Git("rev-parse", "HEAD:./Pulumi.dev.yaml").Trim();
        File.Delete(Path.Combine(project.Directory, ".git", "objects", blob[..2], blob[2..]));
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD");

        // Read as "no base", the backward mode move passed as a new stack's grants, exit 0.
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("New stack", result.Out, StringComparison.Ordinal);
        Assert.True(result.Error.Contains("git lists Pulumi.dev.yaml there but could not read it", StringComparison.Ordinal), result.Error);
        Assert.Contains(result.ErrorLines, l => l.Contains("could not read it: ", StringComparison.Ordinal) && l.Contains("fatal", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "config")]
    [InlineData("stacks", null)]
    [InlineData("stacks", "config")]
    public void A_change_that_moves_the_stack_files_compares_with_the_file_where_the_base_put_it(string? baseFolder, string? headFolder)
    {
        void MoveDev(string? from, string? to)
        {
            var text = File.ReadAllLines(Path.Combine(project.Directory, "Pulumi.yaml")).Where(l => !l.StartsWith("stackConfigDir:", StringComparison.Ordinal));
            File.WriteAllLines(Path.Combine(project.Directory, "Pulumi.yaml"), to is null ? text : [.. text, $"stackConfigDir: {to}"]);
            var target = Path.Combine(project.Directory, to ?? "", "Pulumi.dev.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(Path.Combine(project.Directory, from ?? "", "Pulumi.dev.yaml"), target);
        }

        if (baseFolder is not null)
        {
            MoveDev(null, baseFolder);
        }

        project.Git("init", "-q", "-b", "main");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");
        MoveDev(baseFolder, headFolder);
        var moved = Path.Combine(project.Directory, headFolder ?? "", "Pulumi.dev.yaml");
        File.WriteAllText(moved, File.ReadAllText(moved).Replace("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP", StringComparison.Ordinal));

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD", "--format", "json");

        // Looked for only where the file is now, the stack was new, and the backward mode move passed with exit 0.
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("error", "authentication mode moves backwards: API_AND_CONFIG_MAP → CONFIG_MAP"), Findings(result)[0]);
    }

    [Theory]
    [InlineData("stackConfigDir: stacks\nstackConfigDir: stacks\n")]
    [InlineData("\"stackConfigDir\": stacks\n\"stackConfigDir\": stacks\n")]
    [InlineData("stackConfigDir : stacks\nstackConfigDir : stacks\n")]
    public void A_base_revision_whose_pulumi_yaml_does_not_read_is_an_error_not_a_new_stack(string folderTwice)
    {
        var projectFile = Path.Combine(project.Directory, "Pulumi.yaml");
        var good = File.ReadAllText(projectFile);
        // The base kept its stack files in stacks/ and wrote the key twice, which Pulumi refuses too; the change repairs both.
        File.WriteAllText(projectFile, good + folderTwice);
        Directory.CreateDirectory(Path.Combine(project.Directory, "stacks"));
        File.Move(project.StackFile("dev"), Path.Combine(project.Directory, "stacks", "Pulumi.dev.yaml"));
        // A stale copy beside it, which Pulumi never read: comparing with it would hide the change's backward mode move.
        File.WriteAllText(project.StackFile("dev"), File.ReadAllText(Path.Combine(project.Directory, "stacks", "Pulumi.dev.yaml")).Replace("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP", StringComparison.Ordinal));
        project.Git("init", "-q", "-b", "main");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");
        File.WriteAllText(projectFile, good);
        File.Move(Path.Combine(project.Directory, "stacks", "Pulumi.dev.yaml"), project.StackFile("dev"), overwrite: true);
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("New stack", result.Out, StringComparison.Ordinal);
        Assert.Contains("--base 'HEAD': its Pulumi.yaml does not read (", result.Error, StringComparison.Ordinal);
        Assert.Contains("pass that file itself: git show 'HEAD:PATH' > base.yaml, then --base base.yaml", result.Error, StringComparison.Ordinal);

        // The way it names works, so a change that repairs the base's Pulumi.yaml can pass the access report.
        File.WriteAllBytes(Path.Combine(project.Directory, "base.yaml"), System.Text.Encoding.UTF8.GetBytes(project.Git("show", "HEAD:stacks/Pulumi.dev.yaml")));
        var fromFile = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", Path.Combine(project.Directory, "base.yaml"), "--format", "json");
        Assert.Equal(("error", "authentication mode moves backwards: API_AND_CONFIG_MAP → CONFIG_MAP"), Findings(fromFile)[0]);
    }

    [Fact]
    public void A_stack_file_beside_an_unreadable_base_pulumi_yaml_is_still_compared()
    {
        var projectFile = Path.Combine(project.Directory, "Pulumi.yaml");
        var good = File.ReadAllText(projectFile);
        File.WriteAllText(projectFile, good + "name: twice\n");
        project.Git("init", "-q", "-b", "main");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");
        File.WriteAllText(projectFile, good);
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(("error", "authentication mode moves backwards: API_AND_CONFIG_MAP → CONFIG_MAP"), Findings(result)[0]);
    }

    [Fact]
    public void A_stack_file_that_a_base_revision_lacks_is_a_new_stack()
    {
        project.Git("init", "-q", "-b", "main");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", "Pulumi.yaml");
        project.Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base");

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("New stack", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_revision_outside_any_repository_passes_on_what_git_says()
    {
        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", "HEAD");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("git could not read it as a revision", result.Error, StringComparison.Ordinal);
        Assert.Contains("not a git repository", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_as_a_file_path()
    {
        var basePath = Path.Combine(project.Directory, "base.yaml");
        File.WriteAllText(basePath, project.ReadStack("dev").Replace("groups: [read-only]", "groups: [system:masters]", StringComparison.Ordinal));

        var result = project.RunWith(new FileOrGitBaseVersionSource(), "diff", "dev", "--base", basePath, "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(("changed", "changed for created role eks-readonly"), Findings(result));
    }

    [Fact]
    public void A_base_whose_mode_cannot_be_read_is_not_read_as_a_backward_move_and_the_diff_refuses_the_base()
    {
        // main says CONFIGMAP, which is no mode: read as the default, API_AND_CONFIG_MAP, it made the fix a backward move.
        var shipped = File.ReadAllText(Path.Combine(TestProject.RepoRoot, "Pulumi.dev.yaml"));
        project.SetBase("dev", shipped.Replace("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIGMAP", StringComparison.Ordinal));
        project.EditStack("dev", "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP");

        var json = project.Run("diff", "dev", "--base", "base", "--format", "json");

        // An invalid base has no plan, so the guards that compare plans (node groups, Fargate profiles, compute roles,
        // access entries) cannot run: diff exits 1 and says so, rather than pass a change it could not check.
        Assert.Equal(1, json.ExitCode);
        Assert.Contains(json.ErrorLines, l => l.StartsWith("dev: the base version is invalid (1 error)", StringComparison.Ordinal));
        Assert.DoesNotContain(Findings(json), f => f.Title.StartsWith("authentication mode", StringComparison.Ordinal));
        Assert.Equal([("error", "the base version could not be planned, so the guards that compare plans did not run")], Findings(json).Where(f => f.Level == "error"));
        using (var doc = JsonDocument.Parse(json.Out))
        {
            Assert.True(doc.RootElement.GetProperty("hasErrors").GetBoolean());
            Assert.Equal(["eks-infra:access.authenticationMode"], doc.RootElement.GetProperty("unreadInBase").EnumerateArray().Select(p => p.GetString()));
            var detail = doc.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("level").GetString() == "error").GetProperty("detail").GetString()!;
            Assert.Contains("eks-infra:access.authenticationMode: ", detail, StringComparison.Ordinal);
        }

        var markdown = project.Run("diff", "dev", "--base", "base");
        Assert.Equal(1, markdown.ExitCode);
        Assert.Contains("> The base version is invalid and its `eks-infra:access.authenticationMode` could not be read", markdown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_base_hides_no_node_group_replacement_behind_exit_0()
    {
        // The base is invalid elsewhere (a group with desiredSize over maxSize); the head changes a named group's
        // instance types, which EKS can only apply by replacing the group delete-first.
        var shipped = File.ReadAllText(Path.Combine(TestProject.RepoRoot, "Pulumi.staging.yaml"));
        project.SetBase("staging", shipped.Replace("desiredSize: 3", "desiredSize: 300", StringComparison.Ordinal));
        project.EditStack("staging", "instanceTypes: [t3.large]", "instanceTypes: [t3.xlarge]");

        var result = project.Run("diff", "staging", "--base", "base", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(("error", "the base version could not be planned, so the guards that compare plans did not run"), Findings(result));
    }

    [Fact]
    public void An_invalid_base_accepted_by_flag_is_a_danger_that_names_what_was_not_checked()
    {
        var shipped = File.ReadAllText(Path.Combine(TestProject.RepoRoot, "Pulumi.staging.yaml"));
        project.SetBase("staging", shipped.Replace("desiredSize: 3", "desiredSize: 300", StringComparison.Ordinal));
        project.EditStack("staging", "desiredSize: 3", "desiredSize: 2");

        var blocked = project.Run("diff", "staging", "--base", "base", "--format", "json");
        var accepted = project.Run("diff", "staging", "--base", "base", "--format", "json", "--accept-invalid-base");

        Assert.Equal(1, blocked.ExitCode);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.DoesNotContain(Findings(accepted), f => f.Level == "error");
        var danger = Assert.Single(Findings(accepted), f => f.Level == "danger" && f.Title.StartsWith("the base version could not be planned", StringComparison.Ordinal));
        Assert.Contains("accepted with --accept-invalid-base", danger.Title, StringComparison.Ordinal);
        Assert.Contains(accepted.ErrorLines, l => l.Contains("the others are reported as not run (--accept-invalid-base)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_base_reads_every_value()
    {
        using var doc = JsonDocument.Parse(DiffAgainstShipped("staging", "json").Out);

        Assert.Empty(doc.RootElement.GetProperty("unreadInBase").EnumerateArray());
    }
}
