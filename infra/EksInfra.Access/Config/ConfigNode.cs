using EksInfra.Access.Model;

namespace EksInfra.Access.Config;

public enum ScalarKind
{
    Text,
    Number,
    Boolean,
    Null,

    /// <summary>A stack file's unquoted date or time, which Pulumi passes on as Go's text for it (<see cref="GoYamlTimestamp"/>).</summary>
    Timestamp,
}

/// <summary>
/// A config value as either entry point sees it. The YAML stack file and Pulumi's config JSON both become this
/// tree, so one binder decides for both. A node holds its parent, its key or index and its line and column, not
/// its path string or a location object: a 10,000-identity model has some 100,000 nodes, and almost none of them
/// is ever named in a diagnostic, so <see cref="Path"/> and <see cref="Location"/> are built when asked for.
/// </summary>
public abstract class ConfigNode
{
    private readonly ConfigNode? parent;

    // A map key, or a list item's index (segment null); a node without parent has its whole path as segment.
    private readonly string? segment;
    private readonly int index;
    private readonly string? file;
    private readonly int line;
    private readonly int column;

    // Kept once asked: a list's or map's path is the prefix of each of its children's.
    private string? path;

    private protected ConfigNode(ConfigPlace place)
    {
        parent = place.Parent;
        segment = place.Segment;
        index = place.Index;
        file = place.File;
        line = place.Line;
        column = place.Column;
    }

    public abstract string KindName { get; }

    /// <summary>The Pulumi config path (<c>eks-infra:access.mapRoles[2].rolearn</c>).</summary>
    public string Path => path ??= ConfigPath.Of(parent, segment, index);

    /// <summary>Where the node starts in its file; null for Pulumi's JSON, which has no file.</summary>
    public SourceLocation? Location => file is null ? null : new SourceLocation(file, line, column);

    internal ConfigPlace Place => new(parent, segment, index, file, line, column);
}

/// <summary>Where a node stands: its parent with its key (or item index), or, for a root, its whole path; and its position.</summary>
public readonly record struct ConfigPlace(ConfigNode? Parent, string? Segment, int Index, string? File, int Line, int Column)
{
    public static ConfigPlace Root(string path, string? file = null, int line = 0, int column = 0) => new(null, path, -1, file, line, column);

    public static ConfigPlace Entry(ConfigNode parent, string key, string? file = null, int line = 0, int column = 0) => new(parent, key, -1, file, line, column);

    public static ConfigPlace Item(ConfigNode parent, int index, string? file = null, int line = 0, int column = 0) => new(parent, null, index, file, line, column);

    /// <summary>The same place, at another position (an alias's copy keeps the anchored node's position).</summary>
    public ConfigPlace At(string? file, int line, int column) => this with { File = file, Line = line, Column = column };

    public string Path => ConfigPath.Of(Parent, Segment, Index);
}

public sealed class ConfigScalar : ConfigNode
{
    public ConfigScalar(ConfigPlace place, string value, ScalarKind kind)
        : base(place)
    {
        Value = value;
        Kind = kind;
    }

    public string Value { get; }

    public ScalarKind Kind { get; }

    public override string KindName => Kind switch
    {
        ScalarKind.Number => "a number",
        ScalarKind.Boolean => "a boolean",
        ScalarKind.Null => "null",
        ScalarKind.Timestamp => "a timestamp",
        _ => "a string",
    };
}

public sealed class ConfigList : ConfigNode
{
    private readonly List<ConfigNode> items = [];

    public ConfigList(ConfigPlace place)
        : base(place)
    {
    }

    public override string KindName => "a list";

    public IReadOnlyList<ConfigNode> Items => items;

    internal void Add(ConfigNode item) => items.Add(item);
}

public sealed class ConfigMap : ConfigNode
{
    private readonly List<KeyValuePair<string, ConfigNode>> entries = [];

    public ConfigMap(ConfigPlace place)
        : base(place)
    {
    }

    public override string KindName => "a map";

    public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries => entries;

    public ConfigNode? this[string key]
    {
        get
        {
            foreach (var (k, v) in entries)
            {
                if (k == key)
                {
                    return v;
                }
            }

            return null;
        }
    }

    internal void Add(string key, ConfigNode value) => entries.Add(new(key, value));

    /// <summary>Gives <paramref name="key"/>, which the map holds, a new value in its place.</summary>
    internal void Replace(string key, ConfigNode value) => entries[entries.FindIndex(e => e.Key == key)] = new(key, value);
}

/// <summary>Path arithmetic, so every producer spells child paths the same way.</summary>
public static class ConfigPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => new ItemPath(parent, index).ToString();

    /// <summary>A list item's path as its list's (kept on the list's node) and its index; any other node's, whole.</summary>
    internal static ItemPath ItemOf(ConfigNode node) =>
        node.Place is { Parent: { } list, Segment: null, Index: >= 0 } place ? new ItemPath(list.Path, place.Index) : ItemPath.Whole(node.Path);

    internal static string Of(ConfigNode? parent, string? segment, int index) =>
        parent is null ? segment ?? "" : segment is null ? Item(parent.Path, index) : Child(parent.Path, segment);

    /// <summary>The same tree at another place: a config key, or the place an alias or a merge key uses it.</summary>
    public static ConfigNode Rebase(ConfigNode node, ConfigPlace place)
    {
        ArgumentNullException.ThrowIfNull(node);
        var own = node.Place;
        place = place.At(own.File, own.Line, own.Column);
        switch (node)
        {
            case ConfigList l:
                var list = new ConfigList(place);
                for (var i = 0; i < l.Items.Count; i++)
                {
                    list.Add(Rebase(l.Items[i], ConfigPlace.Item(list, i)));
                }

                return list;
            case ConfigMap m:
                var map = new ConfigMap(place);
                foreach (var (key, value) in m.Entries)
                {
                    map.Add(key, Rebase(value, ConfigPlace.Entry(map, key)));
                }

                return map;
            case ConfigScalar s:
                return new ConfigScalar(place, s.Value, s.Kind);
            default:
                return node;
        }
    }
}

/// <summary>
/// Every config value one stack gives the program, keyed by full Pulumi key (<c>aws:region</c>,
/// <c>eks-infra:access</c>), with what went wrong reading it.
/// </summary>
public sealed record StackSource(
    string StackName,
    IReadOnlyDictionary<string, ConfigNode> Values,
    IReadOnlyList<Diagnostic> ReadDiagnostics,
    string? FileName = null)
{
    /// <summary>
    /// A stack file's config, bound as it was parsed, with every diagnostic of reading and binding; its
    /// <see cref="Values"/> are then empty, since no tree of the file is kept (<see cref="StackFileReader.ReadValues"/> keeps one).
    /// </summary>
    public (StackConfig Config, IReadOnlyList<Diagnostic> Diagnostics)? Bound { get; init; }

    /// <summary>The top-level config keys the stack sets (for a bound stack file, those it read; else <see cref="Values"/>' keys).</summary>
    public IReadOnlyCollection<string> Keys
    {
        get => keys ?? (IReadOnlyCollection<string>)Values.Keys;
        init => keys = value;
    }

    private readonly IReadOnlyCollection<string>? keys;
}
