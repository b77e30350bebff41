using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>Team namespaces: which the stack creates, their labels, quota and limit range, and how they render and diff.</summary>
public class NamespaceTests
{
    private static string Stack(string namespaces = "", string groupNamespaces = "[apps, apps-jobs]", string policies = "") => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
            deployerArn: arn:aws:iam::123456789012:role/ci-deploy
          eks-infra:access:
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/ci/deployer
                username: ci-deployer
                groups: [deployers]
        {{policies}}
            groups:
              deployers:
                clusterRole: edit
                namespaces: {{groupNamespaces}}
        {{namespaces}}
        """;

    private static string Block(string body) => "    namespaces:\n" + body;

    /// <summary>The stack with one entry namespaces.apps: a flow map as it is, anything else as its one line.</summary>
    private static StackEvaluation WithApps(string body) =>
        Stacks.EvaluateText(Stack(Block(body.StartsWith('{') ? $"      apps: {body}\n" : $"      apps:\n        {body}\n")));

    [Theory]
    // Pulumi formats a map key YAML reads as a number or boolean with %v (config/object.go): 0x1f reaches the program as 31.
    [InlineData("      0x1f: {}\n", "eks-infra:access.namespaces.0x1f", "a number")]
    [InlineData("      0X1F: {}\n", "eks-infra:access.namespaces.0X1F", "a number")]
    [InlineData("      0b101: {}\n", "eks-infra:access.namespaces.0b101", "a number")]
    [InlineData("      1e3: {}\n", "eks-infra:access.namespaces.1e3", "a number")]
    [InlineData("      010: {}\n", "eks-infra:access.namespaces.010", "a number")]
    [InlineData("      1_000: {}\n", "eks-infra:access.namespaces.1_000", "a number")]
    [InlineData("      apps:\n        labels: { 0o17: a }\n", "eks-infra:access.namespaces.apps.labels.0o17", "a number")]
    [InlineData("      apps:\n        labels: { True: a }\n", "eks-infra:access.namespaces.apps.labels.True", "a boolean")]
    public void A_map_key_pulumi_would_rename_is_refused_with_how_to_quote_it(string body, string path, string kind)
    {
        var evaluation = Stacks.EvaluateText(Stack(Block(body)));

        var error = Assert.Single(evaluation.Errors, e => e.Path == path && e.Message.Contains("is read by YAML as", StringComparison.Ordinal));
        Assert.Contains($"is read by YAML as {kind}, and Pulumi's config reader gives the program that value's own text", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("quote it: \"" + path[(path.LastIndexOf('.') + 1)..] + "\"", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Location);
    }

    [Theory]
    // Quoted, or a key whose %v text is what is written: a decimal integer in its shortest form, true, false.
    [InlineData("labels: { \"0o17\": a, '1e3': b }")]
    [InlineData("labels: { 2024: a, -1: b, 0: c }")]
    [InlineData("labels: { true: a, false: b }")]
    [InlineData("labels: { 0xFFFFFFFFFFFFFFFFFFFF: a }")]
    public void A_key_that_reaches_the_program_as_written_is_not_refused(string labels)
    {
        var evaluation = WithApps(labels);

        Assert.DoesNotContain(evaluation.Errors, e => e.Message.Contains("is read by YAML as", StringComparison.Ordinal));
    }

    [Theory]
    // go-yaml v3 (resolve.go) drops underscores and parses with Go's base 0; Pulumi's JSON then carries a number.
    [InlineData("0b101")]
    [InlineData("0X1F")]
    [InlineData("0O17")]
    [InlineData("1_0.5")]
    public void A_value_go_yaml_v3_reads_as_a_number_is_not_taken_as_text(string value)
    {
        var evaluation = WithApps($"labels: {{ team: {value} }}");

        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.namespaces.apps.labels.team" && e.Message.Contains("quote it", StringComparison.Ordinal));
    }

    [Theory]
    // go-yaml v3 (resolve.go parseTimestamp) reads these unquoted as times; Pulumi's config/object.go passes time.Time.String().
    [InlineData("2024-01-15", "\"2024-01-15 00:00:00 +0000 UTC\"")]
    [InlineData("2024-1-5", "\"2024-01-05 00:00:00 +0000 UTC\"")]
    public void A_label_value_pulumi_reads_as_a_timestamp_is_refused_as_the_preview_would(string value, string pulumiText)
    {
        var offline = WithApps($"labels: {{ created: {value} }}");
        var asTheProgramSeesIt = WithApps($"labels: {{ created: {pulumiText} }}");

        const string path = "eks-infra:access.namespaces.apps.labels.created";
        var error = Assert.Single(offline.Errors, e => e.Path == path);
        Assert.Contains($"found the timestamp {value}, which Pulumi's config reader gives the program as {pulumiText}; quote it (\"{value}\")", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Location);
        Assert.Contains(asTheProgramSeesIt.Errors, e => e.Path == path);
        Assert.DoesNotContain(WithApps($"labels: {{ created: \"{value}\" }}").Errors, e => e.Path == path);
    }

    [Fact]
    public void A_label_key_pulumi_reads_as_a_timestamp_is_refused_with_what_the_program_would_get()
    {
        var evaluation = WithApps("labels: { 2024-01-15: a }");

        var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:access.namespaces.apps.labels.2024-01-15");
        Assert.Contains("is read by YAML as a timestamp, and Pulumi's config reader gives the program \"2024-01-15 00:00:00 +0000 UTC\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-01-15", true)]
    [InlineData("2024-1-5", true)]
    [InlineData("2024-01-15T10:20:30Z", true)]
    [InlineData("2024-01-15t10:20:30.5+05:30", true)]
    [InlineData("2024-01-15 10:20:30", true)]
    [InlineData("2024-01-15  10:20:30,25", true)]
    [InlineData("2024-02-29", true)]
    // Go's time.Parse refuses these, so resolve.go goes on to the number rules and they stay text.
    [InlineData("2023-02-29", false)]
    [InlineData("2024-13-01", false)]
    [InlineData("2024-001-05", false)]
    [InlineData("24-01-15", false)]
    [InlineData("2024-01-15T10:20:30", false)]
    [InlineData("2024-01-15 10:20:30Z", false)]
    [InlineData("2024-01-15 24:00:00", false)]
    [InlineData("2024-01-15T10:60:00Z", false)]
    [InlineData("2024-01-15x", false)]
    [InlineData("2024-01-15\t10:20:30", false)]
    public void Timestamps_are_the_layouts_go_yaml_v3_parses(string plain, bool timestamp)
    {
        Assert.Equal(timestamp, GoYamlTimestamp.IsTimestamp(plain));
    }

    [Theory]
    [InlineData("2024-01-15T10:20:30Z", "\"2024-01-15 10:20:30 +0000 UTC\"")]
    [InlineData("2024-01-15 10:20:30.250", "\"2024-01-15 10:20:30.25 +0000 UTC\"")]
    [InlineData("2024-01-15 1:2:3.000", "\"2024-01-15 01:02:03 +0000 UTC\"")]
    [InlineData("2024-01-15T10:20:30+05:30", "Go's text for that time, with its offset")]
    public void The_text_pulumi_passes_is_go_s_time_string(string plain, string text)
    {
        Assert.Equal(text, GoYamlTimestamp.PulumiText(plain));
    }

    [Fact]
    public void Dropping_managed_elsewhere_from_a_namespace_the_base_binds_into_blocks_since_it_exists()
    {
        var before = Stack(Block("      apps:\n        managedElsewhere: true\n"));

        var findings = Stacks.DiffFindings(before, Stack());

        var error = Assert.Single(findings, f => f.Level == FindingLevel.Error);
        Assert.Equal(("namespace apps", "namespace apps, which exists, would be created by the stack"), (error.Subject, error.Title));
        Assert.Contains("fails with AlreadyExists", error.Detail, StringComparison.Ordinal);
        Assert.Contains("Keep managedElsewhere. This pipeline cannot hand an existing namespace to the stack", error.Detail, StringComparison.Ordinal);
        // A namespace the base never bound into may not exist: a change to review, as before.
        var fresh = Assert.Single(Stacks.DiffFindings(Stack(groupNamespaces: "[apps]"), Stack()), f => f.Subject == "namespace apps-jobs");
        Assert.Equal(FindingLevel.Changed, fresh.Level);
    }

    [Fact]
    public void A_group_newly_bound_in_kube_system_makes_its_members_change_a_danger()
    {
        var findings = Stacks.DiffFindings(Stack(), Stack(groupNamespaces: "[apps, apps-jobs, kube-system]"));

        var ci = Assert.Single(findings, f => f.Subject == "arn:aws:iam::123456789012:role/ci/deployer");
        Assert.Equal(FindingLevel.Danger, ci.Level);
        Assert.Equal("changed for role ci-deployer, who may now act as kube-system's service accounts, which the cluster's controllers and add-ons run as", ci.Title);
        Assert.DoesNotContain(Stacks.DiffFindings(Stack(), Stack(groupNamespaces: "[apps]")), f => f.Level == FindingLevel.Danger && f.Subject == ci.Subject);
        // A cluster admin cut down to the same grant gains nothing: a change, not a danger.
        var wasAdmin = Stacks.Edit(Stack(), "username: ci-deployer\n        groups: [deployers]", "username: ci-deployer\n        groups: [system:masters]");
        var cut = Assert.Single(Stacks.DiffFindings(wasAdmin, Stack(groupNamespaces: "[apps, apps-jobs, kube-system]")), f => f.Subject == ci.Subject);
        Assert.Equal((FindingLevel.Changed, "changed for role ci-deployer"), (cut.Level, cut.Title));
    }

    [Fact]
    public void Every_namespace_a_group_binds_into_is_created_with_the_managed_by_label()
    {
        var plan = Stacks.ValidPlanOf(Stack());

        Assert.Equal(["apps", "apps-jobs"], plan.Namespaces.Select(n => n.Name));
        Assert.All(plan.Namespaces, n => Assert.Contains(new KeyValuePair<string, string>(KubernetesNames.ManagedByLabel, KubernetesNames.ManagedByValue), n.Labels));
        var docs = Reparse.Documents(Stacks.Render(plan)[StackRenderer.NamespacesFile]);
        Assert.Equal(["Namespace apps", "Namespace apps-jobs"], docs.Select(d => $"{Reparse.Str(d, "kind")} {Reparse.Str(d["metadata"], "name")}"));
        Assert.Equal("v1", Reparse.Str(docs[0], "apiVersion"));
    }

    [Fact]
    public void System_namespaces_wildcards_and_namespaces_managed_elsewhere_are_never_created()
    {
        var yaml = Stack(
            Block("      legacy:\n        managedElsewhere: true\n"),
            "[kube-system, default, legacy, apps]",
            "        accessPolicies:\n          - policy: AmazonEKSViewPolicy\n            namespaces: [\"dev-*\", kube-public, kube-node-lease, observability]\n");
        var evaluation = Stacks.EvaluateText(yaml);

        var plan = Stacks.ValidPlan(evaluation);
        Assert.Equal(["apps", "observability"], plan.Namespaces.Select(n => n.Name));
        Assert.Contains(plan.Rbac.RoleBindings, b => b.Namespace == "legacy");
        var entry = Assert.Single(plan.AccessEntries, e => e.Username == "ci-deployer");
        Assert.Contains("dev-*", Assert.Single(entry.AccessPolicies).Scope.Namespaces);
    }

    [Theory]
    [InlineData("dev-*", true)]
    [InlineData("d*", true)]
    [InlineData("*", false)]
    [InlineData("dev*-x", false)]
    [InlineData("Dev-*", false)]
    public void Access_policy_scopes_take_a_trailing_wildcard_only(string pattern, bool valid)
    {
        var policies = $"        accessPolicies:\n          - policy: AmazonEKSViewPolicy\n            namespaces: [\"{pattern}\"]\n";
        var evaluation = Stacks.EvaluateText(Stack(policies: policies));

        Assert.Equal(valid, evaluation.IsValid);
        if (!valid)
        {
            Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.mapRoles[0].accessPolicies[0].namespaces[0]");
        }
    }

    [Fact]
    public void A_group_namespace_may_not_be_a_wildcard()
    {
        var evaluation = Stacks.EvaluateText(Stack(groupNamespaces: "[\"apps-*\"]"));

        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.groups.deployers.namespaces[0]" && e.Message.Contains("not a namespace name", StringComparison.Ordinal));
    }

    [Fact]
    public void Quota_and_limit_range_render_as_kubernetes_objects_in_the_namespace()
    {
        var plan = Stacks.ValidPlanOf(Stack(Block("""
                  apps:
                    labels: { team: apps, "example.com/cost-center": "4711" }
                    quota: { requests.cpu: "4", requests.memory: 8Gi, limits.cpu: 8, limits.memory: 16Gi, pods: 50 }
                    limitRange:
                      defaultRequest: { cpu: 250m, memory: 256Mi }
                      default: { cpu: "1", memory: 1Gi }

