using System.Diagnostics;
using System.Text.Json;

namespace EksInfra.Workflows.Tests;

/// <summary>
/// .github/scripts/keep-private-runners.sh, run as the build jobs run it: with the built eksinfra on PATH, in a repository
/// whose last commit opens prod's private-only endpoint.
/// </summary>
public sealed class KeepPrivateRunnersTests
{
    private static readonly string Root = RepoRoot.Find();

    private sealed class Repo : IDisposable
    {
        public Repo()
        {
            Dir = Directory.CreateTempSubdirectory("eksinfra-runners-").FullName;
            Bin = Path.Combine(Dir, "bin");
            Work = Path.Combine(Dir, "work");
            Directory.CreateDirectory(Bin);
            Directory.CreateDirectory(Work);
            StandIns.Write(Bin, "eksinfra", $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "eksinfra.dll")}\" \"$@\"\n");

            foreach (var file in new[] { "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml" })
            {
                File.Copy(Path.Combine(Root, file), Path.Combine(Work, file));
            }

            Run("git", "init", "-q", "-b", "main");
            Run("git", "add", "-A");
            Run("git", "commit", "-q", "-m", "prod private");
            Base = Run("git", "rev-parse", "HEAD").Out.Trim();
            var prod = Path.Combine(Work, "Pulumi.prod.yaml");
            File.WriteAllText(prod, File.ReadAllText(prod).Replace("endpointPublicAccess: false", "endpointPublicAccess: true", StringComparison.Ordinal));
            Run("git", "commit", "-q", "-am", "open prod's endpoint");
        }

        public string Dir { get; }

        public string Bin { get; }

        public string Work { get; }

        public string Base { get; }

        public (int ExitCode, string Out, string Error) Run(string file, params string[] arguments) => StepProcess.Run(Work, Bin, file, arguments);

        public JsonElement Stacks(string? baseRevision)
        {
            var head = Run("eksinfra", "stacks", "--format", "json");
            Assert.True(head.ExitCode == 0, head.Error);
            var kept = Run("bash", Path.Combine(Root, ".github", "scripts", "keep-private-runners.sh"), head.Out.Trim(), baseRevision ?? "");
            Assert.True(kept.ExitCode == 0, kept.Error);
            return JsonDocument.Parse(kept.Out).RootElement.Clone();
        }

        /// <summary>A third commit that leaves prod's file alone: HEAD after the one that opens prod's endpoint.</summary>
        public string CommitUnrelated()
        {
            File.AppendAllText(Path.Combine(Work, "Pulumi.dev.yaml"), "# touched\n");
            Run("git", "commit", "-q", "-am", "an unrelated change");
            return Run("git", "rev-parse", "HEAD").Out.Trim();
        }

        /// <summary>
        /// Runs deploy.yml's stacks step as the runner would, with a stand-in gh answering each API path from
        /// <paramref name="api"/> (a path it does not hold fails, as an API error does).
        /// </summary>
        public (JsonElement Stacks, string Log) DeployStep(string before, IReadOnlyDictionary<string, string> api) => StacksStep(Workflow.DeployPath, before, api);

        /// <summary>The same for <paramref name="workflowPath"/>'s build job's stacks step (the preview's reads HEAD^1 for its base).</summary>
        public (JsonElement Stacks, string Log) StacksStep(string workflowPath, string before, IReadOnlyDictionary<string, string> api)
        {
            var responses = Path.Combine(Dir, "api");
            Directory.CreateDirectory(responses);
            var i = 0;
            var index = new System.Text.StringBuilder();
            foreach (var (path, json) in api)
            {
                File.WriteAllText(Path.Combine(responses, $"{i}.json"), json);
                index.Append(path).Append(' ').Append(i).Append('\n');
                i++;
            }

            File.WriteAllText(Path.Combine(responses, "index"), index.ToString());
            // gh api PATH --jq FILTER prints the filter's strings raw, as jq -r does.
            StandIns.Write(Bin, "gh", $$"""
                #!/bin/sh
                [ "$1" = api ] && [ "$3" = --jq ] || { echo "unexpected: $*" >&2; exit 2; }
                n="$(awk -v p="$2" '$1 == p { print $2 }' "{{responses}}/index")"
                [ -n "$n" ] || { echo "HTTP 404: Not Found ($2)" >&2; exit 1; }
                jq -r "$4" "{{responses}}/$n.json"
                """);
            CopyDirectory(Path.Combine(Root, ".github", "scripts"), Path.Combine(Work, ".github", "scripts"));

            var step = Assert.Single(Workflow.Load(Root, workflowPath).Steps("build"), s => s.Node.Child("id").Text() == "stacks");
            var outputs = Path.Combine(Dir, "outputs");
            var (exitCode, output, error) = StepProcess.Run(Work, Bin, "bash", ["-c", step.Run!], new Dictionary<string, string>
            {
                ["BEFORE"] = before,
                ["GH_TOKEN"] = "token",
                ["GITHUB_REPOSITORY"] = "o/r",
                ["GITHUB_OUTPUT"] = outputs,
            });
            var log = output + error;
            Assert.True(exitCode == 0, log);
            var line = Assert.Single(File.ReadAllLines(outputs), l => l.StartsWith("stacks=", StringComparison.Ordinal));
            return (JsonDocument.Parse(line["stacks=".Length..]).RootElement.Clone(), log);
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
            }
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    /// <summary>The deployments API's answer for one environment: (id, sha), in the order given.</summary>
    private static string Deployments(params (int Id, string Sha)[] deployments) =>
        JsonSerializer.Serialize(deployments.Select(d => new { id = d.Id, sha = d.Sha, environment = "prod" }));

    private static string Statuses(params (int Id, string State)[] statuses) =>
        JsonSerializer.Serialize(statuses.Select(s => new { id = s.Id, state = s.State }));

    private const string ProdDeployments = "repos/o/r/deployments?environment=prod&per_page=100";
    private const string DevDeployments = "repos/o/r/deployments?environment=dev&per_page=100";

    [Fact]
    public void A_deploy_that_never_applied_the_opening_keeps_the_vpc_runner_for_the_next_push()
    {
        // c0 (prod private) deployed; c1 opens prod's endpoint, and its prod job was cancelled (or failed); c2 is pushed.
        using var repo = new Repo();
        var opened = repo.Run("git", "rev-parse", "HEAD").Out.Trim();
        repo.CommitUnrelated();

        var (stacks, log) = repo.DeployStep(before: opened, new Dictionary<string, string>
        {
            [ProdDeployments] = Deployments((2, opened), (1, repo.Base)),
            ["repos/o/r/deployments/2/statuses?per_page=100"] = Statuses((20, "queued"), (21, "failure")),
            ["repos/o/r/deployments/1/statuses?per_page=100"] = Statuses((10, "in_progress"), (11, "success")),
            [DevDeployments] = "[]",
        });

        Assert.True(Private(stacks, "prod"), log);
        Assert.False(Private(stacks, "dev"));
        Assert.Contains("no successful deployment of dev found", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_the_opening_is_deployed_the_next_push_runs_on_githubs_runner()
    {
        using var repo = new Repo();
        var opened = repo.Run("git", "rev-parse", "HEAD").Out.Trim();
        repo.CommitUnrelated();

        // Listed oldest first: the newest is found by id, not by the order of the answer.
        var (stacks, log) = repo.DeployStep(before: opened, new Dictionary<string, string>
        {
            [ProdDeployments] = Deployments((1, repo.Base), (2, opened)),
            ["repos/o/r/deployments/2/statuses?per_page=100"] = Statuses((21, "success"), (20, "in_progress")),
            ["repos/o/r/deployments/1/statuses?per_page=100"] = Statuses((10, "success"), (12, "inactive")),
            [DevDeployments] = "[]",
        });

        Assert.False(Private(stacks, "prod"), log);
    }

    [Fact]
    public void A_previous_push_that_makes_the_endpoint_private_keeps_the_vpc_runner_though_the_last_deploy_was_public()
    {
        // The last successful deploy left prod public; the previous push, still queued in prod's group, is private, and this
        // run's up job starts after it: the cluster is private by then. (The fixture's private commit, older here, stands
        // in for that push: the script reads each revision as it is, whatever its place in the history.)
        using var repo = new Repo();
        var opened = repo.Run("git", "rev-parse", "HEAD").Out.Trim();
        repo.CommitUnrelated();

        var (stacks, log) = repo.DeployStep(before: repo.Base, new Dictionary<string, string>
        {
            [ProdDeployments] = Deployments((2, opened)),
            ["repos/o/r/deployments/2/statuses?per_page=100"] = Statuses((20, "success")),
            [DevDeployments] = "[]",
        });

        Assert.True(Private(stacks, "prod"), log);
    }

    [Fact]
    public void A_deploy_in_progress_after_the_last_success_counts_as_a_base()
    {
        // X (private) is being deployed, Y (open again) waits, this push Z replaces Y's pending job and starts after X:
        // neither the last success nor the previous push is private, X is.
        using var repo = new Repo();
        var opened = repo.Run("git", "rev-parse", "HEAD").Out.Trim();
        repo.CommitUnrelated();

        var (stacks, log) = repo.DeployStep(before: opened, new Dictionary<string, string>
        {
            [ProdDeployments] = Deployments((3, opened), (2, repo.Base), (1, opened)),
            ["repos/o/r/deployments/3/statuses?per_page=100"] = Statuses((30, "pending")),
            ["repos/o/r/deployments/2/statuses?per_page=100"] = Statuses((20, "in_progress")),
            ["repos/o/r/deployments/1/statuses?per_page=100"] = Statuses((10, "success")),
            [DevDeployments] = "[]",
        });

        Assert.True(Private(stacks, "prod"), log);
    }

    [Fact]
    public void A_failed_deploy_of_a_private_endpoint_does_not_hold_the_stack_on_the_vpc_runner()
    {
        // X (private) failed before applying, Y (open again) failed for want of a VPC runner; this push must not need one
        // too, or no deploy could ever succeed again. Only a deploy that has not ended counts beside the last success.
        using var repo = new Repo();
        var opened = repo.Run("git", "rev-parse", "HEAD").Out.Trim();
        repo.CommitUnrelated();

        var (stacks, log) = repo.DeployStep(before: opened, new Dictionary<string, string>
        {
            [ProdDeployments] = Deployments((3, opened), (2, repo.Base), (1, opened)),
            ["repos/o/r/deployments/3/statuses?per_page=100"] = Statuses((30, "failure")),
            ["repos/o/r/deployments/2/statuses?per_page=100"] = Statuses((20, "in_progress"), (21, "failure")),
            ["repos/o/r/deployments/1/statuses?per_page=100"] = Statuses((10, "success")),
            [DevDeployments] = "[]",
        });

        Assert.False(Private(stacks, "prod"), log);
    }

    [Fact]
    public void A_preview_keeps_the_vpc_runner_while_a_deploy_that_made_the_stack_private_is_in_progress()
    {
        // The pull request's base (main's tip, here the commit that opens prod) is public, but a deploy of an earlier,
        // private commit is still running: the cluster is private until main's tip is applied.
        using var repo = new Repo();
        var opened = repo.Run("git", "rev-parse", "HEAD").Out.Trim();
        repo.CommitUnrelated();

        var (stacks, log) = repo.StacksStep(Workflow.PreviewPath, before: "", new Dictionary<string, string>
        {
            [ProdDeployments] = Deployments((2, repo.Base), (1, opened)),
            ["repos/o/r/deployments/2/statuses?per_page=100"] = Statuses((20, "in_progress")),
            ["repos/o/r/deployments/1/statuses?per_page=100"] = Statuses((10, "success")),
            [DevDeployments] = "[]",
        });

        Assert.True(Private(stacks, "prod"), log);
        Assert.Contains("no successful deployment of dev found; its runner follows this change and its base (HEAD^1)", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_deployment_that_can_be_read_a_stack_private_at_the_previous_push_keeps_the_vpc_runner()
    {
        // The API refuses (no deployments: read): the previous push, here the one still private, decides with this commit.
        using var repo = new Repo();

        var (stacks, log) = repo.DeployStep(before: repo.Base, new Dictionary<string, string>());

        Assert.True(Private(stacks, "prod"), log);
        Assert.Contains("no successful deployment of prod found; its runner follows this commit and the previous push", log, StringComparison.Ordinal);
    }

    private static bool Private(JsonElement stacks, string stack) => stacks.GetProperty(stack).GetProperty("privateEndpoint").GetBoolean();

    [Fact]
    public void A_stack_whose_endpoint_is_private_at_the_base_keeps_the_vpc_runner_for_the_change_that_opens_it()
    {
        using var repo = new Repo();

        var stacks = repo.Stacks(repo.Base);

        Assert.True(Private(stacks, "prod"));
        Assert.False(Private(stacks, "dev"));
        Assert.Equal("us-east-1", stacks.GetProperty("prod").GetProperty("region").GetString());
    }

    [Fact]
    public void Without_a_base_the_commits_own_settings_decide_and_a_warning_says_so()
    {
        using var repo = new Repo();

        var stacks = repo.Stacks(null);

        Assert.False(Private(stacks, "prod"));
    }

    /// <summary>grep exits 1 when it selects nothing, which under pipefail and set -e would end the script before its fallback.</summary>
    [Fact]
    public void A_base_with_no_stack_files_keeps_the_commits_own_settings()
    {
        using var repo = new Repo();
        var emptyTree = repo.Run("git", "hash-object", "-t", "tree", "/dev/null").Out.Trim();
        var bare = repo.Run("git", "commit-tree", emptyTree, "-m", "no stacks").Out.Trim();

        var stacks = repo.Stacks(bare);

        Assert.False(Private(stacks, "prod"));
    }

    [Fact]
    public void Both_build_jobs_pass_their_base_to_the_script()
    {
        var previewStep = Assert.Single(Workflow.Load(Root, Workflow.PreviewPath).Steps("build"), s => s.Node.Child("id").Text() == "stacks");
        var preview = previewStep.Run!;
        Assert.Contains("keep-private-runners.sh \"$stacks\" HEAD^1 ${deployed[@]+\"${deployed[@]}\"}", preview, StringComparison.Ordinal);
        Assert.Equal("${{ github.token }}", previewStep.Node.At("env", "GH_TOKEN").Text());
        Assert.Equal("read", Workflow.Load(Root, Workflow.PreviewPath).Job("build").At("permissions", "deployments").Text());
        // A failure inside $(...) in echo's arguments does not stop a step: the output is assigned first.
        Assert.Contains("echo \"stacks=$kept\" >> \"$GITHUB_OUTPUT\"", preview, StringComparison.Ordinal);
        Assert.Equal("2", Workflow.Load(Root, Workflow.PreviewPath).Steps("build")[0].With.Child("fetch-depth").Text());
        var deploy = Assert.Single(Workflow.Load(Root, Workflow.DeployPath).Steps("build"), s => s.Node.Child("id").Text() == "stacks");
        Assert.Equal("${{ github.event.before }}", deploy.Node.At("env", "BEFORE").Text());
        Assert.Contains("keep-private-runners.sh \"$stacks\" \"$BEFORE\" ${deployed[@]+\"${deployed[@]}\"}", deploy.Run, StringComparison.Ordinal);
        // last-deployed.sh lists the stack's deployments and their statuses with the job's token.
        Assert.Equal("${{ github.token }}", deploy.Node.At("env", "GH_TOKEN").Text());
        Assert.Equal("read", Workflow.Load(Root, Workflow.DeployPath).Job("build").At("permissions", "deployments").Text());
    }
}
