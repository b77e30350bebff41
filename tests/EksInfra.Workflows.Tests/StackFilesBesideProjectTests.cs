using System.Diagnostics;

namespace EksInfra.Workflows.Tests;

/// <summary>
/// .github/scripts/check-stack-files-beside-project.sh, run as the build jobs run it (the built eksinfra on PATH): the
/// workflows read stack files beside Pulumi.yaml, so a project that keeps them elsewhere fails the build first.
/// </summary>
public sealed class StackFilesBesideProjectTests
{
    private static readonly string Root = RepoRoot.Find();

    private static (int ExitCode, string Out) Run(string projectLine)
    {
        var dir = Directory.CreateTempSubdirectory("eksinfra-stackdir-").FullName;
        try
        {
            var bin = Path.Combine(dir, "bin");
            var work = Path.Combine(dir, "work");
            Directory.CreateDirectory(bin);
            Directory.CreateDirectory(Path.Combine(work, "stacks"));
            StandIns.Write(bin, "eksinfra", $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "eksinfra.dll")}\" \"$@\"\n");
            File.WriteAllText(Path.Combine(work, "Pulumi.yaml"), "name: eks-infra\nruntime: dotnet\n" + projectLine);
            var stackDir = projectLine.Length == 0 ? work : Path.Combine(work, "stacks");
            foreach (var file in new[] { "Pulumi.dev.yaml", "Pulumi.prod.yaml" })
            {
                File.Copy(Path.Combine(Root, file), Path.Combine(stackDir, file));
            }

            var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = work };
            start.ArgumentList.Add(Path.Combine(Root, ".github", "scripts", "check-stack-files-beside-project.sh"));
            start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output + error.Result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("stackConfigDir: stacks\n")]
    [InlineData("stackConfigDir: ./stacks/\n")]
    [InlineData("config: stacks\n")]
    public void A_project_with_its_stack_files_in_another_folder_fails_the_build_saying_what_to_do(string line)
    {
        var (exitCode, output) = Run(line);

        Assert.Equal(1, exitCode);
        Assert.Contains("::error file=Pulumi.yaml::Pulumi.yaml keeps the stack files in 'stacks'", output, StringComparison.Ordinal);
        Assert.Contains("these workflows read stack files beside Pulumi.yaml; move them back or adapt the workflows", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stack_files_beside_pulumi_yaml_pass()
    {
        var (exitCode, output) = Run("");

        Assert.True(exitCode == 0, output);
    }

    [Theory]
    [InlineData(Workflow.PreviewPath)]
    [InlineData(Workflow.DeployPath)]
    public void Both_build_jobs_refuse_it_before_they_read_a_stack_file(string path)
    {
        var steps = Workflow.Load(Root, path).Steps("build");
        var guard = steps.FindIndex(s => s.Run?.Trim() == "bash .github/scripts/check-stack-files-beside-project.sh");
        var locate = steps.FindIndex(s => s.Node.Child("id")?.Text() == "locate");
        var check = steps.FindIndex(s => s.Run?.Trim() == "eksinfra check");
        var stacks = steps.FindIndex(s => s.Node.Child("id")?.Text() == "stacks");

        Assert.True(locate >= 0 && guard > locate, $"{path}: the guard runs once eksinfra is on PATH");
        Assert.True(check > guard && stacks > guard, $"{path}: the guard runs before the stack files are read");
    }
}
