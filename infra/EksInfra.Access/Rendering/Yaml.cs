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
    public static YamlScalarNode Str(string value) => new(value) { Style = StyleOf(value) };

    /// <summary>
    /// Double quotes for text a plain scalar would turn into a number, boolean or null; the emitter's own choice
    /// otherwise (it quotes whatever YAML syntax needs, such as a leading '{').
    /// </summary>
    public static ScalarStyle StyleOf(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Names and ARNs open with a letter that no YAML 1.1 or 1.2 boolean or null keyword starts with.
        var mayResolve = value.Length == 0 || !char.IsAsciiLetter(value[0]) || "yYnNtTfFoO".Contains(value[0], StringComparison.Ordinal);
        return mayResolve && NonStringPlain().IsMatch(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
    }

    /// <summary>
    /// Emits one document straight from events, for large lists (aws-auth's mapRoles) where building a node
    /// per value first would double the work; the emitter still decides every quote and indent.
    /// </summary>
    public static string EmitWith(Action<EventWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings().WithNewLine("\n"));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        write(new EventWriter(emitter));
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>The events of one YAML document, written in order.</summary>
    public sealed class EventWriter
    {
        private readonly IEmitter emitter;

        internal EventWriter(IEmitter emitter) => this.emitter = emitter;

        public void BeginSequence() => emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, SequenceStyle.Any));

        public void EndSequence() => emitter.Emit(new SequenceEnd());

        public void BeginMap() => emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Any));

        public void EndMap() => emitter.Emit(new MappingEnd());

        /// <summary>A string value (or key), quoted by the same rule as <see cref="Str"/>.</summary>
        public void Text(string value) =>
            emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, StyleOf(value), isPlainImplicit: true, isQuotedImplicit: true));

        public void Strings(IEnumerable<string> values)
        {
            ArgumentNullException.ThrowIfNull(values);
            BeginSequence();
            foreach (var value in values)
            {
                Text(value);
            }

            EndSequence();
        }
    }

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

    // YAML 1.1 (the authenticator's go-yaml v2) and 1.2 keywords and numbers, prefixes in any case.
    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(0[bB][01_]+|0[oO]?[0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.(inf|Inf|INF))|\.(nan|NaN|NAN))$")]
    private static partial Regex NonStringPlain();
}
