using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Rendering;

/// <summary>
/// Builds YAML through YamlDotNet's representation model and emitter, never by string concatenation:
/// one malformed mapRoles entry would make the authenticator drop every role mapping.
/// </summary>
public static partial class Yaml
{
    public static YamlMappingNode Map(params (string Key, YamlNode? Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map.Add(new YamlScalarNode(key), value);
            }
        }

        return map;
    }

    public static YamlSequenceNode Seq(IEnumerable<YamlNode> items) => new(items);

    public static YamlSequenceNode Strings(IEnumerable<string> items) => new(items.Select(Str));

    /// <summary>A string scalar, quoted whenever a plain scalar would read back as a number, boolean or null.</summary>
    public static YamlScalarNode Str(string value) => new(value)
    {
        Style = NonStringPlain().IsMatch(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any,
    };

    /// <summary>A multi-line string value (aws-auth's mapRoles), as a literal block where the emitter allows it.</summary>
    public static YamlScalarNode Block(string value) => new(value) { Style = value.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : ScalarStyle.Any };

    /// <summary>Emits the nodes as YAML documents; several are separated by '---', as kubectl expects.</summary>
    public static string Emit(params YamlNode[] documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        using var writer = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings().WithNewLine("\n"));
        emitter.Emit(new StreamStart());
        for (var i = 0; i < documents.Length; i++)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: i == 0));
            EmitNode(emitter, documents[i]);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void EmitNode(IEmitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, scalar.Value ?? "", scalar.Style, isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case YamlSequenceNode sequence:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, sequence.Style));
                foreach (var child in sequence.Children)
                {
                    EmitNode(emitter, child);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case YamlMappingNode mapping:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, mapping.Style));
                foreach (var (key, value) in mapping.Children)
                {
                    EmitNode(emitter, key);
                    EmitNode(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            default:
                throw new InvalidOperationException($"unexpected YAML node {node.NodeType}");
        }
    }

    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex NonStringPlain();
}
