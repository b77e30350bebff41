using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Tests;

/// <summary>
/// The IAM files are written straight to a JSON writer; their bytes must stay what the JsonNode trees wrote before,
/// escaping included, or every existing user's render shows a diff.
/// </summary>
public class RenderingJsonTests
{
    /// <summary>The earlier rendering, kept here as the reference: a JsonNode tree written with the fixed options.</summary>
    private static string ReferenceIamFile(IamRolePlan role)
    {
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var doc = new JsonObject
        {
            ["roleName"] = role.Name,
            ["path"] = role.IamPath,
            ["arn"] = role.Arn,
            ["assumeRolePolicy"] = JsonNode.Parse(role.TrustPolicyJson),
            ["managedPolicyArns"] = new JsonArray([.. role.ManagedPolicies.Select(p => (JsonNode)p.PolicyArn)]),
            ["inlinePolicies"] = role.InlinePolicy is { } inline ? new JsonObject { [inline.Name] = JsonNode.Parse(inline.PolicyJson) } : new JsonObject(),
        };
        if (role.MaxSessionDuration is { } seconds)
        {
            doc["maxSessionDuration"] = seconds;
        }

        return doc.ToJsonString(options) + "\n";
    }

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Char["aZ09-_/+=,.@:<>&'\"\\ \t\n\u00e9\u2028\u65e5\u0001\u007f"].Array[0, 12].Select(chars => new string(chars)),
        Gen.OneOfConst("eks-admin", "/teams/", "arn:aws:iam::123456789012:role/eks-admin", "😀", "a\u00a0b", "</script>"));

    private static readonly Gen<string> Policy = Gen.OneOf(
        Text.Select(t => JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = new[] { new { Effect = "Allow", Action = t, Resource = "*" } } })),
        Gen.OneOfConst(
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600.50}}}]}""",
            """  { "escaped": "\u0041\u00e9\ud83d\ude00\/\"", "n": -1e-3, "t": true, "z": null, "e": {}, "a": [] }  """,
            "[]",
            "null"));

    private static readonly Gen<IamRolePlan> Roles = Gen.Select(Text, Text, Text, Policy, Text.Array[0, 3], Gen.Select(Text, Policy).Nullable(), Gen.Int[3600, 43200].Nullable(),
        (name, path, arn, trust, managed, inline, seconds) => new IamRolePlan(
            "logical", name, path, arn, RolePurpose.Access, trust,
            [.. managed.Select(m => new ManagedPolicyAttachmentPlan("m", m))],
            inline is { } i ? new InlinePolicyPlan("i", i.Item1, i.Item2) : null,
            seconds));

    [Fact]
    public void An_iam_file_is_the_bytes_the_json_tree_wrote_and_reads_back()
    {
        Roles.Sample(role =>
        {
            var written = IamRenderer.Render(role);
            Assert.Equal(ReferenceIamFile(role), written);
            using var doc = JsonDocument.Parse(written);
            Assert.Equal(role.Name, doc.RootElement.GetProperty("roleName").GetString());
            Assert.Equal(role.Arn, doc.RootElement.GetProperty("arn").GetString());
            Assert.Equal(role.ManagedPolicies.Select(p => p.PolicyArn), doc.RootElement.GetProperty("managedPolicyArns").EnumerateArray().Select(e => e.GetString()));
        }, iter: 2_000, threads: 1, print: r => JsonSerializer.Serialize(r));
    }

    /// <summary>The earlier access-entries rendering, kept here as the reference.</summary>
    private static string ReferenceAccessEntriesFile(AccessPlan plan)
    {
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)v)];
        static JsonObject Entry(AccessEntryPlan entry) => entry.Type != AccessPlanner.AccessEntryTypeStandard
            ? new JsonObject { ["principalArn"] = entry.PrincipalArn, ["type"] = entry.Type, ["associatedAccessPolicies"] = new JsonArray() }
            : new()
            {
                ["principalArn"] = entry.PrincipalArn,
                ["type"] = entry.Type,
                ["username"] = entry.Username,
                ["kubernetesGroups"] = Strings(entry.KubernetesGroups),
                ["associatedAccessPolicies"] = new JsonArray([.. entry.AccessPolicies.Select(p => (JsonNode)new JsonObject
                {
                    ["policyArn"] = p.PolicyArn,
                    ["accessScope"] = p.Scope.Type == "cluster"
                        ? new JsonObject { ["type"] = p.Scope.Type }
                        : new JsonObject { ["type"] = p.Scope.Type, ["namespaces"] = Strings(p.Scope.Namespaces) },
                })]),
            };

        return new JsonObject
        {
            ["clusterName"] = plan.Cluster.Name,
            ["authenticationMode"] = plan.Mode.ToConfigValue(),
            ["accessEntries"] = new JsonArray([.. plan.AccessEntries.Select(Entry)]),
        }.ToJsonString(options) + "\n";
    }

    [Fact]
    public void The_access_entries_file_is_the_bytes_the_json_tree_wrote()
    {
        var withEntries = 0;
        StackGen.Stack.Sample(spec =>
        {
            var evaluation = Stacks.EvaluateText(spec.ToYaml());
            Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
            var plan = evaluation.Plan!;
            withEntries += plan.AccessEntries.Any(e => e.AccessPolicies.Count > 0) ? 1 : 0;
            Assert.Equal(ReferenceAccessEntriesFile(plan), AccessEntriesRenderer.Render(plan));
        }, iter: 150, threads: 1, print: s => s.ToYaml());
        Assert.InRange(withEntries, 10, 150);
    }

    [Fact]
    public void The_json_writer_is_reused_safely_across_documents_and_failures()
    {
        var role = new IamRolePlan("l", "a", "/", "arn", RolePurpose.Access, "{}", [], null, null);
        var first = IamRenderer.Render(role);
        Assert.ThrowsAny<JsonException>(() => IamRenderer.Render(role with { TrustPolicyJson = "{ not json" }));
        Assert.Equal(first, IamRenderer.Render(role));
        Assert.Equal(ReferenceIamFile(role), first);
    }
}

/// <summary>The planned access entries in the live export's shape: `audit --access-entries` reads the one as the other.</summary>
public class AccessEntriesShapeTests
{
    [Fact]
    public void The_rendered_access_entries_read_as_a_live_export_with_the_same_entries_and_policies()
    {
        var plan = Stacks.ValidPlanOf(ComputeStacks.Full("API", mapRoles: """
                  - { rolearn: "arn:aws:iam::123456789012:role/viewer", username: viewer, accessPolicies: [{ policy: AmazonEKSViewPolicy, namespaces: [web, api] }] }
            """.TrimEnd('\n')));

        var live = EksInfra.Access.Audit.LiveInputs.ReadAccessEntries(System.Text.Encoding.UTF8.GetBytes(Stacks.Render(plan)[StackRenderer.AccessEntriesFile]), "access-entries.json");

        Assert.Equal(plan.AccessEntries.Select(e => e.PrincipalArn), live.Select(e => e.PrincipalArn));
        Assert.Equal(plan.AccessEntries.Select(e => e.Type), live.Select(e => e.Type));
        Assert.Equal(["AmazonEKSViewPolicy (namespaces api, web)"], live.Single(e => e.PrincipalArn.EndsWith("/viewer", StringComparison.Ordinal)).Policies.Select(p => p.ToString()));
        Assert.Contains(live, e => e.Type == "EC2_LINUX" && e.Policies.Count == 0);
    }
}
