using System.Text;
using System.Text.Json;
using EksInfra.Access.Config;

namespace EksInfra.Access.Tests;

/// <summary>tests/hostile: every invalid stack file gives its error (path and gist), never a crash, never a plan.</summary>
public class HostileCorpusTests
{
    public sealed record Expectation(string Path, string Gist);

    public static IReadOnlyDictionary<string, Expectation> Expected { get; } = LoadExpected();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var name in Expected.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static Dictionary<string, Expectation> LoadExpected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.HostileDir, "expected.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => new Expectation(p.Value.GetProperty("path").GetString()!, p.Value.GetProperty("gist").GetString()!),
            StringComparer.Ordinal);
    }

    [Fact]
    public void Corpus_has_at_least_45_files_and_expected_json_lists_exactly_them()
    {
        var onDisk = Directory.GetFiles(Repo.HostileDir)
            .Select(Path.GetFileName)
            .Where(n => n != "expected.json")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(onDisk.Count >= 45, $"only {onDisk.Count} hostile files");
        Assert.Equal(onDisk, Expected.Keys.Order(StringComparer.Ordinal));
        Assert.All(onDisk, n => Assert.Matches(@"^\d{2,3}-[a-z0-9-]+\.(yaml|bin)$", n!));
        Assert.All(Expected.Values, e => Assert.False(string.IsNullOrWhiteSpace(e.Gist)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Hostile_file_is_refused_with_its_path_and_message(string name)
    {
        var expected = Expected[name];
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, name));
        Assert.False(evaluation.IsValid, $"{name} evaluated valid");
        Assert.Null(evaluation.Plan);
        var errors = evaluation.Errors.ToList();
        Assert.NotEmpty(errors);
        Assert.True(
            errors.Any(e => e.Path == expected.Path && e.Message.Contains(expected.Gist, StringComparison.Ordinal)),
            $"{name}: expected an error at '{expected.Path}' containing '{expected.Gist}'; got:\n{Stacks.Describe(evaluation)}");
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Hostile_file_error_points_at_the_file(string name)
    {
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, name));
        var expected = Expected[name];
        var error = evaluation.Errors.FirstOrDefault(e => e.Path == expected.Path && e.Message.Contains(expected.Gist, StringComparison.Ordinal));
        Assert.NotNull(error);
        if (error.Location is { } at)
        {
            Assert.Equal(name, at.File);
            Assert.InRange(at.Line, 1, File.ReadAllLines(Path.Combine(Repo.HostileDir, name)).Length + 1);
        }
    }

    [Fact]
    public void An_enormous_file_is_refused_before_parsing_with_its_size()
    {
        var builder = new StringBuilder("config:\n  aws:region: us-west-2\n");
        var line = "# " + new string('x', 1021) + "\n";
        while (builder.Length <= YamlConfigReader.MaxFileBytes)
        {
            builder.Append(line);
        }

        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        var evaluation = Stacks.EvaluateBytes(bytes, "Pulumi.huge.yaml");
        Assert.False(evaluation.IsValid);
        var error = Assert.Single(evaluation.Errors, e => e.Path == "(file)");
        Assert.Contains($"{bytes.Length:N0} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("16,777,216-byte limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_three_mistakes_gives_three_errors_at_once()
    {
        var yaml = """
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
                nodeGroup: { desiredSize: 9, minSize: 1, maxSize: 3 }
              eks-infra:access:
                authenticationMode: API_AND_CONFIG_MAP
                roles:
                  - name: eks-admin-role
                    username: eks-admin
                    groups: [system:masters]
                mapRoles:
                  - rolearn: arn:aws:sts::123456789012:assumed-role/deployer/session
                    username: ci-deployer
                    groups: [deployers]
                  - rolearn: arn:aws:iam::123456789012:role/other
                    username: eks:other
                    groups: [deployers]
                groups:
                  deployers: { clusterRole: edit }
            """;
        var evaluation = Stacks.EvaluateText(yaml);
        var errors = evaluation.Errors.ToList();
        Assert.True(errors.Count == 3, Stacks.Describe(evaluation));
        Assert.Equal(
            ["eks-infra:access.mapRoles[0].rolearn", "eks-infra:access.mapRoles[1].username", "eks-infra:cluster.nodeGroup.desiredSize"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("role/deployer", errors.Single(e => e.Path.EndsWith("rolearn", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_sorted_by_line_in_the_file()
    {
        var yaml = """
            config:
              aws:region: us-west
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: "bad name"
              eks-infra:access:
                roles:
                  - name: eks-admin-role
                    username: eks-admin
                    groups: [system:masters, nobody]
            """;
        var lines = Stacks.EvaluateText(yaml).Errors.Select(e => e.Location!.Line).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(lines.Order(), lines);
    }

    /// <summary>Stacks whose config means the same in both entry points (no YAML-only syntax errors).</summary>
    public static TheoryData<string> SemanticFiles() =>
    [
        "01-arn-unknown-partition.yaml", "08-sts-assumed-role-arn.yaml", "10-service-linked-role.yaml", "12-duplicate-principal.yaml",
        "13-created-and-mapped.yaml", "14-same-role-two-paths.yaml", "15-node-role-mapped-again.yaml", "19-username-reserved-prefix.yaml",
        "21-session-name-without-colon.yaml", "26-system-group-in-access-entries.yaml", "27-group-bound-to-nothing.yaml", "31-unknown-cluster-role.yaml",
        "33-namespace-uppercase.yaml", "35-access-policy-in-config-map.yaml", "38-map-accounts-in-api.yaml", "41-nodegroup-min-over-max.yaml",
        "46-version-unquoted.yaml", "51-account-unquoted.yaml", "55-accounts-missing.yaml", "61-unknown-key-typo.yaml", "62-unknown-config-key.yaml",
        "64-list-where-map-belongs.yaml", "65-map-where-list-belongs.yaml", "66-string-where-list-belongs.yaml", "67-boolean-where-string.yaml",
        "68-access-not-a-map.yaml", "84-no-cluster-admin.yaml",
    ];

    [Theory]
    [MemberData(nameof(SemanticFiles))]
    public void Pulumi_json_entry_point_gives_the_same_diagnostics_as_the_stack_file(string name)
    {
        var yaml = File.ReadAllText(Path.Combine(Repo.HostileDir, name));
        var fromYaml = Stacks.EvaluateText(yaml, name);
        var fromJson = PulumiConfig.Evaluate(yaml);
        Assert.False(fromJson.IsValid);
        Assert.Equal(Keys(fromYaml), Keys(fromJson));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Pulumi_json_entry_point_gives_the_same_plan_for_shipped_stacks(string stack)
    {
        var yaml = File.ReadAllText(Repo.StackFile(stack));
        var fromYaml = Stacks.ValidPlan(Stacks.EvaluateText(yaml));
        var fromJson = Stacks.ValidPlan(PulumiConfig.Evaluate(yaml));
        Assert.Equal(Stacks.Render(fromYaml), Stacks.Render(fromJson));
        Assert.Equal(Keys(Stacks.EvaluateText(yaml)), Keys(PulumiConfig.Evaluate(yaml)));
    }

    [Fact]
    public void Pulumi_json_that_is_not_json_is_an_error_at_its_key()
    {
        var source = JsonConfigReader.FromPulumiValues("test", new Dictionary<string, string?>
        {
            ["aws:region"] = "us-west-2",
            ["aws:allowedAccountIds"] = "[\"123456789012\"]",
            ["eks-infra:cluster"] = "{\"name\": \"my-cluster\"",
            ["eks-infra:access"] = "{\"roles\": [{\"name\": \"a\", \"username\": \"a\", \"groups\": [\"system:masters\"]}]}",
        });
        var evaluation = StackEvaluator.Evaluate(source);
        Assert.False(evaluation.IsValid);
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:cluster" && e.Message.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void Pulumi_json_with_a_duplicate_key_is_an_error()
    {
        var source = JsonConfigReader.FromPulumiValues("test", new Dictionary<string, string?>
        {
            ["aws:region"] = "us-west-2",
            ["aws:allowedAccountIds"] = "[\"123456789012\"]",
            ["eks-infra:cluster"] = "{\"name\": \"my-cluster\", \"name\": \"other\"}",
            ["eks-infra:access"] = "{\"roles\": [{\"name\": \"a\", \"username\": \"a\", \"groups\": [\"system:masters\"]}]}",
        });
        var evaluation = StackEvaluator.Evaluate(source);
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:cluster.name" && e.Message.Contains("appears twice", StringComparison.Ordinal));
    }

    private static List<string> Keys(StackEvaluation evaluation) =>
        [.. evaluation.Diagnostics.Select(d => $"{d.Severity} {d.Path}: {d.Message}").Order(StringComparer.Ordinal)];
}
