using System.Security.Cryptography;
using System.Text;
using EksInfra.Access.Rendering;

namespace EksInfra.Cli;

/// <summary>Writes rendered files so that a failure leaves nothing half-written.</summary>
internal static class OutputWriter
{
    private static readonly HashSet<string> OwnedFiles =
        new([StackRenderer.AwsAuthFile, StackRenderer.NamespacesFile, StackRenderer.RbacFile, StackRenderer.AccessEntriesFile], StringComparer.Ordinal);

    /// <summary>
    /// What a render wrote, file by file with its SHA-256, beside the files. A name alone proves nothing: the audit's live
    /// exports are saved as aws-auth.yaml and access-entries.json too, and a render over them would replace them.
    /// </summary>
    public const string RecordFile = ".eksinfra-render";

    private const string RecordHeader = "# Written by `eksinfra render`. The next render replaces this folder whole, and refuses to while a file here is not one it\n# wrote as it wrote it (SHA-256 and path below).\n";

    /// <summary>
    /// Why <paramref name="outDir"/> cannot take a render, or null. A render replaces the whole folder, so the folder must be
    /// new, empty, or hold only what an earlier render wrote: anything else (a live export, Pulumi.yaml) would be lost.
    /// </summary>
    public static string? Refusal(string outDir, string currentDirectory)
    {
        var target = FinalTarget(outDir);
        if (Path.GetDirectoryName(target) is null)
        {
            return $"--out '{outDir}' is a filesystem root; name a folder of its own, such as out/STACK";
        }

        if (IsSameOrBelow(currentDirectory, target))
        {
            return $"--out '{outDir}' is the current folder or holds it; a render replaces the whole folder, so name a folder of its own, such as out/STACK";
        }

        if (File.Exists(target))
        {
            return $"--out '{outDir}' is a file; name a folder, such as out/STACK";
        }

        if (!Directory.Exists(target))
        {
            // The render would make the missing folders above it; a file among them would fail that halfway.
            for (var above = Path.GetDirectoryName(target); above is not null && !Directory.Exists(above); above = Path.GetDirectoryName(above))
            {
                if (File.Exists(above))
                {
                    return $"--out '{outDir}' lies below '{above}', which is a file; name a folder that is not inside a file, such as out/STACK";
                }
            }

            return null;
        }

        var foreign = ForeignEntries(target).Take(4).ToList();
        if (foreign.Count > 0)
        {
            return $"--out '{outDir}' holds files eksinfra did not write ({string.Join(", ", foreign.Take(3))}{(foreign.Count > 3 ? ", ..." : "")}); a render replaces the whole folder, so render into a new or empty folder, or the folder of an earlier render";
        }

        // Empty folders (an iam/ left empty) hold nothing a render could lose.
        if (!Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Any())
        {
            return null;
        }

        if (Recorded(target) is not { } recorded)
        {
            return $"--out '{outDir}' holds files named as a render's, but no {RecordFile} saying a render wrote them (a live export saved there, or a render by an earlier eksinfra, which kept no record); a render replaces the whole folder, so render into a new folder, or delete this one if it is an old render";
        }

        var changed = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(target, f).Replace('\\', '/'))
            .Where(f => f != RecordFile && (!recorded.TryGetValue(f, out var hash) || hash != Hash(File.ReadAllBytes(Path.Combine(target, f)))))
            .Order(StringComparer.Ordinal)
            .ToList();
        return changed.Count == 0
            ? null
            : $"--out '{outDir}' holds files that differ from what the render recorded in {RecordFile} wrote ({string.Join(", ", changed.Take(3))}{(changed.Count > 3 ? ", ..." : "")}): edited, or saved over it (a live export); a render replaces the whole folder, so move them away, or render into a new folder";
    }

    /// <summary>The files <see cref="RecordFile"/> lists, with their hashes; null when there is none or it does not read.</summary>
    private static Dictionary<string, string>? Recorded(string folder)
    {
        var path = Path.Combine(folder, RecordFile);
        if (!File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            return null;
        }

        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#'))
        {
            var space = line.IndexOf("  ", StringComparison.Ordinal);
            if (space != 64)
            {
                return null;
            }

            recorded[line[(space + 2)..]] = line[..space];
        }

        return recorded;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The record of a render: a header, then one line per file, as `sha256sum` prints them, in path order.</summary>
    private static string Record(IReadOnlyList<(string RelativePath, string Content)> files)
    {
        var record = new StringBuilder(RecordHeader);
        foreach (var (relative, content) in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            record.Append(Hash(Utf8.GetBytes(content))).Append("  ").Append(relative.Replace('\\', '/')).Append('\n');
        }

        return record.ToString();
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes every file into a sibling folder, then swaps it for <paramref name="outDir"/> by two renames, so a reader sees the
    /// old render or the new one, never a mix, and files an earlier render made that this one does not are gone.
    /// </summary>
    public static void WriteAll(string outDir, IReadOnlyList<(string RelativePath, string Content)> files)
    {
        var target = FinalTarget(outDir);
        var parent = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        Directory.CreateDirectory(parent);
        using var writing = Lock(parent, name, outDir);
        RemoveLeftovers(parent, name);
        var staging = Path.Combine(parent, $".{name}.eksinfra-new-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, content, Utf8);
            }

            File.WriteAllText(Path.Combine(staging, RecordFile), Record(files), Utf8);

            if (!Directory.Exists(target))
            {
                Directory.Move(staging, target);
                return;
            }

            var previous = Path.Combine(parent, $".{name}.eksinfra-old-{Guid.NewGuid():N}");
            Directory.Move(target, previous);
            try
            {
                Directory.Move(staging, target);
            }
            catch
            {
                Directory.Move(previous, target);
                throw;
            }

            Directory.Delete(previous, recursive: true);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>
    /// Replaces a file through a temporary sibling, so an interrupted write never truncates it. A symlinked file keeps its
    /// link (the file it points to is replaced) and the replacement keeps the file's permissions. The sibling's name is new
    /// to each write and it is created, never opened, so two writers or a leftover of a killed one cannot meet in it; it is
    /// on disk before the rename (a crash then leaves the old file or the new one), and gone when the write fails.
    /// </summary>
    public static void ReplaceFile(string path, string content)
    {
        var target = FinalTarget(new FileInfo(path));
        var temp = $"{target}.eksinfra-{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content));
                file.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Entries of an existing output folder that no render writes.</summary>
    private static IEnumerable<string> ForeignEntries(string folder)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var owned = entry switch
            {
                DirectoryInfo iam when entry.Name == StackRenderer.IamFolder && entry.LinkTarget is null =>
                    iam.EnumerateFileSystemInfos().All(f => f is FileInfo { LinkTarget: null } && f.Extension == ".json"),
                FileInfo { LinkTarget: null } => OwnedFiles.Contains(entry.Name) || entry.Name == RecordFile,
                _ => false,
            };
            if (!owned)
            {
                yield return entry is DirectoryInfo ? entry.Name + "/" : entry.Name;
            }
        }
    }

    /// <summary>
    /// Holds <c>.NAME.eksinfra-lock</c> beside the output while a render writes it, so a second render into the same folder
    /// is refused rather than clearing the first one's staging folder as a leftover. The empty file stays when the render
    /// ends: a lock file deleted on close lets a render that opened it just before the delete lock the unlinked file while a
    /// third creates and locks a new one, and both write. A killed render's lock is released by the system with its process.
    /// </summary>
    private static FileStream Lock(string parent, string name, string outDir)
    {
        var path = Path.Combine(parent, $".{name}.eksinfra-lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new OutputBusyException($"another eksinfra render is writing '{outDir}' ({path} is held); wait for it to finish and run again", e);
        }
    }

    /// <summary>Staging and previous folders a killed render left beside the output.</summary>
    private static void RemoveLeftovers(string parent, string name)
    {
        foreach (var pattern in new[] { $".{name}.eksinfra-new-*", $".{name}.eksinfra-old-*" })
        {
            foreach (var leftover in Directory.EnumerateDirectories(parent, pattern))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }
    }

    /// <summary>A symlinked output folder keeps its link: the render replaces the folder it points to.</summary>
    private static string FinalTarget(string folder) => FinalTarget(new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));

    /// <summary>The path a write lands on: through every symlink, so the link itself survives the replacement.</summary>
    private static string FinalTarget(FileSystemInfo info) =>
        info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;

    private static bool IsSameOrBelow(string path, string folder)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }
}

/// <summary>Another render holds the output folder: its message already says what to do.</summary>
public sealed class OutputBusyException(string message, Exception inner) : IOException(message, inner);
