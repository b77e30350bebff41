using System.Text.Json.Nodes;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Renders each IAM role the stack creates: its trust policy and its permission policies.</summary>
public static class IamRenderer
{
    public static string Render(IamRolePlan role)
    {
        ArgumentNullException.ThrowIfNull(role);
        var doc = new JsonObject
        {
            ["roleName"] = role.Name,
            ["path"] = role.IamPath,
            ["arn"] = role.Arn,
            ["assumeRolePolicy"] = JsonNode.Parse(role.TrustPolicyJson),
            ["managedPolicyArns"] = Json.Strings(role.ManagedPolicies.Select(p => p.PolicyArn)),
            ["inlinePolicies"] = role.InlinePolicy is { } inline
                ? new JsonObject { [inline.Name] = JsonNode.Parse(inline.PolicyJson) }
                : new JsonObject(),
        };
        if (role.MaxSessionDuration is { } seconds)
        {
            doc["maxSessionDuration"] = seconds;
        }

        return Json.Write(doc);
    }

    public static string FileName(IamRolePlan role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return $"{role.Name}.json";
    }
}
