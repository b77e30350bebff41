using YamlDotNet.RepresentationModel;

namespace EksInfra.Workflows.Tests;

internal sealed class Workflow
{
    public const string PreviewPath = ".github/workflows/preview.yml";
    public const string DeployPath = ".github/workflows/deploy.yml";
    public const string AuditPath = ".github/workflows/audit.yml";
    public const string DeployStackPath = ".github/workflows/deploy-stack.yml";

    /// <summary>How a deploy.yml job calls the one stack job definition.</summary>
    public const string DeployStackUses = "./" + DeployStackPath;

    private Workflow(string path, YamlMappingNode root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The path relative to the repository root, with forward slashes.</summary>
    public string Path { get; }

    public YamlMappingNode Root { get; }

    public YamlNode? Jobs => Root.Child("jobs");

    public static Workflow Load(string repoRoot, string relativePath) =>
        new(relativePath, Yaml.LoadMapping(System.IO.Path.Combine(repoRoot, relativePath)));

    public YamlNode? Job(string id) => Jobs.Child(id);

    public List<WorkflowStep> Steps() =>
        [.. Jobs.Entries().SelectMany(job => job.Value.Child("steps").Items().Select((step, i) => new WorkflowStep(job.Key, i, step)))];

    public List<WorkflowStep> Steps(string jobId) => [.. Steps().Where(s => s.JobId == jobId)];
}

internal sealed record WorkflowStep(string JobId, int Index, YamlNode Node)
{
    public string? Name => Node.Child("name").Text();

    public string? Uses => Node.Child("uses").Text();

    public string? Run => Node.Child("run").Text();

    public YamlNode? With => Node.Child("with");

    public string Label => $"jobs.{JobId} step '{Name ?? Uses ?? $"#{Index + 1}"}'";
}
