using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksInfra.Access.Config;

/// <summary>
/// Reads YAML into <see cref="ConfigNode"/>s with positions. Built on the event parser rather than the
/// object model so that duplicate keys, alias bombs and bad bytes become diagnostics, never exceptions.
/// </summary>
public static partial class YamlConfigReader
{
    private const string MergeKey = "<<";

    /// <summary>A stack file larger than this is refused before parsing: nothing legitimate comes close.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>Expanded node budget, so a few aliases cannot expand into billions of nodes.</summary>
    public const int MaxNodes = 2_000_000;

    public sealed record ReadResult(ConfigNode? Root, IReadOnlyList<Diagnostic> Diagnostics);

    /// <param name="transparentKey">
    /// A top-level key whose children are named by their own keys: in a stack file, <c>config.aws:region</c>
    /// is the config path <c>aws:region</c>.
    /// </param>
    public static ReadResult ReadBytes(byte[] bytes, string fileName, string rootPath = "", string? transparentKey = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > MaxFileBytes)
        {
            return Fail(rootPath, $"the file is {bytes.Length:N0} bytes, over the {MaxFileBytes:N0}-byte limit for a stack file; split the access model or remove generated content", new SourceLocation(fileName, 1, 1));
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var offset = e.Index >= 0 ? e.Index : 0;
            var line = 1 + bytes.Take(Math.Min(offset, bytes.Length)).Count(b => b == (byte)'\n');
            return Fail(rootPath, "the file is not valid UTF-8; save it as UTF-8 (Pulumi reads stack files as UTF-8)", new SourceLocation(fileName, line, 1));
        }

