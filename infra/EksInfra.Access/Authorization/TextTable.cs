using System.Text;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Authorization;

/// <summary>The plain and Markdown tables of the reports: padded columns of printable text, or escaped cells.</summary>
internal static class TextTable
{
    public static void Plain(StringBuilder sb, string[] header, IReadOnlyList<string[]> rows)
    {
        rows = [.. rows.Select(row => row.Select(Printable.Of).ToArray())];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            sb.Append(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }
    }

    /// <param name="names">The columns that hold names (principals, usernames), shown as code: GitHub mentions an '@' name outside it.</param>
    public static void Markdown(StringBuilder sb, string[] header, IReadOnlyList<string[]> rows, params int[] names)
    {
        sb.Append("| ").Append(string.Join(" | ", header)).Append(" |\n|").Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
        foreach (var row in rows)
        {
            sb.Append("| ").Append(string.Join(" | ", row.Select((cell, i) => names.Contains(i) ? Reports.Markdown.Code(cell) : Reports.Markdown.Cell(cell)))).Append(" |\n");
        }
    }
}
