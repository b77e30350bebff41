using System.Buffers;
using System.Text;

namespace EksInfra.Access.Reports;

/// <summary>
/// Text shown in a report, whoever wrote it: a report prints aws-auth and RBAC objects read from a cluster, and the head
/// of a pull request. A line break, a terminal escape or a bidirectional override in a username would let its author
/// forge or hide a report's lines, so each is shown as its JSON escape (<c>\n</c>, <c>\u001B</c>).
/// </summary>
public static class Printable
{
    private static readonly SearchValues<char> Unprintable = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c))
        + "\u061C\u200E\u200F\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny(Unprintable);
        if (first < 0)
        {
            return text;
        }

        var shown = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            _ = !Unprintable.Contains(c) ? shown.Append(c) : c switch
            {
                '\n' => shown.Append("\\n"),
                '\r' => shown.Append("\\r"),
                '\t' => shown.Append("\\t"),
                _ => shown.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)),
            };
        }

        return shown.ToString();
    }
}

/// <summary>
/// Markdown for a pull-request comment, from text anyone may have written. Table rows are split before anything else is
/// read, and readers differ on backslashes there (GitHub's cmark-gfm and Markdig do), so the characters that could end a
/// cell, open HTML (an HTML comment hides the rest of the report on GitHub) or open a code span across cells are written
/// as character references, which every CommonMark reader shows as the character and no table splits on.
/// </summary>
public static class Markdown
{
    private static readonly SearchValues<char> Special = SearchValues.Create("&<|\\`");

    /// <summary>Text in a table cell or a sentence, shown as it is.</summary>
    public static string Cell(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var shown = Printable.Of(text.Replace("\n", " ", StringComparison.Ordinal));
        if (!shown.AsSpan().ContainsAny(Special))
        {
            return shown;
        }

        var cell = new StringBuilder(shown.Length + 16);
        foreach (var c in shown)
        {
            _ = c switch
            {
                '&' => cell.Append("&amp;"),
                '<' => cell.Append("&lt;"),
                '|' => cell.Append("&#124;"),
                '\\' => cell.Append("&#92;"),
                '`' => cell.Append("&#96;"),
                _ => cell.Append(c),
            };
        }

        return cell.ToString();
    }

    /// <summary>
    /// Text as code: a code span where it holds nothing to escape, else an HTML code element with the text as
    /// <see cref="Cell"/> writes it (a code span shows character references as they are written, and GitHub's table reads
    /// '\\|' inside one where Markdig does not).
    /// </summary>
    public static string Code(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cell = Cell(text);
        return cell == text && !text.StartsWith(' ') && !text.EndsWith(' ') && text.Length > 0 ? $"`{text}`" : $"<code>{cell}</code>";
    }
}
