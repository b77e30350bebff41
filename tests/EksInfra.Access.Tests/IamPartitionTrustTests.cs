using System.Text.Json;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

/// <summary>The IAM documents the tool renders, held against what IAM and EKS accept in each partition the tool plans for.</summary>
public class IamPartitionTrustTests
{
    /// <summary>The compute stack of <see cref="ComputeStacks"/>, moved to a China region (every ARN in aws-cn).</summary>
    private static string ChinaStack() =>
        ComputeStacks.Full("API").Replace("aws:region: us-west-2", "aws:region: cn-north-1", StringComparison.Ordinal)
            .Replace("arn:aws:", "arn:aws-cn:", StringComparison.Ordinal);

    private static IReadOnlyList<string> ServicePrincipals(JsonElement roleFile)
    {
        var service = roleFile.GetProperty("assumeRolePolicy").GetProperty("Statement")[0].GetProperty("Principal").GetProperty("Service");
        return service.ValueKind == JsonValueKind.Array ? [.. service.EnumerateArray().Select(s => s.GetString()!)] : [service.GetString()!];
    }

    /// <summary>
    /// EKS's CreateNodegroup in aws-cn answers InvalidParameterException "Following required service principals
    /// [ec2.amazonaws.com.cn] were not found in the trust relationships of nodeRole arn:aws-cn:iam::..." for a node role
    /// that trusts ec2.amazonaws.com only (awslabs/cdk-eks-blueprints#558, bottlerocket-update-operator#316); the EC2
    /// service principal there carries the partition's DNS suffix (botocore partitions.json: aws-cn dnsSuffix amazonaws.com.cn).
    /// </summary>
    [Fact]
    public void In_aws_cn_every_node_role_trusts_the_china_ec2_service_principal()
    {
        var plan = Stacks.ValidPlanOf(ChinaStack());
        Assert.Equal("aws-cn", plan.Cluster.Partition);
        var files = Stacks.Render(plan);
        var nodeRoles = plan.Roles.Where(r => r.Purpose is RolePurpose.Node or RolePurpose.AdditionalNode).ToList();
        Assert.Equal(2, nodeRoles.Count);

        foreach (var role in nodeRoles)
        {
            var principals = ServicePrincipals(Reparse.Json(files[$"iam/{role.Name}.json"]));
            Assert.True(principals.Contains("ec2.amazonaws.com.cn"), $"{role.Name} trusts [{string.Join(", ", principals)}]; EKS CreateNodegroup in aws-cn requires ec2.amazonaws.com.cn");
        }
    }

    /// <summary>
    /// The guard on the other side: the EKS service principal keeps its global name in aws-cn (IAM answers
    /// MalformedPolicyDocument "Invalid principal in policy: SERVICE: eks.amazonaws.com.cn", terraform-aws-eks#1904).
    /// </summary>
    [Fact]
    public void In_aws_cn_the_cluster_role_still_trusts_eks_amazonaws_com()
    {
        var plan = Stacks.ValidPlanOf(ChinaStack());
        var principals = ServicePrincipals(Reparse.Json(Stacks.Render(plan)[$"iam/{plan.ServiceRole.Name}.json"]));
        Assert.Equal(["eks.amazonaws.com"], principals);
        // The stack has Windows nodes, so the cluster role carries the VPC resource controller too, in the same partition.
        Assert.Equal(
            [$"arn:aws-cn:iam::aws:policy/{AccessPlanner.ClusterManagedPolicy}", $"arn:aws-cn:iam::aws:policy/{AccessPlanner.WindowsClusterManagedPolicy}"],
            plan.ServiceRole.ManagedPolicies.Select(p => p.PolicyArn));
    }
}
