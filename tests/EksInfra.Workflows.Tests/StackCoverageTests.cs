namespace EksInfra.Workflows.Tests;

public sealed class StackCoverageTests
{
    private static readonly string Root = RepoRoot.Find();

    [Fact]
    public void Every_stack_file_is_previewed_checked_diffed_and_deployed()
    {
        Assert.NotEmpty(StackCoverage.Stacks(Root));
        var problems = StackCoverage.Check(Root);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Stacks_are_the_Pulumi_stack_files_at_the_root()
    {
        var stacks = StackCoverage.Stacks(Root);
        Assert.Contains("dev", stacks);
        Assert.Contains("staging", stacks);
        Assert.Contains("prod", stacks);
        Assert.DoesNotContain("", stacks);
    }

    [Fact]
    public void A_stack_file_the_workflows_do_not_know_fails_with_what_to_add()
    {
        using var copy = new RepoCopy(Root);
        File.Copy(Path.Combine(Root, "Pulumi.staging.yaml"), Path.Combine(copy.Path, "Pulumi.qa.yaml"));

        var problems = StackCoverage.Check(copy.Path);

        Assert.Contains(
            "Pulumi.qa.yaml has no entry in .github/workflows/preview.yml jobs.preview.strategy.matrix.stack: add `qa`",
            problems);
        var deploy = Assert.Single(problems, p => p.StartsWith("Pulumi.qa.yaml has no job in .github/workflows/deploy.yml", StringComparison.Ordinal));
        Assert.Contains("add a job `qa`", deploy, StringComparison.Ordinal);
        Assert.Contains("`with.stack: qa`", deploy, StringComparison.Ordinal);
        Assert.Contains("`environment: qa`", deploy, StringComparison.Ordinal);
        Assert.Contains("`concurrency.group: eks-infra-qa`", deploy, StringComparison.Ordinal);
        Assert.Contains("vars.AWS_ROLE_ARN_QA", deploy, StringComparison.Ordinal);
        Assert.Contains("`needs: [build, dev]`", deploy, StringComparison.Ordinal);
        Assert.Contains("change jobs.staging.needs to `[build, qa]`", deploy, StringComparison.Ordinal);
        Assert.Contains("dev → qa → staging → prod", deploy, StringComparison.Ordinal);
        Assert.Contains(
            "Pulumi.qa.yaml has no entry in .github/workflows/audit.yml jobs.audit.strategy.matrix.stack: add `qa` (and the variable AWS_AUDIT_ROLE_ARN_QA)",
            problems);
        // check and diff run over every stack file, so they need no change.
        Assert.Equal(3, problems.Count);
    }

    [Theory]
    [InlineData("prod-eu")]
    [InlineData("prod.eu")]
    public void A_stack_name_no_github_variable_can_hold_fails_with_the_rename(string stack)
    {
        using var copy = new RepoCopy(Root);
        File.Copy(Path.Combine(Root, "Pulumi.staging.yaml"), Path.Combine(copy.Path, $"Pulumi.{stack}.yaml"));

        var problems = StackCoverage.Check(copy.Path);

        var name = Assert.Single(problems, p => p.StartsWith($"Pulumi.{stack}.yaml: the workflows read the variables", StringComparison.Ordinal));
        Assert.Contains($"AWS_ROLE_ARN_{stack.ToUpperInvariant()}, AWS_PREVIEW_ROLE_ARN_{stack.ToUpperInvariant()} and AWS_AUDIT_ROLE_ARN_{stack.ToUpperInvariant()}", name, StringComparison.Ordinal);
        Assert.Contains("rename the stack to lowercase letters and digits (`pulumi stack rename`)", name, StringComparison.Ordinal);
        Assert.DoesNotContain(StackCoverage.Check(Root), p => p.Contains("a GitHub variable name holds only", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_stacks_whose_names_differ_only_in_case_fail_since_they_read_one_role()
    {
        using var copy = new RepoCopy(Root);
        File.Copy(Path.Combine(Root, "Pulumi.staging.yaml"), Path.Combine(copy.Path, "Pulumi.Staging.yaml"));

        var problems = StackCoverage.Check(copy.Path);

        Assert.Contains(problems, p => p.StartsWith("Pulumi.Staging.yaml and Pulumi.staging.yaml read the same variables AWS_ROLE_ARN_STAGING", StringComparison.Ordinal) && p.EndsWith("rename one stack", StringComparison.Ordinal));
    }

    [Fact]
    public void A_removed_stack_still_in_the_workflows_is_reported()
    {
        using var copy = new RepoCopy(Root);
        File.Delete(Path.Combine(copy.Path, "Pulumi.staging.yaml"));

        var problems = StackCoverage.Check(copy.Path);

        Assert.Contains(problems, p => p.Contains("lists `staging` but there is no Pulumi.staging.yaml", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("jobs.staging deploys `staging` but there is no Pulumi.staging.yaml", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("jobs.prod.needs has no `dev`", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("audit.yml jobs.audit.strategy.matrix.stack lists `staging`", StringComparison.Ordinal));
    }

    [Fact]
    public void Promotion_order_is_dev_then_the_others_then_prod()
    {
        Assert.Equal(["dev", "qa", "staging", "prod"], StackCoverage.PromotionOrder(["prod", "staging", "qa", "dev"]));
        Assert.Equal(["dev", "staging", "prod"], StackCoverage.PromotionOrder(StackCoverage.Stacks(Root)));
    }

    /// <summary>The workflows and stack files of the repository, copied into a temporary folder.</summary>
    private sealed class RepoCopy : IDisposable
    {
        public RepoCopy(string root)
        {
            Path = Directory.CreateTempSubdirectory("eksinfra-workflows-").FullName;
            var workflows = System.IO.Path.Combine(Path, ".github", "workflows");
            Directory.CreateDirectory(workflows);
            foreach (var file in Directory.GetFiles(System.IO.Path.Combine(root, ".github", "workflows")))
            {
                File.Copy(file, System.IO.Path.Combine(workflows, System.IO.Path.GetFileName(file)));
            }

            foreach (var file in Directory.GetFiles(root, "Pulumi*.yaml"))
            {
                File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
            }
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
