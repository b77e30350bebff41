using System.Diagnostics;

namespace EksInfra.Workflows.Tests;

/// <summary>
/// preview.yml's access report step, run whole as the runner runs it: in a repository whose HEAD^1 is the base, with a
/// stand-in eksinfra that names what it was asked.
/// </summary>
public sealed class AccessReportStepTests
{
    private static readonly string Root = RepoRoot.Find();

    private const string FakeEksinfra = """
        #!/bin/sh
        echo "eksinfra $1 $2"
        """;

    private sealed class Repo : IDisposable
    {
        public Repo()
        {
            Dir = Directory.CreateTempSubdirectory("eksinfra-report-").FullName;
            Bin = Path.Combine(Dir, "bin");
            Work = Path.Combine(Dir, "work");
            Temp = Path.Combine(Dir, "temp");
            Directory.CreateDirectory(Bin);
            Directory.CreateDirectory(Work);
            Directory.CreateDirectory(Temp);
            StandIns.Write(Bin, "eksinfra", FakeEksinfra);
            Git("init", "-q", "-b", "main");
        }

        public string Dir { get; }

        public string Bin { get; }

        public string Work { get; }

        public string Temp { get; }

        public void Write(string file, string text) => File.WriteAllText(Path.Combine(Work, file), text);

        public string Git(params string[] arguments)
        {
            var result = Run("git", arguments, new Dictionary<string, string>());
            Assert.True(result.ExitCode == 0, result.Error);
            return result.Out;
        }

        public (int ExitCode, string Out, string Error) Run(string file, IEnumerable<string> arguments, IDictionary<string, string> env) =>
            StepProcess.Run(Work, Bin, file, arguments, env);

        /// <summary>Runs the report step; returns its exit code, the report it wrote and its outputs.</summary>
        public (int ExitCode, string Report, Dictionary<string, string> Outputs, string Log) Report()
        {
            var step = Workflow.Load(Root, Workflow.PreviewPath).Steps("access-report").Single(s => s.Node.Child("id")?.Text() == "report");
            var outputs = Path.Combine(Dir, "outputs");
            var summary = Path.Combine(Dir, "summary");
            var env = new Dictionary<string, string>
            {
                ["RUNNER_TEMP"] = Temp,
                ["GITHUB_OUTPUT"] = outputs,
                ["GITHUB_STEP_SUMMARY"] = summary,
                ["GITHUB_REPOSITORY"] = "o/r",
                ["HEAD_SHA"] = Git("rev-parse", "HEAD").Trim(),
                ["ACCEPT_INVALID_BASE"] = "false",
                ["INVALID_BASE_LABEL_SET"] = "false",
                ["LABELED_BY_AUTHOR"] = "false",
                ["LABEL_SENDER"] = "someone",
                ["GH_TOKEN"] = "",
            };
            var result = Run("bash", ["-c", step.Run!], env);
            var set = File.Exists(outputs)
                ? File.ReadAllLines(outputs).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)
                : [];
            return (result.ExitCode, File.Exists(summary) ? File.ReadAllText(summary) : "", set, result.Out + result.Error);
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    [Fact]
    public void A_renamed_stack_file_is_reported_as_the_old_stack_removed_and_the_new_one_new()
    {
        using var repo = new Repo();
        repo.Write("Pulumi.yaml", "name: eks-infra\nruntime: dotnet\n");
        repo.Write("Pulumi.staging.yaml", "config:\n  aws:region: us-west-2\n  eks-infra:clusterName: staging\n");
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "-m", "base");
        repo.Git("mv", "Pulumi.staging.yaml", "Pulumi.stage.yaml");
        repo.Git("commit", "-q", "-m", "rename staging to stage");

        var (exitCode, report, outputs, log) = repo.Report();

        Assert.True(exitCode == 0, log);
        Assert.Contains("_New stack `stage`: `Pulumi.stage.yaml` does not exist at the base revision", report, StringComparison.Ordinal);
        Assert.Contains("eksinfra who stage", report, StringComparison.Ordinal);
        Assert.Contains("### `Pulumi.staging.yaml` removed", report, StringComparison.Ordinal);
        Assert.Equal("2", outputs["reported"]);
        Assert.Equal("false", outputs["failed"]);
    }
}
