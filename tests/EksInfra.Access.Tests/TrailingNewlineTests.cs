using EksInfra.Access.Model;

namespace EksInfra.Access.Tests;

/// <summary>
/// A YAML block scalar (`|`) leaves a final newline in a value, and .NET's `$` matches before it: every
/// pattern rule ends in `\z`, so such a value is refused where the platform would refuse it.
/// </summary>
public sealed class TrailingNewlineTests
{
    [Theory]
    [InlineData("1Gi")]
    [InlineData("500m")]
    public void A_quantity_with_a_final_newline_is_not_a_quantity(string quantity)
    {
        Assert.True(KubernetesValues.TryParseQuantity(quantity, out _));
        Assert.False(KubernetesValues.TryParseQuantity(quantity + "\n", out _));
    }

    [Fact]
    public void A_label_key_or_value_with_a_final_newline_is_refused()
    {
        Assert.Null(KubernetesValues.LabelKeyProblem("example.com/team"));
        Assert.NotNull(KubernetesValues.LabelKeyProblem("example.com/team\n"));
        Assert.NotNull(KubernetesValues.LabelKeyProblem("example.com\n/team"));
        Assert.True(KubernetesValues.IsValidLabelValue("payments"));
        Assert.False(KubernetesValues.IsValidLabelValue("payments\n"));
    }

    [Fact]
    public void A_node_group_name_written_as_a_block_scalar_is_refused_with_its_path()
    {
        var stack = Stacks.Minimal().Replace(
            "  eks-infra:access:",
            "    nodeGroups:\n      - name: |\n          system\n        instanceTypes: [t3.medium]\n        desiredSize: 1\n        minSize: 1\n        maxSize: 2\n  eks-infra:access:",
            StringComparison.Ordinal);
        var plain = Stacks.EvaluateText(stack.Replace("name: |\n          system\n", "name: system\n", StringComparison.Ordinal));
        Assert.True(plain.IsValid, Stacks.Describe(plain));

        var evaluation = Stacks.EvaluateText(stack);

        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:cluster.nodeGroups[0].name");
    }
}
