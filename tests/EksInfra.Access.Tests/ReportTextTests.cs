using System.Net;
using System.Text.RegularExpressions;
using EksInfra.Access.Audit;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Reports;
using Markdig;
using CommonMark = Markdig.Markdown;

namespace EksInfra.Access.Tests;

/// <summary>
/// Reports print text whoever wrote it (a live aws-auth, the head of a pull request). Read back as a terminal shows plain
/// text and as a CommonMark reader (Markdig, with GitHub's pipe tables) shows Markdown, that text cannot add, hide or end
/// a line, a cell, a code span or the report.
/// </summary>
public sealed partial class ReportTextTests
{
    private static readonly MarkdownPipeline GitHubLike = new MarkdownPipelineBuilder().UsePipeTables().UseEmphasisExtras().Build();

    public static TheoryData<string> HostileText => new()
    {
        "intruder\u001b[2K\r\u001b[1A",
        "intruder\nfake: nothing to see",
        "evil<!-- the rest of the report is hidden",
        "<img src=x onerror=alert(1)>",
        "a|b||c",
        "`",
        "``x``",
        "a`b``c```d",
        " spaced ",
        "right-to-left \u202Eexe.txt",
        "tab\there",
        "\\|",
        "now: * on */* | get on pods",
        "![all clear](https://evil.example/ok.png)",
        "[ok]() ~~revoked~~ _quiet_ **loud**",
        "ci_deployer API_AND_CONFIG_MAP",
        "role/a^b^ ops==prod== dev++ops++",
        "ci-deployer\n",
    };

