namespace EksInfra.Access.Config;

public enum ScalarKind
{
    Text,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// A config value as either entry point sees it, with its Pulumi config path. The YAML stack file
/// and Pulumi's config JSON both become this tree, so one binder decides for both.
/// </summary>
public abstract record ConfigNode(string Path, SourceLocation? Location)
{
    public abstract string KindName { get; }
}

public sealed record ConfigScalar(string Path, SourceLocation? Location, string Value, ScalarKind Kind)
    : ConfigNode(Path, Location)
{
    public override string KindName => Kind switch
    {
        ScalarKind.Number => "a number",
        ScalarKind.Boolean => "a boolean",
        ScalarKind.Null => "null",
        _ => "a string",
    };
}

public sealed record ConfigList(string Path, SourceLocation? Location, IReadOnlyList<ConfigNode> Items)
    : ConfigNode(Path, Location)
{
    public override string KindName => "a list";
}

public sealed record ConfigMap(string Path, SourceLocation? Location, IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries)
    : ConfigNode(Path, Location)
{
    public override string KindName => "a map";

    public ConfigNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}

/// <summary>Path arithmetic, so every producer spells child paths the same way.</summary>
public static class ConfigPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The same tree under another path: a config key, or the place an alias is used.</summary>
    public static ConfigNode Rebase(ConfigNode node, string path) => node switch
    {
        ConfigScalar s => s with { Path = path },
        ConfigList l => l with { Path = path, Items = [.. l.Items.Select((item, i) => Rebase(item, Item(path, i)))] },
        ConfigMap m => m with { Path = path, Entries = [.. m.Entries.Select(e => new KeyValuePair<string, ConfigNode>(e.Key, Rebase(e.Value, Child(path, e.Key))))] },
        _ => node,
    };
}

/// <summary>
/// Every config value one stack gives the program, keyed by full Pulumi key (<c>aws:region</c>,
/// <c>eks-infra:access</c>), with what went wrong reading it.
/// </summary>
public sealed record StackSource(
    string StackName,
    IReadOnlyDictionary<string, ConfigNode> Values,
    IReadOnlyList<Diagnostic> ReadDiagnostics,
    string? FileName = null);
