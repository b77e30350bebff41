using EksInfra.Access;
using EksInfra.Access.Config;

namespace EksInfra.Cli;

/// <summary>A Pulumi project folder and its stack files, beside its Pulumi.yaml or in its stackConfigDir.</summary>
internal sealed class StackProject
{
    private readonly ProjectFile projectFile;

    private StackProject(string directory, string stackDirectory, ProjectFile projectFile, IReadOnlyDictionary<string, string> stackFiles, IReadOnlyList<string> misnamedFiles)
    {
        this.projectFile = projectFile;
        Directory = directory;
        StackDirectory = stackDirectory;
        StackFiles = stackFiles;
        MisnamedFiles = misnamedFiles;
    }

    public string Directory { get; }

    /// <summary>Where the stack files are: Pulumi.yaml's folder, or its stackConfigDir.</summary>
    public string StackDirectory { get; }

    /// <summary>Where the stack files are, as an error says it.</summary>
    public string StacksWhere => StackDirectory == Directory ? $"beside {Path.Combine(Directory, "Pulumi.yaml")}" : $"in {StackDirectory} (Pulumi.yaml's stackConfigDir)";

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
            var projectFile = Path.Combine(dir.FullName, "Pulumi.yaml");
            if (File.Exists(projectFile))
            {
                var projectConfig = ProjectFile.Read(File.ReadAllBytes(projectFile), out var error);
                if (error is not null)
                {
                    throw new IOException(error);
                }

                var stackDir = projectConfig.StackConfigDir is { } configured ? Path.GetFullPath(configured, dir.FullName) : dir.FullName;
                if (!System.IO.Directory.Exists(stackDir))
                {
                    throw new IOException($"Pulumi.yaml: stackConfigDir '{Path.GetRelativePath(dir.FullName, stackDir)}' is not a folder; create it with the stack files in it, or fix the path (it is relative to Pulumi.yaml)");
                }

                var stacks = new SortedDictionary<string, string>(StringComparer.Ordinal);
                var misnamed = new List<string>();
                foreach (var file in System.IO.Directory.EnumerateFiles(stackDir, "Pulumi.*.yaml"))
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
                return new StackProject(dir.FullName, stackDir, projectConfig, stacks, misnamed);
            }
        }

        return null;
    }

    /// <summary>The stack file's path from the project folder ('/'-separated), as git and the user name it.</summary>
    public string FileNameOf(string stack) => Path.GetRelativePath(Directory, StackFiles[stack]).Replace('\\', '/');

    public StackSource Read(string stack) => Read(stack, File.ReadAllBytes(StackFiles[stack]));

    /// <summary>The stack from bytes already read from its file, for a command that edits the same bytes.</summary>
    public StackSource Read(string stack, byte[] bytes) => projectFile.Refuse(StackFileReader.Read(stack, FileNameOf(stack), bytes));

    public StackEvaluation Evaluate(string stack) => StackEvaluator.Evaluate(Read(stack));
}
