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
            return new ConfigScalar(ConfigPlace.Root(path), raw, ScalarKind.Text);
        }

        try
        {
            using var doc = JsonDocument.Parse(raw, new JsonDocumentOptions { MaxDepth = 64 });
            return Convert(doc.RootElement, ConfigPlace.Root(path), diagnostics);
        }
        catch (JsonException e)
        {
            diagnostics.Error(path, $"the value is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static ConfigNode Convert(JsonElement element, ConfigPlace place, DiagnosticBag diagnostics)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new ConfigMap(place);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        diagnostics.Error(ConfigPath.Child(map.Path, property.Name), $"the key '{property.Name}' appears twice in one map; keep one");
                        continue;
                    }

                    map.Add(property.Name, Convert(property.Value, ConfigPlace.Entry(map, property.Name), diagnostics));
                }

                return map;
            case JsonValueKind.Array:
                var list = new ConfigList(place);
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(Convert(item, ConfigPlace.Item(list, list.Items.Count), diagnostics));
                }

                return list;
            case JsonValueKind.String:
                return new ConfigScalar(place, element.GetString() ?? "", ScalarKind.Text);
            case JsonValueKind.Number:
                return new ConfigScalar(place, element.GetRawText(), ScalarKind.Number);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return new ConfigScalar(place, element.GetRawText(), ScalarKind.Boolean);
            default:
                return new ConfigScalar(place, "", ScalarKind.Null);
        }
    }
}
