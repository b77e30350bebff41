using System.CommandLine;
using EksInfra.Access;
using EksInfra.Access.Audit;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;

namespace EksInfra.Cli;

/// <summary>The verbs that follow the chain from IAM principal to Kubernetes permission: can and audit.</summary>
public static partial class CliApp
{
    private static Command Can(CliEnvironment env, Option<string?> dir)
    {
        var stack = StackArgument();
        var verb = new Argument<string?>("VERB") { Description = "A Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, the special proxy, use, bind, escalate, impersonate, approve, sign, attest, or *; another lowercase word is asked as a custom verb unless it reads as a misspelling of one of these", Arity = ArgumentArity.ZeroOrOne };
        var resource = new Argument<string?>("RESOURCE") { Description = "RESOURCE[.GROUP][/SUBRESOURCE] (pods, secrets, nodes, deployments.apps, pods/exec) or a URL path (/healthz)", Arity = ArgumentArity.ZeroOrOne };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Ask in this namespace (default: cluster-wide, every namespace at once); with --principal, list what applies in it" };
        var name = new Option<string?>("--name") { Description = "Ask about the object of this name (rules with resourceNames allow only named requests); not with --principal" };
        var principal = new Option<string?>("--principal") { Description = "Instead of one request: everything this IAM principal (its ARN) may do, or with --namespace what it may do there" };
        var format = FormatOption("table", "table", "markdown", "json");
        var command = new Command("can", "Who may perform VERB on RESOURCE, each principal with the path that grants it (system:masters, an access policy and its scope, or a ClusterRole and its binding); or, with --principal, all one principal may do.")
        {
            stack, verb, resource, ns, name, principal, format,
        };
        command.SetAction(result =>
        {
            var principalArn = result.GetValue(principal);
            var (verbText, resourceText) = (result.GetValue(verb), result.GetValue(resource));
            if (principalArn is not null && (verbText is not null || resourceText is not null))
            {
                throw new UsageException("give either VERB RESOURCE or --principal ARN, not both");
            }

            if (principalArn is null && (verbText is null || resourceText is null))
            {
                throw new UsageException("give VERB and RESOURCE (eksinfra can dev delete pods --namespace payments), or --principal ARN");
            }

            CanQuestion? question = null;
            var inNamespace = result.GetValue(ns);
            if (principalArn is null)
            {
                question = CanQuestion.Parse(verbText!, resourceText!, inNamespace, result.GetValue(name), out var error);
                if (question is null)
                {
                    throw new UsageException(error);
                }
            }
            else if (result.GetValue(name) is { } objectName)
            {
                // A rules review (kubectl auth can-i --list) lists rules by namespace only; an object is asked about one request at a time.
                throw new UsageException($"--name {objectName} asks about one object, and --principal lists everything the principal may do; ask about the object instead, as VERB RESOURCE (eksinfra can {result.GetValue(stack)} get pods --name {objectName}), which lists every principal allowed it");
            }
            else if (CanQuestion.NamespaceError(inNamespace) is { } badNamespace)
            {
                throw new UsageException(badNamespace);
            }

            if (LoadStack(env, result, dir, stack).Plan is not { } plan)
            {
                return Invalid;
            }

            var access = ModelAccess.Of(plan);
            var reportFormat = ParseFormat(result.GetValue(format)!);
            if (question is not null)
            {
                env.Out.Write(CanReport.RenderWho(plan, question, CanReport.Who(access, question), access.Notes, reportFormat));
                return Ok;
            }

            // `aws sts get-caller-identity` prints the session's ARN; EKS and the authenticator look its role up.
            var key = AccessAudit.Canonical(Arns.RoleOfSession(principalArn!) ?? principalArn!);
            var subject = access.Subjects.FirstOrDefault(s => AccessAudit.Canonical(s.Principal) == key);
            if (subject is null && plan.ComputeIdentities.FirstOrDefault(c => AccessAudit.Canonical(c.RoleArn) == key) is { } compute)
            {
                env.Error.WriteLine($"{plan.StackName}: '{principalArn}' is the stack's {compute.Describe()}, which is not evaluated: nodes are authorized by the Node authorizer and system:nodes, not by the model");
                return Invalid;
            }

            IReadOnlyList<string> notes;
            if (subject is not null)
            {
                notes = access.NotesFor(subject.Principal);
            }
            else if (ModelAccess.ViaMappedAccount(plan, principalArn!) is { } viaAccount)
            {
                subject = viaAccount;
                notes = [ModelAccess.MappedAccountNote(Arns.TryParse(viaAccount.Principal, out var parsed, out _) ? parsed.AccountId : "", plan.Mode), .. access.NotesFor(viaAccount.Principal)];
            }
            else
            {
                env.Error.WriteLine($"{plan.StackName}: '{principalArn}' is not a principal of this stack; its principals: {string.Join(", ", access.Subjects.Select(s => s.Principal))}");
                return Invalid;
            }

            env.Out.Write(CanReport.RenderEverything(plan, subject, CanReport.Everything(access.Authorizer, subject, inNamespace), notes, reportFormat, inNamespace));
            return Ok;
        });
        return command;
    }

