using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// A group bound in listed namespaces that becomes bound cluster-wide gains its ClusterRole's rules in every namespace
/// (and on cluster-scoped resources): a widening of access, like a ClusterRole gaining a wildcard, so `diff` calls it a danger.
/// </summary>
public class GroupScopeDiffTests
{
    private static readonly string Staging = File.ReadAllText(Repo.StackFile("staging"));

    private const string Subject = "eks-infra:access.groups.app-deployers.namespaces";

    [Fact]
    public void A_group_moved_from_listed_namespaces_to_cluster_wide_is_a_danger()
    {
        var findings = Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "        namespaces: [apps, apps-jobs]\n", ""));

        var finding = Assert.Single(findings, f => f.Subject == Subject);
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Equal("group app-deployers widens from namespaces apps, apps-jobs to every namespace (cluster-wide)", finding.Title);
        Assert.Contains("ClusterRole edit", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::123456789012:role/ci/github-actions-deployer", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Narrowing_to_namespaces_or_changing_the_list_is_no_widening()
    {
        var clusterWide = Stacks.Edit(Staging, "        namespaces: [apps, apps-jobs]\n", "");

        Assert.DoesNotContain(Stacks.DiffFindings(clusterWide, Staging), f => f.Subject == Subject);
        Assert.DoesNotContain(Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "namespaces: [apps, apps-jobs]", "namespaces: [apps, apps-jobs, apps-batch]")), f => f.Level == FindingLevel.Danger && f.Subject == Subject);
    }
}
