using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EksInfra.Access.Audit;

namespace EksInfra.Workflows.Tests;

public sealed class AuditWorkflowTests
{
    private static readonly string Root = RepoRoot.Find();

    private static Workflow Audit => Workflow.Load(Root, Workflow.AuditPath);

    [Fact]
    public void Audit_runs_on_a_schedule_and_on_demand_and_never_on_pull_requests()
    {
        Assert.NotEmpty(Audit.Root.At("on", "schedule").Items());
        Assert.NotNull(Audit.Root.At("on").Child("workflow_dispatch"));
        Assert.Null(Audit.Root.At("on", "pull_request"));
        Assert.Null(Audit.Root.At("on", "push"));
    }

    [Fact]
    public void Each_stack_is_audited_with_its_own_read_only_role()
    {
        var job = Audit.Job("audit");
        Assert.Equal("false", job.At("strategy", "fail-fast").Text());
        Assert.Equal(StackCoverage.Stacks(Root), job.At("strategy", "matrix", "stack").Strings().Order(StringComparer.Ordinal));
        var aws = Assert.Single(Audit.Steps("audit"), s => s.Uses?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true);
        Assert.Equal("${{ vars[format('AWS_AUDIT_ROLE_ARN_{0}', matrix.stack)] }}", aws.With.Child("role-to-assume").Text());
        Assert.DoesNotContain(Audit.Steps(), s => s.Uses?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Every_audit_line_reads_the_exports_the_readme_names_and_the_run_fails_on_exit_1()
    {
        var audits = StackCoverage.Invocations(Audit).Where(i => i.Verb == "audit").ToList();
        Assert.NotEmpty(audits);
        Assert.Contains(audits, a => a.Args.Contains("--aws-auth") && a.Args.Contains("--access-entries") && a.Args.Contains("--rbac"));
        Assert.All(audits, a => Assert.Contains("--format markdown", a.Line, StringComparison.Ordinal));
        // Judged by the mode the export step read from the cluster, not by main's stack file.
        Assert.All(audits, a => Assert.Contains("--live-mode \"$LIVE_MODE\"", a.Line, StringComparison.Ordinal));
        var auditStep = Assert.Single(Audit.Steps("audit"), s => s.Node.Child("id")?.Text() == "audit");
        Assert.Equal("${{ steps.export.outputs.live-mode }}", auditStep.Node.At("env", "LIVE_MODE").Text());
        var export = Assert.Single(Audit.Steps("audit"), s => s.Run?.Contains("export-access-entries.sh", StringComparison.Ordinal) == true).Run!;
        Assert.Contains("kubectl -n kube-system get configmap aws-auth -o yaml", export, StringComparison.Ordinal);
        Assert.Contains("kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json", export, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "docs", "export-access-entries.sh")));
        Assert.Contains(Audit.Steps("audit"), s => s.Uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
        var fail = Assert.Single(Audit.Steps("audit"), s => s.Node.Child("if").Text() == "steps.audit.outputs.rc == '1'");
        Assert.Contains("exit 1", fail.Run, StringComparison.Ordinal);
    }

    private static readonly string[] Principals =
    [
        "arn:aws:iam::111122223333:role/eks-admin",
        "arn:aws:iam::111122223333:role/ci/deployer",
        "arn:aws:iam::111122223333:role/team/*/reader",
        "arn:aws:iam::111122223333:user/ops",
    ];

    /// <summary>
    /// An aws on PATH that answers as the AWS CLI v2 does for the script's three calls, counting them in $COUNT and
    /// failing the one numbered $FAIL_AT (1 lists the entries, then describe and list-associated-access-policies
    /// for each principal in turn) with the CLI's exit status 254.
    /// </summary>
    private const string FakeAws = """
        #!/bin/sh
        n=$(( $(cat "$COUNT" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$COUNT"
        if [ "$n" = "${FAIL_AT:-0}" ]; then echo "An error occurred (ThrottlingException) when calling the operation: Rate exceeded" >&2; exit 254; fi
        arn=""; prev=""
        for a; do [ "$prev" = "--principal-arn" ] && arn="$a"; prev="$a"; done
        case "$2" in
          list-access-entries) printf '%s\n' "$ENTRIES" ;;
          describe-access-entry) printf '{"clusterName":"c","principalArn":"%s","type":"STANDARD","kubernetesGroups":["g"],"username":"u"}\n' "$arn" ;;
          list-associated-access-policies) printf '[{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy","accessScope":{"type":"namespace","namespaces":["apps"]}}]\n' ;;
          *) echo "unexpected: $*" >&2; exit 2 ;;
        esac
        """;

    private static (int ExitCode, string Out, string Error) Export(int failAt)
    {
        var dir = Directory.CreateTempSubdirectory("eksinfra-export-").FullName;
        try
        {
            StandIns.Write(dir, "aws", FakeAws);

            var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = dir };
            start.ArgumentList.Add(Path.Combine(Root, "docs", "export-access-entries.sh"));
            start.ArgumentList.Add("my-cluster");
            start.ArgumentList.Add("us-west-2");
            start.Environment["PATH"] = dir + ":/usr/bin:/bin";
            start.Environment["COUNT"] = Path.Combine(dir, "count");
            start.Environment["FAIL_AT"] = failAt.ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["ENTRIES"] = JsonSerializer.Serialize(Principals);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_access_entry_export_holds_every_entry_with_its_policies_and_the_audit_reads_it()
    {
        var (exitCode, output, error) = Export(failAt: 0);

        Assert.True(exitCode == 0, error);
        using (var doc = JsonDocument.Parse(output))
        {
            Assert.Equal("my-cluster", doc.RootElement.GetProperty("clusterName").GetString());
            Assert.Equal(Principals, doc.RootElement.GetProperty("accessEntries").EnumerateArray().Select(e => e.GetProperty("principalArn").GetString()));
        }

        var entries = LiveInputs.ReadAccessEntries(Encoding.UTF8.GetBytes(output), "access-entries.json");
        Assert.Equal(Principals, entries.Select(e => e.PrincipalArn));
        Assert.All(entries, e => Assert.Equal("AmazonEKSViewPolicy (namespaces apps)", Assert.Single(e.Policies).ToString()));
    }

    [Theory]
    [InlineData(1, "aws eks list-access-entries failed for cluster my-cluster")]
    [InlineData(2, "aws eks describe-access-entry failed for arn:aws:iam::111122223333:role/eks-admin")]
    [InlineData(6, "aws eks describe-access-entry failed for arn:aws:iam::111122223333:role/team/*/reader")]
    [InlineData(9, "aws eks list-associated-access-policies failed for arn:aws:iam::111122223333:user/ops")]
    public void The_access_entry_export_writes_nothing_when_a_call_fails_and_names_the_principal(int failAt, string message)
    {
        // A file with the entries read before the failure parses, and would audit as the rest missing live.
        var (exitCode, output, error) = Export(failAt);

        Assert.NotEqual(0, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Rate exceeded", error, StringComparison.Ordinal);
        Assert.Contains($"export-access-entries.sh: {message}; nothing was written", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Stand-ins for the export step's aws and kubectl: describe-cluster prints the live mode $LIVE_MODE as
    /// <c>--query cluster.accessConfig.authenticationMode --output text</c> does, or fails ("fail"); the script's one
    /// list-access-entries call answers an empty list or fails as $ENTRIES says, and a CONFIG_MAP cluster refuses it as EKS
    /// does; kubectl fails the RBAC read when $RBAC is "fail", and answers the aws-auth read as the
    /// ConfigMap ($AWS_AUTH "present"), as --ignore-not-found does for a missing one ("missing"), or with Forbidden ("fail").
    /// </summary>
    private const string ExportAws = """
        #!/bin/sh
        case "$2" in
          update-kubeconfig) exit 0 ;;
          describe-cluster)
            [ "$LIVE_MODE" = fail ] && { echo "An error occurred (AccessDeniedException) when calling the DescribeCluster operation" >&2; exit 254; }
            printf '%s\n' "$LIVE_MODE" ;;
          list-access-entries)
            [ "$LIVE_MODE" = CONFIG_MAP ] && { echo "An error occurred (InvalidRequestException) when calling the ListAccessEntries operation: The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation." >&2; exit 254; }
            [ "$ENTRIES" = fail ] && { echo "AccessDeniedException" >&2; exit 254; }; echo '[]' ;;
          *) echo "unexpected: $*" >&2; exit 2 ;;
        esac
        """;

    private const string ExportKubectl = """
        #!/bin/sh
        case "$*" in
          *configmap*)
            case "$AWS_AUTH" in
              present) printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata: {mapRoles: ""}\n' ;;
              missing) ;;
              *) echo 'Error from server (Forbidden): configmaps "aws-auth" is forbidden' >&2; exit 1 ;;
            esac ;;
          *) [ "$RBAC" = fail ] && { echo "Unable to connect to the server: i/o timeout" >&2; exit 1; }; echo '{"items":[]}' ;;
        esac
        """;

    /// <summary>Runs the workflow's export step as the runner would, and returns the outputs it set.</summary>
    private static Dictionary<string, string> RunExport(string mode, bool privateEndpoint, string entries, string rbac, string awsAuth, bool restricted = false, string? liveMode = null)
    {
        var step = Assert.Single(Audit.Steps("audit"), s => s.Node.Child("id")?.Text() == "export");
        var dir = Directory.CreateTempSubdirectory("eksinfra-audit-step-").FullName;
        try
        {
            StandIns.Write(dir, "aws", ExportAws);
            StandIns.Write(dir, "kubectl", ExportKubectl);

            var outputs = Path.Combine(dir, "outputs");
            var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Root };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(step.Run!);
            start.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["RUNNER_TEMP"] = dir;
            start.Environment["GITHUB_OUTPUT"] = outputs;
            start.Environment["STACK"] = "dev";
            start.Environment["CLUSTER"] = "my-cluster";
            start.Environment["REGION"] = "us-west-2";
            start.Environment["MODE"] = mode;
            start.Environment["LIVE_MODE"] = liveMode ?? mode;
            start.Environment["PRIVATE"] = privateEndpoint ? "true" : "false";
            start.Environment["RESTRICTED"] = restricted ? "true" : "false";
            start.Environment["ENTRIES"] = entries;
            start.Environment["RBAC"] = rbac;
            start.Environment["AWS_AUTH"] = awsAuth;
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, output + error.Result);
            return File.ReadAllLines(outputs).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    // Every part the mode makes EKS read was read: nothing missing.
    [InlineData("API_AND_CONFIG_MAP", "API_AND_CONFIG_MAP", false, "ok", "ok", "present", "true-true-true", "")]
    [InlineData("CONFIG_MAP", "CONFIG_MAP", false, "fail", "ok", "present", "true-false-true", "")]
    [InlineData("API", "API", false, "ok", "ok", "missing", "false-true-true", "")]
    // A private-only endpoint cannot be reached from a hosted runner: the entries alone, with a warning.
    [InlineData("API", "API", true, "ok", "fail", "present", "false-true-false", "")]
    // A part that could not be read is missing, and the job fails on it; it used to be skipped with a notice.
    [InlineData("API_AND_CONFIG_MAP", "API_AND_CONFIG_MAP", false, "fail", "ok", "present", "true-false-true", "access-entries")]
    [InlineData("API_AND_CONFIG_MAP", "API_AND_CONFIG_MAP", false, "ok", "fail", "present", "false-true-false", "rbac")]
    [InlineData("API_AND_CONFIG_MAP", "API_AND_CONFIG_MAP", false, "ok", "ok", "fail", "false-true-true", "aws-auth")]
    [InlineData("API_AND_CONFIG_MAP", "API_AND_CONFIG_MAP", false, "ok", "ok", "missing", "false-true-true", "aws-auth")]
    [InlineData("API", "API", false, "ok", "ok", "fail", "false-true-true", "aws-auth")]
    // The live mode decides what is exported: a cluster moved out of CONFIG_MAP by hand has its entries read...
    [InlineData("CONFIG_MAP", "API_AND_CONFIG_MAP", false, "ok", "ok", "present", "true-true-true", "")]
    [InlineData("CONFIG_MAP", "API", false, "fail", "ok", "present", "true-false-true", "access-entries")]
    // ...and one the stack's move has not reached yet (prod waits for approval) is not asked for entries it cannot have.
    [InlineData("API_AND_CONFIG_MAP", "CONFIG_MAP", false, "ok", "ok", "present", "true-false-true", "")]
    // ...and one already in API reads no aws-auth, so none there is no part missing, whatever main's stack file says.
    [InlineData("API_AND_CONFIG_MAP", "API", false, "ok", "ok", "missing", "false-true-true", "")]
    [InlineData("API", "API_AND_CONFIG_MAP", false, "ok", "ok", "missing", "false-true-true", "aws-auth")]
    // A mode that cannot be read is a part missing: the rest is exported as the stack's mode reads it.
    [InlineData("API_AND_CONFIG_MAP", "fail", false, "ok", "ok", "present", "true-true-true", "authentication-mode")]
    [InlineData("CONFIG_MAP", "fail", false, "ok", "ok", "present", "true-false-true", "authentication-mode")]
    [InlineData("CONFIG_MAP", "None", false, "ok", "ok", "present", "true-false-true", "authentication-mode")]
    public void The_export_step_fails_the_audit_on_any_part_the_mode_makes_eks_read_that_it_could_not_read(string mode, string liveMode, bool privateEndpoint, string entries, string rbac, string awsAuth, string inputs, string missing)
    {
        var outputs = RunExport(mode, privateEndpoint, entries, rbac, awsAuth, liveMode: liveMode);

        Assert.Equal(inputs, $"{outputs["aws-auth"]}-{outputs["entries"]}-{outputs["rbac"]}");
        Assert.Equal(missing, outputs["missing"]);
        // The audit step judges by the mode read, or by the stack's where none could be (the job fails on it then).
        // A mode not read is passed on empty, not as the cluster's, so the audit keeps what it could not compare as not compared.
        Assert.Equal(liveMode is "fail" or "None" ? "" : liveMode, outputs["live-mode"]);
        var fail = Assert.Single(Audit.Steps("audit"), s => s.Node.Child("if")?.Text() == "steps.export.outputs.missing != ''");
        Assert.Contains("exit 1", fail.Run, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_endpoint_open_to_its_cidrs_only_is_audited_like_a_private_one_when_unreachable()
    {
        // publicAccessCidrs that leave out GitHub's runners, as docs/environments.md suggests for narrowing a public endpoint.
        var outputs = RunExport("API_AND_CONFIG_MAP", privateEndpoint: false, "ok", "fail", "present", restricted: true);

        Assert.Equal("false-true-false", $"{outputs["aws-auth"]}-{outputs["entries"]}-{outputs["rbac"]}");
        Assert.Equal("", outputs["missing"]);
        var read = Assert.Single(Audit.Steps("audit"), s => s.Node.Child("id")?.Text() == "stack").Run!;
        Assert.Contains("eksinfra stacks \"$STACK\" --get publicAccessRestricted)", read, StringComparison.Ordinal);
    }
}
