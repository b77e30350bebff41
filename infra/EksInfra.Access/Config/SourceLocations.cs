namespace EksInfra.Access.Config;

/// <summary>Where each config path stands in its file, for diagnostics found after binding (the validator's, the planner's).</summary>
public abstract class SourceLocations
{
    /// <summary>No positions: Pulumi's JSON config has no file.</summary>
    public static SourceLocations None { get; } = new TreeLocations([]);

    /// <summary>The position of the node at exactly <paramref name="path"/>, or null when no node stands there.</summary>
    public abstract SourceLocation? Find(string path);

    /// <summary>Positions held by the config trees themselves (Pulumi's JSON, a stack file read as values).</summary>
    public static SourceLocations Of(IReadOnlyCollection<ConfigNode> roots) => new TreeLocations(roots);

    private protected static bool AtBoundary(string path, int at) => at == path.Length || (at < path.Length && path[at] is '.' or '[');

    /// <summary>Whether a map key stands at <paramref name="start"/> in the path, ending at a segment boundary.</summary>
    private protected static bool KeyAt(string path, int start, string key) =>
        start + key.Length <= path.Length && AtBoundary(path, start + key.Length) && string.CompareOrdinal(path, start, key, 0, key.Length) == 0;

    /// <summary>Where the keys of a map at <paramref name="at"/> start, or -1 when no key can follow there.</summary>
    private protected static int KeyStart(string path, int at) =>
        at == 0 ? 0 : path[at] == '.' ? at + 1 : -1;

    /// <summary>The item index written at <paramref name="at"/> (<c>[3]</c>) and where it ends, or -1.</summary>
    private protected static (int Index, int End) IndexAt(string path, int at)
    {
        var rest = path.AsSpan(at);
        var close = rest.IndexOf(']');
        return rest.Length > 2 && rest[0] == '[' && close > 1 && int.TryParse(rest[1..close], out var index) && index >= 0
            ? (index, at + close + 1)
            : (-1, at);
    }

    /// <summary>
    /// A path is found by walking down the tree it names, matching its keys and indexes in place, so a valid stack
    /// (asked about a warning or two) never pays for a path string per node.
    /// </summary>
    private sealed class TreeLocations(IReadOnlyCollection<ConfigNode> roots) : SourceLocations
    {
        public override SourceLocation? Find(string path)
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

        /// <summary>The entry whose key is the longest that follows at <paramref name="at"/>: keys may hold dots.</summary>
        private static (ConfigNode?, int) EntryAt(ConfigMap map, string path, int at)
        {
            // The children of a map at path "" (a stack file's config block) are named by their key alone.
            var start = KeyStart(path, at);
            if (start < 0)
            {
                return (null, at);
            }

            ConfigNode? best = null;
            var bestEnd = at;
            foreach (var (key, value) in map.Entries)
            {
                var end = start + key.Length;
                if (KeyAt(path, start, key) && (best is null || end > bestEnd))
                {
                    best = value;
                    bestEnd = end;
                }
            }

            return (best, bestEnd);
        }

        private static (ConfigNode?, int) ItemAt(ConfigList list, string path, int at)
        {
            var (index, end) = IndexAt(path, at);
            return index >= 0 && index < list.Items.Count ? (list.Items[index], end) : (null, at);
        }
    }
}

/// <summary>
/// The positions of a stack file that was bound as it was parsed: one row per node, in document order, each
/// subtree's rows contiguous. The rows hold no references, so the collector never scans them, and the nodes they
/// describe can be garbage as soon as they are bound. They are kept in chunks below the large object heap's threshold:
/// a table of a large file allocated at once would start a full collection in every read.
/// </summary>
public sealed class PositionTable : SourceLocations
{
    /// <summary>The parent of a config key's node (<c>aws:region</c>, <c>eks-infra:access</c>): the rows without parent.</summary>
    internal const int Root = -1;

