using System.Text.Json;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>
/// Renders the planned access entries in the shape docs/export-access-entries.sh gives the live ones: each entry with
/// DescribeAccessEntry's field names and, as <c>associatedAccessPolicies</c>, the list ListAssociatedAccessPolicies
/// returns for it (policyArn, accessScope). So a planned file and a live one compare field by field, and
/// <c>audit --access-entries</c> reads either.
/// </summary>
public static class AccessEntriesRenderer
{
    public static string Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Json.Write(plan, static (json, plan) =>
        {
            json.WriteStartObject();
            json.WriteString("clusterName", plan.Cluster.Name);
            json.WriteString("authenticationMode", plan.Mode.ToConfigValue());
            json.WriteStartArray("accessEntries");
            foreach (var entry in plan.AccessEntries)
            {
                WriteEntry(json, entry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>EKS refuses a username, groups or policies on an EC2_LINUX, EC2_WINDOWS or FARGATE_LINUX entry, so none are written (its policy list is empty).</summary>
    private static void WriteEntry(Utf8JsonWriter json, AccessEntryPlan entry)
    {
        json.WriteStartObject();
        json.WriteString("principalArn", entry.PrincipalArn);
        json.WriteString("type", entry.Type);
        if (entry.Type == AccessPlanner.AccessEntryTypeStandard)
        {
            json.WriteString("username", entry.Username);
            WriteStrings(json, "kubernetesGroups", entry.KubernetesGroups);
        }

        json.WriteStartArray("associatedAccessPolicies");
        foreach (var policy in entry.AccessPolicies)
        {
            json.WriteStartObject();
            json.WriteString("policyArn", policy.PolicyArn);
            json.WriteStartObject("accessScope");
            json.WriteString("type", policy.Scope.Type);
            if (policy.Scope.Type != "cluster")
            {
                WriteStrings(json, "namespaces", policy.Scope.Namespaces);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
