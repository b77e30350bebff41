using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Renders each IAM role the stack creates: its trust policy and its permission policies.</summary>
public static class IamRenderer
{
    public static string Render(IamRolePlan role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return Json.Write(role, static (json, role) =>
        {
            json.WriteStartObject();
            json.WriteString("roleName", role.Name);
            json.WriteString("path", role.IamPath);
            json.WriteString("arn", role.Arn);
            json.WritePropertyName("assumeRolePolicy");
            Json.WriteParsed(json, role.TrustPolicyJson);
            json.WriteStartArray("managedPolicyArns");
            foreach (var policy in role.ManagedPolicies)
            {
                json.WriteStringValue(policy.PolicyArn);
            }

            json.WriteEndArray();
            json.WriteStartObject("inlinePolicies");
            if (role.InlinePolicy is { } inline)
            {
                json.WritePropertyName(inline.Name);
                Json.WriteParsed(json, inline.PolicyJson);
            }

            json.WriteEndObject();
            if (role.MaxSessionDuration is { } seconds)
            {
                json.WriteNumber("maxSessionDuration", seconds);
            }

            json.WriteEndObject();
        });
    }

    public static string FileName(IamRolePlan role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return $"{role.Name}.json";
    }
}
