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