            """)));

        var docs = Reparse.Documents(Stacks.Render(plan)[StackRenderer.NamespacesFile]);
        Assert.Equal(["Namespace apps", "ResourceQuota eks-infra", "LimitRange eks-infra", "Namespace apps-jobs"], docs.Select(d => $"{Reparse.Str(d, "kind")} {Reparse.Str(d["metadata"], "name")}"));
        Assert.Equal("4711", Reparse.Str(Reparse.Get(docs[0]["metadata"], "labels")!, "example.com/cost-center"));
        Assert.Equal("apps", Reparse.Str(docs[1]["metadata"], "namespace"));
        var hard = Reparse.Get(docs[1]["spec"], "hard")!;
        Assert.Equal("8", Reparse.Str(hard, "limits.cpu"));
        Assert.Equal("50", Reparse.Str(hard, "pods"));
        Assert.Equal("8Gi", Reparse.Str(hard, "requests.memory"));
        var limit = ((YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Get(docs[2]["spec"], "limits")!).Children.Single();
        Assert.Equal("Container", Reparse.Str(limit, "type"));
        Assert.Equal("250m", Reparse.Str(Reparse.Get(limit, "defaultRequest")!, "cpu"));
        Assert.Equal("1Gi", Reparse.Str(Reparse.Get(limit, "default")!, "memory"));
    }

    [Fact]
    public void Label_keys_and_values_a_yaml_1_1_reader_would_not_keep_as_text_are_quoted()
    {
        var plan = Stacks.ValidPlanOf(Stack(Block("""
                  apps:
                    labels: { "yes": "2024-01-15", "010": "on", team: apps }

