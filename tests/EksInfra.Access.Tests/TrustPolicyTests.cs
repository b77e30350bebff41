namespace EksInfra.Access.Tests;

/// <summary>
/// Trust policies that name a role of the stack itself: IAM resolves a trust policy's principals when it is saved and
/// refuses one that names no role ("Invalid principal in policy"), and the cluster's own roles are held by EKS and nodes.
/// </summary>
public class TrustPolicyTests
{
    private static string WithRoles(string roles, string cluster = "") => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: c
            deployerArn: arn:aws:iam::123456789012:role/ci-deploy{{cluster}}
          eks-infra:access:
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - { name: c-admin, path: /platform/, username: eks-admin, groups: [system:masters] }
        {{roles}}
        """;

    private static void Refused(string yaml, string path, string gist)
    {
        var evaluation = Stacks.EvaluateText(yaml);
        Assert.False(evaluation.IsValid);
        Assert.Contains(evaluation.Errors, e => e.Path == path && e.Message.Contains(gist, StringComparison.Ordinal));
    }

    [Fact]
    public void A_role_trusting_a_created_role_by_its_exact_arn_is_valid_and_the_plan_knows_whom_it_trusts()
    {
        var plan = Stacks.ValidPlanOf(WithRoles("""
                  - { name: c-ro, username: ro, groups: [read-only], assumedBy: ["arn:aws:iam::123456789012:role/platform/c-admin"] }
                groups: { read-only: { clusterRole: read-only } }
            """));

        var ro = Assert.Single(plan.Roles, r => r.Name == "c-ro");
        Assert.Equal(["c-admin"], plan.TrustedCreatedRoles(ro).Select(r => r.Name));
        Assert.Empty(plan.TrustedCreatedRoles(Assert.Single(plan.Roles, r => r.Name == "c-admin")));
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/c-admin")]
    [InlineData("arn:aws:iam::123456789012:role/platform/C-ADMIN")]
    public void A_created_role_named_without_its_path_or_in_another_case_is_refused_with_its_arn(string principal) =>
        Refused(
            WithRoles($$"""
                      - { name: c-ro, username: ro, groups: [read-only], assumedBy: ["{{principal}}"] }
                    groups: { read-only: { clusterRole: read-only } }
                """),
            "eks-infra:access.roles[1].assumedBy[0]",
            "names the role 'c-admin' this stack creates, whose ARN is 'arn:aws:iam::123456789012:role/platform/c-admin'");

    [Fact]
    public void A_bare_account_id_is_refused_with_the_root_arn_to_write() =>
        Refused(
            WithRoles("""
                      - { name: c-ro, username: ro, groups: [read-only], assumedBy: ["123456789012"] }
                    groups: { read-only: { clusterRole: read-only } }
                """),
            "eks-infra:access.roles[1].assumedBy[0]",
            "'123456789012' is an account id; write it as arn:aws:iam::123456789012:root");

    [Fact]
    public void A_role_trusting_itself_is_refused() =>
        Refused(
            WithRoles("""
                  - { name: c-ro, username: ro, groups: [read-only], assumedBy: ["arn:aws:iam::123456789012:role/c-ro"] }
                groups: { read-only: { clusterRole: read-only } }
            """),
            "eks-infra:access.roles[1].assumedBy[0]",
            "'c-ro' cannot trust itself");

    [Fact]
    public void Two_roles_trusting_each_other_are_refused_on_both_sides()
    {
        var yaml = WithRoles("""
                  - { name: c-a, username: a, groups: [read-only], assumedBy: ["arn:aws:iam::123456789012:role/c-b"] }
                  - { name: c-b, username: b, groups: [read-only], assumedBy: ["arn:aws:iam::123456789012:role/c-a"] }
                groups: { read-only: { clusterRole: read-only } }
            """);
        Refused(yaml, "eks-infra:access.roles[1].assumedBy[0]", "'c-b' trusts 'c-a' in turn");
        Refused(yaml, "eks-infra:access.roles[2].assumedBy[0]", "'c-a' trusts 'c-b' in turn");
    }

    [Theory]
    [InlineData("eks-cluster-role", "the cluster's service role")]
    [InlineData("eks-node-role", "a node role of this cluster")]
    [InlineData("c-workers", "a node role of this cluster")]
    [InlineData("KarpenterNodeRole", "a node role of this cluster")]
    [InlineData("c-fargate-batch", "a Fargate pod execution role of this cluster")]
    public void A_role_trusting_a_role_of_the_cluster_itself_is_refused(string trusted, string what) =>
        Refused(
            WithRoles(
                $$"""
                      - { name: c-ro, username: ro, groups: [read-only], assumedBy: ["arn:aws:iam::123456789012:role/{{trusted}}"] }
                    groups: { read-only: { clusterRole: read-only } }
                    nodeRoles: [{ rolearn: "arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole", kind: linux }]
                """,
                """

