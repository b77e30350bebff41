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

    /// <summary>
    /// Stack names from <c>Pulumi.NAME.yaml</c> files at <paramref name="repoRoot"/>, sorted. At the root only, as the
    /// workflows read them: their build jobs refuse a Pulumi.yaml stackConfigDir (check-stack-files-beside-project.sh).
    /// </summary>
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
        var deployStack = Workflow.Load(repoRoot, Workflow.DeployStackPath);
        var problems = new List<string>();
        problems.AddRange(CheckVariableNames(stacks));
        problems.AddRange(CheckPreviewMatrix(preview, stacks));
        problems.AddRange(CheckMatrix(audit, stacks, ["audit", "strategy", "matrix", "stack"], AuditMatrixPath, s => $" (and the variable AWS_AUDIT_ROLE_ARN_{s.ToUpperInvariant()})"));
        problems.AddRange(CheckCheckCoverage(preview, stacks));
        problems.AddRange(CheckCheckCoverage(deploy, stacks));
        problems.AddRange(CheckDiffCoverage(preview, stacks));
        problems.AddRange(CheckDeployChain(deploy, stacks));
        problems.AddRange(CheckDeployStackJob(deployStack));
        return problems;
    }

    /// <summary>
    /// The workflows look a stack's roles up as configuration variables named after it (AWS_ROLE_ARN_STACK,
    /// AWS_AUDIT_ROLE_ARN_STACK), and a configuration variable's name holds only letters, digits and underscores (GitHub
    /// Docs, variables reference, naming conventions); Pulumi's stack names also take '-' and '.', which no such name can.
    /// </summary>
    private static IEnumerable<string> CheckVariableNames(List<string> stacks)
    {
        string Variables(string s) => $"{RoleVariable(s)}, AWS_PREVIEW_ROLE_ARN_{s.ToUpperInvariant()} and AWS_AUDIT_ROLE_ARN_{s.ToUpperInvariant()}";
        foreach (var s in stacks.Where(s => !s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            yield return $"Pulumi.{s}.yaml: the workflows read the variables {Variables(s)}, and a GitHub variable name holds only letters, digits and '_': rename the stack to lowercase letters and digits (`pulumi stack rename`), as docs/environments.md asks";
        }

        // GitHub's variable names are case-insensitive: Prod and prod would read one role.
        foreach (var clash in stacks.GroupBy(s => s.ToUpperInvariant()).Where(g => g.Count() > 1))
        {
            yield return $"{string.Join(" and ", clash.Select(s => $"Pulumi.{s}.yaml"))} read the same variables {Variables(clash.First())} (GitHub's variable names ignore case): rename one stack";
        }
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

    /// <summary>The stack a deploy.yml job deploys: the <c>stack</c> it hands deploy-stack.yml, or null for other jobs.</summary>
    public static string? DeployedStack(YamlNode job) =>
        job.Child("uses").Text() == Workflow.DeployStackUses ? job.At("with", "stack").Text() : null;

    private static IEnumerable<string> CheckDeployChain(Workflow deploy, List<string> stacks)
    {
        var stackJobs = deploy.Jobs.Entries().Where(e => DeployedStack(e.Value) is not null).ToList();
        var jobs = new Dictionary<string, (string Id, YamlNode Job)>();
        foreach (var (id, job) in stackJobs)
        {
            var stack = DeployedStack(job)!;
            if (id != stack)
            {
                yield return $"{deploy.Path} jobs.{id} deploys `{stack}`: name the job after its stack (`{stack}`), so `needs` read as the promotion order";
            }

            if (!stacks.Contains(stack))
            {
                yield return $"{deploy.Path} jobs.{id} deploys `{stack}` but there is no Pulumi.{stack}.yaml: remove the job or add the stack file";
            }

            jobs.TryAdd(stack, (id, job));
        }

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
            yield return $"Pulumi.{stack}.yaml has no job in {deploy.Path}: add a job `{stack}` (a copy of an existing stack job with `with.stack: {stack}`; "
                + $"{Workflow.DeployStackPath} runs it in the GitHub environment `{stack}` (`environment: {stack}`, `concurrency.group: eks-infra-{stack}`) "
                + $"as `vars.{RoleVariable(stack)}`) {placement}, so the order is {string.Join(" → ", order)}";
        }

        foreach (var (stack, (id, job)) in jobs)
        {
            if (job.At("secrets").Text() != "inherit")
            {
                yield return $"{deploy.Path} jobs.{id} has no `secrets: inherit`: add it (pulumi up needs the backend's secrets)";
            }

            if (job.At("permissions", "id-token").Text() != "write")
            {
                yield return $"{deploy.Path} jobs.{id} does not grant `id-token: write`: add `permissions: {{ contents: read, id-token: write }}` (the AWS credentials come from OIDC)";
            }

            foreach (var (input, value) in new[] { ("program-dll", "${{ needs.build.outputs.program-dll }}"), ("stacks", "${{ needs.build.outputs.stacks }}") })
            {
                if (job.At("with", input).Text() != value)
                {
                    yield return $"{deploy.Path} jobs.{id} passes `{input}: {job.At("with", input).Text() ?? "(nothing)"}`: set `{input}: {value}`";
                }
            }
        }

        // The chain: each stack job needs the stack before it, in promotion order.
        var present = order.Where(jobs.ContainsKey).ToList();
        for (var i = 0; i < present.Count; i++)
        {
            var (id, job) = jobs[present[i]];
            var needs = job.Child("needs").Strings();
            var expected = i == 0 ? null : jobs[present[i - 1]].Id;
            var otherStacks = needs.Where(n => jobs.Values.Any(j => j.Id == n) && n != expected).ToList();
            if (expected is not null && !needs.Contains(expected))
            {
                yield return $"{deploy.Path} jobs.{id}.needs has no `{expected}`: the order is {string.Join(" → ", present)}, so add `{expected}` to it";
            }

            foreach (var other in otherStacks)
            {
                yield return $"{deploy.Path} jobs.{id}.needs has `{other}`: the order is {string.Join(" → ", present)}, so {present[i]} needs only {expected ?? "build"}; remove `{other}`";
            }

            if (!needs.Contains("build"))
            {
                yield return $"{deploy.Path} jobs.{id}.needs has no `build`: add it (the job deploys the program that build made)";
            }
        }
    }

    /// <summary>The one stack job definition: environment, concurrency, credentials and the update, all by its stack input.</summary>
    private static IEnumerable<string> CheckDeployStackJob(Workflow deployStack)
    {
        const string Stack = "${{ inputs.stack }}";
        var jobs = deployStack.Jobs.Entries().ToList();
        if (!jobs.Select(j => j.Key).SequenceEqual(["current", "up"]))
        {
            yield return $"{deployStack.Path} has the jobs {string.Join(", ", jobs.Select(j => j.Key))}: keep `current` (the tip-of-main check, before the stack's concurrency group) and `up`, which deploys the stack";
            yield break;
        }

        var (id, job) = jobs[1];
        var where = $"{deployStack.Path} jobs.{id}";
        if (deployStack.Root.At("on", "workflow_call", "inputs", "stack") is null)
        {
            yield return $"{deployStack.Path} has no `on.workflow_call.inputs.stack`: deploy.yml hands each job its stack there";
        }

        if (job.Child("environment").Text() != Stack)
        {
            yield return $"{where} has `environment: {job.Child("environment").Text() ?? "(none)"}`: set `environment: {Stack}` (the GitHub environment gates the deploy; prod's has required reviewers)";
        }

        if (job.At("concurrency", "group").Text() != $"eks-infra-{Stack}")
        {
            yield return $"{where} has concurrency group `{job.At("concurrency", "group").Text() ?? "(none)"}`: set `concurrency: {{ group: eks-infra-{Stack}, cancel-in-progress: false }}` so two updates of a stack never overlap";
        }

        if (job.At("concurrency", "cancel-in-progress").Text() != "false")
        {
            yield return $"{where}.concurrency has no `cancel-in-progress: false`: add it (a cancelled `pulumi up` leaves pending operations)";
        }

        var steps = job.Child("steps").Items();
        var up = steps.FirstOrDefault(s => s.Child("uses").Text()?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true
            && s.At("with", "command").Text() is "up" or "update");
        if (up is null)
        {
            yield return $"{where} has no pulumi/actions step with `command: up`: add one with `refresh: true` and `stack-name: {Stack}`";
        }
        else
        {
            if (up.At("with", "stack-name").Text() != Stack)
            {
                yield return $"{where} pulumi/actions `stack-name` is `{up.At("with", "stack-name").Text()}`: set `stack-name: {Stack}`";
            }

            if (up.At("with", "refresh").Text() != "true")
            {
                yield return $"{where} pulumi/actions up has no `refresh: true`: add it so drift is seen before the update";
            }
        }

        var role = steps.FirstOrDefault(s => s.Child("uses").Text()?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true)
            .At("with", "role-to-assume").Text();
        const string ExpectedRole = "${{ vars[format('AWS_ROLE_ARN_{0}', inputs.stack)] }}";
        if (role != ExpectedRole)
        {
            yield return $"{where} assumes `{role ?? "(no role)"}`: set the configure-aws-credentials step's `role-to-assume: {ExpectedRole}`";
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
