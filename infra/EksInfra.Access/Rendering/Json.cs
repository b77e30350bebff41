using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EksInfra.Access.Rendering;

/// <summary>JSON output with one fixed shape: two-space indent, LF, no escaping of '+' or '&lt;' in ARNs.</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>What <see cref="JsonNode.ToJsonString"/> gives its writer for <see cref="Options"/>.</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = Options.WriteIndented,
        IndentCharacter = Options.IndentCharacter,
        IndentSize = Options.IndentSize,
        NewLine = Options.NewLine,
        Encoder = Options.Encoder,
    };

    /// <summary>A buffer this large or larger is not kept for the next document: a big report must not pin its memory.</summary>
    private const int MaxKeptBufferBytes = 256 * 1024;

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? cached;

    public static string Write(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return Write(node, static (writer, node) => node.WriteTo(writer, Options));
    }

    /// <summary>
    /// The document <paramref name="write"/> writes, in the fixed shape, with a final LF. The writer and its buffer
    /// are reused, so a document costs its string and nothing else that grows with it.
    /// </summary>
    public static string Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);

        // Taken out while in use, so a nested call (or one after a failure) gets a fresh pair rather than this one.
        var (buffer, writer) = cached ?? (new ArrayBufferWriter<byte>(), new Utf8JsonWriter(Stream.Null, WriterOptions));
        cached = null;
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        write(writer, state);
        writer.Flush();
        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity < MaxKeptBufferBytes)
        {
            cached = (buffer, writer);
        }

        return text;
    }

    /// <summary>Writes JSON text (a policy document) as a value, re-indented to the fixed shape.</summary>
    public static void WriteParsed(Utf8JsonWriter writer, string json)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var document = JsonDocument.Parse(json);
        document.RootElement.WriteTo(writer);
    }

    public static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)v)];
}
