using System.Text.Json;
using System.Text.Json.Nodes;

namespace EksInfra.Cli.Tests;

/// <summary>
/// Audit inputs that are not what the export commands write, each a whole valid export with one thing broken: the
/// audit refuses them with exit 1, naming the file, the place in it, what is wrong and how to fix it, never with a
/// stack trace and never with a half-read report.
/// </summary>
public sealed class LiveInputHardeningTests
{
    private const string ExportRbacAgain = "export it again with `kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json`";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Runs <c>audit dev</c> on <paramref name="bytes"/> as the file of <paramref name="option"/>; the run must be refused.</summary>
    private static string Refused(string option, string file, byte[] bytes)
    {
        using var project = new TestProject();
        File.WriteAllBytes(Path.Combine(project.Directory, file), bytes);
        var result = project.Run("audit", "dev", option, file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Out);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Contains("dev: nothing audited", result.Error, StringComparison.Ordinal);
        return result.Error;
    }

    private static string Refused(string option, string file, string text) => Refused(option, file, System.Text.Encoding.UTF8.GetBytes(text));

    private static JsonObject DevRbac() => LiveFixtures.Rbac(LiveFixtures.Plan("dev"));

    /// <summary>The first ClusterRole of the export, with its index in items.</summary>
    private static (JsonObject Role, int Index) FirstClusterRole(JsonObject rbac)
    {
        var items = rbac["items"]!.AsArray();
        var index = items.Select((item, i) => (item, i)).First(x => x.item!["kind"]!.GetValue<string>() == "ClusterRole" && x.item["rules"]!.AsArray().Count > 0).i;
        return (items[index]!.AsObject(), index);
    }

