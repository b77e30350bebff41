using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

/// <summary>Config that passes every field's own rule but that AWS refuses at apply, found where names and policies are derived.</summary>
public class AwsNameLimitTests
{
    /// <summary>
    /// The shorthand node group sends no nodeGroupName: pulumi-aws names it LOGICAL-XXXXXXX (AutoName, 255) and EKS
    /// refuses node group names over 63 characters (EKS User Guide, "Create a managed node group").
    /// </summary>
    [Theory]
    [InlineData(44, true)]
    [InlineData(45, false)]
    [InlineData(60, false)]
    public void The_default_node_group_of_a_long_cluster_name_is_refused_where_its_EKS_name_would_pass_63(int nameLength, bool valid)
    {
        var name = new string('a', nameLength);
        var evaluation = Stacks.EvaluateText(Stacks.Edit(Stacks.Minimal(), "name: my-cluster", $"name: {name}"));

        var autoNamed = LogicalNames.NodeGroup(name).Length + "-".Length + 7;
        Assert.Equal(valid, autoNamed <= 63);
        Assert.Equal(valid, !evaluation.Errors.Any(e => e.Path == "eks-infra:cluster.name"));
        if (!valid)
        {
            var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:cluster.name");
            Assert.Contains("at most 44 characters", error.Message, StringComparison.Ordinal);
            Assert.Contains($"{autoNamed} in all", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_long_cluster_name_whose_node_groups_are_named_is_not_refused_for_them()
    {
        var name = new string('a', 60);
        var yaml = Stacks.Edit(Stacks.Minimal(), "name: my-cluster", $"name: {name}\n    nodeGroups:\n      - name: general\n        instanceTypes: [m6i.large]");

        Assert.DoesNotContain(Stacks.EvaluateText(yaml).Errors, e => e.Path == "eks-infra:cluster.name");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    // The document escapes + as \u002B; the provider's Go encoder sends it as one character, and & as six (\u0026).
    [InlineData("arn:aws:iam::123456789012:user/a+b", 0)]
    [InlineData("arn:aws:iam::123456789012:user/a=b", 0)]
    [InlineData("arn:aws:iam::123456789012:user/a'b/x", 0)]
    [InlineData("arn:aws:iam::123456789012:user/a&b/x", 5)]
    public void A_trust_policy_is_counted_as_the_provider_sends_it_to_iam(string principal, int extra)
    {
        var document = IamPolicies.AwsPrincipalTrust([principal]);
        var compactGo = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(document).RootElement, Unescaped);

        Assert.Contains(principal.Contains('+', StringComparison.Ordinal) ? "\\u002B" : principal[^3..], document, StringComparison.Ordinal);
        Assert.Equal(compactGo.Length + extra, IamPolicies.QuotaLength(document));
    }

    /// <summary>Past the highest value the "Role trust policy length" quota can be raised to, CreateRole always fails: an error, not the warning of the default quota.</summary>
    [Theory]
    [InlineData(20, null)]
    [InlineData(60, "warning")]
    [InlineData(200, "error")]
    public void A_trust_policy_past_the_quotas_ceiling_is_an_error_and_past_the_default_a_warning(int principals, string? expected)
    {
        var arns = Enumerable.Range(0, principals).Select(i => $"arn:aws:iam::123456789012:role/people/team-member-role-number-{i:D3}").ToList();
        var length = IamPolicies.QuotaLength(IamPolicies.AwsPrincipalTrust(arns));
        var list = string.Join(", ", arns.Select(a => $"\"{a}\""));
        var evaluation = Stacks.EvaluateText(Stacks.Edit(Stacks.Minimal(), "groups: [system:masters]\n", $"groups: [system:masters]\n        assumedBy: [{list}]\n"));

        var findings = evaluation.Diagnostics.Where(d => d.Path == "eks-infra:access.roles[0].assumedBy" && d.Message.Contains("trust policy", StringComparison.Ordinal)).ToList();
        switch (expected)
        {
            case null:
                Assert.True(length <= StackEvaluator.RoleTrustPolicyLengthQuota, $"{length}");
                Assert.Empty(findings);
                break;
            case "warning":
                Assert.InRange(length, StackEvaluator.RoleTrustPolicyLengthQuota + 1, StackEvaluator.RoleTrustPolicyLengthCeiling);
                Assert.False(Assert.Single(findings).IsError);
                Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
                break;
            default:
                Assert.True(length > StackEvaluator.RoleTrustPolicyLengthCeiling, $"{length}");
                Assert.True(Assert.Single(findings).IsError);
                Assert.False(evaluation.IsValid);
                break;
        }
    }
}
