using EksInfra.Access.Config;

namespace EksInfra.Access.Tests;

/// <summary>Where Pulumi takes a stack's config from besides the stack file's 'config:', and what the offline tools say about it.</summary>
public class StackConfigSourceTests
{
    [Fact]
    public void Listed_esc_environments_are_a_warning_on_environment_naming_each()
    {
        var evaluation = Stacks.EvaluateText("environment:\n  - aws-dev\n  - shared/base\n" + Stacks.Minimal());

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, d => d.Path == "environment");
        Assert.Contains("'aws-dev', 'shared/base'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("pulumiConfig values", warning.Message, StringComparison.Ordinal);
        Assert.Contains("not seen offline", warning.Message, StringComparison.Ordinal);
        Assert.Contains("set them under 'config:'", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, warning.Location?.Line);
    }

    [Fact]
    public void An_inline_esc_definition_names_its_imports_and_its_values()
    {
        var evaluation = Stacks.EvaluateText("environment:\n  imports: [aws-dev]\n  values:\n    pulumiConfig:\n      eks-infra:access: { authenticationMode: API }\n" + Stacks.Minimal());

        var warning = Assert.Single(evaluation.Warnings, d => d.Path == "environment");
        Assert.Contains("'aws-dev', the inline 'values:'", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("environment: []\n")]
    [InlineData("environment:\n")]
    [InlineData("")]
    public void No_environment_gives_no_warning(string environment)
    {
        var evaluation = Stacks.EvaluateText(environment + Stacks.Minimal());

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Diagnostics, d => d.Path == "environment");
    }
}
