using System.Text;
using System.Text.Json.Nodes;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Reports;

public enum ReportFormat
{
    Table,
    Markdown,
    Json,
}

/// <summary>Who can do what in one stack: each principal, its username and groups, and what they grant.</summary>
public static class WhoReport
{
    public static string Render(AccessPlan plan, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return format switch
        {
            ReportFormat.Json => RenderJson(plan),
            ReportFormat.Markdown => RenderMarkdown(plan),
            _ => RenderTable(plan),
        };
    }

    public static string Describe(PrincipalAccess principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.Grants.Count == 0 ? "nothing" : string.Join("; ", principal.Grants.Select(g => g.ToString()));
    }

    private static string RenderTable(AccessPlan plan)
    {
        var rows = plan.Principals.Select(p => new[] { p.Principal, p.Kind, p.Username, string.Join(",", p.Groups), Describe(p) }).ToList();
        var sb = new StringBuilder();
        sb.Append($"stack {plan.StackName}: cluster {plan.Cluster.Name}, authenticationMode {plan.Mode.ToConfigValue()}\n\n");
        TextTable.Plain(sb, ["PRINCIPAL", "KIND", "USERNAME", "GROUPS", "GRANTS"], rows);

        sb.Append(Footer(plan, Printable.Of));
        return sb.ToString();
    }

    private static string RenderMarkdown(AccessPlan plan)
    {
        var sb = new StringBuilder();
        sb.Append($"### Who can access {Markdown.Code(plan.StackName)} (cluster {Markdown.Code(plan.Cluster.Name)}, {plan.Mode.ToConfigValue()})\n\n");
        sb.Append("| Principal | Kind | Username | Groups | Grants |\n|---|---|---|---|---|\n");
        foreach (var p in plan.Principals)
        {
            var grants = Markdown.Cell(Describe(p));
            sb.Append($"| {Markdown.Code(p.Principal)} | {p.Kind} | {Markdown.Code(p.Username)} | {string.Join(", ", p.Groups.Select(Markdown.Code))} | {(p.FromSystemMasters ? "**" + grants + "**" : grants)} |\n");
        }

        sb.Append('\n').Append(Footer(plan, Markdown.Code));
        return sb.ToString();
    }

    /// <param name="quoted">How the footer shows a name from the config: printable text, or Markdown code.</param>
    private static string Footer(AccessPlan plan, Func<string, string> quoted)
    {
        var creator = ModelAccess.MappedCreator(plan);
        var masters = plan.Principals.Count(p => p.BypassesRbac || p == creator);
        var sb = new StringBuilder();
        if (masters > 0)
        {
            sb.Append($"{masters} principal{(masters == 1 ? "" : "s")} in system:masters: full admin that bypasses RBAC and cannot be trimmed by it.\n");
        }

        var raising = plan.Principals.Count(p => p.RaisesOwnAccess && !p.IsClusterAdmin);
        if (raising > 0)
        {
            sb.Append($"{raising} principal{(raising == 1 ? "" : "s")} can raise {(raising == 1 ? "its" : "their")} own access through a ClusterRole with escalate, bind or impersonate: count {(raising == 1 ? "it" : "them")} as cluster admin{(raising == 1 ? "" : "s")}.\n");
        }

        var systemAccounts = plan.Principals.Count(p => p.ActsAsSystemAccounts && !p.IsClusterAdmin);
        if (systemAccounts > 0)
        {
            sb.Append($"{systemAccounts} principal{(systemAccounts == 1 ? "" : "s")} can act as kube-system's service accounts (create pods or tokens there, or impersonate them), which the cluster's controllers and add-ons run as: count {(systemAccounts == 1 ? "it" : "them")} as holding what those accounts hold.\n");
        }

        if (plan.Namespaces.Count > 0)
        {
            sb.Append($"Namespaces this stack creates (kept in the cluster if dropped from the config): {string.Join(", ", plan.Namespaces.Select(n => n.Name))}.\n");
        }

        foreach (var account in plan.AwsAuth?.MapAccounts ?? [])
        {
            sb.Append(ModelAccess.MappedAccountNote(quoted(account), plan.Mode)).Append('\n');
        }

        var how = ModelAccess.HowEksMakesCreatorAdmin(plan.Mode);
        sb.Append(creator is not null
            ? $"Listed above as aws-auth maps it: the cluster creator ({quoted(creator.Principal)}), whom EKS makes {how}; which of that and its aws-auth mapping EKS applies is not documented, so it is counted as both.\n"
            : plan.Cluster.DeployerArn is { } deployer
            ? $"Not listed: the cluster creator ({quoted(deployer)}), whom EKS makes {how}.\n"
            : $"Not listed: the cluster creator, whom EKS makes {how}.\n");

        return sb.ToString();
    }

    private static string RenderJson(AccessPlan plan)
    {
        var creator = ModelAccess.MappedCreator(plan);
        return Json.Write(new JsonObject
        {
            ["stack"] = plan.StackName,
            ["cluster"] = plan.Cluster.Name,
            ["authenticationMode"] = plan.Mode.ToConfigValue(),
            ["namespaces"] = Json.Strings(plan.Namespaces.Select(n => n.Name)),
            ["mapAccounts"] = Json.Strings(plan.AwsAuth?.MapAccounts ?? []),
            ["clusterCreator"] = new JsonObject
            {
                ["principal"] = plan.Cluster.DeployerArn,
                ["listed"] = creator is not null,
                ["admin"] = ModelAccess.HowEksMakesCreatorAdmin(plan.Mode),
            },
            ["principals"] = new JsonArray([.. plan.Principals.Select(p => (JsonNode)new JsonObject
            {
                ["principal"] = p.Principal,
                ["kind"] = p.Kind,
                ["username"] = p.Username,
                ["groups"] = Json.Strings(p.Groups),
                ["bypassesRbac"] = p.BypassesRbac || p == creator,
                ["clusterAdmin"] = p.IsClusterAdmin || p == creator,
                ["raisesOwnAccess"] = p.RaisesOwnAccess,
                ["actsAsSystemAccounts"] = p.ActsAsSystemAccounts,
                ["grants"] = new JsonArray([.. p.Grants.Select(g => (JsonNode)new JsonObject
                {
                    ["via"] = g.Via.ToString(),
                    ["grant"] = g.Target,
                    ["scope"] = g.Scope,
                    ["namespaces"] = Json.Strings(g.Namespaces),
                    ["description"] = g.ToString(),
                })]),
            })]),
        });
    }
}