            """)));

        var labels = (YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Get(Reparse.Documents(Stacks.Render(plan)[StackRenderer.NamespacesFile])[0]["metadata"], "labels")!;
        var written = labels.Children.ToDictionary(e => ((YamlDotNet.RepresentationModel.YamlScalarNode)e.Key).Value!, e => ((YamlDotNet.RepresentationModel.YamlScalarNode)e.Key, (YamlDotNet.RepresentationModel.YamlScalarNode)e.Value));
        // kubectl's go-yaml v2 reads a plain yes as true and 010 as 8; PyYAML reads a plain 2024-01-15 as a date.
        Assert.Equal(YamlDotNet.Core.ScalarStyle.DoubleQuoted, written["yes"].Item1.Style);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.DoubleQuoted, written["010"].Item1.Style);
        Assert.Equal(("2024-01-15", YamlDotNet.Core.ScalarStyle.DoubleQuoted), (written["yes"].Item2.Value, written["yes"].Item2.Style));
        Assert.Equal(("on", YamlDotNet.Core.ScalarStyle.DoubleQuoted), (written["010"].Item2.Value, written["010"].Item2.Style));
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, written["team"].Item1.Style);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("500m", true)]
    [InlineData("1.5", true)]
    [InlineData(".5", true)]
    [InlineData("1.", true)]
    [InlineData("+2", true)]
    [InlineData("4Gi", true)]
    [InlineData("1Ei", true)]
    [InlineData("128974848", true)]
    [InlineData("129e6", true)]
    [InlineData("129E+6", true)]
    [InlineData("1E", true)]
    [InlineData("100u", true)]
    [InlineData("1n", true)]
    [InlineData("1e-9223372036854775808", true)]
    // This tool's rule: ParseQuantity reads Gi, + and . as 0 but refuses Pi and Ei; a quantity needs a digit here.
    [InlineData("Gi", false)]
    [InlineData("Pi", false)]
    [InlineData("+", false)]
    [InlineData(".", false)]
    [InlineData("", false)]
    [InlineData("1ki", false)]
    [InlineData("1KI", false)]
    [InlineData("1mi", false)]
    [InlineData("1 Gi", false)]
    [InlineData("1.2.3", false)]
    [InlineData("1e+", false)]
    [InlineData("1Ee3", false)]
    [InlineData("1 ", false)]
    [InlineData("1e", false)]
    [InlineData("1e1.5", false)]
    [InlineData("1m5", false)]
    [InlineData("1GiB", false)]
    [InlineData("0x10", false)]
    [InlineData("--1", false)]
    public void Quantities_follow_apimachinery_grammar(string text, bool valid)
    {
        Assert.Equal(valid, KubernetesValues.TryParseQuantity(text, out _));
    }

    [Theory]
    [InlineData("1Ki", "1024")]
    [InlineData("500m", "0.5")]
    [InlineData("2e3", "2000")]
    [InlineData("1.5Gi", "1610612736")]
    [InlineData("1.005k", "1005")]
    [InlineData("0.57e2", "57")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("1Ei", "1152921504606846976")]
    // ParseQuantity rounds up to a billionth (amount.Round(amount, Nano, inf.RoundUp)).
    [InlineData("0.1n", "0.000000001")]
    [InlineData("1e-30", "0.000000001")]
    [InlineData("1.0000000001", "1.000000001")]
    // It caps at 2^63 - 1 only a binary-suffix value ("if format == BinarySI && amount.Cmp(maxAllowed.Dec) > 0").
    [InlineData("8Ei", "9223372036854775807")]
    [InlineData("1e30", "1000000000000000000000000000000")]
    [InlineData("10E", "10000000000000000000")]
    [InlineData("9223372036854775808", "9223372036854775808")]
    [InlineData("3e2000000000", "3e2000000000")]
    // suffix.go interpret returns the exponent as int32(parsed): 2^32 wraps to 0, 2^32 + 3 to 3.
    [InlineData("1e4294967296", "1")]
    [InlineData("2e4294967299", "2000")]
    public void Quantities_have_the_value_kubernetes_gives_them(string text, string value)
    {
        Assert.True(KubernetesValues.TryParseQuantity(text, out var parsed));
        Assert.Equal(value, parsed.ToString());
    }

    [Theory]
    [InlineData("-1", "0.5", -1)]
    [InlineData("-2", "-1", -1)]
    [InlineData("1.5Gi", "1610612736", 0)]
    [InlineData("1n", "0.000000001", 0)]
    [InlineData("1m", "1e-3", 0)]
    // Rounded up to a billionth, 9.99999999999999999999 is 10; 9.999999999 is not.
    [InlineData("999999999999999999999e-20", "10", 0)]
    [InlineData("9.999999999", "10", -1)]
    [InlineData("1e2000000000", "99999999999999999999999999999999999999", 1)]
    [InlineData("-1e2000000000", "-1", -1)]
    [InlineData("0", "-0", 0)]
    public void Quantities_compare_by_the_value_kubernetes_gives_them(string left, string right, int order)
    {
        Assert.True(KubernetesValues.TryParseQuantity(left, out var leftValue));
        Assert.True(KubernetesValues.TryParseQuantity(right, out var rightValue));

        Assert.Equal(order, Math.Sign(leftValue.CompareTo(rightValue)));
        Assert.Equal(-order, Math.Sign(rightValue.CompareTo(leftValue)));
        Assert.Equal(order == 0, leftValue == rightValue);
    }

    [Theory]
    [InlineData("quota: { requests.memory: 8gb }", "eks-infra:access.namespaces.apps.quota.requests.memory", "not a Kubernetes quantity")]
    [InlineData("quota: { pods: \"-1\" }", "eks-infra:access.namespaces.apps.quota.pods", "negative")]
    [InlineData("quota: { pods: }", "eks-infra:access.namespaces.apps.quota.pods", "Kubernetes refuses an empty quantity")]
    [InlineData("quota: { limits.cpu: \"\" }", "eks-infra:access.namespaces.apps.quota.limits.cpu", "Kubernetes refuses an empty quantity")]
    [InlineData("limitRange: { default: { memory: ~ } }", "eks-infra:access.namespaces.apps.limitRange.default.memory", "Kubernetes refuses an empty quantity")]
    [InlineData("quota: { pods: 2.5 }", "eks-infra:access.namespaces.apps.quota.pods", "not a whole number")]
    [InlineData("quota: { pods: 1500m }", "eks-infra:access.namespaces.apps.quota.pods", "not a whole number")]
    [InlineData("quota: { pods: \"1.0000000001\" }", "eks-infra:access.namespaces.apps.quota.pods", "not a whole number")]
    // Past long.MaxValue / 1000 Kubernetes' MilliValue wraps and the API server refuses most values as not an integer.
    [InlineData("quota: { pods: \"10000000000000000\" }", "eks-infra:access.namespaces.apps.quota.pods", "is more than 9223372036854775")]
    [InlineData("quota: { pods: 8Ei }", "eks-infra:access.namespaces.apps.quota.pods", "is more than 9223372036854775")]
    [InlineData("quota: { requests.memory: Gi }", "eks-infra:access.namespaces.apps.quota.requests.memory", "not a Kubernetes quantity")]
    [InlineData("quota: { pods: 010 }", "eks-infra:access.namespaces.apps.quota.pods", "reaches the Pulumi program as 8")]
    [InlineData("quota: { pods: 0x1F }", "eks-infra:access.namespaces.apps.quota.pods", "reaches the Pulumi program as 31")]
    [InlineData("quota: { storage: 1Gi }", "eks-infra:access.namespaces.apps.quota.storage", "unknown key 'storage'")]
    [InlineData("quota: { cpu: \"2\" }", "eks-infra:access.namespaces.apps.quota.cpu", "Kubernetes reads a quota's 'cpu' as requests.cpu, which is how this stack writes it: use requests.cpu")]
    [InlineData("quota: { memory: 2Gi }", "eks-infra:access.namespaces.apps.quota.memory", "use requests.memory")]
    [InlineData("limitRange: { defaultRequest: { cpu: 2 }, default: { cpu: 1500m } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.cpu", "more than the default cpu limit")]
    // ValidateLimitRange compares exact values: decimal quantities past 2^63 - 1 keep theirs.
    [InlineData("limitRange: { defaultRequest: { memory: 10E }, default: { memory: \"9223372036854775807\" } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.memory", "more than the default memory limit")]
    [InlineData("limitRange: { defaultRequest: { memory: 2e30 }, default: { memory: 1e30 } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.memory", "more than the default memory limit")]
    [InlineData("limitRange: { defaultRequest: { cpu: 1e2000000000 }, default: { cpu: 9e1999999999 } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.cpu", "more than the default cpu limit")]
    [InlineData("limitRange: { defaultRequest: { memory: 8Ei }, default: { memory: 9e18 } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.memory", "more than the default memory limit")]
    [InlineData("labels: { \"-team\": x }", "eks-infra:access.namespaces.apps.labels.-team", "not a Kubernetes label key")]
    [InlineData("labels: { \"a/b/c\": x }", "eks-infra:access.namespaces.apps.labels.a/b/c", "at most one '/'")]
    [InlineData("labels: { \"Example.com/team\": x }", "eks-infra:access.namespaces.apps.labels.Example.com/team", "not a DNS subdomain")]
    [InlineData("labels: { team: \"payments team\" }", "eks-infra:access.namespaces.apps.labels.team", "not a Kubernetes label value")]
    [InlineData("labels: { app.kubernetes.io/managed-by: helm }", "eks-infra:access.namespaces.apps.labels.app.kubernetes.io/managed-by", "remove this label")]
    [InlineData("labels: { team: 7 }", "eks-infra:access.namespaces.apps.labels.team", "quote it")]
    [InlineData("labels: { kubernetes.io/metadata.name: shared }", "eks-infra:access.namespaces.apps.labels.kubernetes.io/metadata.name", "overwrites any other value")]
    [InlineData("{ managedElsewhere: true, labels: { team: apps } }", "eks-infra:access.namespaces.apps.managedElsewhere", "would be ignored")]
    public void Namespace_settings_outside_kubernetes_rules_are_errors_with_their_path(string body, string path, string gist)
    {
        var evaluation = WithApps(body);

        Assert.False(evaluation.IsValid);
        Assert.Contains(evaluation.Errors, e => e.Path == path && e.Message.Contains(gist, StringComparison.Ordinal));
    }

    [Fact]
    public void A_pods_quota_up_to_the_largest_whole_thousandths_count_is_valid()
    {
        var evaluation = WithApps("quota: { pods: \"9223372036854775\" }");

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
    }

    /// <summary>
    /// What the API server takes but nobody means: a memory amount in fractions of a byte ("If you request 400m of
    /// memory, this is a request for 0.4 bytes"), and a label under kubernetes.io or k8s.io, which Kubernetes reserves.
    /// </summary>
    [Theory]
    [InlineData("limitRange: { default: { memory: 512m } }", "eks-infra:access.namespaces.apps.limitRange.default.memory", "512Mi")]
    [InlineData("limitRange: { defaultRequest: { memory: \"1.5\" } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.memory", "not a whole number of bytes")]
    [InlineData("quota: { requests.memory: 64m }", "eks-infra:access.namespaces.apps.quota.requests.memory", "64Mi")]
    [InlineData("quota: { limits.memory: 0.5 }", "eks-infra:access.namespaces.apps.quota.limits.memory", "without a fraction of a byte")]
    [InlineData("labels: { kubernetes.io/team: b }", "eks-infra:access.namespaces.apps.labels.kubernetes.io/team", "reserves for its core components")]
    [InlineData("labels: { node.kubernetes.io/pool: b }", "eks-infra:access.namespaces.apps.labels.node.kubernetes.io/pool", "example.com/pool")]
    [InlineData("labels: { k8s.io/owner: x }", "eks-infra:access.namespaces.apps.labels.k8s.io/owner", "reserves for its core components")]
    public void Namespace_settings_kubernetes_takes_but_nobody_means_are_warnings(string body, string path, string gist)
    {
        var evaluation = WithApps(body);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == path && w.Message.Contains(gist, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("limitRange: { default: { memory: 512Mi, cpu: 500m } }")]
    [InlineData("quota: { requests.memory: \"1.5Ki\", requests.cpu: \"0.5\" }")]
    [InlineData("labels: { app.kubernetes.io/part-of: shop, pod-security.kubernetes.io/enforce: baseline, example.com/team: a }")]
    public void Whole_bytes_and_labels_kubernetes_gives_users_are_not_warned(string body)
    {
        var evaluation = WithApps(body);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains("whole number of bytes", StringComparison.Ordinal) || w.Message.Contains("reserves for its core components", StringComparison.Ordinal));
    }

    /// <summary>apimachinery re-emits a quantity in canonical form and pulumi-kubernetes normalizes before it diffs, so only a new value is a change.</summary>
    [Theory]
    [InlineData("{ quota: { requests.cpu: \"1000m\", requests.memory: 1024Mi }, limitRange: { default: { cpu: \"0.5\", memory: 0.5Gi } } }", false)]
    [InlineData("{ quota: { requests.cpu: \"2\", requests.memory: 1Gi }, limitRange: { default: { cpu: 500m, memory: 512Mi } } }", true)]
    [InlineData("{ quota: { requests.cpu: \"1\" }, limitRange: { default: { cpu: 500m, memory: 512Mi } } }", true)]
    [InlineData("{ labels: { team: a }, quota: { requests.cpu: \"1\", requests.memory: 1Gi }, limitRange: { default: { cpu: 500m, memory: 512Mi } } }", true)]
    public void Diff_calls_a_namespace_changed_only_when_a_value_changes(string head, bool changed)
    {
        var before = Stack(Block("      apps: { quota: { requests.cpu: \"1\", requests.memory: 1Gi }, limitRange: { default: { cpu: 500m, memory: 512Mi } } }\n"));
        var after = Stack(Block($"      apps: {head}\n"));

        var findings = Stacks.DiffFindings(before, after);

        Assert.Equal(changed, findings.Any(f => f.Title == "namespace apps changes its labels, quota or limit range"));
    }

    [Theory]
    [InlineData("quota: { pods: 0 }")]
    [InlineData("quota: { pods: 1e3 }")]
    [InlineData("limitRange: { defaultRequest: { cpu: 1 }, default: { cpu: 1000m } }")]
    [InlineData("labels: { team: \"\", example.com/team: a.b_c-d, k: \"123456789012345678901234567890123456789012345678901234567890123\" }")]
    [InlineData("{ managedElsewhere: true }")]
    [InlineData("labels: { kubernetes.io/metadata.name: apps }")]
    // Exact decimal arithmetic: in binary floating point 1.005 x 1000 is 1004.9999999999999.
    [InlineData("quota: { pods: 1.005k }")]
    [InlineData("quota: { pods: \"010\", limits.cpu: 007 }")]
    [InlineData("limitRange: { defaultRequest: { cpu: 57 }, default: { cpu: 0.57e2 } }")]
    // Both binary-suffix values are capped at 2^63 - 1, so Kubernetes holds them equal.
    [InlineData("limitRange: { defaultRequest: { memory: 9Ei }, default: { memory: 8Ei } }")]
    [InlineData("limitRange: { defaultRequest: { memory: 8Ei }, default: { memory: \"9223372036854775807\" } }")]
    [InlineData("limitRange: { defaultRequest: { memory: 9e29 }, default: { memory: 1e30 } }")]
    [InlineData("limitRange: { defaultRequest: { cpu: 1E }, default: { cpu: 1e2000000000 } }")]
    // MilliValue rounds up, so 0.9999 is 1000 thousandths: a whole count to ValidateResourceQuantityValue.
    [InlineData("quota: { pods: 0.9999 }")]
    public void Namespace_settings_just_inside_the_rules_are_valid(string body)
    {
        var evaluation = WithApps(body);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
    }

    /// <summary>
    /// Kubernetes, "Resource Quotas": a pod whose requests or limits exceed the quota is refused (403), and LimitRanger's
    /// defaults are what the quota counts for a container that states none; a default limit alone is the request too
    /// (SetDefaults_LimitRangeItem).
    /// </summary>
    [Theory]
    [InlineData("{ quota: { requests.cpu: \"1\" }, limitRange: { defaultRequest: { cpu: \"2\" }, default: { cpu: \"4\" } } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.cpu", "sets no cpu request gets 2, more than the quota's requests.cpu of 1")]
    [InlineData("{ quota: { requests.memory: 1Gi }, limitRange: { default: { memory: 2Gi } } }", "eks-infra:access.namespaces.apps.limitRange.default.memory", "sets no memory request gets 2Gi, more than the quota's requests.memory of 1Gi")]
    [InlineData("{ quota: { requests.cpu: 500m }, limitRange: { defaultRequest: { cpu: 600m } } }", "eks-infra:access.namespaces.apps.limitRange.defaultRequest.cpu", "more than the quota's requests.cpu of 500m")]
    [InlineData("{ quota: { limits.memory: 1Gi, requests.memory: 4Gi }, limitRange: { defaultRequest: { memory: 512Mi }, default: { memory: 2Gi } } }", "eks-infra:access.namespaces.apps.limitRange.default.memory", "sets no memory limit gets 2Gi, more than the quota's limits.memory of 1Gi")]
    public void A_limit_range_default_above_the_namespaces_quota_warns_that_every_pod_relying_on_it_is_refused(string body, string path, string gist)
    {
        var evaluation = WithApps(body);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == path && w.Message.Contains(gist, StringComparison.Ordinal) && w.Message.Contains("exceeded quota", StringComparison.Ordinal));
    }

    [Fact]
    public void Limit_range_defaults_within_the_quota_do_not_warn()
    {
        var evaluation = WithApps("{ quota: { requests.cpu: \"4\", limits.cpu: \"8\" }, limitRange: { defaultRequest: { cpu: \"4\" }, default: { cpu: 8000m } } }");

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path.StartsWith("eks-infra:access.namespaces.apps", StringComparison.Ordinal));
    }

    // pod-security-admission (admission.go ValidateNamespace, api/helpers.go ParseLevel and ParseVersion) answers
    // 422 Invalid to a namespace create whose PodSecurity labels do not parse.
    [Theory]
    [InlineData("pod-security.kubernetes.io/enforce", "strict", "privileged, baseline or restricted")]
    [InlineData("pod-security.kubernetes.io/warn", "Restricted", "privileged, baseline or restricted")]
    [InlineData("pod-security.kubernetes.io/audit", "none", "privileged, baseline or restricted")]
    [InlineData("pod-security.kubernetes.io/enforce", "", "privileged, baseline or restricted")]
    [InlineData("pod-security.kubernetes.io/enforce-version", "1.30", "'latest' or v1.N")]
    [InlineData("pod-security.kubernetes.io/warn-version", "v1.030", "'latest' or v1.N")]
    [InlineData("pod-security.kubernetes.io/audit-version", "v2.0", "'latest' or v1.N")]
    [InlineData("pod-security.kubernetes.io/audit-version", "Latest", "'latest' or v1.N")]
    [InlineData("pod-security.kubernetes.io/enforce-version", "v1.99999999999999999999", "'latest' or v1.N")]
    public void A_pod_security_label_the_admission_plugin_cannot_parse_is_an_error(string key, string value, string gist)
    {
        var evaluation = WithApps($"labels: {{ {key}: \"{value}\" }}");

        Assert.False(evaluation.IsValid, Stacks.Describe(evaluation));
        var error = Assert.Single(evaluation.Errors, e => e.Path == $"eks-infra:access.namespaces.apps.labels.{key}");
        Assert.Contains(gist, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pod-security.kubernetes.io/enforce", "restricted")]
    [InlineData("pod-security.kubernetes.io/warn", "baseline")]
    [InlineData("pod-security.kubernetes.io/audit", "privileged")]
    [InlineData("pod-security.kubernetes.io/enforce-version", "v1.30")]
    [InlineData("pod-security.kubernetes.io/audit-version", "v1.0")]
    [InlineData("pod-security.kubernetes.io/warn-version", "latest")]
    public void A_pod_security_label_the_admission_plugin_parses_is_valid(string key, string value)
    {
        var evaluation = WithApps($"labels: {{ {key}: \"{value}\" }}");

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path.StartsWith("eks-infra:access.namespaces.apps.labels", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pod_security_label_the_admission_plugin_never_reads_is_a_warning()
    {
        var evaluation = WithApps("labels: { pod-security.kubernetes.io/enforced: restricted }");

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Path == "eks-infra:access.namespaces.apps.labels.pod-security.kubernetes.io/enforced");
        Assert.Contains("pod-security.kubernetes.io/enforce", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_value_of_64_characters_is_an_error()
    {
        var evaluation = Stacks.EvaluateText(Stack(Block($"      apps:\n        labels: {{ k: \"{new string('a', 64)}\" }}\n")));

        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.namespaces.apps.labels.k");
    }

    [Theory]
    [InlineData("kube-system")]
    [InlineData("default")]
    public void A_system_namespace_under_namespaces_is_an_error(string name)
    {
        var evaluation = Stacks.EvaluateText(Stack(Block($"      {name}:\n        labels: {{ team: x }}\n")));

        Assert.Contains(evaluation.Errors, e => e.Path == $"eks-infra:access.namespaces.{name}" && e.Message.Contains("exists in every cluster", StringComparison.Ordinal));
    }

    [Fact]
    public void A_namespace_the_stack_would_create_with_the_kube_prefix_is_a_warning_where_it_is_named()
    {
        // Kubernetes docs, Namespaces: the kube- prefix is reserved for Kubernetes system namespaces.
        var evaluation = Stacks.EvaluateText(Stack(Block("      kube-tools:\n        labels: { team: x }\n"), "[apps, kube-jobs]"));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.namespaces.kube-tools" && w.Message.Contains("reserves the prefix 'kube-'", StringComparison.Ordinal));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.groups.deployers.namespaces[1]" && w.Message.Contains("'kube-jobs'", StringComparison.Ordinal));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains("'apps'", StringComparison.Ordinal) && w.Message.Contains("kube-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_kube_prefixed_namespace_managed_elsewhere_or_a_system_one_gets_no_prefix_warning()
    {
        var evaluation = Stacks.EvaluateText(Stack(Block("      kube-jobs:\n        managedElsewhere: true\n"), "[apps, kube-jobs, kube-system]"));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains("reserves the prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void A_quota_on_requests_without_a_default_request_warns_that_pods_would_be_refused()
    {
        var evaluation = Stacks.EvaluateText(Stack(Block("      apps:\n        quota: { requests.cpu: 4, limits.memory: 8Gi }\n")));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.namespaces.apps.quota.requests.cpu" && w.Message.Contains("limitRange.defaultRequest.cpu", StringComparison.Ordinal));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.namespaces.apps.quota.limits.memory" && w.Message.Contains("limitRange.default.memory", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_namespaces_in_another_order_give_the_same_bytes()
    {
        var a = Stacks.Render(Stacks.ValidPlanOf(Stack(Block("      b-team: {}\n      a-team: { labels: { z: \"1\", a: \"2\" } }\n"), "[zeta, alpha]")));
        var b = Stacks.Render(Stacks.ValidPlanOf(Stack(Block("      a-team: { labels: { a: \"2\", z: \"1\" } }\n      b-team: {}\n"), "[alpha, zeta]")));

        Assert.Equal(a[StackRenderer.NamespacesFile], b[StackRenderer.NamespacesFile]);
    }

    [Fact]
    public void A_namespace_leaving_the_model_is_flagged_and_a_replaced_one_blocks()
    {
        var before = Stacks.ValidPlanOf(Stack());
        var dropped = Stacks.ValidPlanOf(Stack(Block("      apps-jobs: { managedElsewhere: true }\n")));

        var leaving = AccessDiff.Compare(before, dropped, "main");
        var finding = Assert.Single(leaving.Findings, f => f.Subject == "namespace apps-jobs");
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("does not delete it", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("quota", finding.Detail, StringComparison.Ordinal);
        Assert.False(leaving.HasErrors);

        var withQuota = Stacks.ValidPlanOf(Stack(Block("      apps-jobs: { quota: { pods: 10 } }\n")));
        var quotaLeaving = Assert.Single(AccessDiff.Compare(withQuota, dropped, "main").Findings, f => f.Subject == "namespace apps-jobs");
        Assert.Contains("the quota and limit range the stack wrote into it are deleted", quotaLeaving.Detail, StringComparison.Ordinal);

        var renamed = Stacks.ValidPlanOf(Stack().Replace("name: my-cluster", "name: other-cluster", StringComparison.Ordinal));
        var replaced = AccessDiff.Compare(before, renamed, "main");
        Assert.Contains(replaced.Findings, f => f.Level == FindingLevel.Error && f.Title == "namespace apps would be replaced");
    }

    [Fact]
    public void A_new_namespace_and_a_changed_quota_are_listed_for_the_reviewer()
    {
        var before = Stacks.ValidPlanOf(Stack(Block("      apps: { quota: { pods: 20 } }\n")));
        var after = Stacks.ValidPlanOf(Stack(Block("      apps: { quota: { pods: 40 } }\n"), "[apps, apps-jobs, batch]"));

        var findings = AccessDiff.Compare(before, after, "main").Findings;

        var quota = Assert.Single(findings, f => f.Subject == "namespace apps");
        Assert.Equal(FindingLevel.Changed, quota.Level);
        Assert.Contains("quota pods=40", quota.Detail, StringComparison.Ordinal);
        Assert.Contains("was: labels app.kubernetes.io/managed-by=eks-infra; quota pods=20", quota.Detail, StringComparison.Ordinal);
        // pulumi-kubernetes 4.29+ creates rather than applies: an existing namespace is refused, never adopted.
        Assert.Contains(findings, f => f.Title == "namespace batch is created by the stack" && f.Detail.Contains("fails with AlreadyExists", StringComparison.Ordinal) && f.Detail.Contains("managedElsewhere", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Subject == "namespace apps-jobs");
    }

    [Fact]
    public void Who_shows_the_namespaces_of_each_namespaced_grant_and_those_the_stack_creates()
    {
        var plan = Stacks.ValidPlanOf(Stack());

        var table = WhoReport.Render(plan, ReportFormat.Table);
        Assert.Contains("ClusterRole edit (namespaces apps, apps-jobs)", table, StringComparison.Ordinal);
        Assert.Contains("Namespaces this stack creates (kept in the cluster if dropped from the config): apps, apps-jobs.", table, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(WhoReport.Render(plan, ReportFormat.Json));
        var grant = json.RootElement.GetProperty("principals").EnumerateArray()
            .Single(p => p.GetProperty("username").GetString() == "ci-deployer")
            .GetProperty("grants").EnumerateArray().Single();
        Assert.Equal(["apps", "apps-jobs"], grant.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["apps", "apps-jobs"], json.RootElement.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Namespaces_bind_the_same_from_pulumi_json()
    {
        var yaml = Stack(Block("      apps:\n        labels: { team: apps }\n        quota: { pods: 20 }\n"));
        var fromYaml = Stacks.ValidPlanOf(yaml);
        var fromJson = Stacks.ValidPlan(PulumiConfig.Evaluate(yaml));

        Assert.Equal(Stacks.Render(fromYaml)[StackRenderer.NamespacesFile], Stacks.Render(fromJson)[StackRenderer.NamespacesFile]);
        Assert.Equal("20", fromJson.Namespaces.Single(n => n.Name == "apps").Quota!.Hard.Single().Value);
    }
}
