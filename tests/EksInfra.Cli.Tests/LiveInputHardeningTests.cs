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

    private const string BootstrappingLabel = "\"kubernetes.io/bootstrapping\":\"rbac-defaults\"";

    /// <summary>The dev RBAC export with <paramref name="members"/> written into the first object that holds the bootstrapping label, before it.</summary>
    private static string BeforeBootstrappingLabel(string members)
    {
        var text = DevRbac().ToJsonString();
        var at = text.IndexOf(BootstrappingLabel, StringComparison.Ordinal);
        Assert.True(at >= 0);
        return text[..at] + members + text[at..];
    }

    [Fact]
    public void A_label_given_twice_is_refused_with_its_place()
    {
        var twice = BeforeBootstrappingLabel("\"kubernetes.io/bootstrapping\":\"edited\",");

        var error = Refused("--rbac", "rbac.json", twice);

        Assert.Contains("eksinfra: rbac.json: items[0].metadata.labels[\"kubernetes.io/bootstrapping\"]: the key 'kubernetes.io/bootstrapping' appears twice in one object; keep one", error, StringComparison.Ordinal);
        Assert.Contains(ExportRbacAgain, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_key_with_a_quote_and_a_line_break_is_named_in_json_escapes_on_one_line()
    {
        const string forged = "\"x\\\"]: fine\\neksinfra: audit passed\\u001b[2K\":\"a\"";
        var twice = BeforeBootstrappingLabel(forged + "," + forged + ",");

        var error = Refused("--rbac", "rbac.json", twice);

        Assert.Contains("eksinfra: rbac.json: items[0].metadata.labels[\"x\\\"]: fine\\neksinfra: audit passed\\u001B[2K\"]: the key 'x\"]: fine\\neksinfra: audit passed\\u001B[2K' appears twice in one object; keep one", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\neksinfra: audit passed", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error);
    }

    [Fact]
    public void A_rule_field_given_twice_is_refused_rather_than_read_as_either()
    {
        var rbac = DevRbac();
        var (role, index) = FirstClusterRole(rbac);
        var rule = role["rules"]!.AsArray()[0]!.AsObject();
        var verbs = rule["verbs"]!.ToJsonString();
        var text = rbac.ToJsonString();
        var at = text.IndexOf("\"verbs\":" + verbs, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var twice = text[..at] + "\"verbs\":[\"*\"]," + text[at..];

        var error = Refused("--rbac", "rbac.json", twice);

        Assert.Contains($"eksinfra: rbac.json: items[{index}].rules[0].verbs: the key 'verbs' appears twice in one object; keep one", error, StringComparison.Ordinal);
        Assert.Contains(ExportRbacAgain, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_access_entry_field_given_twice_is_refused_rather_than_read_as_either()
    {
        var entries = DevEntriesWithGroups(new JsonArray("viewers"));
        var text = JsonNode.Parse(entries)!.ToJsonString();
        const string groups = "\"kubernetesGroups\":[\"viewers\"]";
        var at = text.IndexOf(groups, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var twice = text[..at] + "\"kubernetesGroups\":[\"system:masters\"]," + text[at..];

        var error = Refused("--access-entries", "access-entries.json", twice);

        var count = JsonNode.Parse(entries)!["accessEntries"]!.AsArray().Count;
        Assert.Contains($"eksinfra: access-entries.json: accessEntries[{count - 1}].kubernetesGroups: the key 'kubernetesGroups' appears twice in one object; keep one", error, StringComparison.Ordinal);
        Assert.Contains("export it again with docs/export-access-entries.sh", error, StringComparison.Ordinal);
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

    /// <summary>Dev's live access entries with one more, from the console, whose kubernetesGroups is <paramref name="groups"/>.</summary>
    private static string DevEntriesWithGroups(JsonNode? groups)
    {
        var plan = LiveFixtures.Plan("dev");
        var console = LiveFixtures.Entry(plan, "arn:aws:iam::123456789012:role/Console", "STANDARD", "console", [], ("AmazonEKSViewPolicy", ["payments"]));
        console["kubernetesGroups"] = groups;
        return LiveFixtures.AccessEntries(plan, console).ToJsonString(Indented);
    }

    public static TheoryData<string> GroupsThatAreNotStrings() => ["\"ops\"", "{\"ops\": true}", "[\"ops\", 5]", "[null]"];

    [Theory]
    [MemberData(nameof(GroupsThatAreNotStrings))]
    public void Kubernetes_groups_that_are_not_a_list_of_strings_are_refused_rather_than_read_as_none(string groups)
    {
        var entries = DevEntriesWithGroups(JsonNode.Parse(groups));

        var error = Refused("--access-entries", "access-entries.json", entries);

        var count = JsonNode.Parse(entries)!["accessEntries"]!.AsArray().Count;
        Assert.Contains($"eksinfra: access-entries.json: accessEntries[{count - 1}].kubernetesGroups: expected a list of strings", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_groups_that_are_null_are_read_as_no_groups_as_eks_omits_an_empty_list()
    {
        using var project = new TestProject();
        File.WriteAllText(Path.Combine(project.Directory, "null.json"), DevEntriesWithGroups(null));
        File.WriteAllText(Path.Combine(project.Directory, "empty.json"), DevEntriesWithGroups(new JsonArray()));

        var withNull = project.Run("audit", "dev", "--access-entries", "null.json", "--format", "json");
        var withEmpty = project.Run("audit", "dev", "--access-entries", "empty.json", "--format", "json");

        Assert.DoesNotContain("kubernetesGroups", withNull.Error, StringComparison.Ordinal);
        Assert.Equal(withEmpty.ExitCode, withNull.ExitCode);
        Assert.Contains("arn:aws:iam::123456789012:role/Console", withNull.Out, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(withEmpty.Out), JsonNode.Parse(withNull.Out)), withNull.Out);
    }

    [Fact]
    public void A_principal_with_two_access_entries_is_refused_as_eks_holds_one()
    {
        var plan = LiveFixtures.Plan("dev");
        const string console = "arn:aws:iam::123456789012:role/Console";
        var entries = LiveFixtures.AccessEntries(
            plan,
            LiveFixtures.Entry(plan, console, "STANDARD", "console", [], ("AmazonEKSViewPolicy", [])),
            LiveFixtures.Entry(plan, console, "STANDARD", "console", [], ("AmazonEKSClusterAdminPolicy", [])));
        var count = entries["accessEntries"]!.AsArray().Count;

        var error = Refused("--access-entries", "access-entries.json", entries.ToJsonString(Indented));

        Assert.Contains($"eksinfra: access-entries.json: accessEntries[{count - 1}].principalArn: '{console}' has an access entry already, at accessEntries[{count - 2}]: EKS holds one access entry per principal ARN", error, StringComparison.Ordinal);
        Assert.Contains("export it again with docs/export-access-entries.sh", error, StringComparison.Ordinal);
    }

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private const string Utf16 = "the file is UTF-16 (Windows PowerShell's `>` writes UTF-16) and the tool reads UTF-8";

    /// <summary>The file as Windows PowerShell 5.1 writes it: <c>&gt;</c> in UTF-16 LE with its mark; a BOM-less and a big-endian variant too.</summary>
    public static TheoryData<string> Utf16Variants() => ["utf-16le+bom", "utf-16be+bom", "utf-16le"];

    private static byte[] Encode(string text, string variant) => variant switch
    {
        "utf-16le+bom" => [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes(text)],
        "utf-16be+bom" => [0xFE, 0xFF, .. System.Text.Encoding.BigEndianUnicode.GetBytes(text)],
        _ => System.Text.Encoding.Unicode.GetBytes(text),
    };

    [Fact]
    public void Json_exports_with_a_utf8_byte_order_mark_are_read_as_without_one()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var entries = System.Text.Encoding.UTF8.GetBytes(LiveFixtures.AccessEntries(plan).ToJsonString(Indented));
        var rbac = System.Text.Encoding.UTF8.GetBytes(LiveFixtures.Rbac(plan).ToJsonString(Indented));
        string[] args = ["audit", "dev", "--access-entries", "access-entries.json", "--rbac", "rbac.json"];
        File.WriteAllBytes(Path.Combine(project.Directory, "access-entries.json"), entries);
        File.WriteAllBytes(Path.Combine(project.Directory, "rbac.json"), rbac);
        var plain = project.Run(args);
        File.WriteAllBytes(Path.Combine(project.Directory, "access-entries.json"), [.. Utf8Bom, .. entries]);
        File.WriteAllBytes(Path.Combine(project.Directory, "rbac.json"), [.. Utf8Bom, .. rbac]);

        var marked = project.Run(args);

        Assert.True(marked.ExitCode == 0, marked.ToString());
        Assert.Equal(plain.Out, marked.Out);
    }

    [Fact]
    public void A_json_export_that_is_only_a_byte_order_mark_is_empty()
    {
        var error = Refused("--rbac", "rbac.json", Utf8Bom);

        Assert.Contains("eksinfra: rbac.json: line 1, column 1: not valid JSON (the file is empty)", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Utf16Variants))]
    public void A_utf16_access_entries_export_is_named_utf16_with_how_to_write_utf8(string variant)
    {
        var entries = LiveFixtures.AccessEntries(LiveFixtures.Plan("dev")).ToJsonString(Indented);

        var error = Refused("--access-entries", "access-entries.json", Encode(entries, variant));

        Assert.Contains($"eksinfra: access-entries.json: (file): {Utf16}", error, StringComparison.Ordinal);
        Assert.Contains("`bash docs/export-access-entries.sh CLUSTER | Out-File -Encoding utf8 access-entries.json` in PowerShell", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not valid JSON", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Utf16Variants))]
    public void A_utf16_rbac_export_is_named_utf16_with_how_to_write_utf8(string variant)
    {
        var error = Refused("--rbac", "rbac.json", Encode(DevRbac().ToJsonString(Indented), variant));

        Assert.Contains($"eksinfra: rbac.json: (file): {Utf16}", error, StringComparison.Ordinal);
        Assert.Contains("`kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json | Out-File -Encoding utf8 rbac.json` in PowerShell", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Utf16Variants))]
    public void A_utf16_aws_auth_export_is_named_utf16_by_audit_and_import(string variant)
    {
        var bytes = Encode(LiveFixtures.AwsAuth(LiveFixtures.Plan("dev")), variant);
        const string Fix = "`kubectl -n kube-system get configmap aws-auth -o yaml | Out-File -Encoding utf8 aws-auth.yaml` in PowerShell";

        var audit = Refused("--aws-auth", "aws-auth.yaml", bytes);

        Assert.Contains($"eksinfra: aws-auth.yaml: (file) (line 1, column 1): {Utf16}", audit, StringComparison.Ordinal);
        Assert.Contains(Fix, audit, StringComparison.Ordinal);
        Assert.DoesNotContain("stack file", audit, StringComparison.Ordinal);

        using var project = new TestProject();
        File.WriteAllBytes(Path.Combine(project.Directory, "aws-auth.yaml"), bytes);
        var import = project.Run("import", "aws-auth.yaml");
        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.Equal("", import.Out);
        Assert.Contains($"(file): {Utf16}", import.Error, StringComparison.Ordinal);
        Assert.Contains(Fix, import.Error, StringComparison.Ordinal);
        Assert.Contains("(aws-auth.yaml:1:1)", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_aws_auth_export_not_in_utf8_is_told_to_be_exported_again_not_to_save_a_stack_file()
    {
        var text = LiveFixtures.AwsAuth(LiveFixtures.Plan("dev")).Replace("username: eks-admin", "username: eks-adm\u00efn", StringComparison.Ordinal);
        Assert.Contains("\u00ef", text, StringComparison.Ordinal);
        var latin1 = System.Text.Encoding.Latin1.GetBytes(text);
        var line = text[..text.IndexOf('\u00ef', StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var audit = Refused("--aws-auth", "aws-auth.yaml", latin1);

        Assert.Contains($"eksinfra: aws-auth.yaml: (file) (line {line}, column 1): the file is not valid UTF-8, and kubectl writes UTF-8 (was it saved in another encoding?); export it again: `kubectl -n kube-system get configmap aws-auth -o yaml > aws-auth.yaml`", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("stack file", audit, StringComparison.Ordinal);

        using var project = new TestProject();
        File.WriteAllBytes(Path.Combine(project.Directory, "aws-auth.yaml"), latin1);
        var import = project.Run("import", "aws-auth.yaml");
        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.Contains("(file): the file is not valid UTF-8, and kubectl writes UTF-8", import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("stack file", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_aws_auth_file_over_the_size_limit_is_not_told_to_split_its_access_model()
    {
        using var project = new TestProject();
        var bytes = new byte[(16 * 1024 * 1024) + 1];
        Array.Fill(bytes, (byte)'#');
        File.WriteAllBytes(Path.Combine(project.Directory, "aws-auth.yaml"), bytes);

        var import = project.Run("import", "aws-auth.yaml");

        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.Contains("(file): the file is 16,777,217 bytes, over the 16,777,216-byte limit; an aws-auth ConfigMap holds at most 1 MiB, so this is not its export: pass the output of `kubectl -n kube-system get configmap aws-auth -o yaml`", import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("stack file", import.Error, StringComparison.Ordinal);
    }
}
