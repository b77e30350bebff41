using System.Text.Json;

namespace EksInfra.Access.Config;

/// <summary>
/// Turns the raw text Pulumi's <c>Config.Get</c> returns (JSON for structured values, plain text for
/// strings) into <see cref="ConfigNode"/>s, so the Pulumi program binds through the same code as the tool.
/// </summary>
public static class JsonConfigReader
{
    /// <summary>
    /// Builds a stack source from Pulumi's raw config values, keyed by full key (<c>eks-infra:access</c>).
    /// A missing key is simply absent.
    /// </summary>
    public static StackSource FromPulumiValues(string stackName, IReadOnlyDictionary<string, string?> rawValues)
    {
        ArgumentNullException.ThrowIfNull(rawValues);
        var bag = new DiagnosticBag();
        var values = new SortedDictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var (key, raw) in rawValues)
        {
            if (raw is null)
            {
                continue;
            }

            var node = FromRawValue(key, raw, bag);
            if (node is not null)
            {
                values[key] = node;
            }
        }

        return new StackSource(stackName, values, bag.ToSortedList());
    }

    /// <summary>
    /// Pulumi hands structured config over as JSON text and strings as themselves; only text that opens
    /// like a JSON object or array is parsed, so a plain string that happens to look numeric stays a string.
    /// </summary>
    public static ConfigNode? FromRawValue(string path, string raw, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var trimmed = raw.TrimStart();
        if (!trimmed.StartsWith('{') && !trimmed.StartsWith('['))
        {
            return new ConfigScalar(path, null, raw, ScalarKind.Text);
        }

        try
        {
            using var doc = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 64 });
            return Convert(doc.RootElement, path, diagnostics);
        }
        catch (JsonException e)
        {
            diagnostics.Error(path, $"the value is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static ConfigNode Convert(JsonElement element, string path, DiagnosticBag diagnostics)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = ConfigPath.Child(path, property.Name);
                    if (!seen.Add(property.Name))
                    {
                        diagnostics.Error(childPath, $"the key '{property.Name}' appears twice in one map; keep one");
                        continue;
                    }

                    entries.Add(new(property.Name, Convert(property.Value, childPath, diagnostics)));
                }

                return new ConfigMap(path, null, entries);
            case JsonValueKind.Array:
                return new ConfigList(path, null, [.. element.EnumerateArray().Select((item, i) => Convert(item, ConfigPath.Item(path, i), diagnostics))]);
            case JsonValueKind.String:
                return new ConfigScalar(path, null, element.GetString() ?? "", ScalarKind.Text);
            case JsonValueKind.Number:
                return new ConfigScalar(path, null, element.GetRawText(), ScalarKind.Number);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return new ConfigScalar(path, null, element.GetRawText(), ScalarKind.Boolean);
            default:
                return new ConfigScalar(path, null, "", ScalarKind.Null);
        }
    }
}
