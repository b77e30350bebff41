namespace EksInfra.Access.Tests;

/// <summary>
/// What a stack's partition and account allow: no Fargate in GovCloud, and a cluster creator of the cluster's own
/// account and partition.
/// </summary>
public sealed class PartitionRuleTests
{
    private static string Stack(string region = "us-west-2", string cluster = "", string access = "", string mode = "API") => $$"""
        config:
          aws:region: {{region}}
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
        {{cluster}}
          eks-infra:access:
            authenticationMode: {{mode}}
            roles:
              - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }
        {{access}}
        """;

    private static string Errors(StackEvaluation evaluation) => string.Join("\n", evaluation.Errors);

    /// <summary>
    /// EKS User Guide, nodes/fargate.adoc (and fargate-profile.adoc, eks-compute.adoc): "AWS Fargate with Amazon EKS isn't
    /// available in AWS GovCloud (US-East) and AWS GovCloud (US-West)." CreateFargateProfile cannot succeed there.
    /// </summary>
    [Theory]
    [InlineData("us-gov-west-1")]
    [InlineData("us-gov-east-1")]
    public void A_fargate_profile_in_govcloud_is_refused(string region)
    {
        var evaluation = Stacks.EvaluateText(Stack(region, cluster: """
                vpcId: vpc-0a1b2c3d4e5f60718
                privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
                fargateProfiles:
                  - name: batch
                    selectors: [{ namespace: batch }]
            """));

        Assert.Contains(evaluation.Errors, d => d.Path == "eks-infra:cluster.fargateProfiles[0]" && d.Message.StartsWith("EKS offers no Fargate in AWS GovCloud", StringComparison.Ordinal));
    }

    /// <summary>An existing Fargate pod execution role (access.nodeRoles kind fargate) names a profile that cannot exist in GovCloud either.</summary>
    [Fact]
    public void An_existing_fargate_role_in_govcloud_is_warned()
    {
        var evaluation = Stacks.EvaluateText(Stack("us-gov-west-1", access: """
                nodeRoles:
                  - { rolearn: "arn:aws-us-gov:iam::123456789012:role/fargate-pods", kind: fargate }
            """));

        Assert.Contains(evaluation.Diagnostics, d => d.Path.StartsWith("eks-infra:access.nodeRoles[0]", StringComparison.Ordinal) && d.Message.Contains("GovCloud", StringComparison.Ordinal));
    }

    /// <summary>
    /// EKS CreateCluster makes the caller (the principal whose credentials sign the call, in the cluster's own account)
    /// cluster admin through its own access entry. A principal of another account or partition cannot be that caller, yet
    /// the tool accepts it as deployerArn and lets it satisfy "some principal must be cluster admin".
    /// </summary>
    [Theory]
    [InlineData("arn:aws:iam::999999999999:role/ci/deploy")]
    [InlineData("arn:aws-cn:iam::123456789012:role/ci/deploy")]
    public void A_deployer_outside_the_clusters_account_or_partition_is_refused(string deployer)
    {
        var evaluation = Stacks.EvaluateText($$"""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
                deployerArn: {{deployer}}
              eks-infra:access:
                authenticationMode: API
                mapRoles:
                  - { rolearn: "arn:aws:iam::123456789012:role/dev", username: dev, groups: [devs] }
                groups:
                  devs: { clusterRole: view }
            """);

        var error = Assert.Single(evaluation.Errors, d => d.Path == "eks-infra:cluster.deployerArn");
        Assert.Contains("name the role in 123456789012 that runs `pulumi up`", error.Message, StringComparison.Ordinal);
    }
}
