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

    public static string Write(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(Options) + "\n";
    }

    public static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)v)];
}
