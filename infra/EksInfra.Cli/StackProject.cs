using EksInfra.Access;
using EksInfra.Access.Config;

namespace EksInfra.Cli;

/// <summary>A Pulumi project folder and the stack files beside its Pulumi.yaml.</summary>
internal sealed class StackProject
{
    private StackProject(string directory, IReadOnlyDictionary<string, string> stackFiles)
    {
        Directory = directory;
        StackFiles = stackFiles;
    }

    public string Directory { get; }

    /// <summary>Stack name → full path of its <c>Pulumi.&lt;stack&gt;.yaml</c>, sorted by name.</summary>
    public IReadOnlyDictionary<string, string> StackFiles { get; }

    public IEnumerable<string> StackNames => StackFiles.Keys;

    /// <summary>Finds Pulumi.yaml in <paramref name="start"/> or the nearest folder above it.</summary>
    public static StackProject? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                var stacks = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var file in System.IO.Directory.EnumerateFiles(dir.FullName, "Pulumi.*.yaml"))
                {
                    stacks[StackFileReader.StackNameFromFileName(file)] = file;
                }

                return new StackProject(dir.FullName, stacks);
            }
        }

        return null;
    }

    public string FileNameOf(string stack) => Path.GetFileName(StackFiles[stack]);

    public StackSource Read(string stack) => Read(stack, File.ReadAllBytes(StackFiles[stack]));

    /// <summary>The stack from bytes already read from its file, for a command that edits the same bytes.</summary>
    public StackSource Read(string stack, byte[] bytes) => StackFileReader.Read(stack, FileNameOf(stack), bytes);

    public StackEvaluation Evaluate(string stack) => StackEvaluator.Evaluate(Read(stack));
}
