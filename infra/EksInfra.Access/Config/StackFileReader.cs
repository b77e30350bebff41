namespace EksInfra.Access.Config;

/// <summary>Reads a <c>Pulumi.&lt;stack&gt;.yaml</c> file into a <see cref="StackSource"/>.</summary>
public static class StackFileReader
{
    /// <summary>Top-level keys Pulumi itself writes into stack files; anything else is a mistake.</summary>
    private const string ConfigKey = "config";

    private const string EnvironmentKey = "environment";

    private static readonly string[] KnownTopLevelKeys = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

    /// <summary>
    /// Whether Pulumi takes <paramref name="stackName"/> as a stack's name: 1 to 100 letters, digits, '-', '_' or '.'
    /// (pulumi/pulumi's validateStackName, "the stack naming rules enforced by the Pulumi Service").
    /// </summary>
    public static bool IsPulumiStackName(string stackName)
    {
        ArgumentNullException.ThrowIfNull(stackName);
        return stackName.Length is >= 1 and <= 100 && stackName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    /// <summary>What stack files whose names Pulumi refuses are told, all at once (the CLI's error stream escapes what the names hold).</summary>
    public static string NotAPulumiStackName(IReadOnlyList<string> fileNames)
    {
        ArgumentOutOfRangeException.ThrowIfZero(fileNames.Count);
        var files = string.Join(", ", fileNames.Select(Path.GetFileName));
        var names = string.Join(", ", fileNames.Select(f => $"'{StackNameFromFileName(f)}'"));
        return fileNames.Count == 1
            ? $"{files}: {names} is not a name Pulumi takes for a stack ({StackNameRule}), so this file is no stack of the project; rename it or move it out of the project folder"
            : $"{files}: {names} are not names Pulumi takes for a stack ({StackNameRule}), so these files are no stacks of the project; rename them or move them out of the project folder";
    }

    private const string StackNameRule = "1 to 100 letters, digits, '-', '_' or '.'";

    public static string StackNameFromFileName(string fileName)
    {
        var name = Path.GetFileName(fileName);
        return name.StartsWith("Pulumi.", StringComparison.Ordinal) && name.EndsWith(".yaml", StringComparison.Ordinal)
            ? name["Pulumi.".Length..^".yaml".Length]
            : Path.GetFileNameWithoutExtension(name);
    }

    /// <summary>
    /// Reads and binds a stack file in one pass over its parser events: the access model's lists are bound item by
    /// item, so no tree of the file is alive from parse to plan; positions for later diagnostics are kept in a table.
    /// </summary>
    public static StackSource Read(string stackName, string fileName, byte[] bytes)
    {
        var structure = new DiagnosticBag();
        var binding = new StackBinder.Binding();
        var positions = new PositionTable(fileName);
        var outcome = YamlConfigReader.Stream(bytes, fileName, ConfigKey, positions, root =>
        {
            switch (root)
            {
                case null:
                    structure.Error("config", EmptyFile, new SourceLocation(fileName, 1, 1));
                    break;
                case { IsMap: true }:
                    var config = false;
                    root.ReadEntries((key, value) =>
                    {
                        if (!KnownTopLevelKeys.Contains(key))
                        {
                            structure.Error(value.Path, UnknownTopLevelKey(key), value.Location);
                        }

                        if (key == ConfigKey)
                        {
                            config = true;
                            ReadConfigBlock(value, binding.Entry, structure);
                        }
                        else if (key == EnvironmentKey)
                        {
                            EnvironmentNotSeen(value.ReadWhole(), structure);
                        }
                    });
                    if (!config)
                    {
                        structure.Error("config", NoConfigBlock, new SourceLocation(fileName, 1, 1));
                    }

                    break;
                default:
                    var node = root.ReadWhole();
                    structure.Error("(file)", NotAMap(node), node.Location);
                    break;
            }
        });

        if (outcome.Failed)
        {
            // The file is not YAML: what was bound before the parser stopped is dropped, and only the reason is said.
            var unread = new StackSource(stackName, new Dictionary<string, ConfigNode>(), outcome.Diagnostics, fileName);
            return unread with { Bound = StackBinder.Bind(unread) };
        }

        var bag = new DiagnosticBag();
        bag.AddRange(outcome.Diagnostics);
        bag.AddRange(structure.ToSortedList());
        var read = bag.ToSortedList();
        return new StackSource(stackName, new Dictionary<string, ConfigNode>(), read, fileName)
        {
            Bound = binding.Finish(stackName, read, positions),
            Keys = binding.Keys,
        };
    }

    /// <summary>Reads a stack file's config values as trees, for callers that need the values themselves rather than the bound model.</summary>
    public static StackSource ReadValues(string stackName, string fileName, byte[] bytes)
    {
        // Inside the file, config values sit under 'config:'; their config path is the key alone.
        var read = YamlConfigReader.ReadBytes(bytes, fileName, YamlFileKind.StackFile, transparentKey: ConfigKey);
        var bag = new DiagnosticBag();
        bag.AddRange(read.Diagnostics);
        var values = new SortedDictionary<string, ConfigNode>(StringComparer.Ordinal);
        switch (read.Root)
        {
            case null when !bag.HasErrors:
                bag.Error("config", EmptyFile, new SourceLocation(fileName, 1, 1));
                break;
            case null:
                break;
            case ConfigMap top:
                foreach (var (key, value) in top.Entries)
                {
                    if (!KnownTopLevelKeys.Contains(key))
                    {
                        bag.Error(value.Path, UnknownTopLevelKey(key), value.Location);
                    }
                }

                if (top[EnvironmentKey] is { } environment)
                {
                    EnvironmentNotSeen(environment, bag);
                }

                if (top[ConfigKey] is { } config)
                {
                    ReadConfigBlock(ConfigValue.Of(config), (key, value) => values[key] = value.ReadWhole(), bag);
                }
                else
                {
                    bag.Error("config", NoConfigBlock, new SourceLocation(fileName, 1, 1));
                }

                break;
            default:
                bag.Error("(file)", NotAMap(read.Root), read.Root.Location);
                break;
        }

        return new StackSource(stackName, values, bag.ToSortedList(), fileName);
    }

    private const string EmptyFile = "the stack file is empty; it needs a 'config:' map with the eks-infra:cluster and eks-infra:access keys";

    private const string NoConfigBlock = "the stack file has no 'config:' map; add one with the eks-infra:cluster and eks-infra:access keys";

    private static string UnknownTopLevelKey(string key) => $"'{key}' is not a stack file key; config values go under 'config:' as namespaced keys such as 'eks-infra:{key}'";

    private static string NotAMap(ConfigNode root) => $"the stack file must be a map with a 'config:' key, not {root.KindName}";

    /// <summary>
    /// Pulumi merges the pulumiConfig of a stack's ESC environments into its config before the program runs
    /// (pulumi/pulumi pkg/workspace/config.go, mergeConfig: stack values win, maps are merged key by key), and the
    /// environments live in Pulumi Cloud, out of reach offline: what this tool reads may be less than the program gets.
    /// </summary>
    private static void EnvironmentNotSeen(ConfigNode environment, DiagnosticBag bag)
    {
        // The list form names environments to import; the map form is an inline definition with 'imports' and 'values'.
        var sources = new List<string>();
        switch (environment)
        {
            case ConfigList list:
                sources.AddRange(list.Items.Select(EnvironmentName));
                break;
            case ConfigMap map:
                if (map["imports"] is ConfigList imports)
                {
                    sources.AddRange(imports.Items.Select(EnvironmentName));
                }

                if (map["values"] is ConfigMap { Entries.Count: > 0 })
                {
                    sources.Add("the inline 'values:'");
                }

                break;
        }

        if (sources.Count == 0)
        {
            return;
        }

        var named = sources.Count == 1 ? $"the Pulumi ESC environment {sources[0]}" : $"the Pulumi ESC environments {string.Join(", ", sources)}";
        bag.Warning(EnvironmentKey, $"the stack takes config from {named}, whose pulumiConfig values Pulumi merges into this stack's config (stack values win, maps are merged key by key); they are not seen offline, so the access model, authentication mode and other settings shown here may differ from what Pulumi passes the program; to check them here, set them under 'config:' instead", environment.Location);
    }

    private static string EnvironmentName(ConfigNode import) => import switch
    {
        ConfigScalar s => $"'{s.Value}'",
        ConfigMap { Entries.Count: 1 } m => $"'{m.Entries[0].Key}'",
        _ => $"at line {import.Location?.Line}",
    };

    private static void ReadConfigBlock(ConfigValue config, Action<string, ConfigValue> entry, DiagnosticBag bag)
    {
        if (config.IsMap)
        {
            config.ReadEntries(entry);
            return;
        }

        var node = config.ReadWhole();
        bag.Error(ConfigKey, $"'config' must be a map of namespaced keys, not {node.KindName}", node.Location);
    }
}
