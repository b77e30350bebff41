using YamlDotNet.RepresentationModel;

namespace EksInfra.Workflows.Tests;

/// <summary>
/// Checks that the workflows cover every stack file at the repository root, and that the deploy
/// chain is sound. Each problem is one sentence that says what to add or change, and where.
/// </summary>
internal static class StackCoverage
{
    /// <summary>The order stacks are promoted in. Stacks not listed go between dev and prod.</summary>
    public const string First = "dev";
    public const string Last = "prod";

    public const string MatrixPath = "jobs.preview.strategy.matrix.stack";
    public const string AuditMatrixPath = "jobs.audit.strategy.matrix.stack";

    /// <summary>Stack names from <c>Pulumi.NAME.yaml</c> files at <paramref name="repoRoot"/>, sorted.</summary>
    public static List<string> Stacks(string repoRoot) =>
        [.. Directory.GetFiles(repoRoot, "Pulumi.*.yaml")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Select(f => f["Pulumi.".Length..^".yaml".Length])
            .Where(s => s.Length > 0)
            .Order(StringComparer.Ordinal)];

    public static List<string> Check(string repoRoot)
    {
        var stacks = Stacks(repoRoot);
        var preview = Workflow.Load(repoRoot, Workflow.PreviewPath);
        var deploy = Workflow.Load(repoRoot, Workflow.DeployPath);
        var audit = Workflow.Load(repoRoot, Workflow.AuditPath);
        var problems = new List<string>();
        problems.AddRange(CheckPreviewMatrix(preview, stacks));
        problems.AddRange(CheckMatrix(audit, stacks, ["audit", "strategy", "matrix", "stack"], AuditMatrixPath, s => $" (and the variable AWS_AUDIT_ROLE_ARN_{s.ToUpperInvariant()})"));
        problems.AddRange(CheckCheckCoverage(preview, stacks));
        problems.AddRange(CheckCheckCoverage(deploy, stacks));
        problems.AddRange(CheckDiffCoverage(preview, stacks));
        problems.AddRange(CheckDeployChain(deploy, stacks));
        return problems;
    }

    public static List<CliInvocation> Invocations(Workflow workflow) =>
        [.. workflow.Steps()
            .Where(s => s.Run is not null)
            .SelectMany(s => ShellCommands.FindEksinfra(s.Run!, $"{workflow.Path} {s.Label}"))];

    /// <summary>A per-stack matrix (the previews, and the scheduled audit with its read-only role per stack) lists every stack file.</summary>
    private static IEnumerable<string> CheckMatrix(Workflow workflow, List<string> stacks, string[] at, string path, Func<string, string> hint)
    {
        var node = workflow.Jobs.At(at);
        if (node is not YamlSequenceNode)
        {
            yield return $"{workflow.Path} has no {path} list: add `stack: [{string.Join(", ", stacks)}]`";
            yield break;
        }

        var listed = node.Strings();
        foreach (var stack in stacks.Where(s => !listed.Contains(s)))
        {
            yield return $"Pulumi.{stack}.yaml has no entry in {workflow.Path} {path}: add `{stack}`{hint(stack)}";
        }

        foreach (var extra in listed.Where(s => !stacks.Contains(s)))
        {
            yield return $"{workflow.Path} {path} lists `{extra}` but there is no Pulumi.{extra}.yaml: remove `{extra}` or add the stack file";
        }
    }

    private static IEnumerable<string> CheckPreviewMatrix(Workflow preview, List<string> stacks) =>
        CheckMatrix(preview, stacks, ["preview", "strategy", "matrix", "stack"], MatrixPath, _ => "");

