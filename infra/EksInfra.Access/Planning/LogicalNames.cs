using EksInfra.Access.Model;

namespace EksInfra.Access.Planning;

/// <summary>
/// The Pulumi logical name of every plan item, in kebab case. Kebab case folds case and punctuation, so the
/// validator asks these same functions whether two config names would become one resource.
/// </summary>
public static class LogicalNames
{
    public static string Role(string roleName) => KubernetesNames.Kebab(roleName);

    public static string PolicyAttachment(string roleName, string policyName) => $"{Role(roleName)}-{KubernetesNames.Kebab(policyName)}";

    public static string DescribeClusterPolicy(string roleName) => $"{Role(roleName)}-describe-cluster";

    public static string NodeGroup(string clusterName) => $"{KubernetesNames.Kebab(clusterName)}-node-group";

    /// <summary>A named group of <c>nodeGroups[]</c>; the shorthand keeps <see cref="NodeGroup(string)"/>.</summary>
    public static string NodeGroup(string clusterName, string groupName) => $"{NodeGroup(clusterName)}-{KubernetesNames.Kebab(groupName)}";

    public static string FargateProfile(string clusterName, string profileName) => $"{KubernetesNames.Kebab(clusterName)}-fargate-{KubernetesNames.Kebab(profileName)}";

    public static string ClusterRole(string name) => $"cluster-role-{KubernetesNames.Kebab(name)}";

    public static string ClusterRoleBinding(string group) => $"cluster-role-binding-{KubernetesNames.Kebab(group)}";

    public static string RoleBinding(string ns, string group) => $"role-binding-{ns}-{KubernetesNames.Kebab(group)}";

    public static string AccessPolicy(string policyName) => KubernetesNames.Kebab(policyName);

    public static string Namespace(string ns) => $"namespace-{ns}";

    public static string ResourceQuota(string ns) => $"resource-quota-{ns}";

    public static string LimitRange(string ns) => $"limit-range-{ns}";
}
