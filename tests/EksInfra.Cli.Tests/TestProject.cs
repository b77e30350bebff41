using System.Diagnostics;
using EksInfra.Cli;
using Moq;

namespace EksInfra.Cli.Tests;

/// <summary>A throwaway copy of the project (Pulumi.yaml and stack files) that the tool runs against.</summary>
internal sealed class TestProject : IDisposable
{
    public TestProject(bool withShippedStacks = true)
    {
        Directory = Path.Combine(Path.GetTempPath(), "eksinfra-cli-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        File.Copy(Path.Combine(RepoRoot, "Pulumi.yaml"), Path.Combine(Directory, "Pulumi.yaml"));
        if (withShippedStacks)
        {
            foreach (var stack in ShippedStacks)
            {
                File.Copy(Path.Combine(RepoRoot, $"Pulumi.{stack}.yaml"), StackFile(stack));
            }
        }
    }

    public static readonly string[] ShippedStacks = ["dev", "prod", "staging"];

    public static string RepoRoot { get; } = FindRepoRoot();

    public string Directory { get; }

    public Mock<IBaseVersionSource> BaseVersions { get; } = new(MockBehavior.Strict);

    public string StackFile(string stack) => Path.Combine(Directory, $"Pulumi.{stack}.yaml");

    public string ReadStack(string stack) => File.ReadAllText(StackFile(stack));

    public void WriteStack(string stack, string text) => File.WriteAllText(StackFile(stack), text);

    public void EditStack(string stack, string find, string replace)
    {
        var text = ReadStack(stack);
        Assert.Contains(find, text, StringComparison.Ordinal);
        WriteStack(stack, text.Replace(find, replace, StringComparison.Ordinal));
    }

    /// <summary>The base version the mocked --base source returns for <paramref name="stack"/>.</summary>
    public void SetBase(string stack, string? text) =>
        BaseVersions.Setup(b => b.Read("base", Directory, $"Pulumi.{stack}.yaml"))
            .Returns(text is null ? null : new BaseVersion(System.Text.Encoding.UTF8.GetBytes(text), $"base:Pulumi.{stack}.yaml"));

    public CliResult Run(params string[] args) => RunWith(BaseVersions.Object, args);

    public CliResult RunWith(IBaseVersionSource baseVersions, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = CliApp.Run(args, new CliEnvironment(stdout, stderr, Directory, baseVersions));
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs git in the project and returns what it printed; fails the test when git fails.</summary>
    public string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var errorTask = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)} failed: {errorTask.Result}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failing Dispose would hide the test's own result.
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")) && File.Exists(Path.Combine(dir.FullName, "EksInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Pulumi.yaml beside EksInfra.sln) above " + AppContext.BaseDirectory);
    }
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
