using System.Collections.Immutable;
using EksInfra.Access.Planning;
using Pulumi;

namespace EksInfra;

/// <summary>Builds the stack's components from the plan and names its outputs.</summary>
internal static class EksInfraStack
{
    /// <summary>The stack output keys.</summary>
    public static class OutputKeys
    {
        public const string ClusterName = "clusterName";
        public const string Endpoint = "endpoint";
        public const string Kubeconfig = "kubeconfig";
        public const string AccessRoleArns = "accessRoleArns";
        public const string VerifyCommands = "verifyCommands";
    }

    /// <summary>
    /// Every component, named after the cluster: <c>{cluster}-iam</c> (the IAM roles), <c>{cluster}</c>
    /// (the EKS cluster and its node group) and <c>{cluster}-access</c> (RBAC and mapAccounts).
    /// </summary>
    public static Dictionary<string, object?> Build(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var prefix = plan.Cluster.LogicalName;
        var roles = new IamRoles($"{prefix}-iam", plan);
        var cluster = new EksCluster(prefix, plan, roles, new Config("aws").Get("profile"));
        _ = new KubernetesAccess($"{prefix}-access", plan, cluster);
        return Outputs(plan, roles, cluster);
    }

    private static Dictionary<string, object?> Outputs(AccessPlan plan, IamRoles roles, EksCluster cluster)
    {
        var clusterName = plan.Cluster.Name;
        var accessRoles = roles.Access;
        var roleNames = accessRoles.ConvertAll(r => r.Plan.Name);
        return new Dictionary<string, object?>
        {
            // From the config, not from the cluster's outputs: it is known before apply.
            [OutputKeys.ClusterName] = clusterName,
            [OutputKeys.Endpoint] = cluster.Endpoint,
            [OutputKeys.Kubeconfig] = Output.CreateSecret(cluster.KubeconfigJson),
            [OutputKeys.AccessRoleArns] = ByRoleName(roleNames, accessRoles.ConvertAll(r => r.Arn)),
            [OutputKeys.VerifyCommands] = ByRoleName(
                roleNames,
                accessRoles.ConvertAll(r => r.Arn.Apply(plan.Cluster.VerifyCommand))),
        };
    }


    private static Output<ImmutableDictionary<string, string>> ByRoleName(List<string> roleNames, List<Output<string>> values) =>
        Output.All(values).Apply(resolved => roleNames
            .Zip(resolved)
            .ToImmutableDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
}
