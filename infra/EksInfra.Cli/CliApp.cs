using System.CommandLine;
using System.Text;
using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Import;
using EksInfra.Access.Migration;
using EksInfra.Access.Model;
using EksInfra.Access.Reports;
using EksInfra.Access.Rendering;
using EksInfra.Access.Validation;

namespace EksInfra.Cli;

/// <summary>Where the tool reads and writes: the console in production, buffers and mocks in tests.</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, string CurrentDirectory, IBaseVersionSource BaseVersions)
{
    public static CliEnvironment FromConsole() => new(Console.Out, Console.Error, Environment.CurrentDirectory, new FileOrGitBaseVersionSource());
}

/// <summary>
/// <c>eksinfra</c>: check, render, who, diff, import and migrate, offline, on the stack files of the Pulumi project.
/// Exit codes: 0 success, 1 invalid input or a blocking finding, 2 usage error.
/// </summary>
public static partial class CliApp
{
    public const int Ok = 0;
    public const int Invalid = 1;
    public const int Usage = 2;

    public static int Run(string[] args, CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        env = env with { Error = new PrintableLines(env.Error) };
        var root = BuildRootCommand(env);
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                // System.CommandLine lists the allowed values one per line ("Must be one of:\n\t'table'\n\t'json'"), which
                // the printable writer would show as \n\t: one line reads the same.
                env.Error.WriteLine($"eksinfra: {error.Message.Replace(":\n\t", ": ", StringComparison.Ordinal).Replace("\n\t", ", ", StringComparison.Ordinal)}");
            }

