using System.Buffers;
using YamlDotNet.Core;

namespace EksInfra.Access.Rendering;

/// <summary>
/// The scalar forms YamlDotNet's <see cref="Emitter"/> (18.1.0, with <see cref="Yaml"/>'s settings: indent 2, unlimited
/// width, LF) is certain to write, measured and written without it, so the bulk shapes (aws-auth's mappings and the
/// ConfigMap around them) can be written by hand. The emitter analyses every scalar character by character, a
/// quarter of the whole pipeline at 10,000 identities; these checks are a few vectorised scans.
/// </summary>
/// <remarks>
/// Each check is conservative: "uncertain" (-1) sends the caller's whole document back through the emitter, so a
/// scalar the emitter would quote, escape or fold is never written by hand. Mirrors the emitter's AnalyzeScalar,
/// SelectScalarStyle, WritePlainScalar, WriteDoubleQuotedScalar, WriteLiteralScalar and WriteBlockScalarHints.
/// </remarks>
internal static class FastYaml
{
    /// <summary>The emitter writes a mapping key of at most this length as a simple key (<c>key: value</c>).</summary>
    private const int MaxSimpleKeyLength = 1024;

    /// <summary>The line breaks besides LF that the emitter normalises or writes as they are; text with one is left to it.</summary>
    private static readonly SearchValues<char> OtherBreaks = SearchValues.Create("\r\u0085\u2028\u2029");

    /// <summary>
    /// The length of <paramref name="value"/> as the emitter writes it for <see cref="Yaml.Str"/> (or
    /// <see cref="Yaml.EventWriter.Text"/>) in a block mapping's value or a block sequence's item, or -1 when uncertain.
    /// </summary>
    public static int StringLength(string value) => ScalarLength(value, Yaml.StyleOf(value));

    /// <summary>The length of a block mapping key written with style Any (a <c>YamlScalarNode</c> made from a string), or -1 when uncertain.</summary>
    public static int KeyLength(string key) => key.Length <= MaxSimpleKeyLength && ScalarLength(key, ScalarStyle.Any) == key.Length ? key.Length : -1;

    /// <summary>Whether <see cref="Yaml.Str"/> of <paramref name="value"/> is written plain, as it is.</summary>
    public static bool IsPlainString(string value) => StringLength(value) == value.Length;

    /// <summary>The text the emitter writes for <see cref="Yaml.Str"/> of <paramref name="value"/>, or null when uncertain.</summary>
    public static string? StringText(string value) => StringLength(value) switch
    {
        < 0 => null,
        var length when length == value.Length => value,
        _ => $"\"{value}\"",
    };

    /// <summary>The text the emitter writes for a block mapping key of style Any, or null when uncertain.</summary>
    public static string? KeyText(string key) => KeyLength(key) < 0 ? null : key;

    /// <summary>Writes a string <see cref="StringLength"/> measured as certain: plain, or in double quotes with nothing to escape.</summary>
    public static void AppendString(ref CharWriter writer, string value)
    {
        if (Yaml.StyleOf(value) == ScalarStyle.DoubleQuoted)
        {
            writer.Append('"');
            writer.Append(value);
            writer.Append('"');
        }
        else
        {
            writer.Append(value);
        }
    }

    private static int ScalarLength(string value, ScalarStyle style)
    {
        var text = value.AsSpan();

        // Printable ASCII only: no line break (a multi-line scalar is folded or quoted), tab, control or non-ASCII
        // character, so no escape and no encoding question.
        if (text.ContainsAnyExceptInRange(' ', '~'))
        {
            return -1;
        }

        return style switch
        {
            // Written between quotes as it is unless it holds a quote or backslash (the width is unlimited: no folding).
            ScalarStyle.DoubleQuoted => text.ContainsAny('"', '\\') ? -1 : text.Length + 2,
            ScalarStyle.Any => IsCertainlyPlain(text) ? text.Length : -1,
            _ => -1,
        };
    }

