using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Tests;

/// <summary>Where the repository's files are, wherever the test runner puts the binaries.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string HostileDir => Path.Combine(Root, "tests", "hostile");

    public static string StackFile(string stack) => Path.Combine(Root, $"Pulumi.{stack}.yaml");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EksInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EksInfra.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The tool's path through the core: stack file bytes, then bind, validate, plan.</summary>
public static class Stacks
{
    /// <summary>The day every test evaluates on, so rules that depend on the date (EKS version support) give the same answer every day.</summary>
    public static readonly DateOnly Today = new(2026, 12, 1);

    public static StackEvaluation EvaluateText(string yaml, string fileName = "Pulumi.test.yaml") =>
        EvaluateBytes(Encoding.UTF8.GetBytes(yaml), fileName);

    public static StackEvaluation EvaluateText(string yaml, DateOnly today) =>
        StackEvaluator.Evaluate(StackFileReader.Read("test", "Pulumi.test.yaml", Encoding.UTF8.GetBytes(yaml)), today);

    public static StackEvaluation EvaluateBytes(byte[] bytes, string fileName = "Pulumi.test.yaml") =>
        StackEvaluator.Evaluate(StackFileReader.Read(StackFileReader.StackNameFromFileName(fileName), fileName, bytes), Today);

    public static StackEvaluation EvaluateFile(string path) =>
        EvaluateBytes(File.ReadAllBytes(path), Path.GetFileName(path));

    public static StackEvaluation Shipped(string stack) => EvaluateFile(Repo.StackFile(stack));

    public static AccessPlan ValidPlan(StackEvaluation evaluation)
    {
        Assert.True(evaluation.IsValid, "expected a valid stack, got:\n" + string.Join("\n", evaluation.Errors));
        return evaluation.Plan!;
    }

    public static AccessPlan ValidPlanOf(string yaml) => ValidPlan(EvaluateText(yaml));

