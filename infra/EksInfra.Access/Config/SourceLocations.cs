namespace EksInfra.Access.Config;

/// <summary>
/// Where each config path stands in its file. A path is found by walking down the tree it names, so a valid
/// stack (asked about a warning or two) never pays for an index of every node of a large model.
/// </summary>
public sealed class SourceLocations
{
    private readonly IReadOnlyCollection<ConfigNode> roots;

    public SourceLocations(IReadOnlyCollection<ConfigNode> roots) => this.roots = roots;

    /// <summary>The position of the node at exactly <paramref name="path"/>, or null when no node stands there.</summary>
    public SourceLocation? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = Longest(roots, path);
        while (node is not null && node.Path.Length < path.Length)
        {
            node = node switch
            {
                ConfigList list => ItemAt(list, path),
                ConfigMap map => Longest(map.Entries.Select(e => e.Value), path),
                _ => null,
            };
        }

        return node is not null && node.Path == path ? node.Location : null;
    }

    /// <summary>The child whose path is the longest prefix of <paramref name="path"/> at a boundary: keys may hold dots.</summary>
    private static ConfigNode? Longest(IEnumerable<ConfigNode> candidates, string path)
    {
        ConfigNode? best = null;
        foreach (var node in candidates)
        {
            var p = node.Path;
            var atBoundary = path.Length == p.Length || (path.Length > p.Length && path[p.Length] is '.' or '[');
            if (atBoundary && path.StartsWith(p, StringComparison.Ordinal) && (best is null || p.Length > best.Path.Length))
            {
                best = node;
            }
        }

        return best;
    }

    private static ConfigNode? ItemAt(ConfigList list, string path)
    {
        var rest = path.AsSpan(list.Path.Length);
        var close = rest.IndexOf(']');
        return rest.Length > 2 && rest[0] == '[' && close > 1 && int.TryParse(rest[1..close], out var index) && index >= 0 && index < list.Items.Count
            ? list.Items[index]
            : null;
    }
}
