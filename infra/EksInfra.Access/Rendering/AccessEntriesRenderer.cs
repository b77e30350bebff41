using System.Text.Json.Nodes;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the access entries with the EKS API's field names (CreateAccessEntry, AssociateAccessPolicy).</summary>
public static class AccessEntriesRenderer
{
    public static string Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Json.Write(new JsonObject
        {
            ["clusterName"] = plan.Cluster.Name,
            ["authenticationMode"] = plan.Mode.ToConfigValue(),
            ["accessEntries"] = new JsonArray([.. plan.AccessEntries.Select(Entry)]),
        });
    }

    /// <summary>EKS refuses a username, groups or policies on an EC2_LINUX, EC2_WINDOWS or FARGATE_LINUX entry, so none are written.</summary>
    private static JsonObject Entry(AccessEntryPlan entry) => entry.Type != AccessPlanner.AccessEntryTypeStandard
        ? new JsonObject { ["principalArn"] = entry.PrincipalArn, ["type"] = entry.Type }
        : new()
    {
        ["principalArn"] = entry.PrincipalArn,
        ["type"] = entry.Type,
        ["username"] = entry.Username,
        ["kubernetesGroups"] = Json.Strings(entry.KubernetesGroups),
        ["accessPolicies"] = new JsonArray([.. entry.AccessPolicies.Select(p => (JsonNode)new JsonObject
        {
            ["policyArn"] = p.PolicyArn,
            ["accessScope"] = p.Scope.Type == "cluster"
                ? new JsonObject { ["type"] = p.Scope.Type }
                : new JsonObject { ["type"] = p.Scope.Type, ["namespaces"] = Json.Strings(p.Scope.Namespaces) },
        })]),
    };
}
