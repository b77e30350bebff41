using System.Diagnostics;

namespace EksInfra.Workflows.Tests;

/// <summary>Runs a workflow step's command the way the tests stand in for a runner.</summary>
internal static class StepProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> in <paramref name="work"/> with the stand-ins of <paramref name="bin"/> first on PATH, a
    /// fixed git identity, no user or system git config (the user's own settings must not decide what the step sees), and
    /// <paramref name="env"/>.
    /// </summary>
    public static (int ExitCode, string Out, string Error) Run(string work, string bin, string file, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string>>? env = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = work };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        foreach (var (name, value) in env ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
