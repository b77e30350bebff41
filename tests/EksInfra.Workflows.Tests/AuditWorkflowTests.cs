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
        var export = Assert.Single(Audit.Steps("audit"), s => s.Run?.Contains("export-access-entries.sh", StringComparison.Ordinal) == true).Run!;
        Assert.Contains("kubectl -n kube-system get configmap aws-auth -o yaml", export, StringComparison.Ordinal);
        Assert.Contains("kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json", export, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "docs", "export-access-entries.sh")));
        Assert.Contains(Audit.Steps("audit"), s => s.Uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
        var fail = Assert.Single(Audit.Steps("audit"), s => s.Node.Child("if").Text() == "steps.audit.outputs.rc == '1'");
        Assert.Contains("exit 1", fail.Run, StringComparison.Ordinal);
    }
}
