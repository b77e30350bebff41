namespace EksInfra.Access.Platform;

public enum AccessPolicyUse
{
    /// <summary>For people and CI: what the access model offers.</summary>
    People,

    /// <summary>For the roles of EKS's own components and of other AWS services (Auto Mode, EKS Capabilities, EMR, SageMaker HyperPod, AWS assistants): EKS takes it, it fits no person.</summary>
    EksComponents,

    /// <summary>"Designated for AWS service-linked roles only and cannot be used with customer-managed roles."</summary>
    ServiceLinkedRolesOnly,
}

/// <summary>
/// The EKS access policies (`aws eks list-access-policies`). Source: EKS User Guide, "Review access policy permissions"
/// (awsdocs/amazon-eks-user-guide latest/ug/manage-access/k8s-access/access-policy-reference.adoc), read 2026-12-01,
/// newest change listed there: AmazonEKSSecretReaderPolicy, 2025-11-06. The page marks the service-linked-only ones
/// with a note; AmazonAIOpsAssistantPolicy and AmazonARCRegionSwitchScalingPolicy appear only in its list output.
/// AmazonEKSACKPolicy, AmazonEKSArgoCDClusterPolicy, AmazonEKSArgoCDPolicy and AmazonEKSKROPolicy: "Security considerations
/// for EKS Capabilities" (capabilities-security.html), the policies EKS associates with a capability's role. The other
/// names below it appear in `aws eks list-access-policies` output of 2026 as published outside AWS (no AWS page of them
/// could be read here), so they are accepted with the components' warning rather than refused as unknown.
/// To update: add the name with its use.
/// </summary>
public static class EksAccessPolicyTable
{
    public static readonly DateOnly TableDate = new(2026, 12, 3);

    public static IReadOnlyDictionary<string, AccessPolicyUse> All { get; } = new SortedDictionary<string, AccessPolicyUse>(StringComparer.Ordinal)
    {
        ["AmazonEKSAdminPolicy"] = AccessPolicyUse.People,
        ["AmazonEKSAdminViewPolicy"] = AccessPolicyUse.People,
        ["AmazonEKSClusterAdminPolicy"] = AccessPolicyUse.People,
        ["AmazonEKSEditPolicy"] = AccessPolicyUse.People,
        ["AmazonEKSSecretReaderPolicy"] = AccessPolicyUse.People,
        ["AmazonEKSViewPolicy"] = AccessPolicyUse.People,
        ["AIDevOpsAgentAccessPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonAIOpsAssistantPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonARCRegionSwitchScalingPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSACKPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSArgoCDClusterPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSArgoCDPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSAutoNodePolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSEventPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSKROPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSLoadBalancingClusterPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSLoadBalancingPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSNetworkingClusterPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSNetworkingPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSPodIdentityPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSSecretAdminPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEMRJobPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonSagemakerHyperpodClusterPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonSagemakerHyperpodControllerPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonSagemakerHyperpodSpacePolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonSagemakerHyperpodSpaceTemplatePolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonSagemakerHyperpodSystemNamespacePolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonSagemakerHyperpodUserClusterPolicy"] = AccessPolicyUse.EksComponents,
        ["AmazonEKSBlockStorageClusterPolicy"] = AccessPolicyUse.ServiceLinkedRolesOnly,
        ["AmazonEKSBlockStoragePolicy"] = AccessPolicyUse.ServiceLinkedRolesOnly,
        ["AmazonEKSClusterInsightsPolicy"] = AccessPolicyUse.ServiceLinkedRolesOnly,
        ["AmazonEKSComputeClusterPolicy"] = AccessPolicyUse.ServiceLinkedRolesOnly,
        ["AmazonEKSComputePolicy"] = AccessPolicyUse.ServiceLinkedRolesOnly,
        ["AmazonEKSHybridPolicy"] = AccessPolicyUse.ServiceLinkedRolesOnly,
    };

    public static IReadOnlyList<string> ForPeople { get; } = [.. All.Where(p => p.Value == AccessPolicyUse.People).Select(p => p.Key)];

    /// <summary>
    /// For the policies for people whose table this tool has read, one request each allows that the next weaker one does not, as `kubectl auth can-i` takes
    /// it (VERB RESOURCE): the way to see an access policy work, since `kubectl auth can-i --list` shows RBAC alone (EKS
    /// User Guide, "Associate access policies with access entries"). Tables: "Review access policy permissions".
    /// </summary>
    public static IReadOnlyDictionary<string, string> CanIProbes { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["AmazonEKSAdminPolicy"] = "create rolebindings.rbac.authorization.k8s.io",
        ["AmazonEKSAdminViewPolicy"] = "list secrets",
        ["AmazonEKSClusterAdminPolicy"] = "'*' '*'",
        ["AmazonEKSEditPolicy"] = "create deployments.apps",
        ["AmazonEKSViewPolicy"] = "list pods",
    };
}
