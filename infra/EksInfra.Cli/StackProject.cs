using EksInfra.Access;
using EksInfra.Access.Config;

namespace EksInfra.Cli;

/// <summary>A Pulumi project folder and the stack files beside its Pulumi.yaml.</summary>
internal sealed class StackProject
{
    private StackProject(string directory, IReadOnlyDictionary<string, string> stackFiles, IReadOnlyList<string> misnamedFiles)
    {
        Directory = directory;
        StackFiles = stackFiles;
        MisnamedFiles = misnamedFiles;
    }

    public string Directory { get; }

    /// <summary>Stack name → full path of its <c>Pulumi.&lt;stack&gt;.yaml</c>, sorted by name.</summary>
    public IReadOnlyDictionary<string, string> StackFiles { get; }

    public IEnumerable<string> StackNames => StackFiles.Keys;

    /// <summary>Files named like stack files whose stack name Pulumi refuses, sorted.</summary>
    public IReadOnlyList<string> MisnamedFiles { get; }

    /// <summary>Finds Pulumi.yaml in <paramref name="start"/> or the nearest folder above it.</summary>
    public static StackProject? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                var stacks = new SortedDictionary<string, string>(StringComparer.Ordinal);
                var misnamed = new List<string>();
                foreach (var file in System.IO.Directory.EnumerateFiles(dir.FullName, "Pulumi.*.yaml"))
                {
                    var name = StackFileReader.StackNameFromFileName(file);
                    if (StackFileReader.IsPulumiStackName(name))
                    {
                        stacks[name] = file;
                    }
                    else
                    {
                        misnamed.Add(file);
                    }
                }

                misnamed.Sort(StringComparer.Ordinal);
                return new StackProject(dir.FullName, stacks, misnamed);
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
