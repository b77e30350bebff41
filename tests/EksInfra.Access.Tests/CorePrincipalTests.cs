using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Tests;

/// <summary>How the validator and the planner treat many principals at once: duplicates, shared names, shared documents.</summary>
public class CorePrincipalTests
{
    private static string Stack(string mapRoles, string roles = "", string groups = "") => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
          eks-infra:access:
            authenticationMode: CONFIG_MAP
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
        {{roles}}
            mapRoles:
        {{mapRoles}}
            groups:
              deployers: { clusterRole: edit }
              readers: { clusterRole: view }
        {{groups}}
        """;

    private static string Mapping(string arn, string username, string groups = "[deployers]") => $"""
              - rolearn: {arn}
                username: {username}
                groups: {groups}
        """;

    [Fact]
    public void A_role_mapped_again_under_another_path_and_then_twice_is_reported_against_the_right_first_entry()
    {
        var evaluation = Stacks.EvaluateText(Stack(string.Join("\n",
            Mapping("arn:aws:iam::123456789012:role/x/deployer", "a"),
            Mapping("arn:aws:iam::123456789012:role/y/deployer", "b"),
            Mapping("arn:aws:iam::123456789012:role/y/deployer", "c"),
            Mapping("arn:aws:iam::123456789012:role/Y/Deployer", "d"))));

        var byPath = evaluation.Errors.Where(e => e.Path.EndsWith(".rolearn", StringComparison.Ordinal)).ToDictionary(e => e.Path, e => e.Message);
        Assert.Equal(3, byPath.Count);
        Assert.StartsWith("'arn:aws:iam::123456789012:role/y/deployer' and eks-infra:access.mapRoles[0].rolearn ('arn:aws:iam::123456789012:role/x/deployer') name the same role", byPath["eks-infra:access.mapRoles[1].rolearn"], StringComparison.Ordinal);
        // The third and fourth are the second's ARN (IAM ARNs do not differ by case), so they repeat the second, not the first.
        Assert.StartsWith("'arn:aws:iam::123456789012:role/y/deployer' is mapped twice (first at eks-infra:access.mapRoles[1].rolearn)", byPath["eks-infra:access.mapRoles[2].rolearn"], StringComparison.Ordinal);
        Assert.StartsWith("'arn:aws:iam::123456789012:role/Y/Deployer' is mapped twice (first at eks-infra:access.mapRoles[1].rolearn)", byPath["eks-infra:access.mapRoles[3].rolearn"], StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_listed_out_of_order_or_twice_are_mapped_sorted_and_once_and_grant_each_binding_once()
    {
        var evaluation = Stacks.EvaluateText(Stack(string.Join("\n",
            Mapping("arn:aws:iam::123456789012:role/ci", "ci", "[readers, deployers, readers]"),
            Mapping("arn:aws:iam::123456789012:role/cd", "cd", "[readers]"),
            Mapping("arn:aws:iam::123456789012:role/qa", "qa", "[readers]"))));

        // A group listed twice is an error; the plan of the same model without the repeat is the one to look at.
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.mapRoles[0].groups[2]" && e.Message.Contains("listed twice", StringComparison.Ordinal));
        var plan = Stacks.ValidPlanOf(Stack(string.Join("\n",
            Mapping("arn:aws:iam::123456789012:role/ci", "ci", "[readers, deployers]"),
            Mapping("arn:aws:iam::123456789012:role/cd", "cd", "[readers]"),
            Mapping("arn:aws:iam::123456789012:role/qa", "qa", "[readers]"))));

        var awsAuth = Reparse.AwsAuth(Stacks.Render(plan)["aws-auth.yaml"]);
        Assert.Equal(["deployers", "readers"], awsAuth.Roles.Single(r => r.Username == "ci").Groups);
        var ci = plan.Principals.Single(p => p.Username == "ci");
        Assert.Equal(["deployers", "readers"], ci.Groups);
        Assert.Equal(["ClusterRole edit (cluster-wide), which lets it act as kube-system's service accounts (create pods or tokens there, or impersonate them)", "ClusterRole view (cluster-wide)"], ci.Grants.Select(g => g.ToString()));
        foreach (var reader in plan.Principals.Where(p => p.Username is "cd" or "qa"))
        {
            Assert.Equal("ClusterRole view (cluster-wide)", Assert.Single(reader.Grants).ToString());
        }
    }

    [Fact]
    public void Roles_trusting_the_same_principal_get_the_same_trust_and_each_the_cluster_only()
    {
        var roles = """
                  - name: ci-a
                    username: ci-a
                    groups: [deployers]
                    assumedBy: ["arn:aws:iam::123456789012:role/runner"]
                  - name: ci-b
                    username: ci-b
                    groups: [deployers]
                    assumedBy: ["arn:aws:iam::123456789012:role/runner"]
                  - name: ops
                    username: ops
                    groups: [readers]
                    assumedBy: ["arn:aws:iam::123456789012:role/runner", "arn:aws:iam::123456789012:user/alice"]
            """;
        var plan = Stacks.ValidPlanOf(Stack(Mapping("arn:aws:iam::123456789012:role/cd", "cd"), roles));
        var files = Stacks.Render(plan);

        string[] Trusted(string role) =>
            [.. Reparse.Json(files[$"iam/{role}.json"]).GetProperty("assumeRolePolicy").GetProperty("Statement")[0].GetProperty("Principal").GetProperty("AWS") is var aws
                && aws.ValueKind == System.Text.Json.JsonValueKind.Array ? aws.EnumerateArray().Select(p => p.GetString()!) : [aws.GetString()!]];

        Assert.Equal(["arn:aws:iam::123456789012:role/runner"], Trusted("ci-a"));
        Assert.Equal(["arn:aws:iam::123456789012:role/runner"], Trusted("ci-b"));
        Assert.Equal(["arn:aws:iam::123456789012:role/runner", "arn:aws:iam::123456789012:user/alice"], Trusted("ops"));
        Assert.Equal(["arn:aws:iam::123456789012:root"], Trusted("eks-admin-role"));
        foreach (var role in plan.AccessRoles)
        {
            var describe = Reparse.Json(role.InlinePolicy!.PolicyJson).GetProperty("Statement")[0];
            Assert.Equal("eks:DescribeCluster", describe.GetProperty("Action").GetString());
            Assert.Equal("arn:aws:eks:us-west-2:123456789012:cluster/my-cluster", describe.GetProperty("Resource").GetString());
        }
    }

    [Fact]
    public void Roles_of_one_name_in_other_accounts_each_get_their_own_access_entry_and_the_cluster_accounts_keeps_its_key()
    {
        var yaml = Stack(
            Mapping("arn:aws:iam::123456789012:role/deploy", "deploy-here")
            + "\n" + Mapping("arn:aws:iam::210987654321:role/deploy", "deploy-there")
            + "\n" + Mapping("arn:aws:iam::333333333333:role/ci/Deploy", "deploy-ci"))
            .Replace("authenticationMode: CONFIG_MAP", "authenticationMode: API", StringComparison.Ordinal)
            + """

