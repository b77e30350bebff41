using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EksInfra.Workflows.Tests;

/// <summary>The workflows' own commands that find what they built, run here as the runner runs them.</summary>
public sealed partial class BuildStepTests
{
    private static readonly string Root = RepoRoot.Find();

    public static TheoryData<string, string> PathQueries()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { Workflow.PreviewPath, Workflow.DeployPath, Workflow.DeployStackPath, Workflow.AuditPath })
        {
            foreach (var step in Workflow.Load(Root, path).Steps())
            {
                foreach (Match query in MsbuildQuery().Matches(step.Run ?? ""))
                {
                    data.Add(path, query.Groups[1].Value);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Each_workflow_that_builds_finds_its_build_with_msbuild() =>
        Assert.Equal(
            [Workflow.AuditPath, Workflow.DeployPath, Workflow.PreviewPath],
            PathQueries().Select(row => (string)row[0]).Distinct().Order(StringComparer.Ordinal));

    /// <summary>
    /// `dotnet msbuild` is not `dotnet build`: it has no -c, and a step running under `set -e` ends at the first unknown
    /// switch. Each query must print the assembly's path; the step itself checks that the file exists.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathQueries))]
    public async Task Each_build_path_query_runs_and_names_an_assembly(string workflow, string arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Root };
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's own MSBuild settings (set by `dotnet test`) would steer the child's evaluation.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"{workflow}: `dotnet {arguments}` exited {process.ExitCode}: {output} {await error}");
        Assert.EndsWith(".dll", output, StringComparison.Ordinal);
        Assert.True(Path.IsPathRooted(output), $"{workflow}: `dotnet {arguments}` printed '{output}', not an absolute path");
    }

    [GeneratedRegex(@"\$\(dotnet (msbuild [^)]*-getProperty:TargetPath)\)")]
    private static partial Regex MsbuildQuery();
}

/// <summary>The deploy job's guard against re-running an older run, run against a real repository.</summary>
public sealed class StaleDeployTests
{
    private static readonly string Root = RepoRoot.Find();

    private const string GuardScript = ".github/scripts/check-tip-of-main.sh";

    /// <summary>The guard runs twice: before the stack's concurrency group is joined, and again in the deploy job.</summary>
    private static string Guard()
    {
        var deployStack = Workflow.Load(Root, Workflow.DeployStackPath);
        foreach (var job in new[] { "current", "up" })
        {
            Assert.Equal($"bash {GuardScript}", Assert.Single(deployStack.Steps(job), s => s.Name == "Deploy only what is at the tip of main").Run!.Trim());
        }

        Assert.Equal(["current"], deployStack.Job("up").Child("needs").Items().Select(i => i.Text()));
        Assert.Null(deployStack.Job("current").Child("concurrency"));
        return $"bash {Path.Combine(Root, GuardScript)}";
    }

    private static (int ExitCode, string Error) RunGuard(bool atTip)
    {
        var dir = Directory.CreateTempSubdirectory("eksinfra-stale-").FullName;
        try
        {
            var origin = Path.Combine(dir, "origin");
            var clone = Path.Combine(dir, "clone");
            Git(dir, "init", "-q", "-b", "main", origin);
            Git(origin, "commit", "-q", "--allow-empty", "-m", "older merge");
            var older = Git(origin, "rev-parse", "HEAD");
            Git(dir, "clone", "-q", origin, clone);
            Git(origin, "commit", "-q", "--allow-empty", "-m", "newer merge");
            var newer = Git(origin, "rev-parse", "HEAD");

            var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = clone };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Guard());
            start.Environment["GITHUB_SHA"] = atTip ? newer : older;
            start.Environment["STACK"] = "staging";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error.Result}");
        return output;
    }

    [Fact]
    public void A_rerun_of_an_older_run_refuses_to_deploy_once_main_has_moved()
    {
        var (exitCode, error) = RunGuard(atTip: false);

        Assert.Equal(1, exitCode);
        Assert.Contains("would roll staging back", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_of_mains_tip_deploys() => Assert.Equal(0, RunGuard(atTip: true).ExitCode);

    [Fact]
    public void Builds_run_one_at_a_time_so_runs_reach_the_stack_groups_in_push_order()
    {
        var build = Workflow.Load(Root, Workflow.DeployPath).Job("build");

        Assert.Equal("eks-infra-build", build.At("concurrency", "group").Text());
        Assert.Equal("false", build.At("concurrency", "cancel-in-progress").Text());
    }
}
