using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the plan's RBAC objects as rbac.authorization.k8s.io/v1 manifests, one document each.</summary>
public static class RbacRenderer
{
    public const string ApiVersion = "rbac.authorization.k8s.io/v1";
    public const string ApiGroup = "rbac.authorization.k8s.io";

    public static string Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var docs = new List<YamlNode>();
        docs.AddRange(plan.Rbac.ClusterRoles.Select(ClusterRole));
        docs.AddRange(plan.Rbac.ClusterRoleBindings.Select(b => Binding("ClusterRoleBinding", b.Name, null, b.ClusterRole, b.Group)));
        docs.AddRange(plan.Rbac.RoleBindings.Select(b => Binding("RoleBinding", b.Name, b.Namespace, b.ClusterRole, b.Group)));
        return docs.Count == 0 ? "" : Yaml.Emit([.. docs]);
    }

    private static YamlMappingNode Metadata(string name, string? ns) => Yaml.Map(
        ("name", Yaml.Str(name)),
        ("namespace", ns is null ? null : Yaml.Str(ns)),
        ("labels", Yaml.Map((KubernetesNames.ManagedByLabel, Yaml.Str(KubernetesNames.ManagedByValue)))));

    private static YamlMappingNode ClusterRole(ClusterRolePlan role) => Yaml.Map(
        ("apiVersion", Yaml.Str(ApiVersion)),
        ("kind", Yaml.Str("ClusterRole")),
        ("metadata", Metadata(role.Name, null)),
        ("rules", Yaml.Seq(role.Rules.Select(rule => Yaml.Map(
            ("apiGroups", rule.ApiGroups.Count > 0 ? Yaml.Strings(rule.ApiGroups) : null),
            ("resources", rule.Resources.Count > 0 ? Yaml.Strings(rule.Resources) : null),
            ("resourceNames", rule.ResourceNames.Count > 0 ? Yaml.Strings(rule.ResourceNames) : null),
            ("nonResourceURLs", rule.NonResourceUrls.Count > 0 ? Yaml.Strings(rule.NonResourceUrls) : null),
            ("verbs", Yaml.Strings(rule.Verbs)))))));

    private static YamlMappingNode Binding(string kind, string name, string? ns, string clusterRole, string group) => Yaml.Map(
        ("apiVersion", Yaml.Str(ApiVersion)),
        ("kind", Yaml.Str(kind)),
        ("metadata", Metadata(name, ns)),
        ("roleRef", Yaml.Map(("apiGroup", Yaml.Str(ApiGroup)), ("kind", Yaml.Str("ClusterRole")), ("name", Yaml.Str(clusterRole)))),
        ("subjects", Yaml.Seq([Yaml.Map(("kind", Yaml.Str("Group")), ("apiGroup", Yaml.Str(ApiGroup)), ("name", Yaml.Str(group)))])));
}
