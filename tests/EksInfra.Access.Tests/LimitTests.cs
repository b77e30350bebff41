using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Tests;

/// <summary>EKS and Kubernetes limits fail before apply, with the count.</summary>
public partial class LimitTests
{
    private static string ManyRoles(string mode, int count, Func<int, string> name, Func<int, string> username)
    {
        var builder = new StringBuilder($$"""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: big-cluster
              eks-infra:access:
                authenticationMode: {{mode}}
                groups:
                  readers: { clusterRole: view }
                mapRoles:
                  - rolearn: arn:aws:iam::123456789012:role/admin
                    username: admin
                    groups: [system:masters]

            """);
        for (var i = 0; i < count; i++)
        {
            builder.Append(CultureInfo.InvariantCulture, $"      - rolearn: arn:aws:iam::123456789012:role/teams/{name(i)}\n        username: {username(i)}\n        groups: [readers]\n");
        }

        return builder.ToString();
    }

    private static string LongName(int i) => $"team-{i:D6}-" + new string('r', 50);

    [Fact]
    public void An_aws_auth_over_one_mebibyte_fails_with_its_byte_count()
    {
        var yaml = ManyRoles("CONFIG_MAP", 6000, LongName, i => $"user-{i:D6}-" + new string('u', 60));
        var evaluation = Stacks.EvaluateText(yaml);
        Assert.False(evaluation.IsValid);
        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("eks-infra:access", error.Path);
        var match = BytesPattern().Match(error.Message);
        Assert.True(match.Success, error.Message);
        var bytes = long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.InRange(bytes, 1024 * 1024 + 1, 4 * 1024 * 1024);
        Assert.Contains("6,002 role", error.Message, StringComparison.Ordinal);
        Assert.Contains("1,048,576", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_aws_auth_under_one_mebibyte_is_valid_and_its_size_matches()
    {
        var yaml = ManyRoles("CONFIG_MAP", 3000, LongName, i => $"user-{i:D6}");
        var plan = Stacks.ValidPlanOf(yaml);
        var awsAuth = Stacks.Render(plan)["aws-auth.yaml"];
        Assert.InRange(Encoding.UTF8.GetByteCount(awsAuth), 256 * 1024, 1024 * 1024);
        Assert.Equal(3002, Reparse.AwsAuth(awsAuth).Roles.Count);
    }

    /// <summary>The bytes Kubernetes counts (every data value) of aws-auth as pulumi up writes it, from pulumi-eks's rendering.</summary>
    private static long AppliedValueBytes(AccessPlan plan) =>
        Encoding.UTF8.GetByteCount(PulumiEksAwsAuth.MapRoles(plan.AwsAuth!)) + Encoding.UTF8.GetByteCount(PulumiEksAwsAuth.MapUsers(plan.AwsAuth!));

    [Fact]
    public void The_limit_counts_data_values_as_pulumi_eks_writes_them_and_not_the_keys()
    {
        // ValidateConfigMap (Kubernetes pkg/apis/core/validation) sums len(value) and refuses more than 1,048,576;
        // pulumi-eks's js-yaml folds each of these ARNs (over 76 characters) and indents each group, so its ConfigMap
        // is larger than this tool's aws-auth.yaml, and it is what pulumi up applies.
        const int Limit = 1024 * 1024;
        string Stack(int count, int longer) => ManyRoles("CONFIG_MAP", count, LongName, i => $"user-{i:D6}" + (i < longer ? "x" : ""));
        var perMapping = AppliedValueBytes(Stacks.ValidPlanOf(Stack(2, 0))) - AppliedValueBytes(Stacks.ValidPlanOf(Stack(1, 0)));
        var count = (int)((Limit - AppliedValueBytes(Stacks.ValidPlanOf(Stack(0, 0)))) / perMapping);
        var longer = (int)(Limit - AppliedValueBytes(Stacks.ValidPlanOf(Stack(count, 0))));
        Assert.InRange(longer, 0, count);

        var atLimit = Stacks.ValidPlanOf(Stack(count, longer));
        Assert.Equal(Limit, AppliedValueBytes(atLimit));
        var ownValues = ((YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Root(Stacks.Render(atLimit)["aws-auth.yaml"])["data"]).Children.Values
            .Sum(v => Encoding.UTF8.GetByteCount(((YamlDotNet.RepresentationModel.YamlScalarNode)v).Value!));
        Assert.True(ownValues < Limit - 50_000, $"this tool's own aws-auth.yaml holds {ownValues:N0} bytes of values, the smaller form");

        var over = Stacks.EvaluateText(Stack(count, longer + 1));
        var error = Assert.Single(over.Errors);
        Assert.Contains("would be 1,048,577 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("as pulumi-eks writes them", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_byte_limit_does_not_apply_in_api_mode()
    {
        var yaml = ManyRoles("API", 2500, LongName, i => $"user-{i:D6}-" + new string('u', 200));
        Assert.Null(Stacks.ValidPlanOf(yaml).AwsAuth);
    }

    [Fact]
    public void More_than_2998_access_entries_fail_with_the_count()
    {
        // 2,998 of ours plus the two EKS creates itself is the 3,000 a cluster holds.
        var atLimit = Stacks.ValidPlanOf(ManyRoles("API", 2997, i => $"r{i}", i => $"u{i}"));
        Assert.Equal(2998, atLimit.AccessEntries.Count);

        var evaluation = Stacks.EvaluateText(ManyRoles("API", 2998, i => $"r{i}", i => $"u{i}"));
        Assert.False(evaluation.IsValid);
        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("eks-infra:access", error.Path);
        Assert.Contains("2,999 access entries", error.Message, StringComparison.Ordinal);
        Assert.Contains("3,000", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// EKS's own entries share the quota: the creator's always, and one per managed node group or Fargate profile role. A
    /// cluster of Karpenter nodes only has just the creator's, so 2,999 of the stack's fit; with two node group roles and a
    /// Fargate profile, 2,996 do.
    /// </summary>
    [Theory]
    [InlineData("    nodeGroups: []", """
            nodeRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole", kind: linux }
        """, 1)]
    [InlineData(ComputeStacks.DefaultNodeGroups, ComputeStacks.DefaultNodeRoles, 4)]
    public void The_access_entry_limit_counts_only_the_entries_eks_makes_for_this_cluster(string cluster, string nodeRoles, int byEks)
    {
        string Stack(int extra)
        {
            var roles = new StringBuilder();
            for (var i = 0; i < extra; i++)
            {
                roles.Append(CultureInfo.InvariantCulture, $"      - {{ rolearn: \"arn:aws:iam::123456789012:role/t/r{i}\", username: u{i}, groups: [deployers] }}\n");
            }

            return ComputeStacks.Full("API", cluster, nodeRoles, roles.ToString().TrimEnd('\n'));
        }

        var ours = Stacks.ValidPlanOf(Stack(0)).AccessEntries.Count;
        var fits = StackEvaluator.MaxAccessEntries - byEks;
        Assert.Equal(fits, Stacks.ValidPlanOf(Stack(fits - ours)).AccessEntries.Count);

        var over = Stacks.EvaluateText(Stack(fits - ours + 1));
        var error = Assert.Single(over.Errors);
        Assert.Contains($"needs {fits + 1:N0} access entries, plus {byEks} that EKS creates itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_access_entry_limit_does_not_apply_in_config_map_mode()
    {
        var plan = Stacks.ValidPlanOf(ManyRoles("CONFIG_MAP", 3100, i => $"r{i}", i => $"u{i}"));
        Assert.Empty(plan.AccessEntries);
        Assert.Equal(3102, plan.AwsAuth!.MapRoles.Count);
    }

    [GeneratedRegex(@"would be ([0-9,]+) bytes")]
    private static partial Regex BytesPattern();
}