    private readonly string file;
    private readonly List<string> keys = [];
    private readonly Dictionary<string, int> keyIds = new(StringComparer.Ordinal);
    private const int ChunkShift = 12;
    private const int ChunkRows = 1 << ChunkShift;
    private readonly List<Row[]> chunks = [];
    private int count;

    internal PositionTable(string file)
    {
        this.file = file;
    }

    private ref Row this[int row] => ref chunks[row >> ChunkShift][row & (ChunkRows - 1)];

    /// <summary>Adds the row of a node that starts here; its subtree's rows follow until <see cref="End"/>.</summary>
    internal int Start(ConfigPlace place, int line, int column)
    {
        if (count == chunks.Count * ChunkRows)
        {
            // A file of a few keys needs no more than a few rows.
            chunks.Add(new Row[chunks.Count == 0 ? 64 : ChunkRows]);
        }
        else if (chunks.Count == 1 && count == chunks[0].Length)
        {
            var grown = new Row[ChunkRows];
            chunks[0].CopyTo(grown, 0);
            chunks[0] = grown;
        }

        // A map entry's segment is its key's id; a list item's is its index, below zero.
        var segment = place.Segment is { } key ? KeyId(key) : -1 - place.Index;
        this[count] = new Row(segment, line, column, count + 1);
        return count++;
    }

    internal void End(int row) => this[row].Next = count;

    /// <summary>Rows for a whole node (an alias's copy, a merged entry): each at the position the node was read from.</summary>
    internal void Add(ConfigNode node)
    {
        var place = node.Place;
        var row = Start(place, place.Line, place.Column);
        switch (node)
        {
            case ConfigList list:
                foreach (var item in list.Items)
                {
                    Add(item);
                }

                break;
            case ConfigMap map:
                foreach (var (_, value) in map.Entries)
                {
                    Add(value);
                }

                break;
        }

        End(row);
    }

    public override SourceLocation? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var node = -1;
        var matched = 0;
        for (var r = 0; r < count; r = this[r].Next)
        {
            // A root's path is its config key.
            var key = keys[this[r].Segment];
            if (AtBoundary(path, key.Length) && path.StartsWith(key, StringComparison.Ordinal) && (node < 0 || key.Length > matched))
            {
                node = r;
                matched = key.Length;
            }
        }

        // A node's children are the rows of its range, found by skipping each child's own subtree; the first child
        // tells a list (items) from a map (keys), and a node without children has nothing below it to find.
        while (node >= 0 && matched < path.Length)
        {
            var first = node + 1;
            (node, matched) = first >= this[node].Next ? (-1, matched)
                : this[first].Segment < 0 ? ItemAt(node, path, matched)
                : EntryAt(node, path, matched);
        }

        return node < 0 ? null : new SourceLocation(file, this[node].Line, this[node].Column);
    }

    private (int, int) EntryAt(int map, string path, int at)
    {
        var start = KeyStart(path, at);
        if (start < 0)
        {
            return (-1, at);
        }

        var best = -1;
        var bestEnd = at;
        for (var c = map + 1; c < this[map].Next; c = this[c].Next)
        {
            var key = keys[this[c].Segment];
            var end = start + key.Length;
            if (KeyAt(path, start, key) && (best < 0 || end > bestEnd))
            {
                best = c;
                bestEnd = end;
            }
        }

        return (best, bestEnd);
    }

    private (int, int) ItemAt(int list, string path, int at)
    {
        var (index, end) = IndexAt(path, at);
        if (index < 0)
        {
            return (-1, at);
        }

        var c = list + 1;
        for (var i = 0; i < index && c < this[list].Next; i++)
        {
            c = this[c].Next;
        }

        return c < this[list].Next ? (c, end) : (-1, at);
    }

    private int KeyId(string key)
    {
        if (!keyIds.TryGetValue(key, out var id))
        {
            id = keys.Count;
            keys.Add(key);
            keyIds.Add(key, id);
        }

        return id;
    }

    private record struct Row(int Segment, int Line, int Column, int Next);
}
