namespace EksInfra.Access.Config;

/// <summary>
/// Where each config path stands in its file. A path is found by walking down the tree it names, matching its
/// keys and indexes in place, so a valid stack (asked about a warning or two) never pays for a path string per node.
/// </summary>
public sealed class SourceLocations
{
    private readonly IReadOnlyCollection<ConfigNode> roots;

    public SourceLocations(IReadOnlyCollection<ConfigNode> roots) => this.roots = roots;

    /// <summary>The position of the node at exactly <paramref name="path"/>, or null when no node stands there.</summary>
    public SourceLocation? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ConfigNode? node = null;
        var matched = 0;
        foreach (var root in roots)
        {
            // A root's path is its config key: no string is built for it.
            var p = root.Path;
            if (AtBoundary(path, p.Length) && path.StartsWith(p, StringComparison.Ordinal) && (node is null || p.Length > matched))
            {
                node = root;
                matched = p.Length;
            }
        }

        while (node is not null && matched < path.Length)
        {
            (node, matched) = node switch
            {
                ConfigList list => ItemAt(list, path, matched),
                ConfigMap map => EntryAt(map, path, matched),
                _ => (null, matched),
            };
        }

        return node?.Location;
    }

    private static bool AtBoundary(string path, int at) => at == path.Length || (at < path.Length && path[at] is '.' or '[');

    /// <summary>The entry whose key is the longest that follows at <paramref name="at"/>: keys may hold dots.</summary>
    private static (ConfigNode?, int) EntryAt(ConfigMap map, string path, int at)
    {
        // The children of a map at path "" (a stack file's config block) are named by their key alone.
        var start = at == 0 ? 0 : at + 1;
        if (at > 0 && path[at] != '.')
        {
            return (null, at);
        }

        ConfigNode? best = null;
        var bestEnd = at;
        foreach (var (key, value) in map.Entries)
        {
            var end = start + key.Length;
            if (end <= path.Length && AtBoundary(path, end) && string.CompareOrdinal(path, start, key, 0, key.Length) == 0 && (best is null || end > bestEnd))
            {
                best = value;
                bestEnd = end;
            }
        }

        return (best, bestEnd);
    }

    private static (ConfigNode?, int) ItemAt(ConfigList list, string path, int at)
    {
        var rest = path.AsSpan(at);
        var close = rest.IndexOf(']');
        return rest.Length > 2 && rest[0] == '[' && close > 1 && int.TryParse(rest[1..close], out var index) && index >= 0 && index < list.Items.Count
            ? (list.Items[index], at + close + 1)
            : (null, at);
    }
}