    [Fact]
    public void A_live_rule_that_is_not_an_object_is_refused_with_its_place()
    {
        var rbac = DevRbac();
        var (role, index) = FirstClusterRole(rbac);
        role["rules"]!.AsArray()[0] = "get pods";

        var error = Refused("--rbac", "rbac.json", rbac.ToJsonString(Indented));

        Assert.Contains($"eksinfra: rbac.json: items[{index}].rules[0]: expected a PolicyRule (an object with apiGroups, resources and verbs), found the string \"get pods\"", error, StringComparison.Ordinal);
        Assert.Contains(ExportRbacAgain, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verbs")]
    [InlineData("apiGroups")]
    [InlineData("resources")]
    public void A_number_among_a_live_rules_strings_is_refused_with_its_place(string field)
    {
        var rbac = DevRbac();
        var (role, index) = FirstClusterRole(rbac);
        var rule = role["rules"]!.AsArray()[0]!.AsObject();
        rule[field] = new JsonArray("x", 5);

        var error = Refused("--rbac", "rbac.json", rbac.ToJsonString(Indented));

        Assert.Contains($"eksinfra: rbac.json: items[{index}].rules[0].{field}[1]: expected a string, found the number 5", error, StringComparison.Ordinal);
        Assert.Contains(ExportRbacAgain, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_rules_field_that_is_not_a_list_is_refused_rather_than_read_as_granting_nothing()
    {
        var rbac = DevRbac();
        var (role, index) = FirstClusterRole(rbac);
        role["rules"]!.AsArray()[0]!.AsObject()["verbs"] = "*";

        var error = Refused("--rbac", "rbac.json", rbac.ToJsonString(Indented));

        Assert.Contains($"eksinfra: rbac.json: items[{index}].rules[0].verbs: expected a list of strings, found the string \"*\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rules")]
    [InlineData("subjects")]
    public void A_live_list_that_is_an_object_is_refused_with_its_place(string field)
    {
        var rbac = DevRbac();
        var items = rbac["items"]!.AsArray();
        var kind = field == "rules" ? "ClusterRole" : "ClusterRoleBinding";
        var index = items.Select((item, i) => (item, i)).First(x => x.item!["kind"]!.GetValue<string>() == kind).i;
        items[index]![field] = new JsonObject();

        var error = Refused("--rbac", "rbac.json", rbac.ToJsonString(Indented));

        Assert.Contains($"eksinfra: rbac.json: items[{index}].{field}: expected a list, found an object", error, StringComparison.Ordinal);
        Assert.Contains(ExportRbacAgain, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_given_twice_is_refused_with_its_place()
    {
        var text = DevRbac().ToJsonString();
        const string label = "\"kubernetes.io/bootstrapping\":\"rbac-defaults\"";
        var at = text.IndexOf(label, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var twice = text[..at] + label + ",\"kubernetes.io/bootstrapping\":\"edited\"" + text[(at + label.Length)..];

        var error = Refused("--rbac", "rbac.json", twice);

        Assert.Contains("eksinfra: rbac.json: items[0].metadata.labels[\"kubernetes.io/bootstrapping\"]: the label 'kubernetes.io/bootstrapping' appears twice", error, StringComparison.Ordinal);
        Assert.Contains(ExportRbacAgain, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_value_that_is_not_a_string_is_refused_with_its_place()
    {
        var rbac = DevRbac();
        rbac["items"]!.AsArray()[0]!["metadata"]!["labels"]!["kubernetes.io/bootstrapping"] = 1;

        var error = Refused("--rbac", "rbac.json", rbac.ToJsonString(Indented));

        Assert.Contains("eksinfra: rbac.json: items[0].metadata.labels[\"kubernetes.io/bootstrapping\"]: expected a string, found the number 1", error, StringComparison.Ordinal);
    }

    /// <summary>Dev's live access entries with one more, from the console, whose one policy has <paramref name="scope"/>.</summary>
    private static string DevEntriesWithScope(JsonObject scope)
    {
        var plan = LiveFixtures.Plan("dev");
        var console = LiveFixtures.Entry(plan, "arn:aws:iam::123456789012:role/Console", "STANDARD", "console", [], ("AmazonEKSViewPolicy", ["payments"]));
        console["associatedAccessPolicies"]![0]!["accessScope"] = scope;
        return LiveFixtures.AccessEntries(plan, console).ToJsonString(Indented);
    }

    /// <summary>The place of the console entry's policy: the entry comes after the plan's and those EKS makes.</summary>
    private static string ConsolePolicy(string entries)
    {
        var list = JsonNode.Parse(entries)!["accessEntries"]!.AsArray();
        return $"accessEntries[{list.Count - 1}].associatedAccessPolicies[0].accessScope";
    }

    [Theory]
    [InlineData("everything")]
    [InlineData("Cluster")]
    [InlineData("namespaces")]
    public void An_access_scope_type_eks_does_not_have_is_refused_with_the_types_it_has(string type)
    {
        var entries = DevEntriesWithScope(new JsonObject { ["type"] = type, ["namespaces"] = new JsonArray() });

        var error = Refused("--access-entries", "access-entries.json", entries);

        Assert.Contains($"eksinfra: access-entries.json: {ConsolePolicy(entries)}.type: '{type}' is not an access scope type: EKS has only cluster and namespace", error, StringComparison.Ordinal);
        Assert.Contains("export it again with docs/export-access-entries.sh", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_namespace_scope_without_a_namespace_is_refused_rather_than_read_as_cluster_wide(bool emptyList)
    {
        var scope = new JsonObject { ["type"] = "namespace" };
        if (emptyList)
        {
            scope["namespaces"] = new JsonArray();
        }

        var entries = DevEntriesWithScope(scope);

        var error = Refused("--access-entries", "access-entries.json", entries);

        Assert.Contains($"eksinfra: access-entries.json: {ConsolePolicy(entries)}.namespaces: a namespace scope with no namespace; EKS never returns that", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_scope_with_its_namespaces_is_still_read()
    {
        using var project = new TestProject();
        var entries = DevEntriesWithScope(new JsonObject { ["type"] = "namespace", ["namespaces"] = new JsonArray("payments") });
        File.WriteAllText(Path.Combine(project.Directory, "access-entries.json"), entries);

        var result = project.Run("audit", "dev", "--access-entries", "access-entries.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("AmazonEKSViewPolicy (namespaces payments)", result.Out, StringComparison.Ordinal);
    }
}
