using EksInfra.Access.Model;

namespace EksInfra.Access.Config;

/// <summary>
/// One config value as the binder reads it, once and in file order. A stack file's long lists and maps (an access
/// model's mapRoles, groups, ...) arrive one item at a time, each item as a small <see cref="ConfigNode"/> that is
/// garbage once bound, so no tree of the whole file is alive from parse to plan. Pulumi's JSON config, already a
/// tree, is read through the same interface, so both entry points run one binder.
/// </summary>
public abstract class ConfigValue
{
    /// <summary>The Pulumi config path of the value.</summary>
    public abstract string Path { get; }

    /// <summary>Where the value starts in its file; null for Pulumi's JSON.</summary>
    public abstract SourceLocation? Location { get; }

    /// <summary>A list, to be read item by item with <see cref="ReadItems"/>.</summary>
    public abstract bool IsList { get; }

    /// <summary>A map, to be read entry by entry with <see cref="ReadEntries"/>.</summary>
    public abstract bool IsMap { get; }

    /// <summary>The whole value as a node; for small values, and for anything that is not the shape a caller streams.</summary>
    public abstract ConfigNode ReadWhole();

    /// <summary>Calls <paramref name="item"/> with each item of a list, in order.</summary>
    public abstract void ReadItems(Action<ConfigNode> item);

    /// <summary>
    /// Like <see cref="ReadItems(Action{ConfigNode})"/>, but an item that is a plain map of scalars and lists of scalars
    /// (no anchors, aliases, tags or merge keys) is first offered to <paramref name="simple"/> as it was read, without a
    /// node; only when that declines is the item built as a node for <paramref name="item"/>. A tree offers nothing.
    /// </summary>
    public virtual void ReadItems(Func<SimpleMap, bool> simple, Action<ConfigNode> item) => ReadItems(item);

    /// <summary>
    /// Calls <paramref name="entry"/> with each key and value of a map, in file order, merge keys' entries last; a value
    /// the callback leaves unread is read (and checked) anyway.
    /// </summary>
    public abstract void ReadEntries(Action<string, ConfigValue> entry);

    public static ConfigValue Of(ConfigNode node) => new TreeValue(node);

    /// <summary>A value that is already a tree: Pulumi's JSON, an alias's copy, a merged entry.</summary>
    private sealed class TreeValue(ConfigNode node) : ConfigValue
    {
        public override string Path => node.Path;

        public override SourceLocation? Location => node.Location;

        public override bool IsList => node is ConfigList;

        public override bool IsMap => node is ConfigMap;

        public override ConfigNode ReadWhole() => node;

        public override void ReadItems(Action<ConfigNode> item)
        {
            ArgumentNullException.ThrowIfNull(item);
            foreach (var child in ((ConfigList)node).Items)
            {
                item(child);
            }
        }

        public override void ReadEntries(Action<string, ConfigValue> entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            foreach (var (key, value) in ((ConfigMap)node).Entries)
            {
                entry(key, new TreeValue(value));
            }
        }
    }
}

/// <summary>
/// A list item read straight from parser events that is a map of plain scalars and lists of plain scalars: the large
/// part of an access model (each mapRoles and mapUsers entry), bound without a node. A binder that finds anything it
/// would have to report declines it, and the item is bound from a node as usual, so every diagnostic keeps one source.
/// </summary>
public sealed class SimpleMap
{
    private readonly List<(string Key, int ValueStart, int ValueEnd)> entries = [];
    private readonly List<(string Text, ScalarKind Kind)> scalars = [];

    /// <summary>The item's config path, as its list's path and its index.</summary>
    public ItemPath Item { get; private set; }

    public int Count => entries.Count;

    public string Key(int entry) => entries[entry].Key;

    /// <summary>The entry's value when it is a single string scalar.</summary>
    public bool TryText(int entry, out string text)
    {
        var (_, start, _) = entries[entry];
        var isText = start >= 0 && scalars[start].Kind == ScalarKind.Text;
        text = isText ? scalars[start].Text : "";
        return isText;
    }

    /// <summary>The entry's value when it is a list whose every item is a string scalar.</summary>
    public bool TryTextList(int entry, out string[] texts)
    {
        var (_, start, end) = entries[entry];
        texts = [];
        if (start >= 0)
        {
            return false;
        }

        var first = -2 - start;
        texts = new string[end - first];
        for (var i = 0; i < texts.Length; i++)
        {
            var (text, kind) = scalars[first + i];
            if (kind != ScalarKind.Text)
            {
                texts = [];
                return false;
            }

            texts[i] = text;
        }

        return true;
    }

    internal void Reset(ItemPath item)
    {
        Item = item;
        entries.Clear();
        scalars.Clear();
    }

    /// <summary>An entry whose value is one scalar.</summary>
    internal void AddScalar(string key, string text, ScalarKind kind)
    {
        entries.Add((key, scalars.Count, scalars.Count + 1));
        scalars.Add((text, kind));
    }

    /// <summary>An entry whose value is a list; its items follow with <see cref="AddItem"/>.</summary>
    internal void StartList(string key) => entries.Add((key, -2 - scalars.Count, scalars.Count));

    internal void AddItem(string text, ScalarKind kind)
    {
        scalars.Add((text, kind));
        var (key, start, _) = entries[^1];
        entries[^1] = (key, start, scalars.Count);
    }
}