                mapUsers:
                  - userarn: arn:aws:iam::210987654321:user/deploy
                    username: deploy-user
                    groups: [readers]
            """;
        var plan = Stacks.ValidPlanOf(yaml);

        // pulumi-eks keys the cluster's access entries by this key: a shared key would leave one principal without an entry.
        var entries = plan.AccessEntries.ToDictionary(e => e.PrincipalArn, e => e.Key, StringComparer.Ordinal);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["arn:aws:iam::123456789012:role/deploy"] = "role-deploy",
                ["arn:aws:iam::123456789012:role/eks-admin-role"] = "role-eks-admin-role",
                ["arn:aws:iam::210987654321:role/deploy"] = "role-210987654321-deploy",
                ["arn:aws:iam::333333333333:role/ci/Deploy"] = "role-333333333333-deploy",
                ["arn:aws:iam::210987654321:user/deploy"] = "user-deploy",
            },
            entries);
        Assert.Equal(plan.AccessEntries.Select(e => e.Key).Order(StringComparer.Ordinal), plan.AccessEntries.Select(e => e.Key));
        var rendered = Reparse.Json(Stacks.Render(plan)[StackRenderer.AccessEntriesFile]).GetProperty("accessEntries").EnumerateArray()
            .Select(e => e.GetProperty("principalArn").GetString()!);
        Assert.Equal(entries.Keys.Order(StringComparer.Ordinal), rendered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_role_named_like_another_accounts_key_still_gets_an_entry_of_its_own()
    {
        var yaml = Stack(
            Mapping("arn:aws:iam::123456789012:role/deploy", "deploy-here")
            + "\n" + Mapping("arn:aws:iam::210987654321:role/deploy", "deploy-there")
            + "\n" + Mapping("arn:aws:iam::123456789012:role/210987654321-deploy", "odd-name"))
            .Replace("authenticationMode: CONFIG_MAP", "authenticationMode: API", StringComparison.Ordinal);

        var plan = Stacks.ValidPlanOf(yaml);

        Assert.Equal(plan.AccessEntries.Count, plan.AccessEntries.Select(e => e.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(plan.AccessEntries, e => e.PrincipalArn == "arn:aws:iam::123456789012:role/210987654321-deploy");
        Assert.Contains(plan.AccessEntries, e => e.PrincipalArn == "arn:aws:iam::210987654321:role/deploy");
    }

    [Fact]
    public void Diff_blocks_the_key_change_a_second_principal_of_one_name_from_another_account_causes_and_says_why()
    {
        var before = Stack(Mapping("arn:aws:iam::210987654321:role/deploy", "deploy-there"))
            .Replace("authenticationMode: CONFIG_MAP", "authenticationMode: API", StringComparison.Ordinal);
        var after = Stack(Mapping("arn:aws:iam::210987654321:role/deploy", "deploy-there") + "\n" + Mapping("arn:aws:iam::333333333333:role/deploy", "deploy-third"))
            .Replace("authenticationMode: CONFIG_MAP", "authenticationMode: API", StringComparison.Ordinal);

        var report = EksInfra.Access.Reports.AccessDiff.Compare(Stacks.ValidPlanOf(before), Stacks.ValidPlanOf(after), "main");

        var finding = Assert.Single(report.Findings, f => f.Level == EksInfra.Access.Reports.FindingLevel.Error && f.Subject == "arn:aws:iam::210987654321:role/deploy");
        Assert.Contains("(entry role-deploy) becomes", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("another account's principal of the same name was added", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_says_a_key_lost_its_account_when_the_same_named_principal_of_the_clusters_account_is_removed()
    {
        static string Api(string mappings) => Stack(mappings).Replace("authenticationMode: CONFIG_MAP", "authenticationMode: API", StringComparison.Ordinal);
        var before = Api(Mapping("arn:aws:iam::123456789012:role/deploy", "deploy-here") + "\n" + Mapping("arn:aws:iam::222233334444:role/deploy", "deploy-there"));
        var after = Api(Mapping("arn:aws:iam::222233334444:role/deploy", "deploy-there"));

        var report = EksInfra.Access.Reports.AccessDiff.Compare(Stacks.ValidPlanOf(before), Stacks.ValidPlanOf(after), "main");

        var rekeyed = Assert.Single(report.Findings, f => f.Level == EksInfra.Access.Reports.FindingLevel.Error && f.Subject == "arn:aws:iam::222233334444:role/deploy");
        Assert.Contains("(entry role-222233334444-deploy) becomes", rekeyed.Detail, StringComparison.Ordinal);
        Assert.Contains("the other account's principal of the same name was removed", rekeyed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("was added", rekeyed.Detail, StringComparison.Ordinal);
        var replaced = Assert.Single(report.Findings, f => f.Title == "the access entry is replaced with another principal");
        Assert.Contains("passes to the principal of the same name in account 222233334444", replaced.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("path", replaced.Detail, StringComparison.Ordinal);
    }
}
