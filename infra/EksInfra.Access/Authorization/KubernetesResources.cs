namespace EksInfra.Access.Authorization;

/// <summary>
/// The built-in resources of the Kubernetes API and whether they are namespaced, as
/// <c>kubectl api-resources</c> lists them for Kubernetes 1.31 (the served group of each), with those added up to
/// 1.35 (GA or beta) from the discovery documents kubernetes/kubernetes commits, api/discovery/apis__GROUP__VERSION.json
/// ("namespaced"): networking.k8s.io/v1@95f08499d652a6211121d8af35f470609217c730 (ipaddresses, servicecidrs),
/// storage.k8s.io/v1@96a03f453527c60de35414d2214e4e7adf2eb549 (volumeattributesclasses),
/// resource.k8s.io/v1@a6420fa0f8daa32666688164f2b912bfac93499f (deviceclasses, resourceclaims, resourceclaimtemplates,
/// resourceslices), events.k8s.io/v1@31d0821ab4dd748338e302f34a750a2f8cf7ff98, certificates.k8s.io/v1beta1@7448f3e457265eec980b780625c4a5cc40407a79
/// (clustertrustbundles), coordination.k8s.io/v1beta1@9d2a8fb7c431f0cf55f9671ca9502e5b1fc151ff (leasecandidates),
/// storagemigration.k8s.io/v1beta1@9d2a8fb7c431f0cf55f9671ca9502e5b1fc151ff (storageversionmigrations). Alpha-only
/// resources are left out; the resources impersonation is authorized on are added. A RoleBinding grants only namespaced resources, in its own namespace; cluster-scoped ones
/// (nodes) need a ClusterRoleBinding.
/// </summary>
public static class KubernetesResources
{
    private static readonly (string Group, string Resource, bool Namespaced)[] Table =
    [
        ("", "bindings", true), ("", "componentstatuses", false), ("", "configmaps", true), ("", "endpoints", true),
        ("", "events", true), ("", "limitranges", true), ("", "namespaces", false), ("", "nodes", false),
        ("", "persistentvolumeclaims", true), ("", "persistentvolumes", false), ("", "pods", true), ("", "podtemplates", true),
        ("", "replicationcontrollers", true), ("", "resourcequotas", true), ("", "secrets", true),
        ("", "serviceaccounts", true), ("", "services", true),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", false),
        ("admissionregistration.k8s.io", "validatingadmissionpolicies", false),
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings", false),
        ("admissionregistration.k8s.io", "validatingwebhookconfigurations", false),
        ("apiextensions.k8s.io", "customresourcedefinitions", false),
        ("apiregistration.k8s.io", "apiservices", false),
        ("apps", "controllerrevisions", true), ("apps", "daemonsets", true), ("apps", "deployments", true),
        ("apps", "replicasets", true), ("apps", "statefulsets", true),
        ("authentication.k8s.io", "selfsubjectreviews", false), ("authentication.k8s.io", "tokenreviews", false),
        ("authorization.k8s.io", "localsubjectaccessreviews", true), ("authorization.k8s.io", "selfsubjectaccessreviews", false),
        ("authorization.k8s.io", "selfsubjectrulesreviews", false), ("authorization.k8s.io", "subjectaccessreviews", false),
        ("autoscaling", "horizontalpodautoscalers", true),
        ("batch", "cronjobs", true), ("batch", "jobs", true),
        ("certificates.k8s.io", "certificatesigningrequests", false),
        ("certificates.k8s.io", "clustertrustbundles", false),
        ("coordination.k8s.io", "leases", true), ("coordination.k8s.io", "leasecandidates", true),
        ("discovery.k8s.io", "endpointslices", true),
        ("events.k8s.io", "events", true),
        ("flowcontrol.apiserver.k8s.io", "flowschemas", false), ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", false),
        ("networking.k8s.io", "ingressclasses", false), ("networking.k8s.io", "ingresses", true), ("networking.k8s.io", "networkpolicies", true),
        ("networking.k8s.io", "ipaddresses", false), ("networking.k8s.io", "servicecidrs", false),
        ("node.k8s.io", "runtimeclasses", false),
        ("policy", "poddisruptionbudgets", true),
        ("rbac.authorization.k8s.io", "clusterrolebindings", false), ("rbac.authorization.k8s.io", "clusterroles", false),
        ("rbac.authorization.k8s.io", "rolebindings", true), ("rbac.authorization.k8s.io", "roles", true),
        ("resource.k8s.io", "deviceclasses", false), ("resource.k8s.io", "resourceclaims", true),
        ("resource.k8s.io", "resourceclaimtemplates", true), ("resource.k8s.io", "resourceslices", false),
        ("scheduling.k8s.io", "priorityclasses", false),
        ("storage.k8s.io", "csidrivers", false), ("storage.k8s.io", "csinodes", false), ("storage.k8s.io", "csistoragecapacities", true),
        ("storage.k8s.io", "storageclasses", false), ("storage.k8s.io", "volumeattachments", false),
        ("storage.k8s.io", "volumeattributesclasses", false),
        ("storagemigration.k8s.io", "storageversionmigrations", false),
        // What impersonation is authorized on (apiserver filters impersonation.go): no API objects, but the resources
        // an impersonate rule names; users and groups in the core group, cluster-scoped, and a user's extras and UID in
        // authentication.k8s.io (`APIGroup: gvk.Group` of UserExtra and UID). Service accounts are above.
        ("", "users", false), ("", "groups", false),
        ("authentication.k8s.io", "userextras", false), ("authentication.k8s.io", "uids", false),
    ];

    /// <summary>The group serving a resource named without one, as kubectl resolves it (the core group first).</summary>
    public static string? GroupOf(string resource) =>
        Table.Where(r => r.Resource == resource).Select(r => r.Group).Cast<string?>().FirstOrDefault();

    /// <summary>
    /// The rule's resources that are cluster-scoped in every API group it names, which a RoleBinding never grants;
    /// <c>namespaces</c> is not among them, since a request on one namespace is made in that namespace.
    /// </summary>
    public static List<string> ClusterScoped(Planning.PolicyRulePlan rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.ApiGroups.Contains(RbacRules.All)
            ? []
            : [.. rule.Resources.Where(r => r != RbacRules.All && !r.StartsWith("namespaces", StringComparison.Ordinal)
                && rule.ApiGroups.All(g => IsNamespaced(g, r.Split('/')[0]) == false))];
    }

    /// <summary>True or false for a built-in resource; null for one this table does not know (a custom resource).</summary>
    public static bool? IsNamespaced(string group, string resource) =>
        Table.Where(r => r.Group == group && r.Resource == resource).Select(r => (bool?)r.Namespaced).FirstOrDefault();
}
