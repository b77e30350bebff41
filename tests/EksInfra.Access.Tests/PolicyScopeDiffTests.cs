using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// An access policy association's scope: EKS cannot change it in place, so `pulumi up` replaces the association, and a
/// namespaced association that becomes cluster-scoped grants the policy in every namespace, which `diff` calls a danger
/// as it does a group moved to a ClusterRoleBinding.
/// </summary>
public class PolicyScopeDiffTests
{
    private const string Deployer = "arn:aws:iam::123456789012:role/ci/deployer";

    private static string WithPolicy(string namespaces) => Stacks.Minimal(access: "").Replace(
        "        username: ci-deployer\n",
        $"        username: ci-deployer\n        accessPolicies:\n          - policy: AmazonEKSEditPolicy\n{namespaces}",
        StringComparison.Ordinal);

    private static readonly string InPayments = WithPolicy("            namespaces: [payments]\n");

    [Fact]
    public void A_namespaced_policy_made_cluster_wide_is_a_danger_naming_the_namespaces_it_leaves()
    {
        var findings = Stacks.DiffFindings(InPayments, WithPolicy(""));

        var finding = Assert.Single(findings, f => f.Subject == Deployer && f.Title.Contains("AmazonEKSEditPolicy", StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Equal("AmazonEKSEditPolicy widens from namespaces payments to the whole cluster", finding.Title);
        Assert.Contains("in every namespace, kube-system and namespaces made later included", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("removes the association and adds it again", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("            namespaces: [payments, ledger]\n")]
    [InlineData("            namespaces: [ledger]\n")]
    public void Other_scope_changes_are_changes_with_the_gap_they_leave(string namespaces)
    {
        var findings = Stacks.DiffFindings(InPayments, WithPolicy(namespaces));

        var finding = Assert.Single(findings, f => f.Subject == Deployer && f.Title.StartsWith("the scope of AmazonEKSEditPolicy changes", StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Changed, finding.Level);
        Assert.Contains("Apply it when a short gap is acceptable", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, f => f.Level == FindingLevel.Danger && f.Subject == Deployer);
    }
}
