using System.Text;
using EksInfra.Access.Reports;

namespace EksInfra.Cli;

/// <summary>
/// The tool's error stream. Each message is one line, and many quote text from a stack file a pull request wrote or
/// from a live cluster's exports, which workflows paste into PR comments and logs; a line break or a terminal escape
/// in that text must not start a line of its own (a forged `::error::` workflow command, a closed code fence).
/// </summary>
internal sealed class PrintableLines(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void Write(string? value) => inner.Write(value);

    public override void WriteLine() => inner.WriteLine();

    public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : Printable.Of(value));

    public override void Flush() => inner.Flush();
}