    /// <summary><c>eksinfra check</c> with no stack checks every stack; with stacks, each must be named.</summary>
    private static IEnumerable<string> CheckCheckCoverage(Workflow workflow, List<string> stacks)
    {
        var checks = Invocations(workflow).Where(i => i.Verb == "check").ToList();
        if (checks.Count == 0)
        {
            yield return $"{workflow.Path} runs no `eksinfra check`: add a step `eksinfra check` (it checks every stack) to jobs.build";
            yield break;
        }

        if (checks.Any(c => c.Positionals.Count == 0))
        {
            yield break;
        }

        var named = checks.SelectMany(c => c.Positionals).ToHashSet();
        foreach (var stack in stacks.Where(s => !named.Contains(s)))
        {
            yield return $"Pulumi.{stack}.yaml is not checked by {workflow.Path} ({checks[0].Source} runs `{checks[0].Line}`): add `{stack}` to it, or drop the stack list so that `eksinfra check` checks every stack";
        }
    }

    /// <summary>The diff step must loop over every stack file (<c>Pulumi.*.yaml</c>) or name each stack.</summary>
    private static IEnumerable<string> CheckDiffCoverage(Workflow preview, List<string> stacks)
    {
        var steps = preview.Steps()
            .Where(s => s.Run is { } run && ShellCommands.FindEksinfra(run, "").Any(i => i.Verb == "diff"))
            .ToList();
        if (steps.Count == 0)
        {
            yield return $"{preview.Path} runs no `eksinfra diff`: add a step that runs `eksinfra diff STACK --base \"$BASE_SHA\" --format markdown` for every changed Pulumi.*.yaml";
            yield break;
        }

        if (steps.Any(s => s.Run!.Contains("Pulumi.*.yaml", StringComparison.Ordinal)))
        {
            yield break;
        }

        var named = steps.SelectMany(s => Invocations(preview).Where(i => i.Source.EndsWith(s.Label, StringComparison.Ordinal) && i.Verb == "diff"))
            .SelectMany(i => i.Positionals)
            .ToHashSet();
        foreach (var stack in stacks.Where(s => !named.Contains(s)))
        {
            yield return $"Pulumi.{stack}.yaml is not diffed by {preview.Path} {steps[0].Label}: add `eksinfra diff {stack} --base \"$BASE_SHA\" --format markdown`, or loop over Pulumi.*.yaml";
        }
    }

    private static IEnumerable<string> CheckDeployChain(Workflow deploy, List<string> stacks)
    {
        var jobs = deploy.Jobs.Entries().ToDictionary(e => e.Key, e => e.Value);
        var order = PromotionOrder(stacks);

        foreach (var stack in stacks.Where(s => !jobs.ContainsKey(s)))
        {
            var index = order.IndexOf(stack);
            var before = index > 0 ? order[index - 1] : null;
            var after = index + 1 < order.Count ? order[index + 1] : null;
            var placement = (before, after) switch
            {
                (not null, not null) => $"with `needs: [build, {before}]`, and change jobs.{after}.needs to `[build, {stack}]`",
                (not null, null) => $"with `needs: [build, {before}]`",
                (null, not null) => $"with `needs: [build]`, and change jobs.{after}.needs to `[build, {stack}]`",
                _ => "with `needs: [build]`",
            };
            yield return $"Pulumi.{stack}.yaml has no job in {deploy.Path}: add a job `{stack}` (a copy of an existing stack job with "
                + $"`environment: {stack}`, `concurrency.group: eks-infra-{stack}`, `STACK: {stack}`, `stack-name: {stack}` and "
                + $"`role-to-assume: ${{{{ vars.{RoleVariable(stack)} }}}}`) {placement}, so the order is {string.Join(" → ", order)}";
        }

        // Jobs that deploy a stack: every job with an environment.
        var stackJobs = jobs.Where(j => j.Value.Child("environment") is not null).Select(j => j.Key).ToList();
        foreach (var job in stackJobs.Where(j => !stacks.Contains(j)))
        {
            yield return $"{deploy.Path} jobs.{job} has an environment but there is no Pulumi.{job}.yaml: remove the job or add the stack file";
        }

        foreach (var stack in stacks.Where(jobs.ContainsKey))
        {
            foreach (var problem in CheckDeployJob(deploy, stack, jobs[stack]))
            {
                yield return problem;
            }
        }

        // The chain: each stack job needs the stack before it, in promotion order.
        var present = order.Where(jobs.ContainsKey).ToList();
        for (var i = 0; i < present.Count; i++)
        {
            var needs = jobs[present[i]].Child("needs").Strings();
            var expected = i == 0 ? null : present[i - 1];
            var otherStacks = needs.Where(n => stacks.Contains(n) && n != expected).ToList();
            if (expected is not null && !needs.Contains(expected))
            {
                yield return $"{deploy.Path} jobs.{present[i]}.needs has no `{expected}`: the order is {string.Join(" → ", present)}, so add `{expected}` to it";
            }

            foreach (var other in otherStacks)
            {
                yield return $"{deploy.Path} jobs.{present[i]}.needs has `{other}`: the order is {string.Join(" → ", present)}, so {present[i]} needs only {expected ?? "build"}; remove `{other}`";
            }

            if (!needs.Contains("build"))
            {
                yield return $"{deploy.Path} jobs.{present[i]}.needs has no `build`: add it (the job deploys the program that build made)";
            }
        }
    }