    /// <summary>A stack file's text with one piece replaced, failing when the piece is not there (an edit that misses tests nothing).</summary>
    public static string Edit(string stack, string from, string to)
    {
        Assert.Contains(from, stack, StringComparison.Ordinal);
        return stack.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>What <c>eksinfra diff</c> finds between two valid versions of a stack file.</summary>
    public static IReadOnlyList<Reports.DiffFinding> DiffFindings(string before, string after) =>
        Reports.AccessDiff.Compare(ValidPlanOf(before), ValidPlanOf(after), "main").Findings;

    public static IReadOnlyDictionary<string, string> Render(AccessPlan plan) =>
        StackRenderer.RenderFiles(plan).ToDictionary(f => f.RelativePath, f => f.Content, StringComparer.Ordinal);

    public static string Describe(StackEvaluation evaluation) => string.Join("\n", evaluation.Diagnostics.Select(d => d.ToStringWithLocation()));

    /// <summary>A small valid stack to build variations on: one admin role, one CI role and one group.</summary>
    public static string Minimal(string mode = "API_AND_CONFIG_MAP", string access = "") => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
          eks-infra:access:
            authenticationMode: {{mode}}
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/ci/deployer
                username: ci-deployer
                groups: [deployers]
            groups:
              deployers:
                clusterRole: edit
        {{access}}
        """;
}

public sealed record Mapping(string Arn, string Username, IReadOnlyList<string> Groups)
{
    public string Key => $"{Arn} {Username} [{string.Join(",", Groups)}]";
}

public sealed record AwsAuth(YamlMappingNode Manifest, IReadOnlyList<Mapping> Roles, IReadOnlyList<Mapping> Users, IReadOnlyList<string> Accounts);

/// <summary>Reads rendered output back with independent parsers (YamlDotNet's object model, System.Text.Json).</summary>
public static class Reparse
{
    public static YamlStream Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream;
    }

    public static YamlMappingNode Root(string text)
    {
        var stream = Yaml(text);
        Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    public static IReadOnlyList<YamlMappingNode> Documents(string text) =>
        [.. Yaml(text).Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))];

    public static string Str(YamlNode node, string key)
    {
        var map = Assert.IsType<YamlMappingNode>(node);
        Assert.True(map.Children.ContainsKey(new YamlScalarNode(key)), $"missing key '{key}'");
        return Assert.IsType<YamlScalarNode>(map[key]).Value!;
    }

    public static YamlNode? Get(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static IReadOnlyList<string> Strings(YamlNode? node) =>
        node is null ? [] : [.. Assert.IsType<YamlSequenceNode>(node).Children.Select(c => Assert.IsType<YamlScalarNode>(c).Value!)];

    /// <summary>The ConfigMap, then each data value parsed again as the YAML the authenticator reads.</summary>
    public static AwsAuth AwsAuth(string text)
    {
        var root = Root(text);
        Assert.Equal("v1", Str(root, "apiVersion"));
        Assert.Equal("ConfigMap", Str(root, "kind"));
        var metadata = root["metadata"];
        Assert.Equal("aws-auth", Str(metadata, "name"));
        Assert.Equal("kube-system", Str(metadata, "namespace"));
        var data = Assert.IsType<YamlMappingNode>(root["data"]);
        foreach (var (key, value) in data.Children)
        {
            Assert.Contains(((YamlScalarNode)key).Value, new[] { "mapRoles", "mapUsers", "mapAccounts" });
            Assert.IsType<YamlScalarNode>(value);
        }

        return new AwsAuth(root, Mappings(data, "mapRoles", "rolearn"), Mappings(data, "mapUsers", "userarn"), DataList(data, "mapAccounts"));
    }

    private static List<Mapping> Mappings(YamlMappingNode data, string key, string arnKey)
    {
        if (Get(data, key) is not YamlScalarNode scalar)
        {
            return [];
        }

        var seq = Assert.IsType<YamlSequenceNode>(Root2(scalar.Value!));
        return [.. seq.Children.Select(item =>
        {
            var map = Assert.IsType<YamlMappingNode>(item);
            Assert.Equal(3, map.Children.Count);
            return new Mapping(Str(map, arnKey), Str(map, "username"), Strings(map["groups"]));
        })];
    }

    private static List<string> DataList(YamlMappingNode data, string key)
    {
        if (Get(data, key) is not YamlScalarNode scalar)
        {
            return [];
        }

        var seq = Assert.IsType<YamlSequenceNode>(Root2(scalar.Value!));
        return [.. seq.Children.Select(c =>
        {
            var s = Assert.IsType<YamlScalarNode>(c);
            // An account id must read back as a string: a plain 012345678901 would be a number to the authenticator.
            Assert.NotEqual(ScalarStyle.Plain, s.Style);
            return s.Value!;
        })];
    }

    private static YamlNode Root2(string text)
    {
        var stream = Yaml(text);
        Assert.Single(stream.Documents);
        return stream.Documents[0].RootNode;
    }

    public static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}

/// <summary>Rewrites a stack file's YAML: every list and every map's keys in another order, same meaning.</summary>
public static class YamlReorder
{
    public static string Reverse(string yaml) => Transform(yaml, list => Enumerable.Reverse(list).ToList());

    public static string Shuffle(string yaml, int seed)
    {
        var random = new Random(seed);
        return Transform(yaml, list => [.. list.OrderBy(_ => random.Next())]);
    }

    private static string Transform(string yaml, Func<List<KeyValuePair<YamlNode, YamlNode>>, List<KeyValuePair<YamlNode, YamlNode>>> reorder)
    {
        var stream = Reparse.Yaml(yaml);
        var root = Reorder(stream.Documents[0].RootNode, reorder);
        using var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlNode Reorder(YamlNode node, Func<List<KeyValuePair<YamlNode, YamlNode>>, List<KeyValuePair<YamlNode, YamlNode>>> reorder)
    {
        switch (node)
        {
            case YamlSequenceNode seq:
                var items = reorder([.. seq.Children.Select(c => new KeyValuePair<YamlNode, YamlNode>(c, c))]);
                return new YamlSequenceNode(items.Select(i => Reorder(i.Value, reorder)));
            case YamlMappingNode map:
                var entries = reorder([.. map.Children]);
                var result = new YamlMappingNode();
                foreach (var (key, value) in entries)
                {
                    result.Add(key, Reorder(value, reorder));
                }

                return result;
            default:
                return node;
        }
    }
}

/// <summary>Pulumi's view of a stack's config: a string stays text, structured values arrive as JSON.</summary>
public static partial class PulumiConfig
{
    public static Dictionary<string, string?> FromStackYaml(string yaml)
    {
        var root = Reparse.Root(yaml);
        var config = Assert.IsType<YamlMappingNode>(root["config"]);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in config.Children)
        {
            values[((YamlScalarNode)key).Value!] = value is YamlScalarNode s ? s.Value : ToJson(value);
        }

        return values;
    }

    public static StackEvaluation Evaluate(string yaml) =>
        StackEvaluator.Evaluate(JsonConfigReader.FromPulumiValues("test", FromStackYaml(yaml)), Stacks.Today);

    private static string ToJson(YamlNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode s when s.Style == ScalarStyle.Plain && s.Value is "true" or "false":
                writer.WriteBooleanValue(s.Value == "true");
                break;
            case YamlScalarNode s when s.Style == ScalarStyle.Plain && s.Value is "" or "null" or "~":
                writer.WriteNullValue();
                break;
            case YamlScalarNode s when s.Style == ScalarStyle.Plain && Number().IsMatch(s.Value!):
                writer.WriteRawValue(s.Value!);
                break;
            case YamlScalarNode s:
                writer.WriteStringValue(s.Value);
                break;
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")]
    private static partial Regex Number();
}

/// <summary>Live aws-auth ConfigMaps, as <c>kubectl -n kube-system get configmap aws-auth -o yaml</c> prints them.</summary>
public static class AwsAuthManifests
{
    /// <summary>The ConfigMap with <paramref name="data"/> as the lines under its <c>data:</c> key.</summary>
    public static string Text(string data) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: aws-auth
          namespace: kube-system
        data:
        {{data}}
        """;

    public static byte[] Bytes(string data) => System.Text.Encoding.UTF8.GetBytes(Text(data));
}
