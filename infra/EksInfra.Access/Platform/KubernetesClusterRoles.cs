namespace EksInfra.Access.Platform;

/// <summary>
/// ClusterRoles every EKS cluster has without this stack: a group may bind to them, and the stack may not define one
/// of the same name (the API server reconciles its bootstrap roles at every start, so a stack-defined copy would be
/// overwritten).
/// Source: Kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, ClusterRoles(), whose output is
/// pinned in testdata/cluster-roles.yaml; the controllers' roles come from controller_policy.go and are all named
/// system:controller:NAME. EKS creates ClusterRoles of its own named eks:NAME (eks:addon-manager, eks:node-manager,
/// ...); no AWS page lists them and they change with platform versions, so the prefix is accepted and reported.
/// Checked 2026-12-01 (the core names against a stored copy of policy.go; the list is the one Kubernetes 1.2x-1.3x
/// clusters show in `kubectl get clusterroles`).
/// </summary>
public static class KubernetesClusterRoles
{
    /// <summary>The user-facing roles (Kubernetes docs, "Using RBAC Authorization", section "User-facing roles").</summary>
    public static IReadOnlyList<string> UserFacing { get; } = ["admin", "cluster-admin", "edit", "view"];

    public static IReadOnlyList<string> Bootstrap { get; } =
    [
        "admin",
        "cluster-admin",
        "edit",
        "system:aggregate-to-admin",
        "system:aggregate-to-edit",
        "system:aggregate-to-view",
        "system:auth-delegator",
        "system:basic-user",
        "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
        "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
        "system:certificates.k8s.io:kube-apiserver-client-approver",
        "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
        "system:certificates.k8s.io:kubelet-serving-approver",
        "system:certificates.k8s.io:legacy-unknown-approver",
        "system:discovery",
        "system:heapster",
        "system:kube-aggregator",
        "system:kube-controller-manager",
        "system:kube-dns",
        "system:kube-scheduler",
        "system:kubelet-api-admin",
        "system:monitoring",
        "system:node",
        "system:node-bootstrapper",
        "system:node-problem-detector",
        "system:node-proxier",
        "system:persistent-volume-provisioner",
        "system:public-info-viewer",
        "system:service-account-issuer-discovery",
        "system:volume-scheduler",
        "view",
    ];

    public const string ControllerPrefix = "system:controller:";
    public const string EksPrefix = "eks:";

    /// <summary>A ClusterRole the cluster brings: Kubernetes' bootstrap roles, its controllers' roles, or one of EKS's.</summary>
    public static bool IsProvided(string name) =>
        Bootstrap.Contains(name) || IsControllerRole(name) || IsEksRole(name);

    public static bool IsControllerRole(string name) => name.StartsWith(ControllerPrefix, StringComparison.Ordinal) && name.Length > ControllerPrefix.Length;

    public static bool IsEksRole(string name) => name.StartsWith(EksPrefix, StringComparison.Ordinal) && name.Length > EksPrefix.Length;
}
