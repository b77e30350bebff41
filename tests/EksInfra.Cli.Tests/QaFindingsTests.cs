using System.Text.Json;

namespace EksInfra.Cli.Tests;

/// <summary>
/// Found in QA review of the tool's verbs: what a reviewer must see in a diff, an import or a migration.
/// </summary>
public sealed class QaFindingsTests : IDisposable
{
    private const string CustomRoleStack = """
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
          eks-infra:access:
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/ci/deployer
                username: ci-deployer
                groups: [deployers]
            groups:
              deployers:
                clusterRole: pod-reader
            clusterRoles:
              pod-reader:
                rules:
                  - apiGroups: [""]
                    resources: [pods]
                    verbs: [get, list]
        """;

    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    private CliResult Diff(string stack, string baseText, string headText)
    {
        project.SetBase(stack, baseText);
        project.WriteStack(stack, headText);
        return project.Run("diff", stack, "--base", "base", "--format", "json");
    }

    private static List<(string Level, string Subject, string Title)> Findings(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Out);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("level").GetString()!, f.GetProperty("subject").GetString()!, f.GetProperty("title").GetString()!))];
    }

    [Fact]
    public void Diff_reports_a_foreign_account_added_to_an_admin_roles_trust_policy()
    {
        // Anyone in account 999999999999 can now assume the system:masters role; diff says
        // "No change in who can access the cluster" because it compares Kubernetes grants only, never assumedBy.
        var baseText = project.ReadStack("dev");
        var head = baseText.Replace(
            "        groups: [system:masters]\n        assumedBy: [\"arn:aws:iam::123456789012:root\"]",
            "        groups: [system:masters]\n        assumedBy: [\"arn:aws:iam::123456789012:root\", \"arn:aws:iam::999999999999:root\"]",
            StringComparison.Ordinal);
        Assert.NotEqual(baseText, head);

        var result = Diff("dev", baseText, head);

        var findings = Findings(result);
        Assert.Contains(findings, f => f.Level == "danger" && f.Subject == "arn:aws:iam::123456789012:role/eks-admin-role");
    }

    [Fact]
    public void Diff_reports_a_custom_cluster_role_widened_to_everything()
    {
        // pod-reader goes from get/list on pods to * on * in every API group, making ci-deployer a cluster admin
        // in all but name. The grant is still "ClusterRole pod-reader (cluster-wide)", so diff sees no change.
        var head = CustomRoleStack
            .Replace("apiGroups: [\"\"]", "apiGroups: [\"*\"]", StringComparison.Ordinal)
            .Replace("resources: [pods]", "resources: [\"*\"]", StringComparison.Ordinal)
            .Replace("verbs: [get, list]", "verbs: [\"*\"]", StringComparison.Ordinal);

        var result = Diff("dev", CustomRoleStack, head);

        Assert.Contains(Findings(result), f => f.Subject.Contains("pod-reader", StringComparison.Ordinal) || f.Subject == "arn:aws:iam::123456789012:role/ci/deployer");
    }

    [Fact]
    public void Diff_reports_that_a_created_admin_role_is_deleted_when_it_moves_to_mapRoles()
    {
        // The role leaves roles[], so `pulumi up` deletes the IAM role; the mapRoles entry then names a role that
        // no longer exists and the only admin is gone. Same ARN, same grants: diff reports no change, exit 0,
        // and the last-admin guard never fires.
        var head = CustomRoleStack.Replace(
            "    roles:\n      - name: eks-admin-role\n        username: eks-admin\n        groups: [system:masters]\n    mapRoles:\n",
            "    mapRoles:\n      - rolearn: arn:aws:iam::123456789012:role/eks-admin-role\n        username: eks-admin\n        groups: [system:masters]\n",
            StringComparison.Ordinal);
        Assert.NotEqual(CustomRoleStack, head);

        var result = Diff("dev", CustomRoleStack, head);

        Assert.Contains(Findings(result), f => f.Subject == "arn:aws:iam::123456789012:role/eks-admin-role" && f.Level is "error" or "danger");
    }

    [Fact]
    public void Diff_reports_a_new_mapAccounts_entry()
    {
        // mapAccounts lets every IAM principal of the account authenticate (as system:authenticated); adding an
        // account is invisible in the diff ("No change in who can access the cluster").
        var baseText = CustomRoleStack.Replace("API_AND_CONFIG_MAP", "CONFIG_MAP", StringComparison.Ordinal);
        var head = baseText + "\n    mapAccounts: [\"111122223333\"]\n";

        var result = Diff("dev", baseText, head);

        Assert.Contains(Findings(result), f => f.Subject.Contains("111122223333", StringComparison.Ordinal) || f.Title.Contains("111122223333", StringComparison.Ordinal));
    }

    [Fact]
    public void Diff_still_blocks_a_backward_mode_move_when_the_base_version_has_an_error()
    {
        // The base is API_AND_CONFIG_MAP but has one unrelated error (an undeclared group). Diff drops the whole
        // base, skips every guard, shows all grants as new and exits 0, so the backward move CI should block passes.
        var baseText = project.ReadStack("dev").Replace("groups: [read-only]", "groups: [read-onyl]", StringComparison.Ordinal);
        var head = project.ReadStack("dev").Replace("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP", StringComparison.Ordinal);

        var result = Diff("dev", baseText, head);

        Assert.Equal(1, result.ExitCode);
    }
}
