namespace EksInfra.Access.Config;

/// <summary>Reads a <c>Pulumi.&lt;stack&gt;.yaml</c> file into a <see cref="StackSource"/>.</summary>
public static class StackFileReader
{
    /// <summary>Top-level keys Pulumi itself writes into stack files; anything else is a mistake.</summary>
    private const string ConfigKey = "config";

    private static readonly string[] KnownTopLevelKeys = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

    public static string StackNameFromFileName(string fileName)
    {
        var name = Path.GetFileName(fileName);
        return name.StartsWith("Pulumi.", StringComparison.Ordinal) && name.EndsWith(".yaml", StringComparison.Ordinal)
            ? name["Pulumi.".Length..^".yaml".Length]
            : Path.GetFileNameWithoutExtension(name);
    }

    public static StackSource Read(string stackName, string fileName, byte[] bytes)
    {
        // Inside the file, config values sit under 'config:'; their config path is the key alone.
        var read = YamlConfigReader.ReadBytes(bytes, fileName, transparentKey: ConfigKey);
        var bag = new DiagnosticBag();
        bag.AddRange(read.Diagnostics);
        var values = new SortedDictionary<string, ConfigNode>(StringComparer.Ordinal);
        switch (read.Root)
        {
            case null when !bag.HasErrors:
                bag.Error("config", "the stack file is empty; it needs a 'config:' map with the eks-infra:cluster and eks-infra:access keys", new SourceLocation(fileName, 1, 1));
                break;
            case null:
                break;
            case ConfigMap top:
                foreach (var (key, value) in top.Entries)
                {
                    if (!KnownTopLevelKeys.Contains(key))
                    {
                        bag.Error(value.Path, $"'{key}' is not a stack file key; config values go under 'config:' as namespaced keys such as 'eks-infra:{key}'", value.Location);
                    }
                }

                ReadConfigBlock(top[ConfigKey], fileName, values, bag);
                break;
            default:
                bag.Error("(file)", $"the stack file must be a map with a 'config:' key, not {read.Root.KindName}", read.Root.Location);
                break;
        }

        return new StackSource(stackName, values, bag.ToSortedList(), fileName);
    }

    private static void ReadConfigBlock(ConfigNode? config, string fileName, SortedDictionary<string, ConfigNode> values, DiagnosticBag bag)
    {
        switch (config)
        {
            case null:
                bag.Error("config", "the stack file has no 'config:' map; add one with the eks-infra:cluster and eks-infra:access keys", new SourceLocation(fileName, 1, 1));
                return;
            case ConfigMap map:
                foreach (var (key, value) in map.Entries)
                {
                    values[key] = value;
                }

                return;
            default:
                bag.Error(ConfigKey, $"'config' must be a map of namespaced keys, not {config.KindName}", config.Location);
                return;
        }
    }

}
