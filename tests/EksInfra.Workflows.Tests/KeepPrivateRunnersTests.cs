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

        public (int ExitCode, string Out, string Error) Run(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Work };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PATH"] = Bin + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "test";
            start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }

        public JsonElement Stacks(string? baseRevision)
        {
            var head = Run("eksinfra", "stacks", "--format", "json");
            Assert.True(head.ExitCode == 0, head.Error);
            var kept = Run("bash", Path.Combine(Root, ".github", "scripts", "keep-private-runners.sh"), head.Out.Trim(), baseRevision ?? "");
            Assert.True(kept.ExitCode == 0, kept.Error);
            return JsonDocument.Parse(kept.Out).RootElement.Clone();
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
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
        var preview = Assert.Single(Workflow.Load(Root, Workflow.PreviewPath).Steps("build"), s => s.Node.Child("id").Text() == "stacks").Run!;
        Assert.Contains("keep-private-runners.sh \"$stacks\" HEAD^1", preview, StringComparison.Ordinal);
        // A failure inside $(...) in echo's arguments does not stop a step: the output is assigned first.
        Assert.Contains("echo \"stacks=$kept\" >> \"$GITHUB_OUTPUT\"", preview, StringComparison.Ordinal);
        Assert.Equal("2", Workflow.Load(Root, Workflow.PreviewPath).Steps("build")[0].With.Child("fetch-depth").Text());
        var deploy = Assert.Single(Workflow.Load(Root, Workflow.DeployPath).Steps("build"), s => s.Node.Child("id").Text() == "stacks");
        Assert.Equal("${{ github.event.before }}", deploy.Node.At("env", "BEFORE").Text());
        Assert.Contains("keep-private-runners.sh \"$stacks\" \"$BEFORE\"", deploy.Run, StringComparison.Ordinal);
    }
}
