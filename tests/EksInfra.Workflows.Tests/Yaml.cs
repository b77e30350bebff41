using YamlDotNet.RepresentationModel;

namespace EksInfra.Workflows.Tests;

/// <summary>Small helpers over YamlDotNet's representation model.</summary>
internal static class Yaml
{
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(path)))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path}: expected one YAML document whose root is a mapping");
        }

        return root;
    }

    public static YamlNode? Child(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node.Child(key);
        }

        return node;
    }

    public static string? Text(this YamlNode? node) => node is YamlScalarNode scalar ? scalar.Value : null;

    public static List<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? [.. sequence.Children] : [];

    public static List<KeyValuePair<string, YamlNode>> Entries(this YamlNode? node) =>
        node is YamlMappingNode map
            ? [.. map.Children.Select(e => new KeyValuePair<string, YamlNode>(e.Key.Text() ?? "", e.Value))]
            : [];

    /// <summary>A scalar as a one-item list, a sequence of scalars as a list (e.g. <c>needs</c>).</summary>
    public static List<string> Strings(this YamlNode? node) => node switch
    {
        YamlScalarNode scalar when scalar.Value is { } value => [value],
        YamlSequenceNode sequence => [.. sequence.Children.Select(c => c.Text()).OfType<string>()],
        _ => [],
    };
}
