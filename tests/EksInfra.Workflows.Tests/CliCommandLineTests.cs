using System.Text.RegularExpressions;
using EksInfra.Cli;

namespace EksInfra.Workflows.Tests;

public sealed partial class CliCommandLineTests
{
    private static readonly string Root = RepoRoot.Find();

    private static List<CliInvocation> WorkflowInvocations() =>
    [
        .. StackCoverage.Invocations(Workflow.Load(Root, Workflow.PreviewPath)),
        .. StackCoverage.Invocations(Workflow.Load(Root, Workflow.DeployPath)),
        .. StackCoverage.Invocations(Workflow.Load(Root, Workflow.AuditPath)),
    ];

    [Fact]
    public void Every_eksinfra_command_line_in_the_workflows_parses()
    {
        var invocations = WorkflowInvocations();
        var failures = invocations.Select(Parse).OfType<string>().ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void The_workflows_run_check_diff_and_who()
    {
        var verbs = WorkflowInvocations().Select(i => i.Verb).ToHashSet();
        Assert.Contains("check", verbs);
        Assert.Contains("diff", verbs);
        Assert.Contains("who", verbs);
    }

    [Fact]
    public void The_diff_is_markdown_against_the_pull_requests_base()
    {
        var diffs = WorkflowInvocations().Where(i => i.Verb == "diff").ToList();
        Assert.Equal(2, diffs.Count);
        Assert.All(diffs, diff => Assert.Contains("--base \"$BASE_SHA\"", diff.Line, StringComparison.Ordinal));
        Assert.All(diffs, diff => Assert.Contains("--format markdown", diff.Line, StringComparison.Ordinal));
        // The refusal of an invalid base is lifted only by the pull request's label, never by default.
        Assert.Single(diffs, diff => diff.Line.Contains("--accept-invalid-base", StringComparison.Ordinal));
        var step = Workflow.Load(Root, Workflow.PreviewPath).Steps("access-report").Single(s => s.Run?.Contains("eksinfra diff", StringComparison.Ordinal) == true);
        // The base the merge commit was made on, not pull_request.base.sha, which lags behind main once it moves.
        Assert.Null(step.Node.At("env").Child("BASE_SHA"));
        Assert.Contains("BASE_SHA=\"$(git rev-parse --verify HEAD^1)\"", step.Run, StringComparison.Ordinal);
        Assert.True(step.Run!.IndexOf("BASE_SHA=", StringComparison.Ordinal) < step.Run.IndexOf("git diff --no-renames --name-only \"$BASE_SHA\" HEAD", StringComparison.Ordinal));
        // Only the run that setting the label starts (a later push is a head nobody has checked), and only when
        // someone other than the author set it.
        Assert.Equal(
            "${{ github.event.action == 'labeled' && github.event.label.name == 'eksinfra-accept-invalid-base' && github.event.sender.login != github.event.pull_request.user.login }}",
            step.Node.At("env", "ACCEPT_INVALID_BASE").Text());
        Assert.Contains("if [ \"$LABELED_BY_AUTHOR\" = true ]; then", step.Run, StringComparison.Ordinal);
        Assert.Contains("elif [ \"$INVALID_BASE_LABEL_SET\" = true ] && [ \"$ACCEPT_INVALID_BASE\" != true ]; then", step.Run, StringComparison.Ordinal);
        Assert.Contains("if [ \"$ACCEPT_INVALID_BASE\" = true ]; then", step.Run, StringComparison.Ordinal);
    }

    /// <summary>The report step's check of who set the label, run with a stand-in gh that answers the permission API.</summary>
    [Theory]
    [InlineData("write", "true", "")]
    [InlineData("admin", "true", "")]
    [InlineData("read", "false", "read")]
    [InlineData("none", "false", "none")]
    [InlineData("fail", "false", "unknown (the permission API call failed)")]
    public void The_label_counts_only_from_someone_with_write_access(string permission, string accepted, string without)
    {
        var run = Workflow.Load(Root, Workflow.PreviewPath).Steps("access-report").Single(s => s.Run?.Contains("eksinfra diff", StringComparison.Ordinal) == true).Run!;
        var start = run.IndexOf("LABELED_WITHOUT_WRITE=\"\"", StringComparison.Ordinal);
        var end = run.IndexOf("\nfi\n", start, StringComparison.Ordinal) + "\nfi\n".Length;
        Assert.True(start >= 0 && end > start);
        var dir = Directory.CreateTempSubdirectory("eksinfra-label-").FullName;
        try
        {
            StandIns.Write(dir, "gh", "#!/bin/sh\n[ \"$2\" = \"repos/o/r/collaborators/reviewer/permission\" ] || exit 3\n[ \"$PERMISSION\" = fail ] && exit 1\necho \"$PERMISSION\"\n");

            var start2 = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start2.ArgumentList.Add("-c");
            start2.ArgumentList.Add(run[start..end] + "echo \"$ACCEPT_INVALID_BASE|$LABELED_WITHOUT_WRITE\"\n");
            start2.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
            start2.Environment["ACCEPT_INVALID_BASE"] = "true";
            start2.Environment["LABEL_SENDER"] = "reviewer";
            start2.Environment["GITHUB_REPOSITORY"] = "o/r";
            start2.Environment["PERMISSION"] = permission;
            using var process = System.Diagnostics.Process.Start(start2)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();

            Assert.Equal($"{accepted}|{without}", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_access_report_calls_a_stack_new_only_when_git_lists_no_such_file_at_the_base()
    {
        // `git cat-file -e` also fails for a file git lists but cannot read, which made a backward mode move a new stack.
        var run = Workflow.Load(Root, Workflow.PreviewPath).Steps("access-report").Single(s => s.Run?.Contains("eksinfra diff", StringComparison.Ordinal) == true).Run!;

        Assert.DoesNotContain("cat-file", run, StringComparison.Ordinal);
        Assert.Contains("if ! listed=\"$(git ls-tree --name-only \"$BASE_SHA\" -- \"$file\")\"; then", run, StringComparison.Ordinal);
        Assert.True(run.IndexOf("if [ -n \"$listed\" ]; then", StringComparison.Ordinal) < run.IndexOf("eksinfra diff \"$stack\"", StringComparison.Ordinal));
        Assert.True(run.IndexOf("eksinfra diff \"$stack\"", StringComparison.Ordinal) < run.IndexOf("_New stack", StringComparison.Ordinal));
    }

    /// <summary>The report's header, run as the step runs it: a change of the shared code says what the report cannot show.</summary>
    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void The_access_report_says_when_the_code_changed_that_its_own_effect_is_in_the_previews(string shared, bool said)
    {
        var run = Workflow.Load(Root, Workflow.PreviewPath).Steps("access-report").Single(s => s.Run?.Contains("eksinfra diff", StringComparison.Ordinal) == true).Run!;
        var start = run.IndexOf("{\n  echo '<!-- eksinfra-access-report -->'", StringComparison.Ordinal);
        var end = run.IndexOf("} > \"$report\"\n", start, StringComparison.Ordinal) + "} > \"$report\"\n".Length;
        Assert.True(start >= 0 && end > start);
        var start2 = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start2.ArgumentList.Add("-c");
        start2.ArgumentList.Add("report=/dev/stdout\n" + run[start..end]);
        foreach (var (name, value) in new[] { ("HEAD_SHA", "0123456789abcdef"), ("BASE_SHA", "fedcba9876543210"), ("LABELED_BY_AUTHOR", "false"), ("LABELED_WITHOUT_WRITE", ""), ("INVALID_BASE_LABEL_SET", "false"), ("ACCEPT_INVALID_BASE", "false"), ("shared", shared) })
        {
            start2.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start2)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Head `0123456789ab` against base `fedcba987654`.", output, StringComparison.Ordinal);
        Assert.Equal(said, output.Contains("does not show here: read each stack's `pulumi preview`", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("docs/environments.md")]
    [InlineData("README.md")]
    public void Every_eksinfra_command_line_in_the_docs_parses(string document)
    {
        var doc = File.ReadAllText(Path.Combine(Root, document));
        var invocations = ShellBlock().Matches(doc)
            .SelectMany(m => ShellCommands.FindEksinfra(m.Groups[1].Value, document))
            .ToList();
        Assert.Contains(invocations, i => i.Verb == "check");
        Assert.Contains(invocations, i => i.Verb == "diff");
        var failures = invocations.Select(Parse).OfType<string>().ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Theory]
    [InlineData("eksinfra diff \"$stack\" --base \"$BASE_SHA\" --format markdown > \"$out\" 2> \"$out.err\"", "diff dev --base HEAD --format markdown")]
    [InlineData("dotnet run --project infra/EksInfra.Cli -- check --strict && echo ok", "check --strict")]
    [InlineData("dotnet infra/EksInfra.Cli/bin/Release/net10.0/eksinfra.dll who ${{ matrix.stack }} --format json | jq .", "who dev --format json")]
    [InlineData("echo \"eksinfra check\" # eksinfra diff", "")]
    public void Command_lines_are_found_and_placeholders_substituted(string line, string expected)
    {
        var found = ShellCommands.FindEksinfra(line, "test");
        Assert.Equal(expected, string.Join(" ", found.SelectMany(i => i.Args)));
    }

    private static string? Parse(CliInvocation invocation)
    {
        var errors = CliApp.BuildRootCommand().Parse(invocation.Args.ToArray()).Errors;
        return errors.Count == 0
            ? null
            : $"{invocation.Source}: `{invocation.Line}` does not parse as `eksinfra {string.Join(" ", invocation.Args)}`: {string.Join("; ", errors.Select(e => e.Message))}";
    }

    /// <summary>The README shows the seed so a new user can copy it: it must be the shipped file, not an older copy.</summary>
    [Fact]
    public void The_readmes_seed_block_is_the_shipped_dev_stack()
    {
        var block = SeedBlock().Match(File.ReadAllText(Path.Combine(Root, "README.md")));
        Assert.True(block.Success, "README.md has no 'The seed (Pulumi.dev.yaml):' yaml block");
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "Pulumi.dev.yaml")).ReplaceLineEndings("\n"), block.Groups[1].Value.ReplaceLineEndings("\n"));
    }

    [GeneratedRegex(@"The seed \(Pulumi\.dev\.yaml\):\s*```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SeedBlock();

    [GeneratedRegex(@"```(?:bash|sh|shell)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
