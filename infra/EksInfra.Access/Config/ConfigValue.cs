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
