namespace EksInfra.Access.Config;

/// <summary>A project's Pulumi.yaml as the offline tools read it: where the stack files are, and the config values it gives stacks.</summary>
public sealed class ProjectFile
{
    private const string FileName = "Pulumi.yaml";

    private readonly IReadOnlyList<(string Key, string Source, ConfigNode Node)> values;

    private ProjectFile(string? stackConfigDir, IReadOnlyList<(string Key, string Source, ConfigNode Node)> values)
    {
        StackConfigDir = stackConfigDir;
        this.values = values;
    }

    /// <summary>
    /// pulumi/pulumi sdk/go/common/workspace/paths.go, ProjectStackPath: stack files live in the project's
    /// stackConfigDir, relative to Pulumi.yaml, when it is set; project.go's RewriteConfigPathIntoStackConfigDir
    /// still takes the older 'config: DIR' for it.
    /// </summary>
    public string? StackConfigDir { get; }

    /// <summary>Reads Pulumi.yaml; <paramref name="error"/> is set, with the file's position, when Pulumi could not read it either.</summary>
    public static ProjectFile Read(byte[] bytes, out string? error)
    {
        error = null;
        var read = YamlConfigReader.ReadBytes(bytes, FileName, YamlFileKind.StackFile);
        if (read.Diagnostics.FirstOrDefault(d => d.IsError) is { } bad)
        {
            error = $"{bad.ToStringWithLocation()}; Pulumi cannot read the project file either";
            return new ProjectFile(null, []);
        }

        if (read.Root is not ConfigMap project)
        {
            return new ProjectFile(null, []);
        }

        var dir = project["stackConfigDir"] as ConfigScalar;
        // project.go refuses the two only when config is text (configIsText && hasStackConfigDir); an empty config: is no folder.
        var legacy = project["config"] is ConfigScalar { Kind: ScalarKind.Text } text ? text : null;
        if (dir is not null && legacy is not null)
        {
            error = $"{FileName}: 'config' and 'stackConfigDir' both name the stack files' folder, and Pulumi refuses that; keep only stackConfigDir";
        }

        // paths.go joins it with filepath.Join(filepath.Dir(projPath), proj.StackConfigDir, ...), which reads a leading '/' as
        // one more separator: the folder is inside the project either way.
        var stackConfigDir = (dir ?? legacy) is { Kind: ScalarKind.Text } set && set.Value.TrimStart('/') is { Length: > 0 } inside ? inside : null;
        var name = (project["name"] as ConfigScalar)?.Value;
        return new ProjectFile(stackConfigDir, project["config"] is ConfigMap config ? ValuesOf(config, name) : []);
    }

    /// <summary>
    /// pulumi/pulumi pkg/workspace/config.go, mergeConfig: a project config key's 'value' or 'default' is given to a
    /// stack that does not set the key ("if !foundOnStack &amp;&amp; (hasValue || hasDefault)"); project.go's
    /// RewriteShorthandConfigValues reads a plain value or list ('aws:region: us-west-2') as one of those. A key
    /// without ':' takes the project's name (parseConfigKey).
    /// </summary>
    private static List<(string, string, ConfigNode)> ValuesOf(ConfigMap config, string? projectName)
    {
        var found = new List<(string, string, ConfigNode)>();
        foreach (var (key, node) in config.Entries)
        {
            var full = key.Contains(':', StringComparison.Ordinal) ? key : $"{projectName}:{key}";
            if (!StackBinder.ReadKeys.Contains(full))
            {
                continue;
            }

            switch (node)
            {
                case ConfigScalar { Kind: not ScalarKind.Null } or ConfigList:
                    found.Add((full, $"'{key}: ...'", node));
                    break;
                case ConfigMap typed when (typed["value"] ?? typed["default"]) is { } given:
                    found.Add((full, typed["value"] is null ? $"'{key}.default'" : $"'{key}.value'", given));
                    break;
            }
        }

        return found;
    }

    /// <summary>
    /// The stack as the offline tools can judge it: a value Pulumi.yaml gives it, for a key its file lacks, is not
    /// applied here, so the stack is refused rather than checked without it.
    /// </summary>
    public StackSource Refuse(StackSource stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var missing = values.Where(v => !stack.Keys.Contains(v.Key)).ToList();
        if (missing.Count == 0)
        {
            return stack;
        }

        var (config, diagnostics) = StackBinder.Bind(stack);
        var bag = new DiagnosticBag();
        // The binder's "required" for a key Pulumi.yaml gives would send the user to set what is set; the refusal says where.
        var given = missing.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        bag.AddRange(diagnostics.Where(d => !StackBinder.SaysMissing(d, given)));
        foreach (var (key, source, node) in missing)
        {
            bag.Error(key, $"{FileName}'s config gives this stack {source}, as the stack file does not set {key}, and Pulumi passes that to the program; check cannot judge a value from {FileName}: set it in {stack.FileName ?? "the stack file"} under 'config:' (or remove it from {FileName})", node.Location);
        }

        return stack with { Bound = (config, bag.ToSortedList()) };
    }
}
