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

    [Fact]
    public void A_secret_where_text_is_expected_is_one_error_saying_to_set_it_without_secret()
    {
        var yaml = Stacks.Minimal().Replace("    name: my-cluster\n", "    name: my-cluster\n    deployerArn:\n      secure: AAABAMkq0PNzrz2Cq0vQ\n", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(yaml);

        var finding = Assert.Single(evaluation.Diagnostics, d => d.Path == "eks-infra:cluster.deployerArn");
        Assert.True(finding.IsError, Stacks.Describe(evaluation));
        Assert.Contains("is a Pulumi secret", finding.Message, StringComparison.Ordinal);
        Assert.Contains("cannot decrypt", finding.Message, StringComparison.Ordinal);
        Assert.Contains("set it without --secret", finding.Message, StringComparison.Ordinal);
        // Without --type string, `pulumi config set --path` stores an account id's digits as a number, which check then refuses.
        Assert.Contains("`pulumi config set --path 'eks-infra:cluster.deployerArn' --type string VALUE`", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("expected a string", finding.Message, StringComparison.Ordinal);
        Assert.Equal(7, finding.Location?.Line);
    }

    [Theory]
    [InlineData("    name: my-cluster\n", "    name: my-cluster\n    protect:\n      secure: AAABAMkq0PNzrz2Cq0vQ\n", "eks-infra:cluster.protect")]
    [InlineData("        groups: [system:masters]\n", "        groups: [system:masters]\n        maxSessionDuration: { secure: AAABAMkq0PNzrz2Cq0vQ }\n", "eks-infra:access.roles[0].maxSessionDuration")]
    public void A_secret_where_a_number_or_boolean_is_expected_says_to_set_it_unquoted_without_secret(string at, string with, string path)
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace(at, with, StringComparison.Ordinal));

        var finding = Assert.Single(evaluation.Diagnostics, d => d.Path == path);
        Assert.True(finding.IsError, Stacks.Describe(evaluation));
        Assert.Contains("is a Pulumi secret", finding.Message, StringComparison.Ordinal);
        Assert.Contains($"`pulumi config set --path '{path}' VALUE`", finding.Message, StringComparison.Ordinal);
        // --type string would store the digits or true as text, which the binder refuses where a number or boolean goes.
        Assert.DoesNotContain("--type string", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("found a map", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_where_a_required_string_is_expected_is_not_also_called_missing()
    {
        var yaml = Stacks.Minimal().Replace("  - name: eks-admin-role\n", "  - name: { secure: AAABAMkq0PNzrz2Cq0vQ }\n", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(yaml);

        var finding = Assert.Single(evaluation.Diagnostics, d => d.Path == "eks-infra:access.roles[0].name");
        Assert.Contains("is a Pulumi secret", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_program_gets_a_secret_decrypted_so_pulumi_json_binds_it_as_text()
    {
        var source = JsonConfigReader.FromPulumiValues("test", new Dictionary<string, string?>
        {
            ["aws:region"] = "us-west-2",
            ["aws:allowedAccountIds"] = "[\"123456789012\"]",
            ["eks-infra:cluster"] = "{\"name\": \"my-cluster\", \"deployerArn\": {\"secure\": \"AAAB\"}}",
            ["eks-infra:access"] = "{\"roles\": [{\"name\": \"a\", \"username\": \"a\", \"groups\": [\"system:masters\"]}]}",
        });

        var evaluation = StackEvaluator.Evaluate(source);

        // In Pulumi's JSON a {secure: ...} map is a map the user wrote, never ciphertext.
        var finding = Assert.Single(evaluation.Errors, d => d.Path == "eks-infra:cluster.deployerArn");
        Assert.Contains("expected a string, found a map", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tab_as_indentation_is_reported_at_the_tab()
    {
        var name = "74-tab-indentation.yaml";
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, name));

        var error = Assert.Single(evaluation.Errors);
        Assert.Contains("tab", error.Message, StringComparison.Ordinal);
        var tabLine = Array.FindIndex(File.ReadAllLines(Path.Combine(Repo.HostileDir, name)), l => l.StartsWith('\t')) + 1;
        Assert.Equal((name, tabLine, 1), (error.Location?.File, error.Location?.Line, error.Location?.Column));
    }

    [Theory]
    [InlineData("config:\n  aws:region: us-west-2\n\teks-infra:cluster: {}\n", 3, 1)]
    [InlineData("config:\n  eks-infra:cluster:\n    name: c\n\t  version: \"1.33\"\n", 4, 1)]
    // After spaces the tab is still indentation; a tab before a comment further on is separation, which YAML allows.
    [InlineData("config:\n  eks-infra:cluster:\n    name: c\n  \t version: \"1.33\"\n\n\t# a comment\n", 4, 3)]
    // A tab after spaces in a block scalar or a flow list is content or separation: the error is the line-start tab further on.
    [InlineData("config:\n  other:script: |\n    echo a\n    \techo b\n  eks-infra:cluster:\n\tname: c\n", 6, 1)]
    [InlineData("config:\n  other:list: [a,\n   \tb]\n  eks-infra:cluster:\n\tname: c\n", 5, 1)]
    // With no line that opens with a tab, a tab after spaces is the indentation YamlDotNet refuses.
    [InlineData("config:\n  eks-infra:access:\n    groups:\n  \t- name: a\n", 4, 3)]
    // A block scalar's tab after spaces before it is content, not the indentation at fault.
    [InlineData("config:\n  other:script: |\n    echo a\n    \techo b\n  eks-infra:access:\n    groups:\n  \t- name: a\n", 7, 3)]
    [InlineData("config:\n  other:script: !!str |\n    echo a\n    \techo b\n  eks-infra:access:\n    groups:\n  \t- name: a\n", 7, 3)]
    // A comment that ends like a block scalar's header opens none.
    [InlineData("config:\n# example: |\n  eks-infra:access:\n    groups:\n  \t- name: a\n", 5, 3)]
    public void A_tab_at_the_start_of_a_line_is_reported_on_that_line(string yaml, int line, int column = 1)
    {
        var evaluation = Stacks.EvaluateText(yaml);

        var error = Assert.Single(evaluation.Errors);
        Assert.StartsWith("the file is not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Location?.Line, error.Location?.Column));
    }

    [Fact]
    public void A_key_without_namespace_says_pulumi_reads_it_as_the_projects()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace("  eks-infra:access:\n", "  access:\n", StringComparison.Ordinal));

        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("access", error.Path);
        Assert.Contains("the program reads it as 'eks-infra:access'", error.Message, StringComparison.Ordinal);
        Assert.Contains("write it as 'eks-infra:access'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("aws:access", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_setting_without_namespace_is_not_said_to_be_read_as_the_providers()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace("  aws:region: us-west-2\n", "  region: us-west-2\n", StringComparison.Ordinal));

        var error = Assert.Single(evaluation.Errors, d => d.Path == "region");
        Assert.Contains("would read it as 'eks-infra:region', which is not a config key of this project", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'aws:region'?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eks-infra:access", "eks-infra:config:access")]
    [InlineData("aws:region", "aws:config:region")]
    public void The_old_namespace_config_name_form_is_an_error_naming_the_key_pulumi_reads(string key, string old)
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace($"  {key}:", $"  {old}:", StringComparison.Ordinal));

        // One error: a "required" for the key Pulumi reads would send the user to add what is there.
        var error = Assert.Single(evaluation.Errors);
        Assert.Equal(old, error.Path);
        Assert.Contains($"is the old form of the key '{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"write it as '{key}'", error.Message, StringComparison.Ordinal);
    }
}
