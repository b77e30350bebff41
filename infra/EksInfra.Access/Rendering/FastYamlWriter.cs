using System.Buffers;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksInfra.Access.Rendering;

/// <summary>
/// Writes YAML from events exactly as YamlDotNet's <see cref="Emitter"/> (18.1.0, with <see cref="Yaml"/>'s settings:
/// indent 2, unlimited width, LF, sequences in a mapping not indented) writes it, for the block mappings, block
/// sequences and scalars it is certain of, and gives up (<see cref="Finish"/> returns null) at the first it is not,
/// so the caller emits through YamlDotNet instead. The emitter analyses every scalar character by character; at
/// 10,000 identities that was a quarter of the whole pipeline, where these checks are a few vectorised scans.
/// </summary>
/// <remarks>
/// The layout is the emitter's own state machine (EmitDocumentStart, EmitBlockSequenceItem, EmitBlockMappingKey,
/// EmitBlockMappingValue, EmitFlowSequenceItem and EmitFlowMappingKey for the empty "[]" and "{}", IncreaseIndent,
/// WriteIndent, WriteIndicator), kept to the paths these documents take. Its scalar choice (AnalyzeScalar,
/// SelectScalarStyle) is reproduced only where the answer is certain: see <see cref="FormOf"/>.
/// </remarks>
internal sealed class FastYamlWriter : Yaml.EventWriter, IDisposable
{
    /// <summary>The emitter's BestIndent.</summary>
    private const int BestIndent = 2;

    /// <summary>The emitter writes a mapping key of at most this length as a simple key (<c>key: value</c>).</summary>
    private const int MaxSimpleKeyLength = 1024;

    /// <summary>The line breaks besides LF, which the emitter normalises or writes as they are; text with one is left to it.</summary>
    private static readonly SearchValues<char> OtherBreaks = SearchValues.Create("\r\u0085\u2028\u2029");

    /// <summary>Every character the emitter takes for a line break.</summary>
    private static readonly SearchValues<char> Breaks = SearchValues.Create("\n\r\u0085\u2028\u2029");

    /// <summary>The characters that rule out a plain scalar when it opens with one.</summary>
    private static readonly SearchValues<char> LeadingIndicators = SearchValues.Create("#,[]{}&*!|>\"%@`'");

    private readonly Stack<State> states = new();
    private readonly Stack<int> indents = new();
    private char[] buffer = ArrayPool<char>.Shared.Rent(16 * 1024);
    private int length;
    private State state = State.DocumentStart;
    private int indent = -1;
    private int column;
    private bool isWhitespace = true;
    private bool isIndentation = true;
    private bool isMappingContext;
    private bool isSimpleKeyContext;

    /// <summary>A sequence or mapping start, held until the next event says whether it is empty (the emitter looks ahead too).</summary>
    private Event? pending;

    private bool uncertain;

    private enum State
    {
        DocumentStart,
        DocumentContent,
        DocumentEnd,
        EmptySequence,
        EmptyMapping,
        BlockSequenceFirstItem,
        BlockSequenceItem,
        BlockMappingFirstKey,
        BlockMappingKey,
        BlockMappingSimpleValue,
    }

    private enum Kind
    {
        DocumentStart,
        DocumentEnd,
        SequenceStart,
        SequenceEnd,
        MappingStart,
        MappingEnd,
        Scalar,
    }

    /// <summary>How the emitter writes a scalar, where that is certain.</summary>
    private enum Form
    {
        Uncertain,
        Plain,
        SingleQuoted,
        DoubleQuoted,
        Literal,
    }

    private readonly record struct Event(Kind Kind, string Value = "", ScalarStyle Style = ScalarStyle.Any, bool IsImplicit = false);