        return ReadText(text.TrimStart('\uFEFF'), fileName, rootPath, transparentKey);
    }

    public static ReadResult ReadText(string text, string fileName, string rootPath = "", string? transparentKey = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new Builder(fileName, rootPath, transparentKey);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return new ReadResult(null, []);
            }

            parser.Consume<DocumentStart>();
            var root = builder.ReadNode(parser, ConfigPlace.Root(rootPath));
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                builder.Diagnostics.Error(rootPath.Length == 0 ? "(file)" : rootPath, "the file holds more than one YAML document; a stack file is one document", builder.At(parser.Current?.Start ?? Mark.Empty));
            }

            return new ReadResult(root, builder.Diagnostics.ToSortedList());
        }
        catch (YamlException e)
        {
            var hint = text.Contains('\t', StringComparison.Ordinal) && e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) is false && TabIndent().IsMatch(text)
                ? "; the file indents with a tab, and YAML allows only spaces"
                : "";
            return Fail(rootPath, $"the file is not valid YAML: {Clean(e.Message)}{hint}", builder.At(e.Start));
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet throws this (not a YamlException) for some truncated flow collections.
            return Fail(rootPath, $"the file is not valid YAML: {e.Message}; check for an unclosed '[' or '{{'", builder.At(Mark.Empty));
        }
        catch (LimitExceededException e)
        {
            return Fail(rootPath, e.Message, new SourceLocation(fileName, 1, 1));
        }
    }

    private static ReadResult Fail(string rootPath, string message, SourceLocation location)
    {
        var bag = new DiagnosticBag();
        bag.Error(rootPath.Length == 0 ? "(file)" : rootPath, message, location);
        return new ReadResult(null, bag.ToSortedList());
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 1, Idx: 20) - (Line: ...): "; the location is reported separately.
        var idx = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (idx >= 0 ? message[(idx + 3)..] : message).Trim();
    }

    [GeneratedRegex(@"^\t", RegexOptions.Multiline)]
    private static partial Regex TabIndent();

    private sealed class LimitExceededException(string message) : Exception(message);

    private sealed class Builder(string fileName, string rootPath, string? transparentKey)
    {
        private readonly Dictionary<string, (ConfigNode Node, int Size)> anchors = new(StringComparer.Ordinal);
        private int nodeCount;

        public DiagnosticBag Diagnostics { get; } = new();

        public SourceLocation At(Mark mark) => new(fileName, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

        public ConfigNode ReadNode(IParser parser, ConfigPlace place)
        {
            var before = nodeCount;
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"the alias *{alias.Value.Value} names no anchor");
                }

                Count(target.Size);
                return ConfigPath.Rebase(target.Node, place);
            }

            ConfigNode node;
            AnchorName anchor;
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                Count(1);
                anchor = scalar.Anchor;
                node = new ConfigScalar(At(place, scalar.Start), scalar.Value, Resolve(scalar));
            }
            else if (parser.TryConsume<SequenceStart>(out var seq))
            {
                Count(1);
                anchor = seq.Anchor;
                var list = new ConfigList(At(place, seq.Start));
                var count = 0;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    list.Add(ReadNode(parser, ConfigPlace.Item(list, count++)));
                }

                node = list;
            }
            else if (parser.TryConsume<MappingStart>(out var mapStart))
            {
                Count(1);
                anchor = mapStart.Anchor;
                var map = new ConfigMap(At(place, mapStart.Start));
                var keyLines = new List<int>();
                Dictionary<string, int>? index = null;
                List<ConfigNode>? merges = null;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (!parser.TryConsume<Scalar>(out var key))
                    {
                        // `username: {{SessionName}}` unquoted is a flow map whose key is another map, not text.
                        var at = At(parser.Current?.Start ?? mapStart.Start);
                        Diagnostics.Error(map.Path, "is YAML flow syntax ('{' opens a map), not text; quote it, e.g. \"{{SessionName}}\", if you meant a username template", at);
                        parser.SkipThisAndNestedEvents();
                        parser.SkipThisAndNestedEvents();
                        continue;
                    }

                    var childPlace = key.Value == transparentKey && map.Path == rootPath ? ConfigPlace.Root("") : ConfigPlace.Entry(map, key.Value);
                    var value = ReadNode(parser, childPlace);
                    if (key.Value == MergeKey && key.Style == ScalarStyle.Plain)
                    {
                        (merges ??= []).Add(value);
                        continue;
                    }

                    var first = IndexOfKey(map.Entries, ref index, key.Value);
                    if (first >= 0)
                    {
                        Diagnostics.Error(childPlace.Path, $"the key '{key.Value}' appears twice in one map (first at line {keyLines[first]}); YAML keeps only one of them, so delete or merge the other", At(key.Start));
                        continue;
                    }

                    index?.Add(key.Value, map.Entries.Count);
                    map.Add(key.Value, value);
                    keyLines.Add(Line(key.Start));
                }

                Merge(map, merges);
                node = map;
            }
            else
            {
                var current = parser.Current;
                throw new YamlException(current?.Start ?? Mark.Empty, current?.End ?? Mark.Empty, "unexpected YAML content");
            }

            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = (node, nodeCount - before);
            }

            return node;
        }

        private ConfigPlace At(ConfigPlace place, Mark mark) => place.At(fileName, Line(mark), (int)Math.Max(1, mark.Column));

        private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

        /// <summary>
        /// Applies <c>&lt;&lt;: *anchor</c> (or a list of them) as Pulumi's YAML reader does: keys the map sets itself
        /// win, then earlier sources over later ones.
        /// </summary>
        private void Merge(ConfigMap map, List<ConfigNode>? merges)
        {
            if (merges is null)
            {
                return;
            }

            var sources = merges.SelectMany(m => m is ConfigList list ? list.Items : [m]).ToList();
            foreach (var source in sources)
            {
                if (source is not ConfigMap from)
                {
                    Diagnostics.Error(ConfigPath.Child(map.Path, MergeKey), $"a merge key takes a map (or a list of maps) to merge, not {source.KindName}", source.Location);
                    continue;
                }

                foreach (var (key, value) in from.Entries)
                {
                    if (map[key] is null)
                    {
                        map.Add(key, ConfigPath.Rebase(value, ConfigPlace.Entry(map, key)));
                    }
                }
            }
        }

        /// <summary>Where a key already stands in the map: a scan for the small maps a stack file is made of, an index for large ones.</summary>
        private static int IndexOfKey(IReadOnlyList<KeyValuePair<string, ConfigNode>> entries, ref Dictionary<string, int>? index, string key)
        {
            const int ScanLimit = 16;
            if (index is null && entries.Count >= ScanLimit)
            {
                index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < entries.Count; i++)
                {
                    index[entries[i].Key] = i;
                }
            }

            if (index is not null)
            {
                return index.TryGetValue(key, out var at) ? at : -1;
            }

            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Key == key)
                {
                    return i;
                }
            }

            return -1;
        }

        private void Count(int n)
        {
            nodeCount += n;
            if (nodeCount > MaxNodes)
            {
                throw new LimitExceededException($"the file expands to more than {MaxNodes:N0} YAML nodes (aliases included); a stack file that large is refused");
            }
        }

        /// <summary>Resolves plain scalars the way Pulumi's YAML reader does before it turns config into JSON.</summary>
        private static ScalarKind Resolve(Scalar scalar)
        {
            if (!scalar.Tag.IsEmpty)
            {
                return scalar.Tag.Value switch
                {
                    "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" => ScalarKind.Number,
                    "tag:yaml.org,2002:bool" => ScalarKind.Boolean,
                    "tag:yaml.org,2002:null" => ScalarKind.Null,
                    _ => ScalarKind.Text,
                };
            }

            if (scalar.Style != ScalarStyle.Plain)
            {
                return ScalarKind.Text;
            }

            var v = scalar.Value;
            if (v is "" or "~" or "null" or "Null" or "NULL")
            {
                return ScalarKind.Null;
            }

            if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            {
                return ScalarKind.Boolean;
            }

            // Most scalars are names and ARNs; only text that opens like a number needs the full pattern.
            var mayBeNumber = char.IsAsciiDigit(v[0]) || v[0] is '-' or '+' or '.';
            return mayBeNumber && NumberPattern().IsMatch(v) ? ScalarKind.Number : ScalarKind.Text;
        }
    }

    [GeneratedRegex(@"^([-+]?(0|[1-9][0-9_]*|0[0-7]+|0o[0-7]+|0x[0-9a-fA-F]+)|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex NumberPattern();
}
