using YamlDotNet.RepresentationModel;

namespace EksInfra.Cli.Tests;

/// <summary>Rewrites a stack file with every list and every map of the access model in reverse order.</summary>
internal static class StackShuffler
{
    public static string ReverseEveryList(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = Reverse(stream.Documents[0].RootNode);
        var output = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter();
        output.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlNode Reverse(YamlNode node) => node switch
    {
        YamlSequenceNode seq => new YamlSequenceNode(seq.Children.Reverse().Select(Reverse)),
        YamlMappingNode map => new YamlMappingNode(map.Children.Reverse().Select(kv => new KeyValuePair<YamlNode, YamlNode>(kv.Key, Reverse(kv.Value)))),
        YamlScalarNode s => new YamlScalarNode(s.Value) { Style = s.Style },
        _ => node,
    };
}