            env.Error.WriteLine("Run 'eksinfra --help' for usage.");
            return Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            env.Error.WriteLine($"eksinfra: {e.Message}");
            return Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BaseVersionException)
        {
            env.Error.WriteLine($"eksinfra: {e.Message}");
            return Invalid;
        }
    }

    /// <summary>The command tree; the workflow checks parse the commands CI runs against it.</summary>
    public static RootCommand BuildRootCommand() => BuildRootCommand(CliEnvironment.FromConsole());

    private static RootCommand BuildRootCommand(CliEnvironment env)
    {
        var dir = new Option<string?>("--dir") { Description = "The folder with Pulumi.yaml (default: the current folder or the nearest one above it)" };
        var root = new RootCommand("eksinfra: check, render and review the EKS access model of this project's Pulumi stacks, offline.");
        Command[] projectCommands = [Check(env, dir), Render(env, dir), Who(env, dir), Diff(env, dir), Migrate(env, dir), Can(env, dir), Audit(env, dir), StacksCommand(env, dir)];
        foreach (var command in projectCommands)
        {
            command.Options.Add(dir);
            root.Subcommands.Add(command);
        }

        // import reads one aws-auth file and no project, so it is not offered --dir: an option it would ignore.
        root.Subcommands.Insert(4, ImportCommand(env));
        return root;
    }

    private static Argument<string> StackArgument() => new("STACK") { Description = "The stack name: Pulumi.STACK.yaml beside Pulumi.yaml, or in the folder Pulumi.yaml's stackConfigDir (or the older config: DIR) names" };

    private static Option<string> FormatOption(string defaultValue, params string[] formats)
    {
        var option = new Option<string>("--format") { Description = $"Output format: {string.Join(", ", formats)}", DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    private static ReportFormat ParseFormat(string text) => text switch
    {
        "json" => ReportFormat.Json,
        "markdown" => ReportFormat.Markdown,
        _ => ReportFormat.Table,
    };

    private static Command Check(CliEnvironment env, Option<string?> dir)
    {
        var stacks = new Argument<string[]>("STACK") { Description = "Stacks to check (default: every Pulumi.*.yaml)", Arity = ArgumentArity.ZeroOrMore };
        var strict = new Option<bool>("--strict") { Description = "Fail on warnings too" };
        var command = new Command("check", "Validate stacks: every error with its config path, and clashes between stacks (IAM role and cluster names).") { stacks, strict };
        command.SetAction(result =>
        {
            var project = Project(env, result.GetValue(dir));
            var names = result.GetValue(stacks) is { Length: > 0 } given ? given : [.. project.StackNames];
            if (names.Length == 0)
            {
                throw new UsageException($"no stack files (Pulumi.STACK.yaml) {project.StacksWhere}");
            }

            // Every name is checked before any stack is, so a mistyped one is the only output, not a trailer after findings.
            foreach (var stack in names)
            {
                RequireStack(project, stack);
            }

            var failed = false;
            var valid = new List<Access.Model.StackConfig>();
            foreach (var stack in names.Distinct(StringComparer.Ordinal))
            {
                StackEvaluation evaluation;
                try
                {
                    evaluation = project.Evaluate(stack);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // One unreadable file must not hide the findings of the stacks after it.
                    env.Error.WriteLine($"eksinfra: {project.FileNameOf(stack)}: {e.Message}");
                    env.Out.WriteLine($"{stack}: unreadable");
                    failed = true;
                    continue;
                }

                PrintDiagnostics(env, evaluation.Diagnostics);
                var errors = evaluation.Errors.Count();
                var warnings = evaluation.Warnings.Count();
                var bad = errors > 0 || (result.GetValue(strict) && warnings > 0);
                failed |= bad;
                env.Out.WriteLine($"{stack}: {(errors > 0 ? "invalid" : bad ? "fails --strict" : "valid")} ({Count(errors, "error")}, {Count(warnings, "warning")})");
                if (evaluation.Plan is not null)
                {
                    valid.Add(evaluation.Config!);
                }
            }

            var clashes = StackSetValidator.Validate(valid);
            PrintDiagnostics(env, clashes);
            if (clashes.Count > 0)
            {
                env.Out.WriteLine($"stacks: {Count(clashes.Count, "clash", "clashes")} between stacks");
            }

            return failed || clashes.Count > 0 ? Invalid : Ok;
        });
        return command;
    }

    private static Command Render(CliEnvironment env, Option<string?> dir)
    {
        var stack = StackArgument();
        var output = new Option<string?>("--out") { Description = "Write aws-auth.yaml, namespaces.yaml, rbac.yaml, access-entries.json and iam/ROLE.json here (default: print the manifests)" };
        var command = new Command("render", "Render what a stack grants: the aws-auth ConfigMap, RBAC manifests, access entries and IAM policies.") { stack, output };
        command.SetAction(result =>
        {
            var (name, _, evaluated) = LoadStack(env, result, dir, stack);
            if (evaluated is not { } plan)
            {
                env.Error.WriteLine($"{name}: invalid; nothing written");
                return Invalid;
            }

            var outDir = result.GetValue(output);
            if (outDir is not null && outDir.Trim().Length == 0)
            {
                throw new UsageException("--out is empty; name the folder to render into, such as out/STACK");
            }

            var fullOut = outDir is null ? null : Path.GetFullPath(outDir, env.CurrentDirectory);
            if (fullOut is not null && OutputWriter.Refusal(fullOut, env.CurrentDirectory) is { } refusal)
            {
                throw new UsageException($"{refusal}; nothing written");
            }

            var files = StackRenderer.RenderFiles(plan);
            if (fullOut is null)
            {
                var manifests = new[] { AwsAuthRenderer.Render(plan), NamespaceRenderer.Render(plan), RbacRenderer.Render(plan) }.Where(m => !string.IsNullOrEmpty(m));
                env.Out.Write(string.Join("---\n", manifests));
                return Ok;
            }

            try
            {
                OutputWriter.WriteAll(fullOut, files);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputBusyException)
            {
                // The system's message names a lock or staging path, not the folder the user asked for.
                throw new IOException($"cannot render into --out '{outDir}': {e.Message}", e);
            }

            foreach (var (path, _) in files)
            {
                env.Out.WriteLine(Path.Combine(outDir!, path));
            }

            return Ok;
        });
        return command;
    }

    private static Command Who(CliEnvironment env, Option<string?> dir)
    {
        var stack = StackArgument();
        var format = FormatOption("table", "table", "markdown", "json");
        var command = new Command("who", "List each principal: its Kubernetes username and groups, and what they grant.") { stack, format };
        command.SetAction(result =>
        {
            if (LoadStack(env, result, dir, stack).Plan is not { } plan)
            {
                return Invalid;
            }

            env.Out.Write(WhoReport.Render(plan, ParseFormat(result.GetValue(format)!)));
            return Ok;
        });
        return command;
    }

    private static Command Diff(CliEnvironment env, Option<string?> dir)
    {
        var stack = StackArgument();
        var baseOption = new Option<string>("--base") { Description = "The stack file before the change: a file path, or a git revision such as origin/main", Required = true };
        var format = FormatOption("markdown", "markdown", "json");
        var acceptInvalidBase = new Option<bool>("--accept-invalid-base") { Description = "Report an invalid base as a danger instead of blocking (the guards that compare plans cannot run); for a change that makes the base invalid on purpose" };
        var command = new Command("diff", "What a change grants and revokes, principal by principal, dangerous changes first. Exit 1 on a blocking finding.") { stack, baseOption, format, acceptInvalidBase };
        command.SetAction(result =>
        {
            var (name, project, head) = LoadStack(env, result, dir, stack);
            if (head is not { } after)
            {
                env.Error.WriteLine($"{name}: the changed stack file is invalid; fix it before the access diff can be shown");
                return Invalid;
            }

            var baseSpec = result.GetValue(baseOption)!;
            var baseVersion = env.BaseVersions.Read(baseSpec, project.Directory, project.FileNameOf(name));
            Access.Planning.AccessPlan? before = null;
            StackEvaluation? invalidBase = null;
            if (baseVersion is not null)
            {
                var old = StackEvaluator.Evaluate(StackFileReader.Read(name, baseVersion.FileName, baseVersion.Bytes));
                before = old.Plan;
                if (before is null)
                {
                    invalidBase = old;
                    env.Error.WriteLine($"{name}: the base version is invalid ({Count(old.Errors.Count(), "error")}); every grant is shown as new, only the guards that need the config alone (mode, names, region, account, VPC, deployer, protection) can run, and {(result.GetValue(acceptInvalidBase) ? "the others are reported as not run (--accept-invalid-base)" : "the diff blocks (exit 1) since the others need a plan of the base")}");
                }
            }

            var report = AccessDiff.Compare(before, after, baseSpec, invalidBase, result.GetValue(acceptInvalidBase));
            var text = AccessDiff.Render(report, ParseFormat(result.GetValue(format)!));
            env.Out.Write(text);
            return report.HasErrors ? Invalid : Ok;
        });
        return command;
    }

    private static Command ImportCommand(CliEnvironment env)
    {
        var file = new Argument<string>("FILE") { Description = "aws-auth as `kubectl -n kube-system get configmap aws-auth -o yaml` prints it" };
        var command = new Command("import", "Turn an existing aws-auth ConfigMap into an eks-infra:access block; entries it cannot carry over are listed with why.") { file };
        command.SetAction(result =>
        {
            var given = result.GetValue(file)!;
            var imported = AwsAuthImporter.Import(ReadInputFile(env, given, "FILE"), Path.GetFileName(given));
            PrintDiagnostics(env, imported.Errors);
            foreach (var skipped in imported.Skipped)
            {
                env.Error.WriteLine($"note: {skipped.Where}: {skipped.Why}");
            }

            if (imported.AccessBlockYaml is null)
            {
                return Invalid;
            }

            env.Out.Write(imported.AccessBlockYaml);
            return Ok;
        });
        return command;
    }

    private static Command Migrate(CliEnvironment env, Option<string?> dir)
    {
        var stack = StackArgument();
        var to = new Option<string>("--to") { Description = "The mode to move to: API_AND_CONFIG_MAP or API", Required = true };
        // CONFIG_MAP is taken so that ModeMigration refuses it with why (the mode moves forward only), not the parser.
        to.AcceptOnlyFromAmong("CONFIG_MAP", "API_AND_CONFIG_MAP", "API");
        var write = new Option<bool>("--write") { Description = "Write the config change into the stack file" };
        var command = new Command("migrate", "Plan the one-way authentication mode migration CONFIG_MAP → API_AND_CONFIG_MAP → API.") { stack, to, write };
        command.SetAction(result =>
        {
            var project = Project(env, result.GetValue(dir));
            var name = RequireStack(project, result.GetValue(stack)!);
            if (!AuthenticationModes.TryParse(result.GetValue(to)!, out var target))
            {
                throw new UsageException($"--to '{result.GetValue(to)}' is not an authentication mode; use API_AND_CONFIG_MAP or API");
            }

            // The stack reader refuses bytes that are not UTF-8; decoding them leniently here would write U+FFFD back.
            var file = project.StackFiles[name];
            var bytes = File.ReadAllBytes(file);
            var current = StackEvaluator.Evaluate(project.Read(name, bytes));
            if (!current.IsValid)
            {
                PrintDiagnostics(env, current.Errors);
                env.Error.WriteLine($"{name}: invalid; fix it before migrating (`eksinfra check {name}`); nothing written");
                return Invalid;
            }

            var text = Encoding.UTF8.GetString(bytes);
            var migration = ModeMigration.Plan(name, project.FileNameOf(name), text, current, target);
            PrintDiagnostics(env, migration.Blockers);
            if (migration.NewFileText is { } newText)
            {
                env.Out.WriteLine($"Config change in {project.FileNameOf(name)}:");
                foreach (var line in ChangedLines(text, newText))
                {
                    env.Out.WriteLine("  " + Printable.Of(line));
                }
            }

            if (migration.Carried.Count > 0)
            {
                env.Out.WriteLine("\nWhat each principal becomes:");
                foreach (var line in migration.Carried)
                {
                    env.Out.WriteLine("  " + Printable.Of(line));
                }
            }

            if (migration.NewWarnings.Count > 0)
            {
                env.Error.WriteLine($"{name}: in {target.ToConfigValue()}, check would also warn:");
                PrintDiagnostics(env, migration.NewWarnings);
            }

            if (migration.Blockers.Count > 0)
            {
                env.Error.WriteLine(migration.TargetRefused
                    ? $"{name}: cannot migrate to {target.ToConfigValue()}; nothing written"
                    : $"{name}: cannot migrate to {target.ToConfigValue()} until the {Count(migration.Blockers.Count, "problem")} above {(migration.Blockers.Count == 1 ? "is" : "are")} fixed; nothing written");
                return Invalid;
            }

            env.Out.WriteLine("\nSteps:");
            for (var i = 0; i < migration.Steps.Count; i++)
            {
                env.Out.WriteLine($"  {i + 1}. {migration.Steps[i]}");
            }

            if (result.GetValue(write))
            {
                OutputWriter.ReplaceFile(file, migration.NewFileText!);
                env.Out.WriteLine($"\nwrote {project.FileNameOf(name)}");
            }

            return Ok;
        });
        return command;
    }

    /// <summary>What CI needs to run each stack, read through the binder rather than by scraping YAML.</summary>
    private static Command StacksCommand(CliEnvironment env, Option<string?> dir)
    {
        var stacks = new Argument<string[]>("STACK") { Description = "Stacks to list (default: every Pulumi.*.yaml)", Arity = ArgumentArity.ZeroOrMore };
        var format = FormatOption("table", "table", "json");
        var get = new Option<string?>("--get") { Description = $"Print one setting of one stack as a line of text (no --format): {string.Join(", ", StackSettings.Keys)}" };
        get.AcceptOnlyFromAmong([.. StackSettings.Keys]);
        var where = new Option<bool>("--stack-config-dir") { Description = "Print the folder of the stack files relative to Pulumi.yaml's ('.' beside it, else its stackConfigDir)" };
        var command = new Command("stacks", "List the stacks in promotion order (dev, the others by name, prod) with the settings CI reads: region, account, mode, private endpoint, restricted public endpoint, cluster name.") { stacks, format, get, where };
        command.SetAction(result =>
        {
            var project = Project(env, result.GetValue(dir));
            if (result.GetValue(where))
            {
                if (result.GetValue(stacks) is { Length: > 0 } || result.GetValue(get) is not null || result.GetResult(format) is { Implicit: false })
                {
                    throw new UsageException("--stack-config-dir prints the project's stack folder as one line of text: name no STACK, no --get and no --format");
                }

                // Forward slashes on every OS: workflows compare it with '.'.
                env.Out.WriteLine(Path.GetRelativePath(project.Directory, Path.TrimEndingDirectorySeparator(project.StackDirectory)).Replace('\\', '/'));
                return Ok;
            }

            if (result.GetValue(get) is not null && result.GetResult(format) is { Implicit: false })
            {
                throw new UsageException("--get prints one setting of one stack as one line of text, in no format: give no --format (for JSON, `eksinfra stacks STACK --format json` prints every setting)");
            }

            var names = result.GetValue(stacks) is { Length: > 0 } given ? given : [.. project.StackNames];
            var settings = new List<StackSettings>();
            var failed = false;
            foreach (var name in names.Distinct(StringComparer.Ordinal))
            {
                RequireStack(project, name);
                var evaluation = project.Evaluate(name);
                if (!evaluation.IsValid)
                {
                    PrintDiagnostics(env, evaluation.Errors);
                    env.Error.WriteLine($"{name}: invalid; run `eksinfra check {name}`");
                    failed = true;
                    continue;
                }

                settings.Add(StackSettings.Of(evaluation.Config!));
            }

            if (failed)
            {
                return Invalid;
            }

            if (result.GetValue(get) is { } key)
            {
                if (settings.Count != 1)
                {
                    throw new UsageException("--get prints one setting of one stack: name exactly one STACK");
                }

                env.Out.WriteLine(settings[0].Get(key));
                return Ok;
            }

            env.Out.Write(StackSettingsReport.Render(settings, result.GetValue(format) == "json" ? ReportFormat.Json : ReportFormat.Table));
            return Ok;
        });
        return command;
    }

    private static IEnumerable<string> ChangedLines(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        if (a.Length == b.Length)
        {
            return a.Zip(b).Where(p => p.First != p.Second).SelectMany(p => new[] { "- " + p.First.Trim(), "+ " + p.Second.Trim() });
        }

        return b.Except(a).Select(l => "+ " + l.Trim());
    }

    /// <summary>The named stack of the project, evaluated, with its findings printed: the opening of every per-stack verb.</summary>
    private static (string Name, StackProject Project, Access.Planning.AccessPlan? Plan) LoadStack(CliEnvironment env, ParseResult result, Option<string?> dir, Argument<string> stack)
    {
        var project = Project(env, result.GetValue(dir));
        var name = RequireStack(project, result.GetValue(stack)!);
        var evaluation = project.Evaluate(name);
        PrintDiagnostics(env, evaluation.Diagnostics);
        return (name, project, evaluation.Plan);
    }

    /// <summary>A file named on the command line; a folder or a missing file is invalid input (exit 1) that names the option.</summary>
    private static byte[] ReadInputFile(CliEnvironment env, string given, string option)
    {
        var path = Path.GetFullPath(given, env.CurrentDirectory);
        if (Directory.Exists(path))
        {
            throw new IOException($"{option} '{given}' is a folder; name the exported file");
        }

        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"{option} '{given}': no such file ({path})", path);
    }

    private static StackProject Project(CliEnvironment env, string? dir)
    {
        var start = dir is null ? env.CurrentDirectory : Path.GetFullPath(dir, env.CurrentDirectory);
        if (!Directory.Exists(start))
        {
            throw new UsageException($"--dir '{dir}' is not a folder");
        }

        var project = StackProject.Find(start) ?? throw new UsageException($"no Pulumi.yaml in {start} or any folder above it; run eksinfra inside the project, or pass --dir");

        // Refused before any command runs: stack names start report lines and headings, and workflows loop over them.
        return project.MisnamedFiles.Count == 0 ? project : throw new IOException(StackFileReader.NotAPulumiStackName(project.MisnamedFiles));
    }

    private static string RequireStack(StackProject project, string stack) =>
        project.StackFiles.ContainsKey(stack)
            ? stack
            : stack.StartsWith('-')
            // A command that takes several stacks reads an option it does not know as one more stack name.
            ? throw new UsageException($"'{stack}' is not an option of this command (see its --help), and no stack is named so")
            : throw new UsageException($"no stack '{stack}': there is no Pulumi.{stack}.yaml {project.StacksWhere} (stacks: {string.Join(", ", project.StackNames)})");

    private static void PrintDiagnostics(CliEnvironment env, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            env.Error.WriteLine(d.ToStringWithLocation());
        }
    }

    private static string Count(int n, string singular, string? plural = null) => $"{n} {(n == 1 ? singular : plural ?? singular + "s")}";

    private sealed class UsageException(string message) : Exception(message);
}