                    vpcId: vpc-0a1b2c3d4e5f60718
                    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
                    nodeRoles: [c-workers]
                    nodeGroups: [{ name: general }, { name: work, nodeRole: c-workers }]
                    fargateProfiles: [{ name: batch, selectors: [{ namespace: batch }] }]
                """),
            "eks-infra:access.roles[1].assumedBy[0]",
            $"is {what}");

    [Fact]
    public void A_created_role_on_the_service_linked_path_is_refused_in_every_mode()
    {
        foreach (var mode in new[] { "CONFIG_MAP", "API_AND_CONFIG_MAP", "API" })
        {
            var yaml = WithRoles("""
                      - { name: c-ro, path: /aws-service-role/eks.amazonaws.com/, username: ro, groups: [read-only] }
                    groups: { read-only: { clusterRole: read-only } }
                """).Replace("authenticationMode: API_AND_CONFIG_MAP", $"authenticationMode: {mode}", StringComparison.Ordinal);
            var evaluation = Stacks.EvaluateText(yaml);
            Assert.False(evaluation.IsValid, mode);
            var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:access.roles[1].path");
            Assert.Contains("IAM keeps for service-linked roles and refuses in CreateRole", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("c-jump", "c-hop", "IAM role c-jump is deleted while c-hop still trusts it")]
    [InlineData("c-hop", "c-admin", "IAM role c-hop is deleted while c-admin still trusts it (a cluster admin role)")]
    public void Diff_refuses_deleting_a_role_that_a_kept_role_still_trusts(string deleted, string trusting, string title)
    {
        var before = Chain("\"arn:aws:iam::123456789012:role/sre/oncall\"");
        var after = string.Join('\n', before.Split('\n').Where(l => !l.Contains($"name: {deleted},", StringComparison.Ordinal)));

        var findings = Stacks.DiffFindings(before, after);

        var error = Assert.Single(findings, f => f.Level == Reports.FindingLevel.Error);
        Assert.Equal((title, $"arn:aws:iam::123456789012:role/{(trusting == "c-admin" ? "platform/" : "")}{trusting}"), (error.Title, error.Subject));
        Assert.Contains($"Remove arn:aws:iam::123456789012:role/{deleted} from {trusting}'s assumedBy in the same change", error.Detail, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Level == Reports.FindingLevel.Danger && f.Title == $"IAM role {deleted} is deleted");
        // Deleting the one nothing trusts is the plain danger it was.
        Assert.DoesNotContain(Stacks.DiffFindings(before, string.Join('\n', before.Split('\n').Where(l => !l.Contains("name: c-other,", StringComparison.Ordinal)))), f => f.Level == Reports.FindingLevel.Error);
    }

    private static string Chain(string jumpTrust) => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: c
          eks-infra:access:
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - { name: c-admin, path: /platform/, username: eks-admin, groups: [system:masters], assumedBy: ["arn:aws:iam::123456789012:role/c-hop"] }
              - { name: c-hop, username: hop, groups: [readers], assumedBy: ["arn:aws:iam::123456789012:role/c-jump"] }
              - { name: c-jump, username: jump, groups: [readers], assumedBy: [{{jumpTrust}}] }
              - { name: c-other, username: other, groups: [readers], assumedBy: [{{jumpTrust}}] }
            groups:
              readers: { clusterRole: view }
        """;

    [Fact]
    public void Diff_calls_a_wider_trust_on_a_role_that_chains_to_a_cluster_admin_role_a_danger()
    {
        // c-jump may assume c-hop, which may assume c-admin: opening c-jump to the account opens cluster admin to it.
        var before = Chain("\"arn:aws:iam::123456789012:role/sre/oncall\"");
        var after = Chain("\"arn:aws:iam::123456789012:role/sre/oncall\", \"arn:aws:iam::123456789012:root\"");

        var findings = Stacks.DiffFindings(before, after);

        var jump = Assert.Single(findings, f => f.Subject == "arn:aws:iam::123456789012:role/c-jump");
        Assert.Equal(Reports.FindingLevel.Danger, jump.Level);
        Assert.Equal("who may assume c-jump widens (whoever assumes it may then assume the cluster admin role c-admin)", jump.Title);
        Assert.Contains("+ arn:aws:iam::123456789012:root", jump.Detail, StringComparison.Ordinal);
        // The same widening on a role nothing chains from stays a change.
        var other = Assert.Single(findings, f => f.Subject == "arn:aws:iam::123456789012:role/c-other");
        Assert.Equal((Reports.FindingLevel.Changed, "who may assume c-other widens"), (other.Level, other.Title));
    }
}