    private static Command Audit(CliEnvironment env, Option<string?> dir)
    {
        var stack = StackArgument();
        var awsAuth = new Option<string?>("--aws-auth") { Description = "The live aws-auth: kubectl -n kube-system get configmap aws-auth -o yaml" };
        var entries = new Option<string?>("--access-entries") { Description = "The live access entries with their policies, as docs/export-access-entries.sh writes them" };
        var rbac = new Option<string?>("--rbac") { Description = "The live RBAC: kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json" };
        var liveMode = new Option<string?>("--live-mode") { Description = "The cluster's authentication mode, as aws eks describe-cluster --name CLUSTER --query cluster.accessConfig.authenticationMode --output text prints it (CONFIG_MAP, API_AND_CONFIG_MAP or API): aws-auth and access entries are judged by what it makes EKS read, and a mode other than the stack's is reported. Without it, or empty (the mode could not be read), the stack's mode is assumed, and access entries count as not compared unless given" };
        var format = FormatOption("table", "table", "markdown", "json");
        var command = new Command("audit", "Compare what a live cluster grants with what the stack's model grants: unmanaged principals and bindings, differences, grants missing live. Exit 1 when access the model does not grant reaches cluster admin or system:masters.")
        {
            stack, awsAuth, entries, rbac, liveMode, format,
        };
        command.SetAction(result =>
        {
            var files = (AwsAuth: result.GetValue(awsAuth), Entries: result.GetValue(entries), Rbac: result.GetValue(rbac));
            if (files is { AwsAuth: null, Entries: null, Rbac: null })
            {
                throw new UsageException("give at least one of --aws-auth, --access-entries and --rbac (README.md, `eksinfra audit`, shows the commands that export them)");
            }

            // Checked here, not by the parser's list of values, so that the message says where the value comes from.
            AuthenticationMode? mode = null;
            // Empty is a mode that could not be read (the scheduled audit passes what describe-cluster gave): judged by the stack's.
            if (result.GetValue(liveMode) is { Length: > 0 } modeText)
            {
                mode = AuthenticationModes.TryParse(modeText, out var parsed)
                    ? parsed
                    : throw new UsageException($"--live-mode '{modeText}' is not an authentication mode: give CONFIG_MAP, API_AND_CONFIG_MAP or API, as `aws eks describe-cluster --name CLUSTER --query cluster.accessConfig.authenticationMode --output text` prints it");
            }

            if (LoadStack(env, result, dir, stack).Plan is not { } plan)
            {
                return Invalid;
            }

            LiveCluster live;
            try
            {
                var awsAuth = Read(env, files.AwsAuth, "--aws-auth", LiveInputs.ReadAwsAuthExport);
                live = new LiveCluster(
                    awsAuth?.Mappings,
                    Read(env, files.Entries, "--access-entries", (bytes, file) => LiveInputs.ReadAccessEntries(bytes, file, plan.Cluster.Name)),
                    Read(env, files.Rbac, "--rbac", LiveInputs.ReadRbac))
                {
                    AwsAuthAccounts = awsAuth?.Accounts,
                    AwsAuthDropped = awsAuth?.Dropped ?? [],
                    Mode = mode,
                };
            }
            catch (AuditInputException e)
            {
                env.Error.WriteLine($"eksinfra: {e.Message}");
                env.Error.WriteLine($"{plan.StackName}: nothing audited: fix or export the input again");
                return Invalid;
            }

            var report = AccessAudit.Compare(plan, live);
            env.Out.Write(AuditRenderer.Render(report, ParseFormat(result.GetValue(format)!)));
            foreach (var blocking in report.Blocking)
            {
                env.Error.WriteLine($"error: {blocking.Subject}: {blocking.Title}: {blocking.Detail}");
            }

            return report.HasBlocking ? Invalid : Ok;
        });
        return command;
    }

    private static T? Read<T>(CliEnvironment env, string? file, string option, Func<byte[], string, T> reader)
        where T : class =>
        file is null ? null : reader(ReadInputFile(env, file, option), file);
}
