using EksInfra.Access.Rendering;

namespace EksInfra.Cli;

/// <summary>Writes rendered files so that a failure leaves nothing half-written.</summary>
internal static class OutputWriter
{
    /// <summary>Stages every file in a sibling folder, then swaps them into <paramref name="outDir"/>.</summary>
    public static void WriteAll(string outDir, IReadOnlyList<(string RelativePath, string Content)> files)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(outDir)) ?? outDir;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".eksinfra-render-{Guid.NewGuid():N}");
        try
        {
            foreach (var (relative, content) in files)
            {
                var target = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, content);
            }

            if (!Directory.Exists(outDir))
            {
                Directory.Move(staging, outDir);
                return;
            }

            // Earlier renders of this stack may hold files this one does not make (aws-auth.yaml after a move to API).
            foreach (var owned in new[] { StackRenderer.AwsAuthFile, StackRenderer.RbacFile, StackRenderer.AccessEntriesFile })
            {
                File.Delete(Path.Combine(outDir, owned));
            }

            var iam = Path.Combine(outDir, StackRenderer.IamFolder);
            if (Directory.Exists(iam))
            {
                Directory.Delete(iam, recursive: true);
            }

            foreach (var (relative, _) in files)
            {
                var target = Path.Combine(outDir, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(Path.Combine(staging, relative), target, overwrite: true);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Replaces a file through a temporary sibling, so an interrupted write never truncates it.</summary>
    public static void ReplaceFile(string path, string content)
    {
        var temp = path + ".eksinfra-tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
