using System.Buffers;
using System.Globalization;
using System.Text;

namespace EksInfra.Access.Reports;

/// <summary>
/// Text shown in a report, whoever wrote it: a report prints aws-auth and RBAC objects read from a cluster, and the head
/// of a pull request. A line break, a terminal escape, a bidirectional override or an invisible character (zero-width,
/// soft hyphen, Unicode tags, a space other than U+0020) in a username would let its author forge or hide a report's lines
/// or pass one name off as another, so each control, format or separator character, each character drawn blank, and each
/// unpaired surrogate is shown as its JSON escape
/// (<c>\n</c>, <c>\u001B</c>; a character past U+FFFF as its two UTF-16 escapes).
/// </summary>
public static class Printable
{
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        StringBuilder? shown = null;
        for (var i = 0; i < text.Length;)
        {
            var printable = Length(text, i);
            if (printable > 0)
            {
                shown?.Append(text, i, printable);
                i += printable;
                continue;
            }

            shown ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            var units = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            for (var u = i; u < i + units; u++)
            {
                _ = text[u] switch
                {
                    '\n' => shown.Append("\\n"),
                    '\r' => shown.Append("\\r"),
                    '\t' => shown.Append("\\t"),
                    var c => shown.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                };
            }

            i += units;
        }

        return shown?.ToString() ?? text;
    }

    /// <summary>How many UTF-16 units the printable character at <paramref name="i"/> takes, or 0 where it is not printable.</summary>
    private static int Length(string text, int i)
    {
        var c = text[i];
        if (c < 0x80)
        {
            return c is >= ' ' and not '\u007F' ? 1 : 0;
        }

        if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
        {
            return 0;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.SpaceSeparator
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate
            || IsDrawnBlank(rune.Value)
            ? 0
            : used;
    }

    /// <summary>
    /// Characters outside those categories that fonts draw as nothing: the rest of Unicode's Default_Ignorable_Code_Point
    /// (variation selectors, the combining grapheme joiner, Hangul fillers, Mongolian selectors...) and the braille blank.
    /// </summary>
    private static bool IsDrawnBlank(int c) =>
        c is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
        || c is >= 0x180B and <= 0x180F or >= 0xFE00 and <= 0xFE0F or >= 0xFFF0 and <= 0xFFF8
        || c is >= 0x1BCA0 and <= 0x1BCA3 or >= 0x1D173 and <= 0x1D17A or >= 0xE0000 and <= 0xE0FFF;
}

/// <summary>
/// Markdown for a pull-request comment, from text anyone may have written, shown as written. Table rows are split before
/// anything else is read, and readers differ on backslashes there (GitHub's cmark-gfm and Markdig do), so every character
/// that could end a cell, open HTML (an HTML comment hides the rest of the report on GitHub), a code span, a link or an
/// image, or mark emphasis, strikethrough or another reader's extras (Markdig's ^sup^, ++insert++, ==mark==) is written
/// as a character reference, which every CommonMark reader shows as
/// the character and no table splits on. What still differs: GitHub links bare URLs, and mentions '@' names outside code.
/// </summary>
public static class Markdown
{
    private static readonly SearchValues<char> Special = SearchValues.Create("&<|\\`*_~[]^=+");

    private static readonly SearchValues<char> EndsCodeSpan = SearchValues.Create("`|\\\n");

    /// <summary>Text in a table cell or a sentence.</summary>
    public static string Cell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = Printable.Of(text);
        if (!shown.AsSpan().ContainsAny(Special))
        {
            return shown;
        }

        var cell = new StringBuilder(shown.Length + 16);
        for (var i = 0; i < shown.Length; i++)
        {
            _ = shown[i] switch
            {
                // Between two letters or digits '_' marks no emphasis (CommonMark's flanking rules): API_AND_CONFIG_MAP stays readable.
                '_' when i > 0 && i < shown.Length - 1 && char.IsLetterOrDigit(shown[i - 1]) && char.IsLetterOrDigit(shown[i + 1]) => cell.Append('_'),
                '&' => cell.Append("&amp;"),
                '<' => cell.Append("&lt;"),
                var c when Special.Contains(c) => cell.Append("&#").Append((int)c).Append(';'),
                var c => cell.Append(c),
            };
        }

        return cell.ToString();
    }

    /// <summary>
    /// Text as code: a code span where nothing in it could end one (a backtick; '|', which GitHub's table reads inside a
    /// span and Markdig does not; a backslash; an edge space, which the span strips), else an HTML code element holding the
    /// text as <see cref="Cell"/> writes it, since a span shows character references as written.
    /// </summary>
    public static string Code(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spanSafe = text.Length > 0 && !text.AsSpan().ContainsAny(EndsCodeSpan) && !text.StartsWith(' ') && !text.EndsWith(' ')
            && ReferenceEquals(Printable.Of(text), text);
        return spanSafe ? $"`{text}`" : $"<code>{Cell(text)}</code>";
    }
}

/// <summary>
/// A value written into a shell command the tool prints. IAM takes any of ! through ~ in a path (CreateRole, Path:
/// "any ASCII character from the ! (\u0021) through the DEL character"), so an ARN can hold ', ;, $ or a backquote, and
/// POSIX sh has no escape inside single quotes: a quote is closed, escaped and opened again.
/// </summary>
public static class ShellWord
{
    private static readonly SearchValues<char> Plain = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-");

    /// <summary>The value as one word, quoted only where the shell would read it otherwise.</summary>
    public static string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && !value.AsSpan().ContainsAnyExcept(Plain) ? value : Quoted(value);
    }

    /// <summary>The value in single quotes, whatever it holds.</summary>
    public static string Quoted(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
