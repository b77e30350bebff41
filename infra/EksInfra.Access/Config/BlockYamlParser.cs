using System.Buffers;
using System.Numerics;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using TagDirective = YamlDotNet.Core.Tokens.TagDirective;

namespace EksInfra.Access.Config;

/// <summary>
/// The events YamlDotNet's <see cref="Parser"/> gives, for the plain block YAML that stack files are written in, from
/// one pass over the bytes and without YamlDotNet's scanner and tokens (which cost half of a large file's read).
/// <see cref="TryParse"/> reads the whole file before it gives an event, and gives up (returns null) at the first
/// thing outside that subset, so that YamlDotNet parses every other file, and every broken one, exactly as before:
/// what it accepts, it gives event for event as YamlDotNet does, marks included (the tests compare both over every
/// YAML file the suites hold and mutations of them).
/// </summary>
/// <remarks>
/// The subset: one implicit document whose root is a block map; block maps and block lists (a list under a key may
/// stand at the key's column), a list item's map starting on the dash's line; keys and values on one line, plain
/// (ASCII, not starting with an indicator), or single- or double-quoted without escapes; flow lists and maps of such
/// scalars, nested, on one line; comments, whose text may be any UTF-8 but a line or paragraph separator. Anything
/// else (anchors, aliases, tags, block scalars, empty values, values continued on the next line, flow collections over
/// several lines, tabs, CR, directives, document markers, more than 64 open collections or 512 Ki events) is left to
/// YamlDotNet.
/// </remarks>
internal sealed class BlockYamlParser : IParser
{
    private enum Kind : byte
    {
        StreamStart,
        DocumentStart,
        MappingStart,
        FlowMappingStart,
        MappingEnd,
        SequenceStart,
        FlowSequenceStart,
        SequenceEnd,
        Scalar,
        DocumentEnd,
        StreamEnd,
    }

    private struct Record
    {
        public Kind Kind;
        public ScalarStyle Style;
        public bool IsKey;
        public int ValueStart;
        public int ValueLength;
        public Position Start;
        public Position End;
    }

    private readonly record struct Position(int Index, int Line, int Column)
    {
        public Mark ToMark() => new(Index, Line, Column);
    }

    private sealed class NotInSubsetException : Exception;

    /// <summary>
    /// The most events a file may give to be read here (20 MB of records): a larger file, over 4 MB of dense YAML, is
    /// streamed by YamlDotNet, whose events are not all held at once.
    /// </summary>
    private const int MaxRecords = 512 * 1024;

    private readonly byte[] bytes;
    private Record[] records;
    private readonly int count;
    private int next;
    private readonly string?[] recent;
    private Record currentRecord;
    private bool atEnd = true;
    private ParsingEvent? current;

    private BlockYamlParser(byte[] bytes, Record[] records, int count)
    {
        this.bytes = bytes;
        this.records = records;
        this.count = count;
        recent = new string?[SharedTextSlots(bytes.Length)];
    }

