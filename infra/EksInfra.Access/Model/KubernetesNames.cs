using System.Text.RegularExpressions;

namespace EksInfra.Access.Model;

/// <summary>The naming rules of Kubernetes and of EKS access entries that the model must respect.</summary>
public static partial class KubernetesNames
{
    public const string SystemMasters = "system:masters";

    /// <summary>The label on every Kubernetes object the stack writes, so a reader of the cluster can tell where it came from.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "eks-infra";
    public const string NodeUsername = "system:node:{{EC2PrivateDNSName}}";
    public static readonly IReadOnlyList<string> NodeGroups = ["system:bootstrappers", "system:nodes"];

    /// <summary>AWS, "Deploy Windows nodes on EKS clusters": a Windows node role also needs this group, or kube-proxy cannot start.</summary>
    public const string KubeProxyWindows = "eks:kube-proxy-windows";

    public static readonly IReadOnlyList<string> WindowsNodeGroups = [KubeProxyWindows, "system:bootstrappers", "system:nodes"];

    /// <summary>AWS, "Amazon EKS Pod execution IAM role": Fargate's kubelet registers under the session name.</summary>
    public const string FargateUsername = "system:node:{{SessionName}}";

    public static readonly IReadOnlyList<string> FargateGroups = ["system:bootstrappers", "system:node-proxier", "system:nodes"];

    /// <summary>ClusterRoles every cluster has; a group may bind to them without the stack defining them.</summary>
    public static readonly IReadOnlyList<string> BuiltInClusterRoles = ["admin", "cluster-admin", "edit", "view"];

    /// <summary>Username prefixes EKS access entries refuse.</summary>
    public static readonly IReadOnlyList<string> ReservedUsernamePrefixes = ["system:", "eks:", "aws:", "amazon:", "iam:"];

    public static readonly IReadOnlyList<string> UsernameTemplates = ["{{AccountID}}", "{{SessionName}}", "{{SessionNameRaw}}", "{{EC2PrivateDNSName}}", "{{AccessKeyID}}"];

    public static bool IsSystemGroup(string group) => group.StartsWith("system:", StringComparison.Ordinal);

    /// <summary>A namespace name: a DNS-1123 label.</summary>
    public static bool IsDns1123Label(string name) => name.Length <= 63 && Dns1123Label().IsMatch(name);

    public static bool IsValidGroupName(string name) => name.Length <= 256 && GroupName().IsMatch(name);

    public static bool IsValidClusterRoleName(string name) => name.Length <= 253 && ClusterRoleName().IsMatch(name);

    public static IEnumerable<string> TemplatesIn(string username) => Template().Matches(username).Select(m => m.Value);

    /// <summary>Kebab-case form for Pulumi logical names: lower case, runs of other characters become one dash.</summary>
    public static string Kebab(string text) => NonKebab().Replace(text.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9:._@-]*$")]
    private static partial Regex GroupName();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$")]
    private static partial Regex ClusterRoleName();

    [GeneratedRegex(@"\{\{[^}]*\}\}")]
    private static partial Regex Template();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonKebab();
}

/// <summary>The EKS access policies a principal's access entry may be associated with.</summary>
public static class EksAccessPolicies
{
    public const string ClusterAdmin = "AmazonEKSClusterAdminPolicy";

    public static readonly IReadOnlyList<string> Known =
    [
        "AmazonEKSAdminPolicy",
        "AmazonEKSAdminViewPolicy",
        ClusterAdmin,
        "AmazonEKSEditPolicy",
        "AmazonEKSViewPolicy",
    ];

    public static string Arn(string partition, string policyName) => $"arn:{partition}:eks::aws:cluster-access-policy/{policyName}";

    public static bool GrantsClusterAdmin(string policyName) => policyName == ClusterAdmin;
}