    [Theory]
    [MemberData(nameof(HostileText))]
    public void A_markdown_cell_reads_back_as_one_cell_holding_the_printable_text(string text)
    {
        var html = CommonMark.ToHtml($"| A | B |\n|---|---|\n| {EksInfra.Access.Reports.Markdown.Cell(text)} | {EksInfra.Access.Reports.Markdown.Code(text)} |\n", GitHubLike);

        var cells = TableCells().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, cells.Count);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<(em|strong|del|a|img)[ >]", html);
        var shown = Printable.Of(text);
        Assert.Equal(shown.Trim(), WebUtility.HtmlDecode(cells[0]));
        var code = Assert.Single(CodeSpan().Matches(cells[1]));
        Assert.Equal(cells[1], code.Value);
        Assert.Equal(shown, WebUtility.HtmlDecode(code.Groups[1].Value));
    }

    [Fact]
    public void Printable_text_shows_control_and_direction_characters_as_json_escapes_and_leaves_the_rest()
    {
        Assert.Equal("a\\u001B[2K\\r\\n\\tb\\u202Ec\\u0085", Printable.Of("a\u001b[2K\r\n\tb\u202Ec\u0085"));
        // Invisible ones too: eks-admin and eks-admin with a zero-width space, a soft hyphen or a tag character look alike.
        Assert.Equal("eks-admin\\u200B \\u00AD \\uFEFF \\uDB40\\uDC41 \\uD800", Printable.Of("eks-admin\u200B \u00AD \uFEFF \U000E0041 \uD800"));
        Assert.Equal("a\\uFE0F\\u034F\\u3164\\u00A0\\u2800\\uDB40\\uDD00b", Printable.Of("a\uFE0F\u034F\u3164\u00A0\u2800\U000E0100b"));
        const string ordinary = "arn:aws:iam::123456789012:role/teams/platform-admin ünïcode 管理者 😀 {{SessionName}}";
        Assert.Same(ordinary, Printable.Of(ordinary));
    }

    [Fact]
    public void An_audit_of_a_live_mapping_with_a_forged_username_keeps_every_line_and_cell_its_own()
    {
        const string forged = "intruder\u001b[2K\r<!-- hidden";
        var awsAuth = AwsAuthManifests.Bytes("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/intruder
                  username: "intruder\e[2K\r<!-- hidden"
                  groups: [system:masters]
            """);
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var report = AccessAudit.Compare(plan, new LiveCluster(LiveInputs.ReadAwsAuthExport(awsAuth, "aws-auth.yaml").Mappings, null, null));
        var finding = Assert.Single(report.Findings, f => f.Subject.Contains("intruder", StringComparison.Ordinal) || f.Detail.Contains("intruder", StringComparison.Ordinal) || f.Title.Contains("intruder", StringComparison.Ordinal));
        Assert.Contains(forged, finding.Subject + finding.Title + finding.Detail, StringComparison.Ordinal);

        var text = AuditRenderer.Render(report, ReportFormat.Table);
        Assert.DoesNotContain(text, c => c < ' ' && c != '\n');
        Assert.Contains(Printable.Of(forged), text, StringComparison.Ordinal);

        var markdown = AuditRenderer.Render(report, ReportFormat.Markdown);
        var html = CommonMark.ToHtml(markdown, GitHubLike);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.Equal(report.Findings.Count, TableRows().Count(html));
        Assert.Contains(WebUtility.HtmlEncode(Printable.Of(forged)), html, StringComparison.Ordinal);
        // The summary after the table is still there to read: nothing hid it.
        Assert.Contains("1 reach cluster admin or system:masters without the model: FAIL", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ci-deployer ", "username 'ci-deployer ' live, ci-deployer in the model")]
    [InlineData(" ci-deployer", "username ' ci-deployer' live, ci-deployer in the model")]
    [InlineData("(none)", "username '(none)' live, ci-deployer in the model")]
    [InlineData("ci, deployer", "username 'ci, deployer' live, ci-deployer in the model")]
    public void An_audit_quotes_a_live_value_that_would_read_like_another(string username, string detail)
    {
        var awsAuth = AwsAuthManifests.Bytes($$"""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/deployer
                  username: "{{username}}"
                  groups: [deployers]
            """);
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var report = AccessAudit.Compare(plan, new LiveCluster(LiveInputs.ReadAwsAuthExport(awsAuth, "aws-auth.yaml").Mappings, null, null));

        var differs = Assert.Single(report.Findings, f => f.Section == AuditSection.Differs);
        Assert.Equal(detail, differs.Detail);
        Assert.Contains($"<td>{detail}</td>", WebUtility.HtmlDecode(CommonMark.ToHtml(AuditRenderer.Render(report, ReportFormat.Markdown), GitHubLike)), StringComparison.Ordinal);
    }

    /// <summary>
    /// A clean report vouches only for the parts it compared: prod's private endpoint leaves the scheduled audit the
    /// access entries alone (docs/environments.md), and RBAC may grant there what the model does not. Prod is in API,
    /// where EKS reads no aws-auth, so aws-auth left out is no part missed.
    /// </summary>
    [Fact]
    public void A_clean_audit_that_skipped_parts_names_what_it_compared_and_what_it_did_not()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("prod"));
        var entries = plan.AccessEntries.Select(e => new LiveAccessEntry(e.PrincipalArn, e.Type, e.Username, e.KubernetesGroups, [.. e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope))], $"access entry {e.Key}")).ToList();
        var report = AccessAudit.Compare(plan, new LiveCluster(null, entries, null));
        Assert.All(report.Findings, f => Assert.Equal(AuditSection.EksOwn, f.Section));

        var text = AuditRenderer.Render(report, ReportFormat.Table);
        Assert.DoesNotContain("nothing more and nothing less", text, StringComparison.Ordinal);
        Assert.Contains("\nno differences in the parts compared (access entries); not compared: RBAC, which may grant what the model does not\n", text, StringComparison.Ordinal);
        // The summary, the job summary's last line, says the same: a skipped part may hold an admin grant.
        Assert.EndsWith("; nothing in the parts compared reaches cluster admin without the model\n", text, StringComparison.Ordinal);

        var html = CommonMark.ToHtml(AuditRenderer.Render(report, ReportFormat.Markdown), GitHubLike);
        Assert.DoesNotContain("nothing more and nothing less", html, StringComparison.Ordinal);
        Assert.Contains("<p><em>No differences in the parts compared (access entries); not compared: RBAC, which may grant what the model does not.</em></p>", html, StringComparison.Ordinal);

        var awsAuthOnly = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var mappings = LiveInputs.ReadAwsAuthExport(System.Text.Encoding.UTF8.GetBytes(EksInfra.Access.Rendering.AwsAuthRenderer.Render(awsAuthOnly)!), "aws-auth.yaml").Mappings;
        var other = AuditRenderer.Render(AccessAudit.Compare(awsAuthOnly, new LiveCluster(mappings, null, null)), ReportFormat.Table);
        Assert.Contains("\nno differences in the parts compared (aws-auth); not compared: access entries, RBAC, which may grant what the model does not\n", other, StringComparison.Ordinal);

        // The JSON keeps each skipped part's line as the text report prints it.
        var json = System.Text.Json.Nodes.JsonNode.Parse(AuditRenderer.Render(report, ReportFormat.Json))!;
        Assert.Equal(
            ["RBAC: --rbac not given, so bindings were not compared, and what unmanaged principals can do is judged by the model's RBAC"],
            json["skipped"]!.AsArray().Select(n => n!.GetValue<string>()));
        var otherJson = System.Text.Json.Nodes.JsonNode.Parse(AuditRenderer.Render(AccessAudit.Compare(awsAuthOnly, new LiveCluster(mappings, null, null)), ReportFormat.Json))!;
        Assert.Equal(
            ["access entries: --access-entries not given, so the live access entries were not compared", "RBAC: --rbac not given, so bindings were not compared, and what unmanaged principals can do is judged by the model's RBAC"],
            otherJson["skipped"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void A_who_report_shows_a_username_with_backticks_and_html_as_one_code_span()
    {
        const string username = "dev`<!--`admin";
        var stack = Stacks.Edit(Stacks.Minimal(), "username: ci-deployer", $"username: \"{username}\"");
        var plan = Stacks.ValidPlanOf(stack);

        var html = CommonMark.ToHtml(WhoReport.Render(plan, ReportFormat.Markdown), GitHubLike);

        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.Contains($"<code>{WebUtility.HtmlEncode(username)}</code>", html, StringComparison.Ordinal);
        Assert.Equal(plan.Principals.Count, TableRows().Count(html));
    }

    [Fact]
    public void A_stack_named_by_a_pull_requests_file_name_cannot_break_a_report_heading()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal(), "Pulumi.e`v<!--il.yaml");
        var plan = Stacks.ValidPlan(evaluation);
        Assert.Equal("e`v<!--il", plan.StackName);

        var html = CommonMark.ToHtml(WhoReport.Render(plan, ReportFormat.Markdown), GitHubLike);

        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.Contains("<h3>Who can access <code>e`v&lt;!--il</code> (cluster <code>my-cluster</code>", html, StringComparison.Ordinal);
        Assert.Equal(plan.Principals.Count, TableRows().Count(html));
    }

    [Fact]
    public void An_arn_whose_iam_path_holds_html_stays_text_in_who_and_can_markdown()
    {
        // IAM paths take any character from '!' to '~', so a pull request can name a deployer or a role like this.
        const string arn = "arn:aws:iam::123456789012:role/<details>/ci";
        const string deployer = "arn:aws:iam::123456789012:role/<details>/deploy";
        var stack = Stacks.Edit(Stacks.Minimal(), "name: my-cluster", $"name: my-cluster\n    deployerArn: \"{deployer}\"");
        stack = Stacks.Edit(stack, "rolearn: arn:aws:iam::123456789012:role/ci/deployer", $"rolearn: \"{arn}\"");
        stack = Stacks.Edit(stack, "clusterRole: edit", "clusterRole: system:controller:deployment-controller");
        var plan = Stacks.ValidPlanOf(stack);

        var who = CommonMark.ToHtml(WhoReport.Render(plan, ReportFormat.Markdown), GitHubLike);
        var access = ModelAccess.Of(plan);
        var question = CanQuestion.Parse("create", "tokenreviews.authentication.k8s.io", null, null, out var error) ?? throw new InvalidOperationException(error);
        var can = CommonMark.ToHtml(CanReport.RenderWho(plan, question, CanReport.Who(access, question), access.Notes, ReportFormat.Markdown), GitHubLike);

        Assert.Contains(access.Notes, n => n.Contains(arn, StringComparison.Ordinal));
        Assert.Contains(WebUtility.HtmlEncode(deployer), who, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(arn), can, StringComparison.Ordinal);
        Assert.DoesNotContain("<details>", who + can, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_in_who_and_can_markdown_are_code_so_an_at_name_mentions_nobody_on_github()
    {
        // GitHub turns an '@' name outside code into a mention, which notifies that user or team.
        var yaml = Stacks.Edit(Stacks.Minimal(), "        username: ci-deployer\n        groups: [deployers]\n", "        username: \"@ops\"\n        groups: [deployers, \"@octocat\"]\n")
            .Replace("        clusterRole: edit\n", "        clusterRole: edit\n      \"@octocat\": { clusterRole: view }\n", StringComparison.Ordinal);
        var plan = Stacks.ValidPlanOf(yaml);
        var access = ModelAccess.Of(plan);
        var question = CanQuestion.Parse("get", "pods", "apps", null, out var error) ?? throw new InvalidOperationException(error);
        var subject = access.Subjects.Single(s => s.Principal == "arn:aws:iam::123456789012:role/ci/deployer");

        var who = Rows(CommonMark.ToHtml(WhoReport.Render(plan, ReportFormat.Markdown), GitHubLike)).Single(r => r[0].Contains("ci/deployer", StringComparison.Ordinal));
        var can = Rows(CommonMark.ToHtml(CanReport.RenderWho(plan, question, CanReport.Who(access, question), access.Notes, ReportFormat.Markdown), GitHubLike)).Single(r => r[0].Contains("ci/deployer", StringComparison.Ordinal));
        var everything = CommonMark.ToHtml(CanReport.RenderEverything(plan, subject, CanReport.Everything(access.Authorizer, subject), access.NotesFor(subject.Principal), ReportFormat.Markdown), GitHubLike);

        Assert.Equal("<code>@ops</code>", who[2]);
        Assert.Equal("<code>@octocat</code>, <code>deployers</code>", who[3]);
        Assert.Equal("<code>@ops</code>", can[2]);
        Assert.Contains("groups <code>@octocat</code>, <code>deployers</code>.", everything, StringComparison.Ordinal);
    }

    private static List<string[]> Rows(string html) =>
        [.. Regex.Matches(html, "<tr>(.*?)</tr>", RegexOptions.Singleline).Select(r => TableCells().Matches(r.Groups[1].Value).Select(c => c.Groups[1].Value).ToArray()).Where(r => r.Length > 0)];

    [Fact]
    public void A_non_resource_url_with_control_characters_is_refused_with_it_escaped()
    {
        Assert.Null(CanQuestion.Parse("get", "/healthz\n::error::forged\u001b[2J", null, null, out var error));
        Assert.Equal("RESOURCE '/healthz\\n::error::forged\\u001B[2J' is not a URL path: a non-resource URL is printable ASCII without spaces, such as /healthz or /metrics", error);
    }

    [GeneratedRegex("<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex TableCells();

    [GeneratedRegex("^<code>(.*)</code>$", RegexOptions.Singleline)]
    private static partial Regex CodeSpan();

    /// <summary>Body rows: a row of the header holds th cells, not td.</summary>
    [GeneratedRegex("<tr>\\s*<td>")]
    private static partial Regex TableRows();
}
