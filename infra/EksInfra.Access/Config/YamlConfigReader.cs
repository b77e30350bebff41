using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EksInfra.Access.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksInfra.Access.Config;

/// <summary>What a YAML file read whole is, for the messages that say how to fix one that cannot be read at all.</summary>
public enum YamlFileKind
{
    /// <summary>A <c>Pulumi.STACK.yaml</c>, read by Pulumi too.</summary>
    StackFile,

    /// <summary>The output of <c>kubectl -n kube-system get configmap aws-auth -o yaml</c>, given to import and audit.</summary>
    AwsAuthExport,
}

/// <summary>
/// Reads YAML into <see cref="ConfigNode"/>s with positions. Built on the event parser rather than the
/// object model so that duplicate keys, alias bombs and bad bytes become diagnostics, never exceptions.
/// </summary>
public static partial class YamlConfigReader
{
    private const string MergeKey = "<<";

    /// <summary>The most events a list item is buffered for to be bound without a node; a mapping has about a dozen.</summary>
    private const int MaxSimpleEvents = 64;

    private const string AwsAuthExport = "kubectl -n kube-system get configmap aws-auth -o yaml";

    /// <summary>A stack file larger than this is refused before parsing: nothing legitimate comes close.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>Expanded node budget, so a few aliases cannot expand into billions of nodes.</summary>
    public const int MaxNodes = 2_000_000;

    /// <summary>
    /// The most maps and lists a value may nest in, aliases expanded. A stack file nests fewer than 15 (the file's map,
    /// config, eks-infra:access, roles, a role, its groups), an aws-auth export or one of its mapRoles fewer than 10.
    /// Reading and binding descend one call per level, so some thousands of levels (<c>a: {a: {a: ...}}</c>) overflow
    /// the stack and kill the process; 64 leaves room for any real file and is where the block parser leaves a file
    /// to YamlDotNet. Counted as the reader enters and leaves a collection: no allocation per node.
    /// </summary>
    public const int MaxNesting = 64;

    /// <param name="OverLimit">
    /// The file was refused for its size, its node count or its nesting, not for its YAML: what a YAML parser elsewhere
    /// (Pulumi's, the cluster's authenticator) makes of it is not known.
    /// </param>
    public sealed record ReadResult(ConfigNode? Root, IReadOnlyList<Diagnostic> Diagnostics, bool OverLimit = false);

    /// <param name="transparentKey">
    /// A top-level key whose children are named by their own keys: in a stack file, <c>config.aws:region</c>
    /// is the config path <c>aws:region</c>.
    /// </param>
    public static ReadResult ReadBytes(byte[] bytes, string fileName, YamlFileKind kind, string rootPath = "", string? transparentKey = null)
    {
        var text = Decode(bytes, fileName, rootPath, kind, out var failure);
        return text is null ? failure! : ReadText(text, fileName, rootPath, transparentKey, lastKeyWins: null, readByPulumi: kind == YamlFileKind.StackFile);
    }

    public static ReadResult ReadText(string text, string fileName, string rootPath = "", string? transparentKey = null) =>
        ReadText(text, fileName, rootPath, transparentKey, lastKeyWins: null, readByPulumi: false);

    /// <summary>
    /// Reads YAML as a Go program reading it with sigs.k8s.io/yaml would see its maps: a key given twice keeps its last
    /// value (go-yaml v2, not strict, overwrites), and the repeat is a warning saying <paramref name="whoReads"/> keeps it;
    /// plain scalars resolve by go-yaml v2's YAML 1.1 rules (<see cref="Rendering.Yaml.GoYamlV2Resolves"/>), so
    /// <c>yes</c> is a boolean and <c>0x1F</c> a number there.
    /// </summary>
    internal static ReadResult ReadTextLastKeyWins(string text, string fileName, string rootPath, string whoReads) =>
        ReadText(text, fileName, rootPath, transparentKey: null, lastKeyWins: whoReads, readByPulumi: false);