    /// <summary>
    /// Slots for shared short text, about one per 128 bytes of file (512 to 8,192): a model's distinct group names grow
    /// with it, and its unique names (one or two per mapping) evict them from a table much smaller than that.
    /// </summary>
    private static int SharedTextSlots(int fileBytes) => (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)Math.Max(fileBytes, 1) / 128), 512u, 8192u);

    /// <summary>The current event, made when it is first asked for: a list item bound from its records is never made.</summary>
    public ParsingEvent? Current => atEnd ? null : current ??= Materialize(in currentRecord);

    /// <summary>Whether the current event is of <paramref name="kind"/>, without making it.</summary>
    internal bool CurrentIs(YamlConfigReader.ItemEventKind kind) => !atEnd && KindOf(currentRecord.Kind) == kind;

    internal bool CurrentIsStreamEnd => !atEnd && currentRecord.Kind == Kind.StreamEnd;

    /// <summary>Moves past the current event if it is a document's start, without making it.</summary>
    internal bool TrySkipDocumentStart()
    {
        if (atEnd || currentRecord.Kind != Kind.DocumentStart)
        {
            return false;
        }

        MoveNext();
        return true;
    }

    /// <summary>The parser for <paramref name="bytes"/> from <paramref name="start"/> (past any byte order mark), or null when the file is not in the subset.</summary>
    public static BlockYamlParser? TryParse(byte[] bytes, int start) => TryParse(bytes, start, out _);

    /// <param name="declinedAt">Where the file left the subset (line and column, 1-based), when it did.</param>
    public static BlockYamlParser? TryParse(byte[] bytes, int start, out (int Line, int Column) declinedAt)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var scanner = new Scanner(bytes, start);
        declinedAt = default;
        try
        {
            scanner.ReadStream();
        }
        catch (NotInSubsetException)
        {
            scanner.ReturnRecords();
            declinedAt = scanner.Where;
            return null;
        }

        return new BlockYamlParser(bytes, scanner.Records, scanner.Count);
    }

    public bool MoveNext()
    {
        current = null;
        if (next >= count)
        {
            atEnd = true;
            return false;
        }

        atEnd = false;
        currentRecord = records[next++];
        if (next == count)
        {
            // The stream's end is given: readers look at it, and do not move past it. Pooled, the records of a large
            // file are not a new large object (and a full collection) in every read.
            ArrayPool<Record>.Shared.Return(records);
            records = [];
        }

        return true;
    }

    /// <summary>
    /// Puts into <paramref name="item"/> the events of the list item map that <see cref="Current"/> starts, without making
    /// them, when it is simple enough to be bound without a node (see <see cref="YamlConfigReader.ItemEvent.EndsSimpleItem"/>);
    /// the parser stays where it is until <see cref="SkipPeeked"/>.
    /// </summary>
    internal bool TryPeekSimpleItem(List<YamlConfigReader.ItemEvent> item)
    {
        item.Clear();
        var depth = 0;
        for (var i = next - 1; i < count; i++)
        {
            ref readonly var r = ref records[i];
            var kind = KindOf(r.Kind);
            var nesting = kind switch
            {
                YamlConfigReader.ItemEventKind.MapStart or YamlConfigReader.ItemEventKind.ListStart => 1,
                YamlConfigReader.ItemEventKind.MapEnd or YamlConfigReader.ItemEventKind.ListEnd => -1,
                _ => 0,
            };
            if (YamlConfigReader.ItemEvent.EndsSimpleItem(kind, depth, item.Count))
            {
                return false;
            }

            item.Add(new(kind, r.Kind == Kind.Scalar ? Text(in r) : null, r.Style, r.Start.ToMark()));
            depth += nesting;
            if (depth == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static YamlConfigReader.ItemEventKind KindOf(Kind kind) => kind switch
    {
        Kind.Scalar => YamlConfigReader.ItemEventKind.Scalar,
        Kind.MappingStart or Kind.FlowMappingStart => YamlConfigReader.ItemEventKind.MapStart,
        Kind.MappingEnd => YamlConfigReader.ItemEventKind.MapEnd,
        Kind.SequenceStart or Kind.FlowSequenceStart => YamlConfigReader.ItemEventKind.ListStart,
        Kind.SequenceEnd => YamlConfigReader.ItemEventKind.ListEnd,
        _ => YamlConfigReader.ItemEventKind.Other,
    };

    /// <summary>Moves past the <paramref name="events"/> events <see cref="TryPeekSimpleItem"/> looked at: the event after them is current.</summary>
    internal void SkipPeeked(int events)
    {
        next += events - 1;
        MoveNext();
    }

    private ParsingEvent Materialize(in Record r)
    {
        var start = r.Start.ToMark();
        var end = r.End.ToMark();
        return r.Kind switch
        {
            Kind.StreamStart => new StreamStart(start, end),
            Kind.DocumentStart => new DocumentStart(null, DefaultTags(), isImplicit: true, start, end),
            Kind.MappingStart => new MappingStart(NoAnchor, TagName.Empty, isImplicit: true, MappingStyle.Block, start, end),
            Kind.FlowMappingStart => new MappingStart(NoAnchor, TagName.Empty, isImplicit: true, MappingStyle.Flow, start, end),
            Kind.MappingEnd => new MappingEnd(start, end),
            Kind.SequenceStart => new SequenceStart(NoAnchor, TagName.Empty, isImplicit: true, SequenceStyle.Block, start, end),
            Kind.FlowSequenceStart => new SequenceStart(NoAnchor, TagName.Empty, isImplicit: true, SequenceStyle.Flow, start, end),
            Kind.SequenceEnd => new SequenceEnd(start, end),
            Kind.Scalar => new Scalar(NoAnchor, TagName.Empty, Text(in r), r.Style, isPlainImplicit: r.Style == ScalarStyle.Plain, isQuotedImplicit: r.Style != ScalarStyle.Plain, start, end, r.IsKey),
            Kind.DocumentEnd => new DocumentEnd(isImplicit: true, start, end),
            _ => new StreamEnd(start, end),
        };
    }

    // AnchorName.Empty is this same default value, but reading it runs AnchorName's static constructor, which compiles a
    // regex: with TagDirective's (see YamlConfigReader.GuardedParser) about 15 ms of a cold run, for events without anchors.
    private static AnchorName NoAnchor => default;

    /// <summary>The tag handles YamlDotNet's parser puts on every document that declares none.</summary>

    private static TagDirectiveCollection DefaultTags() => [new TagDirective("!", "!"), new TagDirective("!!", "tag:yaml.org,2002:")];

    /// <summary>
    /// A scalar's text. Short text seen lately (keys, group names, modes) is given as the same string: a model repeats a
    /// dozen keys and its group names thousands of times, and each copy would live as long as the model.
    /// </summary>
    private string Text(in Record r)
    {
        const int LongestShared = 32;
        var span = bytes.AsSpan(r.ValueStart, r.ValueLength);
        if (span.Length is 0 or > LongestShared)
        {
            return Encoding.ASCII.GetString(span);
        }

        // FNV-1a over every byte: names such as t012 and t112 differ in one place, which a hash of a few bytes misses.
        var hash = 2166136261u;
        foreach (var b in span)
        {
            hash = (hash ^ b) * 16777619u;
        }

        var slot = (int)(hash & (uint)(recent.Length - 1));
        if (recent[slot] is { } known && known.Length == span.Length && Ascii.Equals(span, known))
        {
            return known;
        }

        return recent[slot] = Encoding.ASCII.GetString(span);
    }

    /// <summary>One pass over the bytes, recording the events; throws <see cref="NotInSubsetException"/> at the first thing outside the subset.</summary>
    private ref struct Scanner
    {
        private readonly ReadOnlySpan<byte> text;
        private readonly int origin;
        private int pos;
        private int line;
        private int lineStart;

        // Bytes of UTF-8 (in comments) that YamlDotNet counts as fewer UTF-16 characters in a mark's index, and how many of them before this line.
        private int indexLag;
        private int lineStartLag;

        // Open collections: past MaxDepth, YamlDotNet parses the file, and the node reader refuses it (its MaxNesting).
        private int depth;
        private const int MaxDepth = YamlConfigReader.MaxNesting;

        public Record[] Records;
        public int Count;

        public Scanner(byte[] bytes, int start)
        {
            text = bytes;
            origin = start;
            pos = start;
            line = 1;
            lineStart = start;
            Records = ArrayPool<Record>.Shared.Rent(Math.Clamp((bytes.Length - start) / 8, 16, MaxRecords));
            Count = 0;
        }

        public readonly void ReturnRecords() => ArrayPool<Record>.Shared.Return(Records);

        public readonly (int Line, int Column) Where => (line, pos - lineStart + 1);

        public void ReadStream()
        {
            var streamStart = Here();
            Add(Kind.StreamStart, streamStart, streamStart);
            var indent = SkipToContent();
            if (indent < 0 || IsDocumentMarker())
            {
                throw new NotInSubsetException();
            }

            var first = Here();
            Add(Kind.DocumentStart, first, first);
            ReadMapping(indent);
            if (SkipToContent() >= 0)
            {
                throw new NotInSubsetException();
            }

            var end = Closing(-1);
            Add(Kind.DocumentEnd, end, end);
            Add(Kind.StreamEnd, end, end);
        }

        /// <summary>A block map whose first key stands at <see cref="pos"/>, in column <paramref name="indent"/>; returns at the first content left of it, or at the end.</summary>
        private void ReadMapping(int indent)
        {
            Enter();
            var start = Here();
            Add(Kind.MappingStart, start, start);
            while (true)
            {
                ReadKey();
                ReadMappingValue(indent);
                var column = SkipToContent();
                if (column < indent)
                {
                    break;
                }

                // A key's value went on to a deeper line, or a list item stands where a key should: YamlDotNet decides.
                if (column > indent || text[pos] == (byte)'-')
                {
                    throw new NotInSubsetException();
                }
            }

            depth--;
            var end = Closing(indent);
            Add(Kind.MappingEnd, end, end);
        }

        private void ReadKey()
        {
            if (!TryScalar(flow: false, isKey: true) || !AtKeyColon())
            {
                throw new NotInSubsetException();
            }

            pos++;
        }

        /// <summary>What follows a key's colon: a value on the same line, or a map or list on the next lines.</summary>
        private void ReadMappingValue(int indent)
        {
            SkipSpaces();
            if (AtLineEnd())
            {
                EndLine();
                var column = SkipToContent();
                if (column > indent && !IsDash())
                {
                    ReadMapping(column);
                }
                else if (column >= indent && IsDash())
                {
                    ReadSequence(column, indentless: column == indent);
                }
                else
                {
                    // No value at all, or one YamlDotNet reads as a null: it decides its marks.
                    throw new NotInSubsetException();
                }

                return;
            }

            ReadInlineValue();
            EndLine();
        }

        /// <summary>A block list whose first dash stands at <see cref="pos"/>, in column <paramref name="indent"/>.</summary>
        private void ReadSequence(int indent, bool indentless)
        {
            Enter();
            var start = Here();

            // YamlDotNet's mark of an indentless list ends past its first dash, an indented one's where it starts.
            Add(Kind.SequenceStart, start, indentless ? Here(pos + 1) : start);
            while (true)
            {
                pos++;
                SkipSpaces();
                if (AtLineEnd() || IsDash())
                {
                    throw new NotInSubsetException();
                }

                var itemColumn = pos - lineStart;
                var itemStart = pos;
                var itemCount = Count;
                if (text[pos] is (byte)'[' or (byte)'{')
                {
                    ReadFlowNode();
                    EndLine();
                }
                else if (!TryScalar(flow: false, isKey: false))
                {
                    throw new NotInSubsetException();
                }
                else if (AtKeyColon())
                {
                    // The item is a map whose first key was just read as a value: read again, as a map.
                    pos = itemStart;
                    Count = itemCount;
                    ReadMapping(itemColumn);
                }
                else
                {
                    EndLine();
                }

                var column = SkipToContent();
                if (column == indent && IsDash())
                {
                    continue;
                }

                if (column < indent || (indentless && column == indent))
                {
                    break;
                }

                throw new NotInSubsetException();
            }

            depth--;
            var end = Closing(indent);
            Add(Kind.SequenceEnd, end, end);
        }

        /// <summary>A value on its key's line: a scalar, or a flow list or map.</summary>
        private void ReadInlineValue()
        {
            if (text[pos] is (byte)'[' or (byte)'{')
            {
                ReadFlowNode();
                return;
            }

            if (!TryScalar(flow: false, isKey: false) || (pos < text.Length && text[pos] == (byte)':'))
            {
                throw new NotInSubsetException();
            }
        }

        /// <summary>A node inside a flow collection, or one opening on a block line: a scalar, or a one-line flow list or map.</summary>
        private void ReadFlowNode()
        {
            if (pos < text.Length && text[pos] is (byte)'[' or (byte)'{')
            {
                ReadFlowCollection(map: text[pos] == (byte)'{');
            }
            else if (!TryScalar(flow: true, isKey: false))
            {
                throw new NotInSubsetException();
            }
        }

        /// <summary>
        /// A one-line flow list or map, its <c>[</c> or <c>{</c> at <see cref="pos"/>: nodes separated by commas, in a
        /// map each after a scalar key and ': '.
        /// </summary>
        private void ReadFlowCollection(bool map)
        {
            var closer = map ? (byte)'}' : (byte)']';
            Enter();
            var open = Here();
            Add(map ? Kind.FlowMappingStart : Kind.FlowSequenceStart, open, open);
            pos++;
            SkipSpaces();
            if (pos < text.Length && text[pos] != closer)
            {
                while (true)
                {
                    if (map)
                    {
                        if (!TryScalar(flow: true, isKey: true) || pos + 1 >= text.Length || text[pos] != (byte)':' || text[pos + 1] != (byte)' ')
                        {
                            throw new NotInSubsetException();
                        }

                        pos++;
                        SkipSpaces();
                    }

                    ReadFlowNode();
                    SkipSpaces();
                    if (pos < text.Length && text[pos] == (byte)',')
                    {
                        pos++;
                        SkipSpaces();
                        continue;
                    }

                    break;
                }
            }

            if (pos >= text.Length || text[pos] != closer)
            {
                throw new NotInSubsetException();
            }

            depth--;
            var close = Here();
            Add(map ? Kind.MappingEnd : Kind.SequenceEnd, close, close);
            pos++;
        }

        /// <summary>
        /// Records the scalar at <see cref="pos"/> and leaves <see cref="pos"/> just past it (a plain scalar's trailing
        /// spaces not included); false when none in the subset starts here.
        /// </summary>
        private bool TryScalar(bool flow, bool isKey)
        {
            if (pos >= text.Length)
            {
                return false;
            }

            // YamlDotNet refuses an implicit key of over 1,024 characters; a '...' or '---' line is a document marker.
            const int LongestKey = 1000;
            if (IsDocumentMarker())
            {
                return false;
            }

            var first = text[pos];
            if (first is (byte)'"' or (byte)'\'')
            {
                var open = pos;
                var close = text[(pos + 1)..].IndexOfAny(first, (byte)'\n', (byte)'\\');
                if (close < 0 || text[pos + 1 + close] != first)
                {
                    return false;
                }

                close += pos + 1;
                for (var i = open + 1; i < close; i++)
                {
                    if (!IsPrintableAscii(text[i]))
                    {
                        return false;
                    }
                }

                // An escaped quote ('') inside a single-quoted scalar: YamlDotNet unfolds it.
                if ((first == (byte)'\'' && close + 1 < text.Length && text[close + 1] == (byte)'\'') || (isKey && close - open > LongestKey))
                {
                    return false;
                }

                pos = close + 1;
                AddScalar(open + 1, close - open - 1, first == (byte)'"' ? ScalarStyle.DoubleQuoted : ScalarStyle.SingleQuoted, isKey, Here(open), Here());
                return true;
            }

            if (!IsPlainStart(first))
            {
                return false;
            }

            var begin = pos;
            var last = pos;
            for (var i = pos; i < text.Length; i++)
            {
                var c = text[i];
                if (c == (byte)'\n')
                {
                    break;
                }

                // In a flow collection, a colon ends the scalar before a flow indicator too; `[system:masters]` is one scalar.
                if (c == (byte)':' && (IsBlankOrEnd(i + 1) || (flow && i + 1 < text.Length && IsFlowIndicator(text[i + 1]))))
                {
                    break;
                }

                if (c == (byte)' ')
                {
                    if (i + 1 < text.Length && text[i + 1] == (byte)'#')
                    {
                        break;
                    }

                    // YamlDotNet reads `a *b: c` as one scalar, ': c' included; what it makes of an indicator after a space, it decides.
                    if (i + 1 < text.Length && text[i + 1] is (byte)'*' or (byte)'&' or (byte)'!' or (byte)'|' or (byte)'>' or (byte)'%' or (byte)'@' or (byte)'`' or (byte)'\'' or (byte)'"' or (byte)'?' or (byte)':')
                    {
                        return false;
                    }

                    continue;
                }

                if (!IsPrintableAscii(c) || (flow && (IsFlowIndicator(c) || c == (byte)'#')))
                {
                    if (flow && c is (byte)',' or (byte)']' or (byte)'}')
                    {
                        break;
                    }

                    return false;
                }

                last = i;
            }

            if (isKey && last - begin > LongestKey)
            {
                return false;
            }

            pos = last + 1;
            AddScalar(begin, pos - begin, ScalarStyle.Plain, isKey, Here(begin), Here());
            return true;
        }

        /// <summary>Past spaces, comments and line ends to the next content: its column (0-based), or -1 at the end of the file.</summary>
        private int SkipToContent()
        {
            while (pos < text.Length)
            {
                var c = text[pos];
                if (c == (byte)' ')
                {
                    pos++;
                }
                else if (c == (byte)'\n')
                {
                    NewLine();
                }
                else if (c == (byte)'#')
                {
                    // A comment starts a line or follows a space; SkipToContent starts at a line's start or after a line end.
                    SkipComment();
                }
                else if (c is (byte)'\t' or (byte)'\r' or < 0x20 or >= 0x7F)
                {
                    throw new NotInSubsetException();
                }
                else
                {
                    return pos - lineStart;
                }
            }

            return -1;
        }

        /// <summary>Ends a line after a value: spaces, then a comment (after at least one space) or the line's end.</summary>
        private void EndLine()
        {
            SkipSpaces();
            if (pos < text.Length && text[pos] == (byte)'#' && text[pos - 1] == (byte)' ')
            {
                SkipComment();
            }

            if (pos < text.Length && text[pos] != (byte)'\n')
            {
                throw new NotInSubsetException();
            }
        }

        private readonly bool AtLineEnd() => pos >= text.Length || text[pos] == (byte)'\n' || (text[pos] == (byte)'#' && pos > 0 && text[pos - 1] == (byte)' ');

        private readonly bool IsDash() => pos < text.Length && text[pos] == (byte)'-' && IsBlankOrEnd(pos + 1);

        /// <summary>A '---' or '...' line opens or closes a document; YamlDotNet reads those.</summary>
        private readonly bool IsDocumentMarker() => pos - lineStart == 0 && pos + 2 < text.Length && text[pos] is (byte)'-' or (byte)'.' && text[pos + 1] == text[pos] && text[pos + 2] == text[pos];

        /// <summary>A block key's colon at <see cref="pos"/>: followed by a space, a line end or the end of the file.</summary>
        private readonly bool AtKeyColon() => pos < text.Length && text[pos] == (byte)':' && IsBlankOrEnd(pos + 1);

        private static bool IsFlowIndicator(byte c) => c is (byte)',' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}';

        private readonly bool IsBlankOrEnd(int at) => at >= text.Length || text[at] is (byte)' ' or (byte)'\n';

        private void Enter()
        {
            if (++depth > MaxDepth)
            {
                throw new NotInSubsetException();
            }
        }

        private void SkipSpaces()
        {
            while (pos < text.Length && text[pos] == (byte)' ')
            {
                pos++;
            }
        }

        /// <summary>To the comment's line end. Its text may be any UTF-8 (already checked valid) but NEL, LS and PS, which YamlDotNet takes for line breaks.</summary>
        private void SkipComment()
        {
            var end = text[pos..].IndexOf((byte)'\n');
            end = end < 0 ? text.Length : pos + end;
            for (var i = pos; i < end; i++)
            {
                var c = text[i];
                if (c < 0x80)
                {
                    if (c is (byte)'\t' or (byte)'\r' or < 0x20 or 0x7F)
                    {
                        throw new NotInSubsetException();
                    }

                    continue;
                }

                if ((c == 0xC2 && i + 1 < end && text[i + 1] == 0x85) || (c == 0xE2 && i + 2 < end && text[i + 1] == 0x80 && text[i + 2] is 0xA8 or 0xA9) || (c == 0xEF && i + 2 < end && text[i + 1] == 0xBB && text[i + 2] == 0xBF))
                {
                    throw new NotInSubsetException();
                }

                // UTF-16 counts a continuation byte as nothing and a four-byte sequence as two characters.
                if ((c & 0xC0) == 0x80)
                {
                    indexLag++;
                }
                else if (c >= 0xF0)
                {
                    indexLag--;
                }
            }

            pos = end;
        }

        private void NewLine()
        {
            pos++;
            line++;
            lineStart = pos;
            lineStartLag = indexLag;
        }

        private readonly Position Here() => Here(pos);

        /// <summary>
        /// Where a block collection at <paramref name="indent"/> (the document and the stream: -1) ends: at the content
        /// that follows. At the end of the file, YamlDotNet first ends the collections deeper than the last line's
        /// column there, then, on a last line without a line break, moves to the start of the next line for the rest.
        /// </summary>
        private readonly Position Closing(int indent)
        {
            var column = Here().Column - 1;
            return pos < text.Length || indent > column || column == 0 ? Here() : new Position(pos - origin - indexLag, line + 1, 1);
        }

        private readonly Position Here(int at) => new(at - origin - indexLag, line, at - lineStart - (indexLag - lineStartLag) + 1);

        private static bool IsPrintableAscii(byte c) => c is >= 0x20 and < 0x7F;

        /// <summary>A plain scalar's first character: none of YAML's indicators, nor a space, nor '-', '?' or ':' (which may open one, but YamlDotNet decides).</summary>
        private static bool IsPlainStart(byte c) => char.IsAsciiLetterOrDigit((char)c) || c is (byte)'_' or (byte)'.' or (byte)'/' or (byte)'~' or (byte)'$' or (byte)'(' or (byte)')' or (byte)'=' or (byte)'+' or (byte)'^' or (byte)';' or (byte)'<';

        private void Add(Kind kind, Position start, Position end)
        {
            Grow();
            Records[Count++] = new Record { Kind = kind, Start = start, End = end };
        }

        private void AddScalar(int valueStart, int valueLength, ScalarStyle style, bool isKey, Position start, Position end)
        {
            Grow();
            Records[Count++] = new Record { Kind = Kind.Scalar, Style = style, IsKey = isKey, ValueStart = valueStart, ValueLength = valueLength, Start = start, End = end };
        }

        private void Grow()
        {
            if (Count == MaxRecords)
            {
                throw new NotInSubsetException();
            }

            if (Count == Records.Length)
            {
                var larger = ArrayPool<Record>.Shared.Rent(Math.Min(Records.Length * 2, MaxRecords));
                Records.AsSpan(0, Count).CopyTo(larger);
                ArrayPool<Record>.Shared.Return(Records);
                Records = larger;
            }
        }
    }
}