    /// <summary>
    /// Whether the emitter allows a plain scalar in block context. It refuses one for: empty text; a leading space,
    /// "---" or "...", or an indicator first (<c>#,[]{}&amp;*!|&gt;"%@`'</c>, or <c>? : -</c> before a space); a ':' before a
    /// space or the end; a '#' after a space; a trailing space. A letter or digit first rules out every leading case.
    /// </summary>
    private static bool IsCertainlyPlain(ReadOnlySpan<char> text) =>
        text.Length > 0
        && char.IsAsciiLetterOrDigit(text[0])
        && text[^1] is not (' ' or ':')
        && text.IndexOf(": ") < 0
        && text.IndexOf(" #") < 0;

    /// <summary>
    /// The length of <paramref name="value"/> written as the emitter writes a <see cref="Yaml.Block"/> value with a
    /// line break: <c>" |"</c>, the chomping indicator, a break, each non-empty line indented by <paramref name="indent"/>
    /// spaces, and the break that follows the block. -1 when uncertain: text opening with a space or break (the emitter
    /// adds an indentation indicator), breaks other than LF, and text for which it refuses a literal block (a trailing
    /// space, or a line of only spaces).
    /// </summary>
    public static long LiteralBlockLength(string value, int indent)
    {
        var text = value.AsSpan();
        if (text.Length == 0 || text[0] is ' ' or '\n' || text[^1] == ' ' || text.ContainsAny(OtherBreaks) || !text.Contains('\n'))
        {
            return -1;
        }

        // " |" + chomping + LF + the text; text without a final break ("|-") gets the break the emitter writes after it.
        long length = 2 + (ChompingOf(text) is null ? 0 : 1) + 1 + text.Length + (text[^1] == '\n' ? 0 : 1);
        while (text.Length > 0)
        {
            var end = text.IndexOf('\n');
            var line = end < 0 ? text : text[..end];
            if (line.Length > 0)
            {
                if (!line.ContainsAnyExcept(' '))
                {
                    return -1;
                }

                length += indent;
            }

            text = end < 0 ? [] : text[(end + 1)..];
        }

        return length;
    }

    /// <summary>Writes a block <see cref="LiteralBlockLength"/> measured as certain.</summary>
    public static void AppendLiteralBlock(ref CharWriter writer, string value, int indent)
    {
        var text = value.AsSpan();
        writer.Append(" |");
        if (ChompingOf(text) is { } chomping)
        {
            writer.Append(chomping);
        }

        writer.Append('\n');
        while (text.Length > 0)
        {
            var end = text.IndexOf('\n');
            var line = end < 0 ? text : text[..end];
            if (line.Length > 0)
            {
                writer.Append(' ', indent);
                writer.Append(line);
            }

            writer.Append('\n');
            text = end < 0 ? [] : text[(end + 1)..];
        }
    }

    /// <summary>Strip ('-') without a final break, keep ('+') with more than one, clip (none) with exactly one.</summary>
    private static char? ChompingOf(ReadOnlySpan<char> text) =>
        text[^1] != '\n' ? '-' : text.Length >= 2 && text[^2] == '\n' ? '+' : null;
}

/// <summary>Fills a string of a length measured beforehand (<see cref="string.Create{TState}"/>).</summary>
internal ref struct CharWriter(Span<char> destination)
{
    private readonly Span<char> destination = destination;
    private int position;

    public void Append(char value) => destination[position++] = value;

    public void Append(char value, int count)
    {
        destination.Slice(position, count).Fill(value);
        position += count;
    }

    public void Append(scoped ReadOnlySpan<char> value)
    {
        value.CopyTo(destination[position..]);
        position += value.Length;
    }

    /// <summary>Fails when the text written is not the length measured: a measuring bug must not ship a truncated or padded file.</summary>
    public readonly void EnsureFull()
    {
        if (position != destination.Length)
        {
            throw new InvalidOperationException($"wrote {position} characters where {destination.Length} were measured");
        }
    }
}
