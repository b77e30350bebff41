namespace EksInfra.Access.Planning;

/// <summary>ClusterRoles this tool defines for every stack that binds a group to them.</summary>
public static class BuiltInRoles
{
    public const string ReadOnlyName = "read-only";

    private static readonly string[] ReadVerbs = ["get", "list", "watch"];

    /// <summary>
    /// What <c>read-only</c> may see. The seed checks access with <c>kubectl get nodes</c>, and nodes are
    /// cluster-scoped and absent from the built-in <c>view</c> role, so they are listed here. Secrets are not:
    /// reading one is a privilege escalation, not a look.
    /// </summary>
    public static ClusterRolePlan ReadOnly { get; } = new(
        LogicalNames.ClusterRole(ReadOnlyName),
        ReadOnlyName,
        [
            Rule([""], ["configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes", "persistentvolumeclaims", "persistentvolumes", "pods", "pods/log", "replicationcontrollers", "resourcequotas", "serviceaccounts", "services"]),
            Rule(["apps"], ["daemonsets", "deployments", "replicasets", "statefulsets"]),
            Rule(["autoscaling"], ["horizontalpodautoscalers"]),
            Rule(["batch"], ["cronjobs", "jobs"]),
            Rule(["discovery.k8s.io"], ["endpointslices"]),
            Rule(["events.k8s.io"], ["events"]),
            Rule(["metrics.k8s.io"], ["nodes", "pods"]),
            Rule(["networking.k8s.io"], ["ingressclasses", "ingresses", "networkpolicies"]),
            Rule(["policy"], ["poddisruptionbudgets"]),
            Rule(["storage.k8s.io"], ["storageclasses"]),
        ]);

    private static PolicyRulePlan Rule(string[] apiGroups, string[] resources) => new(apiGroups, resources, ReadVerbs, [], []);
}
