using YamlDotNet.RepresentationModel;

namespace EksInfra.Workflows.Tests;

public sealed class WorkflowStructureTests
{
    private static readonly string Root = RepoRoot.Find();

    private static Workflow Preview => Workflow.Load(Root, Workflow.PreviewPath);

    private static Workflow Deploy => Workflow.Load(Root, Workflow.DeployPath);

    private static Workflow DeployStack => Workflow.Load(Root, Workflow.DeployStackPath);

    /// <summary>Where a stack job runs: the self-hosted runner in the VPC for a private-only endpoint, else GitHub's.</summary>
    /// <summary>GitHub gives every self-hosted runner these labels (self-hosted, its OS, its architecture): the deploy runner too.</summary>
    private const string DefaultRunnerLabel = "contains(fromJSON('[\"self-hosted\",\"linux\",\"windows\",\"macos\",\"x64\",\"arm\",\"arm64\"]'), vars.EKS_INFRA_PRIVATE_PREVIEW_RUNNER)";

    private const string FromThisRepository = "github.event.pull_request.head.repo.full_name == github.repository";

    private const string RunnerOfMatrixStack = "${{ " + FromThisRepository + " && fromJSON(needs.build.outputs.stacks)[matrix.stack].privateEndpoint && vars.EKS_INFRA_PRIVATE_PREVIEW_RUNNER != vars.EKS_INFRA_PRIVATE_RUNNER && !" + DefaultRunnerLabel + " && vars.EKS_INFRA_PRIVATE_PREVIEW_RUNNER || 'ubuntu-latest' }}";

    private const string RunnerOfInputStack = "${{ fromJSON(inputs.stacks)[inputs.stack].privateEndpoint && vars.EKS_INFRA_PRIVATE_RUNNER || 'ubuntu-latest' }}";

