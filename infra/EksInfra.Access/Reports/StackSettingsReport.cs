using System.Text;
using System.Text.Json.Nodes;
using EksInfra.Access.Model;

namespace EksInfra.Access.Reports;

/// <summary>The settings CI needs to run a stack (region, account, whether the endpoint is private only), read by the one binder.</summary>
public sealed record StackSettings(string Stack, string Region, string AccountId, string AuthenticationMode, bool PrivateEndpoint, string ClusterName, bool PublicAccessRestricted = false)
{
    /// <summary>The names <c>eksinfra stacks --get</c> takes, as the JSON spells them.</summary>
    public static readonly IReadOnlyList<string> Keys = ["accountId", "authenticationMode", "clusterName", "privateEndpoint", "publicAccessRestricted", "region"];

    public static StackSettings Of(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(config.StackName, config.Aws.Region, config.Aws.AccountId, config.Access.Mode.ToConfigValue(), config.Cluster.Network.IsPrivateOnly, config.Cluster.Name, config.Cluster.Network.IsPublicAccessRestricted);
    }

    public string Get(string key) => key switch
    {
        "region" => Region,
        "accountId" => AccountId,
        "authenticationMode" => AuthenticationMode,
        "privateEndpoint" => PrivateEndpoint ? "true" : "false",
        "publicAccessRestricted" => PublicAccessRestricted ? "true" : "false",
        "clusterName" => ClusterName,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, $"no stack setting '{key}'; the settings are {string.Join(", ", Keys)}"),
    };
}

/// <summary>Every stack in promotion order, as a table or as one line of JSON keyed by stack (what a workflow's fromJSON reads).</summary>
public static class StackSettingsReport
{
    public const string First = "dev";
    public const string Last = "prod";

    /// <summary>dev first, prod last, any other stack between them in name order: the order merges are deployed in.</summary>
    public static IReadOnlyList<string> PromotionOrder(IEnumerable<string> stacks)
    {
        ArgumentNullException.ThrowIfNull(stacks);
        var all = stacks.Distinct(StringComparer.Ordinal).ToList();
        return [.. all.Where(s => s == First), .. all.Where(s => s is not First and not Last).Order(StringComparer.Ordinal), .. all.Where(s => s == Last)];
    }

    public static string Render(IReadOnlyList<StackSettings> stacks, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(stacks);
        var ordered = PromotionOrder(stacks.Select(s => s.Stack)).Select(name => stacks.First(s => s.Stack == name)).ToList();
        if (format == ReportFormat.Json)
        {
            var root = new JsonObject();
            foreach (var s in ordered)
            {
                root[s.Stack] = new JsonObject
                {
                    ["region"] = s.Region,
                    ["accountId"] = s.AccountId,
                    ["authenticationMode"] = s.AuthenticationMode,
                    ["privateEndpoint"] = s.PrivateEndpoint,
                    ["publicAccessRestricted"] = s.PublicAccessRestricted,
                    ["clusterName"] = s.ClusterName,
                };
            }

            // One line: a workflow writes it to $GITHUB_OUTPUT as name=value.
            return root.ToJsonString() + "\n";
        }

        var rows = ordered.Select(s => new[] { s.Stack, s.Region, s.AccountId, s.AuthenticationMode, s.PrivateEndpoint ? "private only" : s.PublicAccessRestricted ? "public, restricted" : "public", s.ClusterName })
            .Prepend(["STACK", "REGION", "ACCOUNT", "MODE", "ENDPOINT", "CLUSTER"])
            .ToList();
        var widths = Enumerable.Range(0, 6).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            sb.Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }

        return sb.ToString();
    }
}
