using System.Text;
using EksInfra.Access.Migration;
using EksInfra.Access.Model;

namespace EksInfra.Access.Tests;

/// <summary>
/// <c>migrate</c> edits one value of the user's stack file in place. Where the value is spelt so that the edit would not
/// be that one value (an anchor, an alias, a tag, a block scalar), it writes nothing and says to set it by hand.
/// </summary>
public sealed class MigrationRewriteTests
{
    private const string Mode = "authenticationMode: CONFIG_MAP";

    public static TheoryData<string, string> EditableSpellings => new()
    {
        { "on the line after its key", "authenticationMode:\n      CONFIG_MAP" },
        { "after a comment on its key's line and a comment line", "authenticationMode: # the seed's mode\n      # moved with eksinfra migrate\n      CONFIG_MAP" },
        { "double-quoted", "authenticationMode: \"CONFIG_MAP\" # quoted" },
        { "single-quoted", "authenticationMode: 'CONFIG_MAP'" },
        { "with a quoted key", "\"authenticationMode\": CONFIG_MAP" },
    };

    [Theory]
    [MemberData(nameof(EditableSpellings))]
    public void Migrate_changes_only_the_value_however_the_file_spells_it(string spelling, string written)
    {
        var stack = Stacks.Edit(Stacks.Minimal("CONFIG_MAP"), Mode, written);
        Assert.True(Stacks.EvaluateText(stack).IsValid, spelling);

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.True(migration.CanWrite, string.Join("\n", migration.Blockers.Select(b => b.Message)));
        Assert.Equal(stack.Replace("CONFIG_MAP", "API_AND_CONFIG_MAP", StringComparison.Ordinal), migration.NewFileText);
        Assert.Equal(AuthenticationMode.ApiAndConfigMap, Stacks.EvaluateText(migration.NewFileText!).Plan!.Mode);
    }

    [Fact]
    public void Migrate_names_what_check_will_warn_of_only_in_the_new_mode()
    {
        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", Stacks.Minimal("CONFIG_MAP"), AuthenticationMode.ApiAndConfigMap);

        Assert.True(migration.CanWrite);
        Assert.Contains(migration.NewWarnings, w => w.Path == "eks-infra:cluster.deployerArn" && w.Message.Contains("HTTP 409", StringComparison.Ordinal));
        var before = Stacks.EvaluateText(Stacks.Minimal("CONFIG_MAP")).Warnings.Select(w => w.Path).ToHashSet();
        Assert.DoesNotContain(migration.NewWarnings, w => before.Contains(w.Path));
    }

    [Fact]
    public void Migrate_does_not_call_a_warning_new_that_check_gives_at_the_same_path_now_in_other_words()
    {
        // dev's system:masters mappings are warned of in API_AND_CONFIG_MAP and, worded for API, in API.
        var dev = Stacks.Shipped("dev");
        Assert.NotEmpty(dev.Warnings);

        var migration = ModeMigration.Plan("dev", "Pulumi.dev.yaml", File.ReadAllText(Repo.StackFile("dev")), AuthenticationMode.Api);

        Assert.True(migration.CanWrite, string.Join("\n", migration.Blockers.Select(b => b.Message)));
        Assert.Empty(migration.NewWarnings);
    }

    [Fact]
    public void Migrate_names_only_the_warnings_at_paths_check_does_not_warn_of_now()
    {
        var stack = Stacks.Minimal("CONFIG_MAP");
        Assert.Contains(Stacks.EvaluateText(stack).Warnings, w => w.Path == "eks-infra:access.roles[0].groups[0]");

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.Equal(["eks-infra:cluster.deployerArn"], migration.NewWarnings.Select(w => w.Path));
    }

    [Fact]
    public void Migrate_edits_a_one_line_flow_file_that_opens_with_a_byte_order_mark()
    {
        // The reader's columns count from after the mark, which the decoded text still holds.
        const string stack = "\uFEFFconfig: {aws:region: us-west-2, aws:allowedAccountIds: [\"123456789012\"], eks-infra:cluster: {name: my-cluster}, "
            + "eks-infra:access: {authenticationMode: CONFIG_MAP, roles: [{name: eks-admin-role, username: eks-admin, groups: [system:masters]}]}}\n";
        Assert.True(Stacks.EvaluateBytes(Encoding.UTF8.GetBytes(stack)).IsValid);

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.True(migration.CanWrite, string.Join("\n", migration.Blockers.Select(b => b.Message)));
        Assert.Equal(stack.Replace("CONFIG_MAP", "API_AND_CONFIG_MAP", StringComparison.Ordinal), migration.NewFileText);
    }

