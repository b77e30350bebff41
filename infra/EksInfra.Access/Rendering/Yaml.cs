using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Rendering;

/// <summary>
/// Builds YAML from nodes or events, never by string concatenation: one malformed mapRoles entry would make the
/// authenticator drop every role mapping. The text is YamlDotNet's emitter's, byte for byte: written by
/// <see cref="FastYamlWriter"/> where it is certain of those bytes, by the emitter itself otherwise.
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
                map.Add(Str(key), value);
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

        // Text that opens with a letter resolves only as a YAML 1.1 or 1.2 boolean or null keyword: one of these
        // letters first, and five characters at most ('false'). Names and ARNs are longer, or open with another letter.
        var mayResolve = value.Length == 0 || !char.IsAsciiLetter(value[0]) || (value.Length <= 5 && "yYnNtTfFoO".Contains(value[0], StringComparison.Ordinal));
        return mayResolve && NonStringPlain().IsMatch(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
    }

    /// <summary>The style <see cref="Block"/> and <see cref="EventWriter.Block"/> give a value.</summary>
    private static ScalarStyle BlockStyleOf(string value) => value.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : ScalarStyle.Any;

    /// <summary>A multi-line string value (aws-auth's mapRoles), as a literal block where the emitter allows it.</summary>
    public static YamlScalarNode Block(string value) => new(value) { Style = BlockStyleOf(value) };

    /// <summary>Emits the nodes as YAML documents; several are separated by '---', as kubectl expects.</summary>
    public static string Emit(params YamlNode[] documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return EmitWith(documents, WriteNodes);
    }

    /// <summary>
    /// Emits YAML straight from events, for large documents (aws-auth's mapRoles, RBAC) where building a node per
    /// value first would double the work: each root node written is one document, '---' between them.
    /// </summary>
    /// <remarks>
    /// The text is written by <see cref="FastYamlWriter"/>, which writes what YamlDotNet's emitter writes, where it is
    /// certain of it; at the first scalar or shape it is not certain of, the whole text goes through the emitter
    /// instead (so <paramref name="write"/> must be a pure function of <paramref name="state"/>: it may run twice).
    /// </remarks>
    public static string EmitWith<TState>(TState state, Action<EventWriter, TState> write) =>
        EmitByHand(state, write) ?? EmitByEmitter(state, write);

    /// <summary>The events of one document, emitted as <see cref="EmitWith{TState}"/> does.</summary>
    public static string EmitWith(Action<EventWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return EmitWith(write, static (yaml, write) => write(yaml));
    }

    /// <summary>The text written by hand, or null where the hand writer is not certain of the emitter's bytes.</summary>
    internal static string? EmitByHand<TState>(TState state, Action<EventWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = new FastYamlWriter();
        write(writer, state);
        return writer.Finish();
    }

    /// <summary>The text through YamlDotNet's emitter: the reference the hand-written text must match, and its fallback.</summary>
    internal static string EmitByEmitter<TState>(TState state, Action<EventWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings().WithNewLine("\n"));
        emitter.Emit(new StreamStart());
        write(new EmitterWriter(emitter), state);
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteNodes(EventWriter yaml, YamlNode[] documents)
    {
        foreach (var document in documents)
        {
            yaml.Node(document);
        }
    }

    /// <summary>
    /// The events of YAML documents, written in order. A node written at the root is a document of its own (the
    /// first implicit, later ones after '---'), the way <see cref="Emit"/> writes several.
    /// </summary>
    public abstract class EventWriter
    {
        private int depth;
        private int documents;

        private protected EventWriter()
        {
        }

        public void BeginSequence() => BeginSequence(SequenceStyle.Any);

        public void EndSequence()
        {
            depth--;
            WriteSequenceEnd();
            EndNode();
        }

        public void BeginMap() => BeginMap(MappingStyle.Any);

        public void EndMap()
        {
            depth--;
            WriteMappingEnd();
            EndNode();
        }

        /// <summary>A string value, quoted by the same rule as <see cref="Str"/>.</summary>
        public void Text(string value) => Scalar(value, StyleOf(value));

        /// <summary>
        /// A mapping key, quoted by the same rule as a value: kubectl's YAML reader (go-yaml v2 under sigs.k8s.io/yaml)
        /// turns a plain key such as a label named <c>yes</c> or <c>010</c> into "true" or "8".
        /// </summary>
        public void Key(string key) => Scalar(key, StyleOf(key));

        /// <summary>A key and its string value.</summary>
        public void Pair(string key, string value)
        {
            Key(key);
            Text(value);
        }

        /// <summary>A multi-line string value, as <see cref="Yaml.Block"/> writes it.</summary>
        public void Block(string value) => Scalar(value, BlockStyleOf(value));

        public void Strings(IEnumerable<string> values)
        {
            ArgumentNullException.ThrowIfNull(values);
            BeginSequence();

            // Indexed when it can be: aws-auth writes a list per mapping, and an enumerator each would be garbage.
            if (values is IReadOnlyList<string> list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    Text(list[i]);
                }
            }
            else
            {
                foreach (var value in values)
                {
                    Text(value);
                }
            }

            EndSequence();
        }

        /// <summary>A node and everything under it, with the styles it holds.</summary>
        public void Node(YamlNode node)
        {
            ArgumentNullException.ThrowIfNull(node);
            switch (node)
            {
                case YamlScalarNode scalar:
                    Scalar(scalar.Value ?? "", scalar.Style);
                    break;
                case YamlSequenceNode sequence:
                    BeginSequence(sequence.Style);
                    foreach (var child in sequence.Children)
                    {
                        Node(child);
                    }

                    EndSequence();
                    break;
                case YamlMappingNode mapping:
                    BeginMap(mapping.Style);
                    foreach (var (key, value) in mapping.Children)
                    {
                        Node(key);
                        Node(value);
                    }

                    EndMap();
                    break;
                default:
                    throw new InvalidOperationException($"unexpected YAML node {node.NodeType}");
            }
        }

        private protected abstract void WriteDocumentStart(bool isFirst);

        private protected abstract void WriteDocumentEnd();

        private protected abstract void WriteSequenceStart(SequenceStyle style);

        private protected abstract void WriteSequenceEnd();

        private protected abstract void WriteMappingStart(MappingStyle style);

        private protected abstract void WriteMappingEnd();

        private protected abstract void WriteScalar(string value, ScalarStyle style);

        private void BeginSequence(SequenceStyle style)
        {
            BeginNode();
            WriteSequenceStart(style);
            depth++;
        }

        private void BeginMap(MappingStyle style)
        {
            BeginNode();
            WriteMappingStart(style);
            depth++;
        }

        private void Scalar(string value, ScalarStyle style)
        {
            ArgumentNullException.ThrowIfNull(value);
            BeginNode();
            WriteScalar(value, style);
            EndNode();
        }

        private void BeginNode()
        {
            if (depth == 0)
            {
                WriteDocumentStart(isFirst: documents++ == 0);
            }
        }

        private void EndNode()
        {
            if (depth == 0)
            {
                WriteDocumentEnd();
            }
        }
    }

    /// <summary>Events to YamlDotNet's emitter.</summary>
    private sealed class EmitterWriter(IEmitter emitter) : EventWriter
    {
        private protected override void WriteDocumentStart(bool isFirst) => emitter.Emit(new DocumentStart(null, null, isImplicit: isFirst));

        private protected override void WriteDocumentEnd() => emitter.Emit(new DocumentEnd(isImplicit: true));

        private protected override void WriteSequenceStart(SequenceStyle style) => emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, style));

        private protected override void WriteSequenceEnd() => emitter.Emit(new SequenceEnd());

        private protected override void WriteMappingStart(MappingStyle style) => emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, style));

        private protected override void WriteMappingEnd() => emitter.Emit(new MappingEnd());

        private protected override void WriteScalar(string value, ScalarStyle style) =>
            emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    // YAML 1.1 (the authenticator's go-yaml v2) and 1.2 keywords and numbers, prefixes in any case, and YAML 1.1
    // timestamps (PyYAML reads 2024-01-15 as a date; go-yaml v2 keeps it a string, but quoting costs nothing).
    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(0[bB][01_]+|0[oO]?[0-7_]+|0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.(inf|Inf|INF))|\.(nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \t].*)?)$")]
    private static partial Regex NonStringPlain();
}