    private static IEnumerable<string> CheckDeployJob(Workflow deploy, string stack, YamlNode job)
    {
        var where = $"{deploy.Path} jobs.{stack}";
        var environment = job.Child("environment") is YamlMappingNode map ? map.Child("name").Text() : job.Child("environment").Text();
        if (environment != stack)
        {
            yield return $"{where} has `environment: {environment ?? "(none)"}`: set `environment: {stack}` (the GitHub environment gates the deploy{(stack == Last ? " with required reviewers" : "")})";
        }

        var group = job.At("concurrency", "group").Text();
        if (group != $"eks-infra-{stack}")
        {
            yield return $"{where} has concurrency group `{group ?? "(none)"}`: set `concurrency: {{ group: eks-infra-{stack}, cancel-in-progress: false }}` so two updates of {stack} never overlap";
        }

        if (job.At("concurrency", "cancel-in-progress").Text() != "false")
        {
            yield return $"{where}.concurrency has no `cancel-in-progress: false`: add it (a cancelled `pulumi up` leaves pending operations)";
        }

        if (job.Child("env").Child("STACK").Text() != stack)
        {
            yield return $"{where}.env.STACK is not `{stack}`: set `STACK: {stack}`";
        }

        var steps = job.Child("steps").Items();
        var up = steps.FirstOrDefault(s => s.Child("uses").Text()?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true
            && s.At("with", "command").Text() is "up" or "update");
        if (up is null)
        {
            yield return $"{where} has no pulumi/actions step with `command: up`: add one with `refresh: true` and `stack-name: {stack}`";
        }
        else
        {
            if (up.At("with", "stack-name").Text() != stack)
            {
                yield return $"{where} pulumi/actions `stack-name` is `{up.At("with", "stack-name").Text()}`: set `stack-name: {stack}`";
            }

            if (up.At("with", "refresh").Text() != "true")
            {
                yield return $"{where} pulumi/actions up has no `refresh: true`: add it so drift is seen before the update";
            }
        }

        var role = steps.FirstOrDefault(s => s.Child("uses").Text()?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true)
            .At("with", "role-to-assume").Text();
        var expectedRole = $"${{{{ vars.{RoleVariable(stack)} }}}}";
        if (role != expectedRole)
        {
            yield return $"{where} assumes `{role ?? "(no role)"}`: set the configure-aws-credentials step's `role-to-assume: {expectedRole}`";
        }
    }

    /// <summary>dev first, prod last, any other stack between them in name order.</summary>
    public static List<string> PromotionOrder(IEnumerable<string> stacks)
    {
        var all = stacks.ToList();
        var middle = all.Where(s => s is not First and not Last).Order(StringComparer.Ordinal);
        return [.. all.Where(s => s == First), .. middle, .. all.Where(s => s == Last)];
    }

    /// <summary>The repository variable holding the deploy role of <paramref name="stack"/>.</summary>
    public static string RoleVariable(string stack) => $"AWS_ROLE_ARN_{stack.ToUpperInvariant()}";
}
