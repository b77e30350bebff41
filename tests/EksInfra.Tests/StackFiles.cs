using System.Text;
using System.Text.Json;
using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;

namespace EksInfra.Tests;

/// <summary>
/// The shipped stack files, turned into what Pulumi hands the program: each config value as text,
/// strings as themselves and structured values as JSON.
/// </summary>
internal static class StackFiles
{
    public static readonly string[] Stacks = ["dev", "staging", "prod"];

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The raw config values of <c>Pulumi.{stack}.yaml</c>, keyed by full key.</summary>
    public static Dictionary<string, string?> RawValues(string stack)
    {
        var file = Path.Combine(RepoRoot, $"Pulumi.{stack}.yaml");
        var source = StackFileReader.ReadValues(stack, file, File.ReadAllBytes(file));
        Assert.DoesNotContain(source.ReadDiagnostics, d => d.IsError);
        return source.Values.ToDictionary(v => v.Key, v => (string?)ToPulumiText(v.Value), StringComparer.Ordinal);
    }

    /// <summary>The plan the program derives from these values: the same path it takes (Pulumi JSON, then the evaluator).</summary>
    public static AccessPlan PlanOf(string stack, Dictionary<string, string?> raw) =>
        StackEvaluator.Evaluate(JsonConfigReader.FromPulumiValues(stack, raw)).RequirePlan();

    /// <summary>The <c>PULUMI_CONFIG</c> variable a Pulumi run would set: a JSON object of full key to text.</summary>
    public static string PulumiConfigJson(Dictionary<string, string?> raw)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in raw.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (value is not null)
                {
                    writer.WriteString(key, value);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A scalar as its text; a list or a map as JSON, the way Pulumi passes structured config.</summary>
    public static string ToPulumiText(ConfigNode node) => node switch
    {
        ConfigScalar scalar when scalar.Kind != ScalarKind.Null => scalar.Value,
        ConfigScalar => "",
        _ => ToJson(node),
    };

    public static string ToJson(ConfigNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, ConfigNode node)
    {
        switch (node)
        {
            case ConfigMap map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Entries)
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case ConfigList list:
                writer.WriteStartArray();
                foreach (var item in list.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case ConfigScalar { Kind: ScalarKind.Number } number:
                writer.WriteRawValue(number.Value);
                break;
            case ConfigScalar { Kind: ScalarKind.Boolean } boolean:
                writer.WriteBooleanValue(boolean.Value is "true" or "True" or "TRUE");
                break;
            case ConfigScalar { Kind: ScalarKind.Null }:
                writer.WriteNullValue();
                break;
            case ConfigScalar text:
                writer.WriteStringValue(text.Value);
                break;
            default:
                throw new InvalidOperationException($"unexpected config node {node.GetType().Name} at {node.Path}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Pulumi.yaml above {AppContext.BaseDirectory}");
    }
}
