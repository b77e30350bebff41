using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// Endpoint changes that cut callers off: EKS answers a cluster with public access off only from within its VPC (or a network connected to it), and a
/// public endpoint only from its publicAccessCidrs (EKS API, VpcConfigRequest). `diff` calls them dangers.
/// </summary>
public class EndpointDiffTests
{
    private static string With(string network) =>
        Stacks.Minimal().Replace("    name: my-cluster\n", $"    name: my-cluster\n    vpcId: vpc-0a1b2c3d4e5f60718\n    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n{network}", StringComparison.Ordinal);

    private static DiffFinding Only(IReadOnlyList<DiffFinding> findings, string subject)
    {
        var finding = Assert.Single(findings, f => f.Subject == subject);
        Assert.Equal(FindingLevel.Danger, finding.Level);
        return finding;
    }

    [Fact]
    public void Turning_public_access_off_is_a_danger_naming_the_vpc_and_its_config_path()
    {
        var finding = Only(Stacks.DiffFindings(With("    endpointPrivateAccess: true\n"), With("    endpointPublicAccess: false\n    endpointPrivateAccess: true\n")), "eks-infra:cluster.endpointPublicAccess");

        Assert.Equal("the cluster's public endpoint is turned off: the API is reachable only from inside its VPC or a network connected to it", finding.Title);
        Assert.Contains("kubectl", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("a runner that reaches the VPC", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("vpc-0a1b2c3d4e5f60718", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "[0.0.0.0/0 (EKS's default)] → [52.12.34.56/32]", "0.0.0.0/0")]
    [InlineData("    publicAccessCidrs: [\"52.12.34.0/24\"]\n", "    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "[52.12.34.0/24] → [52.12.34.56/32]", "52.12.34.0/24")]
    [InlineData("    publicAccessCidrs: [\"52.12.34.56/32\", \"54.1.2.3/32\"]\n", "    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "[52.12.34.56/32, 54.1.2.3/32] → [52.12.34.56/32]", "54.1.2.3/32")]
    public void Narrowing_who_may_reach_the_public_endpoint_is_a_danger(string from, string to, string change, string lost)
    {
        var finding = Only(Stacks.DiffFindings(With(from), With(to)), "eks-infra:cluster.publicAccessCidrs");

        Assert.Contains(change, finding.Title, StringComparison.Ordinal);
        Assert.Contains($"no longer covered: {lost}", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("CI runners", finding.Detail, StringComparison.Ordinal);
        // With no private endpoint, nodes reach the API through the public one, from their NAT gateway's address.
        Assert.Contains("nodes and Fargate pods", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    publicAccessCidrs: [\"52.12.34.0/25\", \"52.12.34.128/25\"]\n", "    publicAccessCidrs: [\"52.12.34.0/24\"]\n")]
    [InlineData("    publicAccessCidrs: [\"52.12.34.0/24\"]\n", "    publicAccessCidrs: [\"52.12.34.0/25\", \"52.12.34.128/25\"]\n")]
    public void Keeping_the_same_addresses_in_other_blocks_is_no_finding(string from, string to) =>
        Assert.DoesNotContain(Stacks.DiffFindings(With(from), With(to)), f => f.Subject.StartsWith("eks-infra:cluster.endpoint", StringComparison.Ordinal) || f.Subject == "eks-infra:cluster.publicAccessCidrs");

    /// <summary>
    /// Widening cuts no one off, but it is who may reach the API server at all (VpcConfigRequest, publicAccessCidrs: "The
    /// default value is 0.0.0.0/0"): listed for the reviewer, and a danger when it opens the endpoint to every address.
    /// </summary>
    [Theory]
    [InlineData("    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "    publicAccessCidrs: [\"52.12.34.0/24\"]\n", "eks-infra:cluster.publicAccessCidrs", FindingLevel.Changed, "newly allowed: 52.12.34.0/24")]
    [InlineData("    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "", "eks-infra:cluster.publicAccessCidrs", FindingLevel.Danger, "any address on the internet")]
    [InlineData("    endpointPublicAccess: false\n    endpointPrivateAccess: true\n", "    endpointPrivateAccess: true\n", "eks-infra:cluster.endpointPublicAccess", FindingLevel.Danger, "newly allowed: 0.0.0.0/0")]
    [InlineData("    endpointPublicAccess: false\n    endpointPrivateAccess: true\n", "    endpointPrivateAccess: true\n    publicAccessCidrs: [\"52.12.34.56/32\"]\n", "eks-infra:cluster.endpointPublicAccess", FindingLevel.Changed, "newly allowed: 52.12.34.56/32")]
    public void Widening_who_may_reach_the_public_endpoint_is_listed(string from, string to, string subject, FindingLevel level, string gist)
    {
        var finding = Assert.Single(Stacks.DiffFindings(With(from), With(to)), f => f.Subject == subject);

        Assert.Equal(level, finding.Level);
        Assert.Contains(gist, finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>EKS guide, cluster endpoint: in-VPC callers then use the private endpoint, which the control plane security group must admit on 443.</summary>
    [Fact]
    public void Turning_private_access_on_is_a_danger_for_callers_inside_the_vpc()
    {
        var finding = Only(Stacks.DiffFindings(With("    endpointPrivateAccess: false\n"), With("    endpointPrivateAccess: true\n")), "eks-infra:cluster.endpointPrivateAccess");

        Assert.Equal("the cluster's private endpoint is turned on: callers inside the VPC move to it", finding.Title);
        Assert.Contains("security group must allow on port 443", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(With("    endpointPrivateAccess: true\n"), With("    endpointPrivateAccess: true\n")), f => f.Subject == "eks-infra:cluster.endpointPrivateAccess");
    }

    [Fact]
    public void Turning_private_access_off_behind_narrowed_cidrs_is_a_danger_for_the_nodes()
    {
        const string Cidrs = "    publicAccessCidrs: [\"52.12.34.56/32\"]\n";
        var finding = Only(Stacks.DiffFindings(With("    endpointPrivateAccess: true\n" + Cidrs), With(Cidrs)), "eks-infra:cluster.endpointPrivateAccess");

        Assert.Contains("private endpoint is turned off", finding.Title, StringComparison.Ordinal);
        Assert.Contains("52.12.34.56/32", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("NAT gateway", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>EKS guide: with the private endpoint off, "Kubernetes API requests that originate from within your cluster's VPC ... leave the VPC".</summary>
    [Fact]
    public void Turning_private_access_off_with_an_open_public_endpoint_is_a_danger_for_the_nodes()
    {
        var finding = Only(Stacks.DiffFindings(With("    endpointPrivateAccess: true\n"), With("    endpointPrivateAccess: false\n")), "eks-infra:cluster.endpointPrivateAccess");

        Assert.Equal("the cluster's private endpoint is turned off: nodes and pods inside the VPC must reach the public one", finding.Title);
        Assert.Contains("no NAT gateway or other outbound route stop joining", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>EKS networking requirements: subnets change in place, within "the same set of AZs as originally provided".</summary>
    [Fact]
    public void A_change_of_the_clusters_subnets_is_listed_with_the_zone_rule()
    {
        var before = With("");
        var after = before.Replace("privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]", "privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60009]", StringComparison.Ordinal);
        Assert.NotEqual(before, after);

        var finding = Assert.Single(Stacks.DiffFindings(before, after), f => f.Subject == "cluster subnets");

        Assert.Equal(FindingLevel.Changed, finding.Level);
        Assert.Contains("subnet-0a1b2c3d4e5f60002] → [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60009]", finding.Title, StringComparison.Ordinal);
        Assert.Contains("aws ec2 describe-subnets", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(before, before.Replace("[subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]", "[subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60001]", StringComparison.Ordinal)), f => f.Subject == "cluster subnets");
    }

    [Fact]
    public void An_invalid_base_still_has_its_endpoint_compared()
    {
        var broken = Stacks.EvaluateText(Stacks.Edit(With("    endpointPrivateAccess: true\n"), "clusterRole: edit", "clusterRole: [edit]"));
        Assert.Null(broken.Plan);

        var report = AccessDiff.Compare(null, Stacks.ValidPlanOf(With("    endpointPublicAccess: false\n    endpointPrivateAccess: true\n")), "main", broken);

        Only(report.Findings, "eks-infra:cluster.endpointPublicAccess");
    }
}
