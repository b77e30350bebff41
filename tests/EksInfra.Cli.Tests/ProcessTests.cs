using System.Diagnostics;

namespace EksInfra.Cli.Tests;

/// <summary>The tool as a user runs it: a real process, its real exit code and streams.</summary>
public sealed class ProcessTests
{
    private static (int Code, string Out, string Error) Eksinfra(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "eksinfra.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "eksinfra did not finish within a minute");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Check_on_the_shipped_stacks_exits_0()
    {
        var (code, output, error) = Eksinfra(TestProject.RepoRoot, "check");

        Assert.True(code == 0, error);
        Assert.Contains("dev: valid", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("79-non-utf8.bin")]
    [InlineData("80-alias-bomb.yaml")]
    [InlineData("78-unclosed-flow-sequence.yaml")]
    [InlineData("74-tab-indentation.yaml")]
    public void Malformed_files_exit_1_without_a_stack_trace(string name)
    {
        using var project = new TestProject(withShippedStacks: false);
        File.Copy(Path.Combine(TestProject.RepoRoot, "tests", "hostile", name), project.StackFile("bad"));

        var (code, _, error) = Eksinfra(project.Directory, "render", "bad", "--out", "out");

        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "out")));
    }

    [Fact]
    public void Outside_a_project_it_is_a_usage_error()
    {
        var empty = Directory.CreateTempSubdirectory("eksinfra-no-project");
        try
        {
            var (code, _, error) = Eksinfra(empty.FullName, "check");

            Assert.Equal(2, code);
            Assert.Contains("no Pulumi.yaml", error, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
