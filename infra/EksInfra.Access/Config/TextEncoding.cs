namespace EksInfra.Access.Config;

/// <summary>
/// The encodings an exported input file arrives in. The tool reads UTF-8, and skips a UTF-8 byte order mark, which
/// Windows PowerShell's <c>Out-File -Encoding utf8</c> writes. Windows PowerShell's <c>&gt;</c> writes UTF-16 instead,
/// which is told apart so the message can say so and how to export again.
/// </summary>
internal static class TextEncoding
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>How many bytes of UTF-8 byte order marks open <paramref name="bytes"/> (all of them, however many).</summary>
    public static int Utf8BomLength(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        while (bytes[start..].StartsWith(Utf8Bom))
        {
            start += Utf8Bom.Length;
        }

        return start;
    }

    /// <summary>
    /// Whether <paramref name="bytes"/> are UTF-16: they open with its byte order mark (FF FE or FE FF), or, without
    /// one, one of the first two bytes is NUL and the other is not, as an ASCII character in UTF-16 is. UTF-8 text
    /// holds no NUL byte, and JSON and YAML allow none.
    /// </summary>
    public static bool IsUtf16(ReadOnlySpan<byte> bytes) =>
        bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] || (bytes.Length >= 2 && (bytes[0] == 0) != (bytes[1] == 0));

    /// <summary>What is wrong with a UTF-16 export and how to write it as UTF-8, with the command that exports it.</summary>
    public static string Utf16Export(string exportCommand, string file) =>
        $"the file is UTF-16 (Windows PowerShell's `>` writes UTF-16) and the tool reads UTF-8; export it again as UTF-8: `{exportCommand} | Out-File -Encoding utf8 {file}` in PowerShell, or `{exportCommand} > {file}` in bash";
}
