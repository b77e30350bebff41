using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the plan's RBAC objects as rbac.authorization.k8s.io/v1 manifests, one document each.</summary>
public static class RbacRenderer
{
    public const string ApiVersion = "rbac.authorization.k8s.io/v1";
    public const string ApiGroup = "rbac.authorization.k8s.io";

    public static string Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var rbac = plan.Rbac;
        return rbac.ClusterRoles.Count + rbac.ClusterRoleBindings.Count + rbac.RoleBindings.Count == 0 ? "" : Yaml.EmitWith(rbac, Write);
    }

    /// <summary>Every object as a document of its own: cluster roles, then cluster role bindings, then role bindings.</summary>
    internal static void Write(Yaml.EventWriter yaml, RbacPlan rbac)
    {
        foreach (var role in rbac.ClusterRoles)
        {
            WriteClusterRole(yaml, role);
        }

        foreach (var binding in rbac.ClusterRoleBindings)
        {
            WriteBinding(yaml, "ClusterRoleBinding", binding.Name, null, binding.ClusterRole, binding.Group);
        }

        foreach (var binding in rbac.RoleBindings)
        {
            WriteBinding(yaml, "RoleBinding", binding.Name, binding.Namespace, binding.ClusterRole, binding.Group);
        }
    }

    private static void WriteClusterRole(Yaml.EventWriter yaml, ClusterRolePlan role)
    {
        yaml.BeginMap();
        yaml.Pair("apiVersion", ApiVersion);
        yaml.Pair("kind", "ClusterRole");
        ObjectMetadata.Write(yaml, role.Name, null);
        yaml.Key("rules");
        yaml.BeginSequence();
        foreach (var rule in role.Rules)
        {
            yaml.BeginMap();
            WriteListIfAny(yaml, "apiGroups", rule.ApiGroups);
            WriteListIfAny(yaml, "resources", rule.Resources);
            WriteListIfAny(yaml, "resourceNames", rule.ResourceNames);
            WriteListIfAny(yaml, "nonResourceURLs", rule.NonResourceUrls);
            yaml.Key("verbs");
            yaml.Strings(rule.Verbs);
            yaml.EndMap();
        }

        yaml.EndSequence();
        yaml.EndMap();
    }

    private static void WriteListIfAny(Yaml.EventWriter yaml, string key, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            yaml.Key(key);
            yaml.Strings(values);
        }
    }

    private static void WriteBinding(Yaml.EventWriter yaml, string kind, string name, string? ns, string clusterRole, string group)
    {
        yaml.BeginMap();
        yaml.Pair("apiVersion", ApiVersion);
        yaml.Pair("kind", kind);
        ObjectMetadata.Write(yaml, name, ns);
        yaml.Key("roleRef");
        yaml.BeginMap();
        yaml.Pair("apiGroup", ApiGroup);
        yaml.Pair("kind", "ClusterRole");
        yaml.Pair("name", clusterRole);
        yaml.EndMap();
        yaml.Key("subjects");
        yaml.BeginSequence();
        yaml.BeginMap();
        yaml.Pair("kind", "Group");
        yaml.Pair("apiGroup", ApiGroup);
        yaml.Pair("name", group);
        yaml.EndMap();
        yaml.EndSequence();
        yaml.EndMap();
    }
}
