using System.Text.Json.Nodes;
using EksInfra.Access.Authorization;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// aws-iam-authenticator v0.7.18 pkg/server/server.go doMapping: a caller of an account in mapAccounts that no mapping
/// names gets <c>identity.CanonicalARN, []string{}</c>, so every principal of the account signs in, with no groups.
/// `who` and `can` must say so, as `diff` does when the account is added.
/// </summary>
public class MappedAccountsReportTests
{
    private const string Account = "111122223333";

    private static string WithAccount(string mode) => Stacks.Minimal(mode, $"    mapAccounts: [\"{Account}\"]");

    [Theory]
    [InlineData("CONFIG_MAP")]
    [InlineData("API_AND_CONFIG_MAP")]
    public void Who_names_each_mapped_account_in_json_and_below_its_table(string mode)
    {
        var plan = Stacks.ValidPlanOf(WithAccount(mode));

        var json = JsonNode.Parse(WhoReport.Render(plan, ReportFormat.Json))!;
        Assert.Equal([Account], json["mapAccounts"]!.AsArray().Select(a => a!.GetValue<string>()));
        var footer = WhoReport.Render(plan, ReportFormat.Table).Split('\n').Single(l => l.Contains(Account, StringComparison.Ordinal));
        Assert.StartsWith($"Every IAM principal of account {Account} (mapAccounts)", footer, StringComparison.Ordinal);
        Assert.Contains("no groups, so it holds what system:authenticated holds", footer, StringComparison.Ordinal);
        Assert.Contains($"`{Account}`", WhoReport.Render(plan, ReportFormat.Markdown), StringComparison.Ordinal);
    }

    [Fact]
    public void Can_notes_that_every_principal_of_a_mapped_account_authenticates_with_no_groups()
    {
        var plan = Stacks.ValidPlanOf(WithAccount("CONFIG_MAP"));
        var access = ModelAccess.Of(plan);
        var question = CanQuestion.Parse("get", "pods", null, null, out var error) ?? throw new InvalidOperationException(error);

        var json = JsonNode.Parse(CanReport.RenderWho(plan, question, CanReport.Who(access, question), access.Notes, ReportFormat.Json))!;

        var note = Assert.Single(json["notes"]!.AsArray().Select(n => n!.GetValue<string>()), n => n.Contains(Account, StringComparison.Ordinal));
        Assert.Contains("aws-auth does not map", note, StringComparison.Ordinal);
        Assert.Contains("no groups", note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_without_mapped_accounts_says_nothing_of_them()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));

        Assert.Empty(JsonNode.Parse(WhoReport.Render(plan, ReportFormat.Json))!["mapAccounts"]!.AsArray());
        Assert.DoesNotContain(ModelAccess.Of(plan).Notes, n => n.Contains("mapAccounts", StringComparison.Ordinal));
        Assert.DoesNotContain("mapAccounts", WhoReport.Render(plan, ReportFormat.Table), StringComparison.Ordinal);
    }
}
