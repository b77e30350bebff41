using System.Text.Json;
using System.Text.Json.Nodes;

namespace EksInfra.Access.Planning;

/// <summary>IAM policy documents, written by a JSON serializer in a fixed key order.</summary>
public static class IamPolicies
{
    public const string Version = "2012-10-17";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The seed's trust policy for <c>eks-cluster-role</c>: EKS itself assumes the role.</summary>
    public static string ServiceTrust(string service) => Document(new JsonObject
    {
        ["Effect"] = "Allow",
        ["Principal"] = new JsonObject { ["Service"] = service },
        ["Action"] = "sts:AssumeRole",
    });

    /// <summary>
    /// A Fargate pod execution role's trust: EKS's Fargate service, only on behalf of this cluster's profiles. AWS,
    /// "Amazon EKS Pod execution IAM role", recommends the aws:SourceArn condition against the confused-deputy problem.
    /// </summary>
    public static string FargatePodTrust(string fargateProfileArnPattern) => Document(new JsonObject
    {
        ["Effect"] = "Allow",
        ["Condition"] = new JsonObject { ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = fargateProfileArnPattern } },
        ["Principal"] = new JsonObject { ["Service"] = "eks-fargate-pods.amazonaws.com" },
        ["Action"] = "sts:AssumeRole",
    });

    /// <summary>Trust for people and CI: the listed principals may assume the role.</summary>
    public static string AwsPrincipalTrust(IReadOnlyList<string> principals) => Document(new JsonObject
    {
        ["Effect"] = "Allow",
        ["Principal"] = new JsonObject
        {
            ["AWS"] = principals.Count == 1 ? principals[0] : new JsonArray([.. principals.Select(p => (JsonNode)p)]),
        },
        ["Action"] = "sts:AssumeRole",
    });

    /// <summary>Lets a role run <c>aws eks update-kubeconfig</c> for this one cluster and nothing else.</summary>
    public static string DescribeCluster(string clusterArn) => Document(new JsonObject
    {
        ["Effect"] = "Allow",
        ["Action"] = "eks:DescribeCluster",
        ["Resource"] = clusterArn,
    });

    public static string ManagedPolicyArn(string partition, string name) => $"arn:{partition}:iam::aws:policy/{name}";

    private static string Document(JsonObject statement) => new JsonObject
    {
        ["Version"] = Version,
        ["Statement"] = new JsonArray(statement),
    }.ToJsonString(Indented);
}