    public static TheoryData<string, string, string> HandEditedSpellings => new()
    {
        { "anchored", Mode, "authenticationMode: &mode CONFIG_MAP" },
        { "tagged", Mode, "authenticationMode: !!str CONFIG_MAP" },
        { "a folded block scalar", Mode, "authenticationMode: >-\n      CONFIG_MAP" },
        { "a double-quoted scalar continued on the next line", Mode, "authenticationMode: \"CONFIG_\\\n      MAP\"" },
        // The alias's position is its anchor's: a rewrite there would change the admin role's username, not the mode.
        { "an alias of another key's value", "    username: eks-admin", "    username: &mode CONFIG_MAP" },
    };

    [Theory]
    [MemberData(nameof(HandEditedSpellings))]
    public void Migrate_writes_nothing_and_says_set_it_by_hand_where_the_value_is_not_one_plain_scalar(string spelling, string from, string to)
    {
        var stack = Stacks.Edit(Stacks.Minimal("CONFIG_MAP"), from, to);
        if (spelling.StartsWith("an alias", StringComparison.Ordinal))
        {
            // roles come before the mode, so the anchor is defined before the alias uses it.
            stack = Stacks.Edit(stack, "    " + Mode + "\n", "");
            stack = Stacks.Edit(stack, "    groups:\n      deployers:", "    authenticationMode: *mode\n    groups:\n      deployers:");
        }

        var before = Stacks.EvaluateText(stack);
        Assert.True(before.IsValid, $"{spelling}: {Stacks.Describe(before)}");
        Assert.Equal(AuthenticationMode.ConfigMap, before.Plan!.Mode);

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.Null(migration.NewFileText);
        var refusal = Assert.Single(migration.Blockers);
        Assert.Equal("eks-infra:access.authenticationMode", refusal.Path);
        Assert.EndsWith("set 'authenticationMode: API_AND_CONFIG_MAP' under eks-infra:access by hand", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_refuses_a_file_with_aliases_even_where_the_mode_itself_is_plain()
    {
        // The mode is written after its own key, but under an anchor another key merges: editing it edits both.
        var stack = Stacks.Edit(Stacks.Minimal("CONFIG_MAP"), "  eks-infra:access:\n    " + Mode + "\n",
            "  other:base: &base\n    " + Mode + "\n  eks-infra:access:\n    <<: *base\n");
        var before = Stacks.EvaluateText(stack);
        Assert.True(before.IsValid, Stacks.Describe(before));
        Assert.Equal(AuthenticationMode.ConfigMap, before.Plan!.Mode);

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.Null(migration.NewFileText);
        Assert.StartsWith("Pulumi.test.yaml uses YAML aliases", Assert.Single(migration.Blockers).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_refuses_an_edit_that_lands_on_another_key_where_lines_break_differently()
    {
        // A lone CR ends a line for the YAML reader and not for a split on '\n': the reader's line of the mode is
        // two lines further down the text, where another key holds the same text at the same column.
        var stack = "# a\r# b\r# c\n" + Stacks.Edit(
            Stacks.Minimal("CONFIG_MAP", "    " + Mode + "\n  other:tags:\n    " + Mode),
            "    " + Mode + "\n    roles:",
            "    roles:");
        var before = Stacks.EvaluateText(stack);
        Assert.True(before.IsValid, Stacks.Describe(before));

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.ApiAndConfigMap);

        Assert.Null(migration.NewFileText);
        Assert.StartsWith("the edit this tool would make to Pulumi.test.yaml changes something other than", Assert.Single(migration.Blockers).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_does_not_insert_the_mode_into_an_anchored_access_block()
    {
        var stack = Stacks.Edit(Stacks.Minimal("CONFIG_MAP"), "  eks-infra:access:\n    " + Mode + "\n", "  eks-infra:access: &access\n");
        Assert.True(Stacks.EvaluateText(stack).IsValid, Stacks.Describe(Stacks.EvaluateText(stack)));

        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.Api);

        Assert.Null(migration.NewFileText);
        Assert.Contains("by hand", Assert.Single(migration.Blockers).Message, StringComparison.Ordinal);
    }
}