    [Fact]
    public void A_failed_preview_says_so_on_the_pull_request_since_pulumi_actions_comments_only_on_success()
    {
        var steps = Preview.Steps("preview");
        var preview = steps.FindIndex(s => s.Node.Child("id")?.Text() == "preview");
        var say = steps.FindIndex(s => s.Node.Child("if")?.Text() == "failure() && steps.preview.outcome == 'failure'");
        Assert.True(preview >= 0 && say > preview);
        Assert.Equal("true", steps[preview].With.Child("edit-pr-comment").Text());

        var dir = Directory.CreateTempSubdirectory("eksinfra-preview-failed-").FullName;
        try
        {
            StandIns.Write(dir, "gh", "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");

            var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(steps[say].Run!);
            start.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
            foreach (var (name, value) in new[] { ("PR", "7"), ("GITHUB_REPOSITORY", "o/r"), ("STACK", "staging"), ("HEAD_SHA", "0123456789abcdef0123"), ("RUN_URL", "https://github.com/o/r/actions/runs/1") })
            {
                start.Environment[name] = value;
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var args = process.StandardOutput.ReadToEnd().Split('\n');
            process.WaitForExit();

            Assert.Equal(0, process.ExitCode);
            Assert.Equal(["pr", "comment", "7", "--repo", "o/r", "--body"], args[..6]);
            Assert.StartsWith("**`pulumi preview` of `staging` failed for head `0123456789ab`**", args[6], StringComparison.Ordinal);
            Assert.EndsWith("https://github.com/o/r/actions/runs/1", args[6], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(Workflow.PreviewPath)]
    [InlineData(Workflow.DeployPath)]
    [InlineData(Workflow.AuditPath)]
    [InlineData(Workflow.DeployStackPath)]
    public void Workflow_parses_as_yaml_with_jobs(string path)
    {
        var workflow = Workflow.Load(Root, path);
        Assert.NotNull(workflow.Root.Child("on"));
        Assert.NotEmpty(workflow.Jobs.Entries());
        var stackJobs = new[] { "preview", "up" };
        Assert.All(workflow.Jobs.Entries(), job => Assert.True(
            job.Value.Child("uses").Text() == Workflow.DeployStackUses
                || job.Value.Child("runs-on").Text() == (stackJobs.Contains(job.Key) ? (path == Workflow.PreviewPath ? RunnerOfMatrixStack : RunnerOfInputStack) : "ubuntu-latest"),
            $"{path} jobs.{job.Key}: runs-on {job.Value.Child("runs-on").Text()}"));
    }

    private static WorkflowStep PrivateGuard => Preview.Steps("preview").Single(s => s.Name == "A private-only endpoint needs a runner in its VPC");

    [Fact]
    public void A_forks_pull_request_reports_each_preview_check_as_failed_saying_why_and_runs_nothing_else()
    {
        var job = Preview.Job("preview");
        // A matrix job skipped by its job-level if is never expanded: `preview (STACK)` would never report (actions/runner#952).
        Assert.Null(job.Child("if"));
        var steps = Preview.Steps("preview");
        var fork = steps[0];
        Assert.Equal("github.event.pull_request.head.repo.full_name != github.repository", fork.Node.Child("if").Text());
        Assert.Contains("::error::no pulumi preview of $STACK for a pull request from a fork", fork.Run, StringComparison.Ordinal);
        Assert.Contains("a maintainer pushes the head to a branch of this repository", fork.Run, StringComparison.Ordinal);
        Assert.EndsWith("exit 1", fork.Run!.Trim(), StringComparison.Ordinal);
        // Once it fails, only a step that runs on failure() could run; the one there is only for a failed preview.
        foreach (var step in steps.Skip(1))
        {
            var condition = step.Node.Child("if").Text() ?? "";
            Assert.DoesNotContain("always()", condition, StringComparison.Ordinal);
            Assert.True(!condition.Contains("failure()", StringComparison.Ordinal) || condition.Contains("steps.preview.outcome == 'failure'", StringComparison.Ordinal), $"{step.Label}: {condition}");
        }

        // Nor does a fork's job reach the self-hosted preview runner.
        Assert.StartsWith("${{ " + FromThisRepository + " && ", job.Child("runs-on").Text(), StringComparison.Ordinal);
        var environments = File.ReadAllText(Path.Combine(Root, "docs", "environments.md"));
        Assert.Contains("A pull request from a fork", environments, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_only_stacks_run_on_the_runner_the_repository_variable_names_and_fail_clearly_without_one()
    {
        Assert.Equal(RunnerOfMatrixStack, Preview.Job("preview").Child("runs-on").Text());
        Assert.Equal(RunnerOfInputStack, DeployStack.Job("up").Child("runs-on").Text());
        var deployRunner = EksInfra.Access.Validation.DeployRules.PrivateRunnerVariable;
        var previewRunner = EksInfra.Access.Validation.DeployRules.PrivatePreviewRunnerVariable;
        foreach (var (workflow, job, variable) in new[] { (Preview, "preview", previewRunner), (DeployStack, "up", deployRunner) })
        {
            var guard = workflow.Steps(job).First(s => s.Name == "A private-only endpoint needs a runner in its VPC");
            Assert.Contains($"vars.{variable} == ''", guard.Node.Child("if").Text(), StringComparison.Ordinal);
            Assert.Contains("exit 1", guard.Run, StringComparison.Ordinal);
        }

        // Unreviewed pull-request code never runs on the machine that deploys: the preview fails when both name one runner.
        Assert.Contains($"vars.{previewRunner} == vars.{deployRunner}", PrivateGuard.Node.Child("if").Text(), StringComparison.Ordinal);
        // Nor when the preview's label is one every self-hosted runner has, the deploy runner included.
        Assert.Contains(DefaultRunnerLabel, PrivateGuard.Node.Child("if").Text(), StringComparison.Ordinal);
        Assert.Contains(deployRunner, RunnerOfInputStack, StringComparison.Ordinal);
        Assert.Contains(previewRunner, RunnerOfMatrixStack, StringComparison.Ordinal);
        var environments = File.ReadAllText(Path.Combine(Root, "docs", "environments.md"));
        Assert.Contains($"`{deployRunner}`", environments, StringComparison.Ordinal);
        Assert.Contains($"`{previewRunner}`", environments, StringComparison.Ordinal);
    }

    [Fact]
    public void Stack_settings_come_from_eksinfra_stacks_not_from_scraping_the_stack_files()
    {
        foreach (var workflow in new[] { Preview, Deploy })
        {
            var step = Assert.Single(workflow.Steps("build"), s => s.Run?.Contains("eksinfra stacks --format json", StringComparison.Ordinal) == true);
            Assert.Equal("stacks", step.Node.Child("id").Text());
            Assert.Equal("${{ steps.stacks.outputs.stacks }}", workflow.Job("build").At("outputs", "stacks").Text());
        }

        foreach (var path in new[] { Workflow.PreviewPath, Workflow.DeployPath, Workflow.DeployStackPath, Workflow.AuditPath })
        {
            var text = File.ReadAllText(Path.Combine(Root, path));
            Assert.DoesNotContain("awk", text, StringComparison.Ordinal);
            Assert.DoesNotContain("aws:region", text, StringComparison.Ordinal);
        }

        // The audit asks for the one stack it audits: each key it reads is one `stacks --get` takes.
        var read = Assert.Single(Workflow.Load(Root, Workflow.AuditPath).Steps(), s => s.Node.Child("id")?.Text() == "stack").Run!;
        foreach (var key in new[] { "region", "clusterName" })
        {
            Assert.Contains($"eksinfra stacks \"$STACK\" --get {key})", read, StringComparison.Ordinal);
            Assert.Contains(key, EksInfra.Access.Reports.StackSettings.Keys);
        }

        // The keys the expressions read are the keys the tool prints, for every stack.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = EksInfra.Cli.CliApp.Run(["stacks", "--format", "json", "--dir", Root], EksInfra.Cli.CliEnvironment.FromConsole() with { Out = output, Error = error, CurrentDirectory = Root });
        Assert.Equal(0, code);
        var settings = System.Text.Json.Nodes.JsonNode.Parse(output.ToString())!.AsObject();
        Assert.Equal(StackCoverage.Stacks(Root).Order(StringComparer.Ordinal), settings.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(settings, p => Assert.False(string.IsNullOrEmpty((string?)p.Value!["region"])));
        Assert.True((bool)settings["prod"]!["privateEndpoint"]!);
        Assert.False((bool)settings["dev"]!["privateEndpoint"]!);
        Assert.Equal(
            "${{ fromJSON(inputs.stacks)[inputs.stack].region }}",
            DeployStack.Steps("up").Single(st => Uses(st, "aws-actions/configure-aws-credentials")).With.Child("aws-region").Text());
    }

    [Fact]
    public void Preview_runs_on_pull_requests_to_main()
    {
        Assert.Equal(["main"], Preview.Root.At("on", "pull_request", "branches").Strings());
        Assert.Null(Preview.Root.At("on", "push"));
        Assert.Null(Preview.Root.At("on", "pull_request_target"));
    }

    [Fact]
    public void Preview_builds_and_tests_once_and_publishes_the_program()
    {
        var build = Preview.Steps("build");
        Assert.Single(Preview.Steps(), s => s.Run?.Contains("dotnet test", StringComparison.Ordinal) == true);
        Assert.Contains(build, s => s.Run?.Trim() == "dotnet test EksInfra.sln");
        Assert.Contains(build, s => Uses(s, "actions/upload-artifact") && s.With.Child("name").Text() == "pulumi-program");
        Assert.DoesNotContain(Preview.Steps(), s => s.Run?.Contains("dotnet build", StringComparison.Ordinal) == true
            || s.Run?.Contains("dotnet publish", StringComparison.Ordinal) == true);
        Assert.True(File.Exists(Path.Combine(Root, "EksInfra.sln")), "the workflows run `dotnet test EksInfra.sln`");
    }

    [Fact]
    public void Previews_run_per_stack_on_the_one_build()
    {
        var job = Preview.Job("preview");
        Assert.Contains("build", job.Child("needs").Strings());
        Assert.Equal("false", job.At("strategy", "fail-fast").Text());
        Assert.Null(job.Child("environment"));
        AssertRunsPrebuiltProgram(Preview, "preview");

        var pulumi = Assert.Single(Preview.Steps("preview"), s => Uses(s, "pulumi/actions") && s.With.Child("command") is not null);
        Assert.Equal("preview", pulumi.With.Child("command").Text());
        Assert.Equal("${{ matrix.stack }}", pulumi.With.Child("stack-name").Text());
        Assert.Equal("true", pulumi.With.Child("comment-on-pr").Text());
        Assert.Equal("${{ vars.PULUMI_BACKEND_URL }}", pulumi.With.Child("cloud-url").Text());
        Assert.Equal("write", job.At("permissions", "id-token").Text());
        Assert.Equal("write", job.At("permissions", "pull-requests").Text());

        var aws = Assert.Single(Preview.Steps("preview"), s => Uses(s, "aws-actions/configure-aws-credentials"));
        Assert.Equal("${{ vars[format('AWS_PREVIEW_ROLE_ARN_{0}', matrix.stack)] }}", aws.With.Child("role-to-assume").Text());
    }

    [Fact]
    public void Access_report_is_one_comment_updated_in_place()
    {
        var job = Preview.Job("access-report");
        Assert.Contains("build", job.Child("needs").Strings());
        var checkout = Assert.Single(Preview.Steps("access-report"), s => Uses(s, "actions/checkout"));
        Assert.Equal("0", checkout.With.Child("fetch-depth").Text());
        Assert.Equal("write", job.At("permissions", "pull-requests").Text());

        const string marker = "<!-- eksinfra-access-report -->";
        var report = Assert.Single(Preview.Steps("access-report"), s => s.Run?.Contains("eksinfra diff", StringComparison.Ordinal) == true);
        Assert.Contains(marker, report.Run, StringComparison.Ordinal);
        var comment = Assert.Single(Preview.Steps("access-report"), s => Uses(s, "actions/github-script"));
        var script = comment.With.Child("script").Text() ?? "";
        Assert.Contains(marker, script, StringComparison.Ordinal);
        Assert.Contains("updateComment", script, StringComparison.Ordinal);
        Assert.Contains("createComment", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_runs_on_pushes_to_main()
    {
        Assert.Equal(["main"], Deploy.Root.At("on", "push", "branches").Strings());
        Assert.Null(Deploy.Root.At("on", "pull_request"));
    }

    [Fact]
    public void Deploy_goes_dev_then_staging_then_prod_with_prod_gated_last()
    {
        Assert.Equal(["build"], Deploy.Job("dev").Child("needs").Strings());
        Assert.Equal(["build", "dev"], Deploy.Job("staging").Child("needs").Strings());
        Assert.Equal(["build", "staging"], Deploy.Job("prod").Child("needs").Strings());
        Assert.Equal("prod", StackCoverage.DeployedStack(Deploy.Job("prod")!));
        Assert.Equal("${{ inputs.stack }}", DeployStack.Job("up").Child("environment").Text());
        // Nothing runs after prod, and nothing but the stack jobs deploys.
        Assert.DoesNotContain(Deploy.Jobs.Entries(), j => j.Value.Child("needs").Strings().Contains("prod"));
        Assert.Equal(
            ["build", "dev", "staging", "prod"],
            Deploy.Jobs.Entries().Select(j => j.Key));
    }

    [Fact]
    public void Each_stack_has_its_own_concurrency_group_that_never_cancels()
    {
        Assert.Equal("eks-infra-${{ inputs.stack }}", DeployStack.Job("up").At("concurrency", "group").Text());
        Assert.Equal("false", DeployStack.Job("up").At("concurrency", "cancel-in-progress").Text());
        Assert.Null(Deploy.Root.Child("concurrency"));
        Assert.Null(DeployStack.Root.Child("concurrency"));
        Assert.Equal(DeployedStacks(), DeployedStacks().Select(s => StackCoverage.DeployedStack(Deploy.Job(s)!)));
    }

    [Fact]
    public void Deploy_builds_once_and_every_stack_runs_the_prebuilt_program()
    {
        Assert.Single(Deploy.Steps(), s => s.Run?.Trim() == "dotnet test EksInfra.sln");
        Assert.DoesNotContain(DeployStack.Steps(), s => s.Run?.Contains("dotnet test", StringComparison.Ordinal) == true);
        AssertRunsPrebuiltProgram(DeployStack, "up");
        Assert.All(DeployedStacks(), s => Assert.Equal("${{ needs.build.outputs.program-dll }}", Deploy.Job(s).At("with", "program-dll").Text()));
    }

    [Fact]
    public void Stack_jobs_are_one_definition_called_once_per_stack()
    {
        Assert.Equal(["build", .. DeployedStacks()], Deploy.Jobs.Entries().Select(j => j.Key));
        Assert.All(DeployedStacks(), s => Assert.Null(Deploy.Job(s).Child("steps")));
        var normalized = DeployedStacks().Select(s => Normalize(Deploy.Job(s)!, s)).ToList();
        Assert.All(normalized, n => Assert.Equal(normalized[0], n));
        Assert.Equal(["current", "up"], DeployStack.Jobs.Entries().Select(j => j.Key));
    }

    [Fact]
    public void Every_stack_file_has_the_region_the_workflows_read()
    {
        foreach (var stack in StackCoverage.Stacks(Root))
        {
            var config = Yaml.LoadMapping(Path.Combine(Root, $"Pulumi.{stack}.yaml")).Child("config");
            Assert.False(string.IsNullOrEmpty(config.Child("aws:region").Text()), $"Pulumi.{stack}.yaml has no config aws:region");
        }
    }

    [Fact]
    public void Pulumi_yaml_has_the_runtime_line_the_workflows_rewrite()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Pulumi.yaml"));
        Assert.Contains("runtime: dotnet", lines);
        Assert.Contains(DeployStack.Steps(), s => s.Run?.Contains("sed -i \"s|^runtime: dotnet\\$|", StringComparison.Ordinal) == true);
    }

    /// <summary>Stacks that have a deploy job (a stack without one is reported by <see cref="StackCoverage"/>).</summary>
    private static List<string> DeployedStacks() => [.. StackCoverage.PromotionOrder(StackCoverage.Stacks(Root)).Where(s => Deploy.Job(s) is not null)];

    private static void AssertRunsPrebuiltProgram(Workflow workflow, string job)
    {
        var steps = workflow.Steps(job);
        var download = Assert.Single(steps, s => Uses(s, "actions/download-artifact"));
        Assert.Equal("pulumi-program", download.With.Child("name").Text());
        var binary = Assert.Single(steps, s => s.Run?.Contains("options: { binary:", StringComparison.Ordinal) == true);
        Assert.True(binary.Index > download.Index, $"{workflow.Path} jobs.{job}: set runtime.options.binary after the download");
        var pulumi = steps.Last(s => Uses(s, "pulumi/actions"));
        Assert.True(pulumi.Index > binary.Index, $"{workflow.Path} jobs.{job}: run pulumi after setting runtime.options.binary");
        Assert.DoesNotContain(steps, s => s.Run?.Contains("dotnet build", StringComparison.Ordinal) == true);
    }

    private static bool Uses(WorkflowStep step, string action) =>
        step.Uses?.StartsWith(action + "@", StringComparison.Ordinal) == true;

    private static string Normalize(YamlNode job, string stack)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(job)).Save(writer, assignAnchors: false);
        var withoutNeeds = string.Join('\n', writer.ToString().Split('\n').Where(l => !l.StartsWith("needs:", StringComparison.Ordinal)));
        return withoutNeeds
            .Replace(StackCoverage.RoleVariable(stack), "AWS_ROLE_ARN_STACK", StringComparison.Ordinal)
            .Replace(stack, "STACK", StringComparison.Ordinal);
    }
}