    private static ReadResult ReadText(string text, string fileName, string rootPath, string? transparentKey, string? lastKeyWins, bool readByPulumi)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new EventReader(new Parser(new StringReader(text)), () => text, fileName, rootPath, transparentKey, positions: null) { LastKeyWins = lastKeyWins, GoYamlV2 = lastKeyWins is not null, ReadByPulumi = readByPulumi };
        ConfigNode? root = null;
        var failed = reader.Run(parser =>
        {
            if (parser.AtStreamEnd())
            {
                return;
            }

            parser.ConsumeDocumentStart();
            root = reader.ReadNode(ConfigPlace.Root(rootPath), NoRow);
            reader.EndDocument();
        });
        return failed ?? new ReadResult(root, reader.Diagnostics.ToSortedList());
    }

    /// <summary>The file's text, or (as <paramref name="failure"/>) why it cannot be read at all, in the words of its <paramref name="kind"/>.</summary>
    private static string? Decode(byte[] bytes, string fileName, string rootPath, YamlFileKind kind, out ReadResult? failure)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        failure = null;
        var stackFile = kind == YamlFileKind.StackFile;
        if (bytes.Length > MaxFileBytes)
        {
            failure = Fail(
                rootPath,
                stackFile
                    ? $"the file is {bytes.Length:N0} bytes, over the {MaxFileBytes:N0}-byte limit for a stack file; split the access model or remove generated content"
                    : $"the file is {bytes.Length:N0} bytes, over the {MaxFileBytes:N0}-byte limit; an aws-auth ConfigMap holds at most 1 MiB, so this is not its export: pass the output of `{AwsAuthExport}`",
                new SourceLocation(fileName, 1, 1)) with { OverLimit = true };
            return null;
        }

        // A UTF-16 export without a byte order mark is valid UTF-8 (NUL bytes and all), and would fail as YAML.
        if (!stackFile && TextEncoding.IsUtf16(bytes))
        {
            failure = Fail(rootPath, TextEncoding.Utf16Export(AwsAuthExport, fileName), new SourceLocation(fileName, 1, 1));
            return null;
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException e)
        {
            var offset = e.Index >= 0 ? e.Index : 0;
            var line = 1 + bytes.Take(Math.Min(offset, bytes.Length)).Count(b => b == (byte)'\n');
            failure = Fail(
                rootPath,
                stackFile
                    ? "the file is not valid UTF-8; save it as UTF-8 (Pulumi reads stack files as UTF-8)"
                    : $"the file is not valid UTF-8, and kubectl writes UTF-8 (was it saved in another encoding?); export it again: `{AwsAuthExport} > {fileName}`",
                new SourceLocation(fileName, line, 1));
            return null;
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

    // A line that opens with a tab before content (before a comment, or on a blank line, a tab is separation, which YAML allows).
    [GeneratedRegex(@"^\t(?![ \t]*(?:#|\r?$))", RegexOptions.Multiline)]
    private static partial Regex TabIndent();

    // A tab after spaces in a line's indentation: an error only where YamlDotNet says so (in a block scalar or a flow
    // collection it is content or separation), so it is looked for on the error's own line and the next.
    [GeneratedRegex(@"^ +\t(?![ \t]*(?:#|\r?$))", RegexOptions.Multiline)]
    private static partial Regex TabAfterSpaces();

    // A key or list item whose value is a block scalar: `key: |`, `- >-`, `key: |2 # comment`, `key: !!str &a |`; not a comment.
    [GeneratedRegex(@"^(?!\s*#)(?:\s*-|.*:)\s+(?:[!&]\S*\s+)*[|>][-+0-9]*\s*(?:#.*)?$")]
    private static partial Regex BlockScalarHeader();

    internal enum ItemEventKind : byte
    {
        Other,
        Scalar,
        MapStart,
        MapEnd,
        ListStart,
        ListEnd,
    }

    /// <summary>An event of a list item being bound without a node: what binding it needs of the event.</summary>
    internal readonly record struct ItemEvent(ItemEventKind Kind, string? Value, ScalarStyle Style, Mark Start)
    {
        public static ItemEvent Of(ParsingEvent e) => e switch
        {
            Scalar s => new(ItemEventKind.Scalar, s.Value, s.Style, s.Start),
            MappingStart => new(ItemEventKind.MapStart, null, default, e.Start),
            MappingEnd => new(ItemEventKind.MapEnd, null, default, e.Start),
            SequenceStart => new(ItemEventKind.ListStart, null, default, e.Start),
            SequenceEnd => new(ItemEventKind.ListEnd, null, default, e.Start),
            _ => new(ItemEventKind.Other, null, default, e.Start),
        };

        /// <summary>Whether an item stops being simple at an event of <paramref name="kind"/>: a nested map, a list in a list, or one event too many.</summary>
        public static bool EndsSimpleItem(ItemEventKind kind, int depth, int count) =>
            (kind == ItemEventKind.MapStart && depth > 0) || (kind == ItemEventKind.ListStart && depth > 1) || count == MaxSimpleEvents;
    }

    /// <summary>A limit of the reader passed: at <paramref name="path"/> and <paramref name="location"/> when it has a place, else the file's start.</summary>
    private sealed class LimitExceededException(string message, string? path = null, SourceLocation? location = null) : Exception(message)
    {
        public string? Path => path;

        public SourceLocation? Location => location;
    }

    /// <summary>A flow collection the parser gave up on, with the '[' or '{' that opened it when one is known.</summary>
    private sealed class TruncatedFlowException(string message, Mark? openedAt, char opener) : Exception(message)
    {
        public Mark? OpenedAt => openedAt;

        public char Opener => opener;
    }

    /// <summary>
    /// YamlDotNet throws InvalidOperationException (not a YamlException) for some truncated flow collections; only
    /// the parser's own is a YAML error, not one thrown by code reading the values.
    /// </summary>
    private sealed class GuardedParser(IParser inner) : IParser
    {
        private List<ParsingEvent>? replay;
        private int replayAt;

        // The collections YamlDotNet has opened and not closed, for the position of the one it gives up on. Only its events
        // are followed: the block parser reads only block YAML, and a file it cannot read goes to YamlDotNet.
        private readonly Stack<(Mark Start, char Opener)> open = new();

        public ParsingEvent? Current => replay is null ? inner.Current : replay[replayAt];

        /// <summary>The block parser, when it is the one parsing and no events are being given again.</summary>
        public BlockYamlParser? Block => replay is null ? inner as BlockYamlParser : null;

        /// <summary>Whether the current event is of <paramref name="kind"/>; the block parser answers without making the event.</summary>
        public bool Is(ItemEventKind kind)
        {
            if (Block is { } block)
            {
                return block.CurrentIs(kind);
            }

            // As YamlDotNet's Accept does: a parser not yet started is moved to its first event.
            if (Current is null && !MoveNext())
            {
                throw new EndOfStreamException();
            }

            return ItemEvent.Of(Current!).Kind == kind;
        }

        // The block parser answers these two without making the document's start: its default tag directives would
        // run YamlDotNet's TagDirective static constructor, which compiles a regex, in every cold run.

        /// <summary>Whether the stream ends here, with no document: an empty file.</summary>
        public bool AtStreamEnd() => Block is { } block ? block.CurrentIsStreamEnd : this.Accept<StreamEnd>(out _);

        /// <summary>Moves past the document's start.</summary>
        public void ConsumeDocumentStart()
        {
            if (Block is not { } block || !block.TrySkipDocumentStart())
            {
                this.Consume<DocumentStart>();
            }
        }

        /// <summary>Gives <paramref name="events"/> (already read from the parser) again, then goes on where the parser stands.</summary>
        public void Replay(List<ParsingEvent> events)
        {
            if (events.Count > 0)
            {
                replay = events;
                replayAt = 0;
            }
        }

        public bool MoveNext()
        {
            if (replay is not null)
            {
                if (++replayAt < replay.Count)
                {
                    return true;
                }

                replay = null;
                return inner.Current is not null;
            }

            try
            {
                var moved = inner.MoveNext();
                if (moved && inner is not BlockYamlParser)
                {
                    Follow(inner.Current);
                }

                return moved;
            }
            catch (InvalidOperationException e)
            {
                var flow = open.FirstOrDefault(o => o.Opener != ' ');
                throw new TruncatedFlowException(e.Message, flow.Opener == default ? null : flow.Start, flow.Opener);
            }
        }

        private void Follow(ParsingEvent? current)
        {
            switch (current)
            {
                case SequenceStart s:
                    open.Push((s.Start, s.Style == SequenceStyle.Flow ? '[' : ' '));
                    break;
                case MappingStart m:
                    open.Push((m.Start, m.Style == MappingStyle.Flow ? '{' : ' '));
                    break;
                case SequenceEnd or MappingEnd when open.Count > 0:
                    open.Pop();
                    break;
            }
        }
    }

    /// <summary>
    /// A value in the event stream, read when its reader asks: whole, or a list or map one entry at a time (only its
    /// header node is made, the parent of its items' paths). An anchored value or an alias is read whole, since an
    /// alias replays the anchored tree.
    /// </summary>
    private sealed class StreamedValue : ConfigValue
    {
        private readonly EventReader? reader;
        private readonly ConfigPlace place;
        private readonly int rowParent;
        private ConfigNode? whole;
        private bool read;

        public StreamedValue(EventReader reader, ConfigPlace place, int rowParent)
        {
            this.reader = reader;
            this.rowParent = rowParent;
            var current = reader.Parser.Current;
            this.place = reader.PlaceAt(place, current?.Start ?? Mark.Empty);
            if (current is AnchorAlias || current is NodeEvent { Anchor.IsEmpty: false })
            {
                whole = reader.ReadNode(place, rowParent);
                read = true;
            }
        }

        public StreamedValue(ConfigNode node)
        {
            whole = node;
            read = true;
        }

        public override string Path => whole?.Path ?? place.Path;

        public override SourceLocation? Location => whole is not null ? whole.Location : new SourceLocation(place.File!, place.Line, place.Column);

        public override bool IsList => whole is not null ? whole is ConfigList : !read && reader!.Parser.Current is SequenceStart;

        public override bool IsMap => whole is not null ? whole is ConfigMap : !read && reader!.Parser.Current is MappingStart;

        public override ConfigNode ReadWhole()
        {
            if (whole is null)
            {
                Claim();
                whole = reader!.ReadNode(place, rowParent);
            }

            return whole;
        }

        public override void ReadItems(Action<ConfigNode> item) => Read(simple: null, item);

        public override void ReadItems(Func<SimpleMap, bool> simple, Action<ConfigNode> item)
        {
            ArgumentNullException.ThrowIfNull(simple);
            Read(simple, item);
        }

        public override void ReadEntries(Action<string, ConfigValue> entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            if (whole is not null)
            {
                Of(whole).ReadEntries(entry);
                return;
            }

            Claim();
            var start = reader!.Parser.Consume<MappingStart>();
            reader.ReadMap(new ConfigMap(place), start, place, rowParent, entry);
        }

        private void Read(Func<SimpleMap, bool>? simple, Action<ConfigNode> item)
        {
            ArgumentNullException.ThrowIfNull(item);
            if (whole is not null)
            {
                Of(whole).ReadItems(item);
                return;
            }

            Claim();
            var start = reader!.Parser.Consume<SequenceStart>();
            reader.ReadList(new ConfigList(place), start, rowParent, item, simple);
        }

        /// <summary>Reads the value if its reader did not: its nodes are counted, its anchors kept, its positions recorded.</summary>
        public void Finish()
        {
            if (!read)
            {
                ReadWhole();
            }
        }

        private void Claim()
        {
            if (read)
            {
                throw new InvalidOperationException($"the value at {place.Path} was read already");
            }

            read = true;
        }
    }

    /// <summary>What a parse found, and where it stopped when the file is not YAML at all.</summary>
    internal sealed record Outcome(IReadOnlyList<Diagnostic> Diagnostics, bool Failed);

    /// <summary>
    /// Reads one stack file's document as a stream of config values: <paramref name="root"/> gets the document's root
    /// value, to read whole or entry by entry. Positions of what is read below the <paramref name="transparentKey"/> map
    /// go into <paramref name="positions"/>. When the file is not YAML, the outcome holds only that error, and whatever
    /// <paramref name="root"/> saw before it must be dropped.
    /// </summary>
    internal static Outcome Stream(byte[] bytes, string fileName, string transparentKey, PositionTable positions, Action<ConfigValue?> root)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length > MaxFileBytes || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            Decode(bytes, fileName, "", YamlFileKind.StackFile, out var failure);
            return new Outcome(failure!.Diagnostics, Failed: true);
        }

        // Decoded as the parser reads, not into one string first; leading byte order marks are skipped, as ReadBytes trims them.
        var start = TextEncoding.Utf8BomLength(bytes);

        // A file in plain block YAML is read without YamlDotNet's scanner; any other, and any broken one, by YamlDotNet.
        var block = BlockYamlParser.TryParse(bytes, start);
        using var text = block is null ? new StreamReader(new MemoryStream(bytes, start, bytes.Length - start, writable: false), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false) : null;
        var reader = new EventReader(block ?? (IParser)new Parser(text!), () => Encoding.UTF8.GetString(bytes, start, bytes.Length - start), fileName, "", transparentKey, positions) { ReadByPulumi = true };
        var failed = reader.Run(parser =>
        {
            if (parser.AtStreamEnd())
            {
                root(null);
                return;
            }

            parser.ConsumeDocumentStart();
            var value = reader.Value(ConfigPlace.Root(""), NoRow);
            root(value);
            value.Finish();
            reader.EndDocument();
        });
        return failed is not null ? new Outcome(failed.Diagnostics, Failed: true) : new Outcome(reader.Diagnostics.ToSortedList(), Failed: false);
    }

    // Row parents: a node not recorded, and the transparent map, which is not recorded but whose children are the roots.
    private const int NoRow = -2;
    private const int TransparentRow = -3;

    /// <param name="text">The text being parsed, asked for only when it is not YAML (to tell a tab-indented file).</param>
    private sealed class EventReader(IParser source, Func<string> text, string fileName, string rootPath, string? transparentKey, PositionTable? positions)
    {
        private readonly Dictionary<string, (ConfigNode Node, int Size, int Height)> anchors = new(StringComparer.Ordinal);
        private readonly List<int> keyLines = [];
        private readonly List<ParsingEvent> buffered = [];
        private readonly List<ItemEvent> item = [];
        private readonly SimpleMap simpleMap = new();
        private readonly GuardedParser parser = new(source);
        private int nodeCount;

        // The collections open where the parser stands, and the most open at once since the node being read began
        // (an anchored node's height is what an alias of it adds to the nesting where it stands).
        private int depth;
        private int deepest;

        public DiagnosticBag Diagnostics { get; } = new();

        /// <summary>Who reads the YAML keeping a repeated key's last value (see <see cref="ReadTextLastKeyWins"/>); null: a repeat is an error.</summary>
        public string? LastKeyWins { get; init; }

        /// <summary>Whether plain scalars resolve as go-yaml v2 resolves them (YAML 1.1) rather than as Pulumi's reader does.</summary>
        public bool GoYamlV2 { get; init; }

        /// <summary>Whether Pulumi reads this file too (a stack file), so its map keys reach the program as Pulumi converts them.</summary>
        public bool ReadByPulumi { get; init; }

        public GuardedParser Parser => parser;

        public SourceLocation At(Mark mark) => new(fileName, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

        /// <summary>Runs <paramref name="read"/> from the stream's start; a file that is not YAML gives its one error instead.</summary>
        public ReadResult? Run(Action<GuardedParser> read)
        {
            try
            {
                parser.Consume<StreamStart>();
                read(parser);
                return null;
            }
            catch (YamlException e)
            {
                var whole = text();
                var hint = whole.Contains('\t', StringComparison.Ordinal) && e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) is false && TabIndent().IsMatch(whole)
                    ? "; the file indents with a tab, and YAML allows only spaces"
                    : "";
                return Fail(rootPath, $"the file is not valid YAML: {Clean(e.Message)}{hint}", TabAt(whole, e) ?? At(e.Start));
            }
            catch (TruncatedFlowException e) when (e.OpenedAt is { } opened)
            {
                return Fail(rootPath, $"the file is not valid YAML: the '{e.Opener}' at line {opened.Line}, column {opened.Column} is never closed; close it with '{(e.Opener == '[' ? ']' : '}')}'", At(opened));
            }
            catch (TruncatedFlowException e)
            {
                return Fail(rootPath, $"the file is not valid YAML: {e.Message}; check for an unclosed '[' or '{{'", At(Mark.Empty));
            }
            catch (LimitExceededException e)
            {
                return Fail(e.Path ?? rootPath, e.Message, e.Location ?? new SourceLocation(fileName, 1, 1)) with { OverLimit = true };
            }
        }

        /// <summary>
        /// YamlDotNet's tab errors carry no position ("found invalid tab as indentation") or the start of the scalar
        /// before the tab, a line early; the tab that starts a line at or after that point is what to fix.
        /// </summary>
        private SourceLocation? TabAt(string whole, YamlException e)
        {
            if (!e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var from = (int)Math.Min(e.Start.Index, whole.Length);
            int LineOf(Match m) => 1 + whole.AsSpan(0, m.Index).Count('\n');

            // A positioned error is on the tab's line or the one before; a tab further on is another line's, not this error's.
            bool Near(Match m) => m.Success && LineOf(m) <= e.Start.Line + 1;
            // With no position, a line that opens with a tab is the one; failing that, the first tab after spaces that is not
            // a block scalar's content.
            var tab = e.Start.Index > 0
                ? new[] { TabIndent().Match(whole, from), TabAfterSpaces().Match(whole, from) }.Where(Near).OrderBy(m => m.Index).FirstOrDefault()
                : TabIndent().Match(whole, from) is { Success: true } first ? first
                : TabAfterSpaces().Matches(whole, from).FirstOrDefault(m => !InBlockScalar(whole, m.Index));
            return tab is null ? null : new SourceLocation(fileName, LineOf(tab), tab.Length);
        }

        /// <summary>
        /// Whether the line at <paramref name="lineStart"/> is inside a block scalar: below a line ending in '|' or '&gt;'
        /// (with its indicators), and indented deeper than it, as every line down to it is (blank lines aside).
        /// </summary>
        private static bool InBlockScalar(string whole, int lineStart)
        {
            static int Indent(ReadOnlySpan<char> line) => line.Length - line.TrimStart(' ').Length;
            int? parent = null;
            foreach (var range in whole.AsSpan(0, lineStart).Split('\n'))
            {
                var line = whole.AsSpan(range.Start.Value, range.End.Value - range.Start.Value).TrimEnd('\r');
                if (parent is { } p && (line.IsWhiteSpace() || Indent(line) > p))
                {
                    continue;
                }

                parent = BlockScalarHeader().IsMatch(line) ? Indent(line) : null;
            }

            return parent is { } open && Indent(whole.AsSpan(lineStart)) > open;
        }

        public void EndDocument()
        {
            parser.Consume<DocumentEnd>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return;
            }

            var where = rootPath.Length == 0 ? "(file)" : rootPath;
            if (GoYamlV2)
            {
                // go-yaml v2's Unmarshal parses one document and stops (parser.parse, document): the rest is never read.
                Diagnostics.Warning(where, $"holds more than one YAML document, and {LastKeyWins} reads the first only: what follows it grants nothing today", At(parser.Current?.Start ?? Mark.Empty));
            }
            else
            {
                Diagnostics.Error(where, "the file holds more than one YAML document; a stack file is one document", At(parser.Current?.Start ?? Mark.Empty));
            }
        }

        /// <summary>The value that starts at the parser's current event, not yet read.</summary>
        public StreamedValue Value(ConfigPlace place, int rowParent) => new(this, place, rowParent);

        public ConfigNode ReadNode(ConfigPlace place, int rowParent)
        {
            var before = nodeCount;
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new YamlException(alias.Start, alias.End, $"the alias *{alias.Value.Value} names no anchor");
                }

                Count(target.Size);
                if (depth + target.Height > MaxNesting)
                {
                    throw TooDeep(place, alias.Start);
                }

                deepest = Math.Max(deepest, depth + target.Height);
                var copy = ConfigPath.Rebase(target.Node, place);
                Record(copy, rowParent);
                return copy;
            }

            var outerDeepest = deepest;
            deepest = depth;
            ConfigNode node;
            AnchorName anchor;
            if (parser.TryConsume<Scalar>(out var scalar))
            {
                Count(1);
                anchor = scalar.Anchor;
                node = new ConfigScalar(At(place, scalar.Start), scalar.Value, Resolve(scalar, GoYamlV2, ReadByPulumi));
                EndRow(StartRow(place, scalar.Start, rowParent));
            }
            else if (parser.TryConsume<SequenceStart>(out var seq))
            {
                Count(1);
                anchor = seq.Anchor;
                var list = new ConfigList(At(place, seq.Start));
                ReadList(list, seq, rowParent, list.Add);
                node = list;
            }
            else if (parser.TryConsume<MappingStart>(out var mapStart))
            {
                Count(1);
                anchor = mapStart.Anchor;
                var map = new ConfigMap(At(place, mapStart.Start));
                ReadMap(map, mapStart, place, rowParent, entry: null);
                node = map;
            }
            else
            {
                var current = parser.Current;
                throw new YamlException(current?.Start ?? Mark.Empty, current?.End ?? Mark.Empty, "unexpected YAML content");
            }

            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = (node, nodeCount - before, deepest - depth);
            }

            deepest = Math.Max(deepest, outerDeepest);
            return node;
        }

        /// <summary>Reads a list's items up to its end (its start already consumed), each as a node.</summary>
        public void ReadList(ConfigList list, SequenceStart start, int rowParent, Action<ConfigNode> item, Func<SimpleMap, bool>? simple = null)
        {
            if (++depth > MaxNesting)
            {
                throw TooDeep(list.Place, start.Start);
            }

            deepest = Math.Max(deepest, depth);
            var row = StartRow(list.Place, start.Start, rowParent);
            var count = 0;
            while (!parser.Is(ItemEventKind.ListEnd))
            {
                var place = ConfigPlace.Item(list, count++);
                if (simple is null || !parser.Is(ItemEventKind.MapStart) || !TrySimple(place, row, simple))
                {
                    item(ReadNode(place, row));
                }
            }

            parser.MoveNext();
            depth--;
            EndRow(row);
        }

        /// <summary>The value at <paramref name="place"/> nests past <see cref="MaxNesting"/>: refused before the descent that would overflow the stack.</summary>
        private LimitExceededException TooDeep(ConfigPlace place, Mark start) => new(
            $"maps and lists are nested deeper than {MaxNesting} levels here (aliases expanded); no stack file or aws-auth export nests that deep: remove the extra nesting (or fix what generated the file)",
            place.Path,
            At(start));

        /// <summary>
        /// Reads the map item at the parser as a <see cref="SimpleMap"/> and offers it to <paramref name="simple"/>. When the
        /// item is not that simple, or <paramref name="simple"/> declines it, its events are given again for it to be read
        /// as a node; when taken, its nodes are counted and its positions recorded as reading the node would. From the
        /// block parser, the item's events are looked at without being made, and the parser moves past them only when taken.
        /// </summary>
        private bool TrySimple(ConfigPlace place, int row, Func<SimpleMap, bool> simple)
        {
            // Near the node budget the item is read as a node, so the budget's error comes where it always did.
            if (MaxNodes - nodeCount <= MaxSimpleEvents)
            {
                return false;
            }

            var block = parser.Block;
            if (block is null ? !BufferItem() : !block.TryPeekSimpleItem(item))
            {
                return false;
            }

            if (!IsSimple(place) || !simple(simpleMap))
            {
                if (block is null)
                {
                    parser.Replay(buffered);
                }

                return false;
            }

            var nodes = -simpleMap.Count;
            foreach (var e in item)
            {
                nodes += e.Kind is ItemEventKind.Scalar or ItemEventKind.MapStart or ItemEventKind.ListStart ? 1 : 0;
            }

            Count(nodes);
            var mapRow = StartRow(place, item[0].Start, row);
            var at = 1;
            while (item[at].Kind == ItemEventKind.Scalar)
            {
                var entry = new ConfigPlace(null, item[at].Value, -1, null, 0, 0);
                if (item[at + 1].Kind == ItemEventKind.Scalar)
                {
                    EndRow(StartRow(entry, item[at + 1].Start, mapRow));
                    at += 2;
                    continue;
                }

                var listRow = StartRow(entry, item[at + 1].Start, mapRow);
                at += 2;
                for (var i = 0; item[at].Kind == ItemEventKind.Scalar; i++, at++)
                {
                    EndRow(StartRow(new ConfigPlace(null, null, i, null, 0, 0), item[at].Start, listRow));
                }

                EndRow(listRow);
                at++;
            }

            EndRow(mapRow);
            block?.SkipPeeked(item.Count);
            return true;
        }

        /// <summary>
        /// Buffers the item's events from YamlDotNet's parser. Buffering stops at the first event a simple item cannot hold
        /// (an alias, an anchor, a tag, a nested map): what was buffered is given again, so any error the parser or the
        /// node reader raises comes at the same event, with the same message.
        /// </summary>
        private bool BufferItem()
        {
            buffered.Clear();
            item.Clear();
            var depth = 0;
            do
            {
                var current = parser.Current!;
                var e = ItemEvent.Of(current);
                if (current is AnchorAlias
                    || current is NodeEvent { Anchor.IsEmpty: false } or NodeEvent { Tag.IsEmpty: false }
                    || ItemEvent.EndsSimpleItem(e.Kind, depth, item.Count))
                {
                    parser.Replay(buffered);
                    return false;
                }

                buffered.Add(current);
                item.Add(e);
                depth += current.NestingIncrease;
                parser.MoveNext();
            }
            while (depth > 0);

            return true;
        }

        /// <summary>
        /// Whether the buffered item is a map of scalars and lists of them, each key a scalar, once, and none a merge key.
        /// Buffering already refused aliases, anchors, tags, nested maps and nested lists, so only those are left to check.
        /// </summary>
        private bool IsSimple(ConfigPlace place)
        {
            simpleMap.Reset(new ItemPath(place.Parent!.Path, place.Index));
            var at = 1;
            while (item[at].Kind != ItemEventKind.MapEnd)
            {
                var key = item[at].Value;
                if (item[at].Kind != ItemEventKind.Scalar || key == MergeKey)
                {
                    return false;
                }

                for (var i = 0; i < simpleMap.Count; i++)
                {
                    if (simpleMap.Key(i) == key)
                    {
                        return false;
                    }
                }

                var value = item[at + 1];
                at += 2;
                if (value.Kind == ItemEventKind.Scalar)
                {
                    simpleMap.AddScalar(key!, value.Value!, ResolveUntagged(value.Value!, value.Style, GoYamlV2, ReadByPulumi));
                    continue;
                }

                simpleMap.StartList(key!);
                for (; item[at].Kind == ItemEventKind.Scalar; at++)
                {
                    simpleMap.AddItem(item[at].Value!, ResolveUntagged(item[at].Value!, item[at].Style, GoYamlV2, ReadByPulumi));
                }

                at++;
            }

            return true;
        }

        /// <summary>
        /// Reads a map's entries up to its end (its start already consumed), in file order, into <paramref name="map"/>
        /// or, when <paramref name="entry"/> is given, to it one value at a time. Duplicate keys and flow-map keys become
        /// diagnostics, and <c>&lt;&lt;: *anchor</c> entries follow the map's own, as Pulumi's YAML reader merges them:
        /// keys the map sets itself win, then earlier sources over later ones; read as go-yaml v2 reads, a merge applies
        /// where it stands (<see cref="MergeInPlace"/>).
        /// </summary>
        public void ReadMap(ConfigMap map, MappingStart mapStart, ConfigPlace place, int rowParent, Action<string, ConfigValue>? entry)
        {
            if (++depth > MaxNesting)
            {
                throw TooDeep(place, mapStart.Start);
            }

            deepest = Math.Max(deepest, depth);
            var row = StartRow(place, mapStart.Start, rowParent);
            var childRowParent = row >= 0 ? row : rowParent == TransparentRow ? PositionTable.Root : NoRow;
            // Streamed, the map holds no entries: its keys are kept here, for duplicates and merges. Key lines are
            // kept on one stack for the whole file, each map's above its parent's, so no map allocates a list for them.
            var keys = entry is null ? null : new List<string>();
            var keyLineBase = keyLines.Count;
            Dictionary<string, int>? index = null;
            List<ConfigNode>? merges = null;
            HashSet<string>? merged = null;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (!parser.TryConsume<Scalar>(out var key))
                {
                    var at = At(parser.Current?.Start ?? mapStart.Start);
                    if (parser.TryConsume<AnchorAlias>(out var alias))
                    {
                        // YamlDotNet reads `version: "1.35"*a` as the value "1.35" and then an alias on its own, where a
                        // key should be; the entries after it pair up as before.
                        Diagnostics.Error(map.Path, $"'*{alias.Value.Value}' stands where a key should be (YAML reads it as an alias); remove it, or quote the value it follows if '*{alias.Value.Value}' belongs to it", at);
                        continue;
                    }

                    // `username: {{SessionName}}` unquoted is a flow map whose key is another map, not text.
                    Diagnostics.Error(map.Path, "is YAML flow syntax ('{' opens a map), not text; quote it, e.g. \"{{SessionName}}\", if you meant a username template", at);
                    parser.SkipThisAndNestedEvents();

                    // Its value, unless YamlDotNet left the key without one: skipping the map's end would read past the file.
                    if (parser.Current is not MappingEnd)
                    {
                        parser.SkipThisAndNestedEvents();
                    }

                    continue;
                }

                var transparent = key.Value == transparentKey && map.Path == rootPath;
                var childPlace = transparent ? ConfigPlace.Root("") : ConfigPlace.Entry(map, key.Value);
                if (key.Value == MergeKey && key.Style == ScalarStyle.Plain)
                {
                    var source = ReadNode(childPlace, NoRow);
                    if (GoYamlV2 && entry is null)
                    {
                        MergeInPlace(map, source, ref index, keyLineBase, Line(key.Start), childRowParent, merged ??= new(StringComparer.Ordinal));
                    }
                    else
                    {
                        (merges ??= []).Add(source);
                    }

                    continue;
                }

                if (ReadByPulumi && Resolve(key, goYamlV2: false, readByPulumi: true) is var keyKind and not ScalarKind.Text && !KeptAsWritten(key.Value, keyKind))
                {
                    Diagnostics.Error(childPlace.Path, keyKind == ScalarKind.Timestamp
                        ? $"the key {key.Value} is read by YAML as a timestamp, and Pulumi's config reader gives the program {GoYamlTimestamp.PulumiText(key.Value)}, not the name written here; quote it: \"{key.Value}\""
                        : $"the key {key.Value} is read by YAML as {(keyKind == ScalarKind.Number ? "a number" : keyKind == ScalarKind.Boolean ? "a boolean" : "null")}, and Pulumi's config reader gives the program that value's own text (0x1f becomes 31), not the name written here; quote it: \"{key.Value}\"", At(key.Start));
                }

                var first = IndexOfKey(keys, map, ref index, key.Value);
                if (first >= 0 && merged?.Remove(key.Value) == true)
                {
                    // go-yaml v2 sets a key written after a merge over the merged value, as any later write.
                    map.Replace(key.Value, ReadNode(childPlace, NoRow));
                    keyLines[keyLineBase + first] = Line(key.Start);
                    continue;
                }

                if (first >= 0 && LastKeyWins is { } reader && entry is null)
                {
                    map.Replace(key.Value, ReadNode(childPlace, NoRow));
                    Diagnostics.Warning(childPlace.Path, $"the key '{key.Value}' appears twice in one map (first at line {keyLines[keyLineBase + first]}); {reader} keeps the last, so this one is in force", At(key.Start));
                    continue;
                }

                if (first >= 0)
                {
                    ReadNode(childPlace, NoRow);
                    Diagnostics.Error(childPlace.Path, $"the key '{key.Value}' appears twice in one map (first at line {keyLines[keyLineBase + first]}); YAML keeps only one of them, so delete or merge the other", At(key.Start));
                    continue;
                }

                index?.Add(key.Value, keyLines.Count - keyLineBase);
                keys?.Add(key.Value);
                keyLines.Add(Line(key.Start));
                var valueRowParent = transparent && positions is not null ? TransparentRow : childRowParent;
                if (entry is null)
                {
                    map.Add(key.Value, ReadNode(childPlace, valueRowParent));
                }
                else
                {
                    var value = new StreamedValue(this, childPlace, valueRowParent);
                    entry(key.Value, value);
                    value.Finish();
                }
            }

            keyLines.RemoveRange(keyLineBase, keyLines.Count - keyLineBase);
            depth--;
            Merge(map, merges, keys, childRowParent, entry);
            EndRow(row);
        }

        /// <summary>
        /// A merge as go-yaml v2 decodes it (decode.go, decoder.mapping and merge), for a Go program's reading: where the
        /// <c>&lt;&lt;</c> stands, its source's entries are written over the map, so keys set before it are overwritten and
        /// keys after it win; of a list of sources it steps backwards ("earlier nodes take precedence").
        /// </summary>
        private void MergeInPlace(ConfigMap map, ConfigNode source, ref Dictionary<string, int>? index, int keyLineBase, int line, int childRowParent, HashSet<string> merged)
        {
            IEnumerable<ConfigNode> sources = source is ConfigList list ? Enumerable.Reverse(list.Items) : [source];
            foreach (var from in sources)
            {
                if (from is not ConfigMap fromMap)
                {
                    Diagnostics.Error(ConfigPath.Child(map.Path, MergeKey), $"a merge key takes a map (or a list of maps) to merge, not {from.KindName}", from.Location);
                    continue;
                }

                foreach (var (key, value) in fromMap.Entries)
                {
                    var copy = ConfigPath.Rebase(value, ConfigPlace.Entry(map, key));
                    Record(copy, childRowParent);
                    if (IndexOfKey(null, map, ref index, key) >= 0)
                    {
                        map.Replace(key, copy);
                    }
                    else
                    {
                        index?.Add(key, keyLines.Count - keyLineBase);
                        keyLines.Add(line);
                        map.Add(key, copy);
                    }

                    merged.Add(key);
                }
            }
        }

        private void Merge(ConfigMap map, List<ConfigNode>? merges, List<string>? keys, int childRowParent, Action<string, ConfigValue>? entry)
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
                    if (keys is null ? map[key] is null : !keys.Contains(key))
                    {
                        keys?.Add(key);
                        var copy = ConfigPath.Rebase(value, ConfigPlace.Entry(map, key));
                        Record(copy, childRowParent);
                        if (entry is null)
                        {
                            map.Add(key, copy);
                        }
                        else
                        {
                            entry(key, new StreamedValue(copy));
                        }
                    }
                }
            }
        }

        private int StartRow(ConfigPlace place, Mark start, int rowParent) =>
            positions is null || rowParent is NoRow or TransparentRow ? NoRow : positions.Start(place, Line(start), (int)Math.Max(1, start.Column));

        private void EndRow(int row)
        {
            if (row >= 0)
            {
                positions!.End(row);
            }
        }

        private void Record(ConfigNode node, int rowParent)
        {
            if (positions is not null && rowParent is not (NoRow or TransparentRow))
            {
                positions.Add(node);
            }
        }

        public ConfigPlace PlaceAt(ConfigPlace place, Mark mark) => At(place, mark);

        private ConfigPlace At(ConfigPlace place, Mark mark) => place.At(fileName, Line(mark), (int)Math.Max(1, mark.Column));

        private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

        /// <summary>Where a key already stands in the map: a scan for the small maps a stack file is made of, an index for large ones.</summary>
        private static int IndexOfKey(List<string>? keys, ConfigMap map, ref Dictionary<string, int>? index, string key)
        {
            const int ScanLimit = 16;
            var count = keys?.Count ?? map.Entries.Count;
            if (index is null && count >= ScanLimit)
            {
                index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    index[KeyAt(i)] = i;
                }
            }

            if (index is not null)
            {
                return index.TryGetValue(key, out var at) ? at : -1;
            }

            for (var i = 0; i < count; i++)
            {
                if (KeyAt(i) == key)
                {
                    return i;
                }
            }

            return -1;

            string KeyAt(int i) => keys is null ? map.Entries[i].Key : keys[i];
        }

        private void Count(int n)
        {
            nodeCount += n;
            if (nodeCount > MaxNodes)
            {
                throw new LimitExceededException($"the file expands to more than {MaxNodes:N0} YAML nodes (aliases included); a stack file that large is refused");
            }
        }

        /// <summary>
        /// Whether a map key YAML resolves to a number or boolean reaches the program as written: Pulumi's config reader
        /// (sdk/go/common/resource/config/object.go, unmarshalObject) formats such a key with %v, which gives back a
        /// decimal integer in its shortest form and true or false in lower case, and other text for anything else
        /// (0x1f is 31, 1e3 is 1000, True is true, null is &lt;nil&gt;). Floats are not told apart here: refused.
        /// </summary>
        private static bool KeptAsWritten(string key, ScalarKind kind) => kind switch
        {
            ScalarKind.Boolean => key is "true" or "false",
            ScalarKind.Number => CanonicalInteger().IsMatch(key) && long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            _ => false,
        };

        /// <summary>Resolves plain scalars the way Pulumi's YAML reader does before it turns config into JSON.</summary>
        private static ScalarKind Resolve(Scalar scalar, bool goYamlV2, bool readByPulumi)
        {
            if (!scalar.Tag.IsEmpty)
            {
                return scalar.Tag.Value switch
                {
                    "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" => ScalarKind.Number,
                    "tag:yaml.org,2002:bool" => ScalarKind.Boolean,
                    "tag:yaml.org,2002:null" => ScalarKind.Null,
                    "tag:yaml.org,2002:timestamp" when readByPulumi => ScalarKind.Timestamp,
                    _ => ScalarKind.Text,
                };
            }

            return ResolveUntagged(scalar.Value, scalar.Style, goYamlV2, readByPulumi);
        }

        private static ScalarKind ResolveUntagged(string v, ScalarStyle style, bool goYamlV2, bool readByPulumi)
        {
            if (style != ScalarStyle.Plain)
            {
                return ScalarKind.Text;
            }

            if (goYamlV2)
            {
                return Rendering.Yaml.GoYamlV2Resolves(v);
            }

            if (v is "" or "~" or "null" or "Null" or "NULL")
            {
                return ScalarKind.Null;
            }

            if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            {
                return ScalarKind.Boolean;
            }

            // resolve.go tries a timestamp before a number; an aws-auth export's reader (not Pulumi) has no such step.
            if (readByPulumi && GoYamlTimestamp.IsTimestamp(v))
            {
                return ScalarKind.Timestamp;
            }

            // Most scalars are names and ARNs; only text that opens like a number needs the full pattern.
            var mayBeNumber = char.IsAsciiDigit(v[0]) || v[0] is '-' or '+' or '.';
            return mayBeNumber && IsGoYamlV3Number(v) ? ScalarKind.Number : ScalarKind.Text;
        }

        /// <summary>
        /// go-yaml v3's resolve (resolve.go) for a plain scalar that opens like a number: underscores dropped, then Go's
        /// ParseInt with base 0 (0b, 0o, 0x in either case, a leading 0 for octal) or ParseUint, then the YAML float
        /// form, then .inf and .nan. A prefixed integer too large for 64 bits parses as neither, so it stays text.
        /// </summary>
        private static bool IsGoYamlV3Number(string v)
        {
            if (SpecialFloat().IsMatch(v))
            {
                return true;
            }

            var plain = v.Contains('_', StringComparison.Ordinal) ? v.Replace("_", "", StringComparison.Ordinal) : v;
            if (GoInteger().Match(plain) is { Success: true } integer)
            {
                return FitsGoInteger(integer) || YamlFloat().IsMatch(plain);
            }

            return YamlFloat().IsMatch(plain);
        }

        private static bool FitsGoInteger(Match integer)
        {
            var digits = integer.Groups["digits"].Value;
            var radix = integer.Groups["prefix"].Value.ToUpperInvariant() switch
            {
                "0B" => 2,
                "0O" => 8,
                "0X" => 16,
                _ => digits.Length > 1 && digits[0] == '0' ? 8 : 10,
            };
            var value = System.Numerics.BigInteger.Zero;
            foreach (var c in digits)
            {
                value = (value * radix) + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            }

            var sign = integer.Groups["sign"].Value;
            return sign == "-" ? value <= System.Numerics.BigInteger.Pow(2, 63) : value <= (sign == "+" ? long.MaxValue : ulong.MaxValue);
        }
    }

    [GeneratedRegex(@"^(0|-?[1-9][0-9]*)\z")]
    private static partial Regex CanonicalInteger();

    [GeneratedRegex(@"^(?<sign>[-+]?)(?:(?<prefix>0[bB])(?<digits>[01]+)|(?<prefix>0[oO])(?<digits>[0-7]+)|(?<prefix>0[xX])(?<digits>[0-9a-fA-F]+)|(?<digits>0[0-7]*|[1-9][0-9]*))\z")]
    private static partial Regex GoInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex YamlFloat();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))\z")]
    private static partial Regex SpecialFloat();
}
