namespace EksInfra.Access.Tests;

/// <summary>
/// What the platform offers where the stack runs: no Fargate in GovCloud, a cluster creator only of the cluster's own
/// account and partition, and every current instance family EC2 sells.
/// </summary>
public sealed class PlatformAvailabilityTests
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

    /// <summary>
    /// botocore ec2 2016-11-15 service-2.json, shape InstanceType (the EC2 API's enum of instance
    /// types it sells) lists every one of these; none is refused as "EC2 has no instance family" or "not a size EC2 sells", and each runs with an AMI type of its architecture and accelerator.
    /// </summary>
    [Theory]
    [InlineData("c8a.large", "AL2023_x86_64_STANDARD")]
    [InlineData("u7in-16tb.224xlarge", "AL2023_x86_64_STANDARD")]
    [InlineData("u7ib-12tb.224xlarge", "AL2023_x86_64_STANDARD")]
    [InlineData("dl2q.24xlarge", "AL2023_x86_64_STANDARD")]
    [InlineData("c8i.metal-96xl", "AL2023_x86_64_STANDARD")]
    [InlineData("m8id.large", "AL2023_x86_64_STANDARD")]
    [InlineData("m8gn.large", "AL2023_ARM_64_STANDARD")]
    [InlineData("r8gb.large", "AL2023_ARM_64_STANDARD")]
    [InlineData("x8aedz.3xlarge", "AL2023_x86_64_STANDARD")]
    [InlineData("g7e.2xlarge", "AL2023_x86_64_NVIDIA")]
    [InlineData("p6e-gb200.36xlarge", "AL2023_ARM_64_NVIDIA")]
    public void An_instance_type_ec2_sells_is_not_refused(string type, string ami)
    {
        var evaluation = Stacks.EvaluateText(Stack(cluster: $$"""
                nodeGroups:
                  - name: ng
                    instanceTypes: [{{type}}]
                    amiType: {{ami}}
            """));

        Assert.DoesNotContain(evaluation.Diagnostics, d => d.Path.Contains("instanceTypes", StringComparison.Ordinal) || d.Path.Contains("amiType", StringComparison.Ordinal));
    }
}