    /// <summary>The text written, or null if anything in it was not certain.</summary>
    public string? Finish()
    {
        if (pending is not null || state != State.DocumentStart)
        {
            uncertain = true;
        }

        return uncertain ? null : new string(buffer, 0, length);
    }

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(buffer);
        buffer = [];
    }

    private protected override void WriteDocumentStart(bool isFirst) => Handle(new Event(Kind.DocumentStart, IsImplicit: isFirst));

    private protected override void WriteDocumentEnd() => Handle(new Event(Kind.DocumentEnd));

    private protected override void WriteSequenceStart(SequenceStyle style)
    {
        // A flow style asked for is the emitter's to write.
        uncertain |= style != SequenceStyle.Any;
        Handle(new Event(Kind.SequenceStart));
    }

    private protected override void WriteSequenceEnd() => Handle(new Event(Kind.SequenceEnd));

    private protected override void WriteMappingStart(MappingStyle style)
    {
        uncertain |= style != MappingStyle.Any;
        Handle(new Event(Kind.MappingStart));
    }

    private protected override void WriteMappingEnd() => Handle(new Event(Kind.MappingEnd));

    private protected override void WriteScalar(string value, ScalarStyle style) => Handle(new Event(Kind.Scalar, value, style));

    private void Handle(Event next)
    {
        if (uncertain)
        {
            return;
        }

        if (pending is { } start)
        {
            pending = null;
            var isEmpty = (start.Kind, next.Kind) is (Kind.SequenceStart, Kind.SequenceEnd) or (Kind.MappingStart, Kind.MappingEnd);
            Process(start, isEmpty);
        }

        if (next.Kind is Kind.SequenceStart or Kind.MappingStart)
        {
            pending = next;
        }
        else
        {
            Process(next, isEmpty: false);
        }
    }

    private void Process(Event evt, bool isEmpty)
    {
        if (uncertain)
        {
            return;
        }

        switch (state)
        {
            case State.DocumentStart when evt.Kind == Kind.DocumentStart:
                if (!evt.IsImplicit)
                {
                    WriteIndent();
                    WriteIndicator("---", needWhitespace: true, whitespace: false, indentation: false);
                }

                state = State.DocumentContent;
                break;

            // A scalar document is left to the emitter (it checks for an empty one).
            case State.DocumentContent when evt.Kind != Kind.Scalar:
                states.Push(State.DocumentEnd);
                EmitNode(evt, isEmpty, isMapping: false, isSimpleKey: false);
                break;

            case State.DocumentEnd when evt.Kind == Kind.DocumentEnd:
                WriteIndent();
                state = State.DocumentStart;
                break;

            case State.EmptySequence when evt.Kind == Kind.SequenceEnd:
                WriteEmptyFlow("[", "]");
                break;

            case State.EmptyMapping when evt.Kind == Kind.MappingEnd:
                WriteEmptyFlow("{", "}");
                break;

            case State.BlockSequenceFirstItem or State.BlockSequenceItem:
                if (state == State.BlockSequenceFirstItem)
                {
                    IncreaseIndent(isFlow: false, isIndentless: isMappingContext && !isIndentation);
                }

                if (evt.Kind == Kind.SequenceEnd)
                {
                    indent = indents.Pop();
                    state = states.Pop();
                    break;
                }

                WriteIndent();
                WriteIndicator("-", needWhitespace: true, whitespace: false, indentation: true);
                states.Push(State.BlockSequenceItem);
                EmitNode(evt, isEmpty, isMapping: false, isSimpleKey: false);
                break;

            case State.BlockMappingFirstKey or State.BlockMappingKey:
                if (state == State.BlockMappingFirstKey)
                {
                    IncreaseIndent(isFlow: false, isIndentless: false);
                }

                if (evt.Kind == Kind.MappingEnd)
                {
                    indent = indents.Pop();
                    state = states.Pop();
                    break;
                }

                // Only a single-line scalar key of at most 1,024 characters is a simple key; any other takes "? ".
                if (evt.Kind != Kind.Scalar || evt.Value.Length > MaxSimpleKeyLength || evt.Value.AsSpan().ContainsAny(Breaks))
                {
                    uncertain = true;
                    break;
                }

                WriteIndent();
                states.Push(State.BlockMappingSimpleValue);
                EmitNode(evt, isEmpty, isMapping: true, isSimpleKey: true);
                WriteIndicator(":", needWhitespace: false, whitespace: false, indentation: false);
                break;

            case State.BlockMappingSimpleValue:
                states.Push(State.BlockMappingKey);
                EmitNode(evt, isEmpty, isMapping: true, isSimpleKey: false);
                break;

            default:
                uncertain = true;
                break;
        }
    }

    private void EmitNode(Event evt, bool isEmpty, bool isMapping, bool isSimpleKey)
    {
        isMappingContext = isMapping;
        isSimpleKeyContext = isSimpleKey;
        switch (evt.Kind)
        {
            case Kind.Scalar:
                EmitScalar(evt);
                break;
            case Kind.SequenceStart:
                state = isEmpty ? State.EmptySequence : State.BlockSequenceFirstItem;
                break;
            case Kind.MappingStart:
                state = isEmpty ? State.EmptyMapping : State.BlockMappingFirstKey;
                break;
            default:
                uncertain = true;
                break;
        }
    }

    /// <summary>The emitter's EmitFlowSequenceItem or EmitFlowMappingKey, for a collection whose next event is its end.</summary>
    private void WriteEmptyFlow(string open, string close)
    {
        WriteIndicator(open, needWhitespace: true, whitespace: true, indentation: false);
        IncreaseIndent(isFlow: true, isIndentless: false);
        indent = indents.Pop();
        WriteIndicator(close, needWhitespace: false, whitespace: false, indentation: false);
        state = states.Pop();
    }

    private void EmitScalar(Event evt)
    {
        var form = FormOf(evt.Value, evt.Style, isSimpleKeyContext);
        if (form == Form.Uncertain)
        {
            uncertain = true;
            return;
        }

        IncreaseIndent(isFlow: true, isIndentless: false);
        switch (form)
        {
            case Form.Plain:
                if (!isWhitespace)
                {
                    Write(' ');
                }

                Write(evt.Value);
                isWhitespace = false;
                isIndentation = false;
                break;
            case Form.SingleQuoted:
                // Chosen only for text without a quote, so nothing is doubled.
                WriteIndicator("'", needWhitespace: true, whitespace: false, indentation: false);
                Write(evt.Value);
                WriteIndicator("'", needWhitespace: false, whitespace: false, indentation: false);
                isWhitespace = false;
                isIndentation = false;
                break;
            case Form.DoubleQuoted:
                WriteIndicator("\"", needWhitespace: true, whitespace: false, indentation: false);
                WriteDoubleQuotedContent(evt.Value);
                WriteIndicator("\"", needWhitespace: false, whitespace: false, indentation: false);
                isWhitespace = false;
                isIndentation = false;
                break;
            default:
                WriteLiteral(evt.Value);
                break;
        }

        indent = indents.Pop();
        state = states.Pop();
    }

    /// <summary>
    /// How the emitter writes <paramref name="value"/> asked for in <paramref name="style"/> in block context, where
    /// certain. Plain and quoted text must be printable ASCII on one line: no break (a multi-line scalar is folded or
    /// quoted otherwise), tab, control or non-ASCII character, so only '"' and '\' are ever escaped and no encoding
    /// question arises.
    /// </summary>
    private static Form FormOf(string value, ScalarStyle style, bool isSimpleKey)
    {
        var text = value.AsSpan();
        if (style == ScalarStyle.Literal)
        {
            return !isSimpleKey && IsCertainlyLiteral(text) ? Form.Literal : Form.Uncertain;
        }

        if (text.ContainsAnyExceptInRange(' ', '~'))
        {
            return Form.Uncertain;
        }

        return style switch
        {
            ScalarStyle.DoubleQuoted => Form.DoubleQuoted,

            // Empty text is left to the emitter: its quotes for it depend on the scalar before (HasSingleQuotes is
            // not reset). Where plain is refused, it single-quotes text without a quote in it, double-quotes the rest.
            ScalarStyle.Any when text.IsEmpty => Form.Uncertain,
            ScalarStyle.Any => IsPlainAllowed(text) ? Form.Plain : text.Contains('\'') ? Form.DoubleQuoted : Form.SingleQuoted,
            _ => Form.Uncertain,
        };
    }

    /// <summary>
    /// Whether the emitter's AnalyzeScalar allows a plain scalar in block context, for non-empty single-line printable
    /// ASCII (where the only whitespace is a space). It refuses one for: a leading or trailing space; "---" or "..."
    /// first; an indicator first (<c>#,[]{}&amp;*!|&gt;"%@`'</c>), or <c>? : -</c> first before a space or the end; a later
    /// ':' before a space or the end; a '#' after a space.
    /// </summary>
    private static bool IsPlainAllowed(ReadOnlySpan<char> text)
    {
        var first = text[0];
        if (first == ' ' || text[^1] == ' ' || text.StartsWith("---") || text.StartsWith("...") || LeadingIndicators.Contains(first))
        {
            return false;
        }

        if ((first is '?' or ':' or '-') && (text.Length == 1 || text[1] == ' '))
        {
            return false;
        }

        var rest = text[1..];
        return !rest.EndsWith(':') && rest.IndexOf(": ") < 0 && text.IndexOf(" #") < 0;
    }

    /// <summary>The emitter's WriteDoubleQuotedScalar for printable ASCII: only a quote and a backslash are escaped.</summary>
    private void WriteDoubleQuotedContent(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var escape = text.IndexOfAny('"', '\\');
            Write(escape < 0 ? text : text[..escape]);
            if (escape < 0)
            {
                break;
            }

            Write('\\');
            Write(text[escape]);
            text = text[(escape + 1)..];
        }
    }

    /// <summary>
    /// Whether the emitter writes a literal block as <see cref="WriteLiteral"/> does. Not for text opening with a
    /// space or break (the emitter adds an indentation indicator), with a break other than LF, or that it refuses a
    /// literal block: empty text, a trailing space, or a line of only spaces. Any other character is copied as it is.
    /// </summary>
    private static bool IsCertainlyLiteral(ReadOnlySpan<char> text)
    {
        if (text.Length == 0 || text[0] is ' ' or '\n' || text[^1] == ' ' || text.ContainsAny(OtherBreaks))
        {
            return false;
        }

        for (var rest = text; !rest.IsEmpty;)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            if (!line.IsEmpty && !line.ContainsAnyExcept(' '))
            {
                return false;
            }

            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return true;
    }

    /// <summary>The emitter's WriteLiteralScalar and WriteBlockScalarHints, a line at a time.</summary>
    private void WriteLiteral(string value)
    {
        var text = value.AsSpan();
        WriteIndicator("|", needWhitespace: true, whitespace: false, indentation: false);

        // Chomping: strip ('-') without a final break, keep ('+') with more than one, clip (none) with exactly one.
        if (text[^1] != '\n')
        {
            WriteIndicator("-", needWhitespace: false, whitespace: false, indentation: false);
        }
        else if (text.Length >= 2 && text[^2] == '\n')
        {
            WriteIndicator("+", needWhitespace: false, whitespace: false, indentation: false);
        }

        WriteBreak();
        isIndentation = true;
        isWhitespace = true;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf('\n');
            var line = end < 0 ? text : text[..end];
            if (!line.IsEmpty)
            {
                WriteIndent();
                Write(line);
                isIndentation = false;
            }

            if (end < 0)
            {
                break;
            }

            WriteBreak();
            isIndentation = true;
            text = text[(end + 1)..];
        }
    }

    private void IncreaseIndent(bool isFlow, bool isIndentless)
    {
        indents.Push(indent);
        if (indent < 0)
        {
            indent = isFlow ? BestIndent : 0;
        }
        else if (!isIndentless)
        {
            indent += BestIndent;
        }
    }

    private void WriteIndicator(string indicator, bool needWhitespace, bool whitespace, bool indentation)
    {
        if (needWhitespace && !isWhitespace)
        {
            Write(' ');
        }

        Write(indicator);
        isWhitespace = whitespace;
        isIndentation &= indentation;
    }

    private void WriteIndent()
    {
        var currentIndent = Math.Max(indent, 0);
        if (!isIndentation || column > currentIndent || (column == currentIndent && !isWhitespace))
        {
            WriteBreak();
        }

        if (column < currentIndent)
        {
            Reserve(currentIndent - column).Fill(' ');
            column = currentIndent;
        }

        isWhitespace = true;
        isIndentation = true;
    }

    private void WriteBreak()
    {
        Reserve(1)[0] = '\n';
        column = 0;
    }

    private void Write(char value)
    {
        Reserve(1)[0] = value;
        column++;
    }

    private void Write(ReadOnlySpan<char> value)
    {
        value.CopyTo(Reserve(value.Length));
        column += value.Length;
    }

    private Span<char> Reserve(int count)
    {
        if (length + count > buffer.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(buffer.Length * 2, length + count));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = larger;
        }

        var span = buffer.AsSpan(length, count);
        length += count;
        return span;
    }
}
