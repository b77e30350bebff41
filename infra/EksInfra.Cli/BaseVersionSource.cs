using System.Diagnostics;
using EksInfra.Access.Config;

namespace EksInfra.Cli;

/// <summary>The stack file as it was before the change, for <c>eksinfra diff --base</c>.</summary>
public interface IBaseVersionSource
{
    /// <summary>
    /// The stack file at <paramref name="baseSpec"/> (a file path, or a git revision such as <c>origin/main</c>), or null
    /// when the stack file did not exist there. <paramref name="stackFileName"/> is its path now, from the project folder;
    /// at a revision it is where that revision's own Pulumi.yaml puts it. Throws <see cref="BaseVersionException"/> when
    /// the base itself cannot be read.
    /// </summary>
    BaseVersion? Read(string baseSpec, string projectDirectory, string stackFileName);
}

/// <summary>A stack file's bytes at the base, and the name diagnostics give it (the path, or REV:path).</summary>
public sealed record BaseVersion(byte[] Bytes, string FileName);

public sealed class BaseVersionException : Exception
{
    public BaseVersionException() { }

    public BaseVersionException(string message) : base(message) { }

    public BaseVersionException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Reads a base version from a file if one exists at that path, else from git.</summary>
public sealed partial class FileOrGitBaseVersionSource : IBaseVersionSource
{
    public BaseVersion? Read(string baseSpec, string projectDirectory, string stackFileName)
    {
        if (File.Exists(baseSpec))
        {
            return new BaseVersion(File.ReadAllBytes(baseSpec), baseSpec);
        }

        var (verifyCode, _, verifyError) = Git(projectDirectory, "rev-parse", "--verify", "--quiet", baseSpec + "^{commit}");
        if (verifyCode != 0)
        {
            // --quiet keeps "not a revision" silent (exit 1); anything git does say (not a repository, dubious ownership) is the reason.
            throw new BaseVersionException(verifyError.Trim().Length == 0
                ? $"--base '{baseSpec}' is neither a file nor a git revision of {projectDirectory}; pass a stack file path or a revision such as origin/main (in CI, fetch it first: fetch-depth: 0)"
                : $"--base '{baseSpec}' is not a file, and git could not read it as a revision of {projectDirectory}: {GitSaid(verifyError)}");
        }

        // A change that moves the stack files (stackConfigDir set, changed or dropped) leaves the stack where the revision's own
        // Pulumi.yaml put it; looked for at today's path, it would be a new stack and every guard would pass.
        var project = Show(projectDirectory, baseSpec, "Pulumi.yaml");
        string? unreadable = null;
        var folder = project is null ? null : ProjectFile.Read(project, out unreadable).StackConfigDir;
        var atBase = folder is null ? Path.GetFileName(stackFileName) : Path.Join(folder, Path.GetFileName(stackFileName)).Replace('\\', '/');
        // An unreadable Pulumi.yaml that names a folder (stackConfigDir, or the old text form of config) leaves where the
        // stack file was unknown: the one beside it may be a stale copy Pulumi never read.
        var namesFolder = unreadable is not null && MayNameFolder(System.Text.Encoding.UTF8.GetString(project!));
        var bytes = namesFolder ? null : Show(projectDirectory, baseSpec, atBase);
        if (bytes is null && unreadable is not null)
        {
            // Not found beside an unreadable Pulumi.yaml, it may be where that file meant: "new" would pass every guard.
            throw new BaseVersionException($"--base '{baseSpec}': its Pulumi.yaml does not read ({unreadable}){(namesFolder ? " and names a folder for the stack files" : $", and no {atBase} is beside it")}, so where the stack file was is not known; pass that file itself: git show '{baseSpec}:PATH' > base.yaml, then --base base.yaml");
        }

        return bytes is null ? null : new BaseVersion(bytes, $"{baseSpec}:{atBase}");
    }

    /// <summary>
    /// Whether an unreadable Pulumi.yaml may name the stack files' folder, judged on the side of caution (the YAML reader
    /// cannot say): any mention of stackConfigDir, however quoted or spaced, or a top-level config whose value is text.
    /// </summary>
    private static bool MayNameFolder(string text) =>
        text.Contains("stackConfigDir", StringComparison.Ordinal) || TextConfig().IsMatch(text);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[""']?config[""']?[ \t]*:[ \t]*[^\s#{\[]", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex TextConfig();

    /// <summary>
    /// A file at a revision, or null when git lists no such path in its tree: any failure to read the tree or the file is the
    /// base not being readable (a missing object in a partial or shallow clone), not a new stack, whose grants would all pass.
    /// </summary>
    private static byte[]? Show(string projectDirectory, string baseSpec, string path)
    {
        var (listCode, listed, listError) = Git(projectDirectory, "ls-tree", "--name-only", baseSpec, "--", path);
        if (listCode != 0)
        {
            throw new BaseVersionException($"--base '{baseSpec}': git could not read the revision's tree: {GitSaid(listError)}");
        }

        if (listed.Length == 0)
        {
            return null;
        }

        var (code, output, showError) = Git(projectDirectory, "show", $"{baseSpec}:./{path}");
        return code == 0 ? output : throw new BaseVersionException($"--base '{baseSpec}': git lists {path} there but could not read it: {GitSaid(showError)}");
    }

    private static string GitSaid(string error) => string.Join("; ", error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static (int Code, byte[] Output, string Error) Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new BaseVersionException("could not start git");
            using var buffer = new MemoryStream();
            var errorTask = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            return (process.ExitCode, buffer.ToArray(), errorTask.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BaseVersionException($"--base looks like a git revision, but git could not be run ({e.Message}); install git or pass a file", e);
        }
    }
}
