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
        if (mayResolve && (NonStringPlain().IsMatch(value) || GoYamlReadsAsNumber(value)))
        {
            return ScalarStyle.DoubleQuoted;
        }

        // A plain scalar loses white space at its ends, and a reader turns NEL, LS and PS into line breaks. The emitter
        // quotes a space at an end but writes a tab and those plain; quoted, every character reads back (kubectl would
        // otherwise bind group 'tab' for 'tab\t').
        return value.Length > 0 && (value[0] == '\t' || value[^1] == '\t' || value.AsSpan().ContainsAny(ControlCharacters)) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
    }

    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c), '\u2028', '\u2029', '\uFEFF']);

    /// <summary>
    /// What go-yaml v2 (sigs.k8s.io/yaml, as aws-iam-authenticator reads aws-auth) resolves a plain scalar to, by its
    /// resolve.go table (YAML 1.1: y, yes, on and off are booleans; ~ and the empty scalar null; .inf and .nan floats)
    /// and its number rules. A value that is not text there fails encoding/json's decode into a string field, which then
    /// stays empty.
    /// </summary>
    public static Config.ScalarKind GoYamlV2Resolves(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        return plain switch
        {
            "" or "~" or "null" or "Null" or "NULL" => Config.ScalarKind.Null,
            "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON"
                or "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF" => Config.ScalarKind.Boolean,
            _ when GoYamlReadsAsNanOrInfinity(plain) => Config.ScalarKind.Number,
            // strconv.ParseFloat's range error leaves an out-of-range float (1e400) a string in resolve.go.
            _ => GoYamlReadsAsNumber(plain) && !OutOfFloatRange(plain) ? Config.ScalarKind.Number : Config.ScalarKind.Text,
        };
    }

    /// <summary>resolve.go's table entries for NaN and the infinities, which JSON cannot hold.</summary>
    public static bool GoYamlReadsAsNanOrInfinity(string plain) =>
        plain is ".nan" or ".NaN" or ".NAN" or ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF";

    private static bool OutOfFloatRange(string plain) =>
        double.TryParse(plain.Replace("_", "", StringComparison.Ordinal), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
        && double.IsInfinity(value);

    /// <summary>
    /// Whether go-yaml (v2, as kubectl's sigs.k8s.io/yaml and aws-iam-authenticator read YAML, and v3 alike) reads this
    /// plain scalar as a number. Its resolve.go takes every '_' out of a scalar that opens with a digit or a sign before
    /// it tries strconv.ParseInt (base 0: 0b, 0o, 0x and a leading 0), ParseUint and its float pattern, so '-_1', '1e_3'
    /// and '1_' are numbers; one that opens with '.' goes to ParseFloat as written.
    /// </summary>
    public static bool GoYamlReadsAsNumber(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (plain.Length == 0)
        {
            return false;
        }

        return plain[0] == '.' ? GoFloatFromDot().IsMatch(plain)
            : (char.IsAsciiDigit(plain[0]) || plain[0] is '-' or '+') && GoNumberWithoutUnderscores().IsMatch(plain.Replace("_", "", StringComparison.Ordinal));
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

    // strconv.ParseInt/ParseUint with base 0 (a sign, then 0b, 0o, 0x or digits; a digit run that is no octal still
    // matches yamlStyleFloat), or go-yaml's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    [GeneratedRegex(@"^[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$")]
    private static partial Regex GoNumberWithoutUnderscores();

    // strconv.ParseFloat of text that opens with '.', which go-yaml hands it as written, underscores and all: readFloat
    // skips '_' and underscoreOK allows one only between digits, so .1_0 is 0.1 (and ._1, .1_, .5_e1 are text).
    [GeneratedRegex(@"^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$")]
    private static partial Regex GoFloatFromDot();
}
