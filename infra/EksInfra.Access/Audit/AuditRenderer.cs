using System.Text;
using System.Text.Json.Nodes;
using EksInfra.Access.Authorization;
using EksInfra.Access.Rendering;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Audit;

/// <summary>The audit report as a table, Markdown (a job summary) or JSON.</summary>
public static class AuditRenderer
{
    public static string Title(AuditSection section) => section switch
    {
        AuditSection.Unmanaged => "Principals with live access the model does not grant",
        AuditSection.UnmanagedBinding => "RBAC bindings the stack did not create, binding a group or user an IAM principal maps to",
        AuditSection.Differs => "Live, but not as the model says",
        AuditSection.Missing => "Grants of the model missing live (not applied yet, or removed by hand)",
        _ => "EKS's and Kubernetes' own (listed, not flagged)",
    };

    private static string Key(AuditSection section) => section switch
    {
        AuditSection.Unmanaged => "unmanagedPrincipals",
        AuditSection.UnmanagedBinding => "unmanagedBindings",
        AuditSection.Differs => "differences",
        AuditSection.Missing => "missingLive",
        _ => "eksOwn",
    };

    public static string Render(AuditReport report, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(report);
        return format switch
        {
            ReportFormat.Json => RenderJson(report),
            ReportFormat.Markdown => RenderText(report, markdown: true),
            _ => RenderText(report, markdown: false),
        };
    }

    public static string Summary(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var counts = Enum.GetValues<AuditSection>().Where(s => s != AuditSection.EksOwn)
            .Select(s => $"{report.Findings.Count(f => f.Section == s)} {Key(s) switch { "unmanagedPrincipals" => "unmanaged principal(s)", "unmanagedBindings" => "unmanaged binding(s)", "differences" => "difference(s)", _ => "missing live" }}");
        var blocking = report.Blocking.Count();
        return $"audit of {report.StackName}: {string.Join(", ", counts)}; {(blocking > 0 ? $"{blocking} reach cluster admin or system:masters without the model: FAIL" : report.Skipped.Count > 0 ? "nothing in the parts compared reaches cluster admin without the model" : "nothing reaches cluster admin without the model")}";
    }

    private static string RenderText(AuditReport report, bool markdown)
    {
        var sb = new StringBuilder();
        sb.Append(markdown
            ? $"## Access audit of {Markdown.Code(report.StackName)} (cluster {Markdown.Code(report.ClusterName)})\n\n"
            : $"access audit of stack {report.StackName} (cluster {report.ClusterName})\n\n");
        foreach (var skipped in report.Skipped)
        {
            sb.Append(markdown ? $"- _Skipped_: {skipped}\n" : $"skipped: {skipped}\n");
        }

        if (report.Skipped.Count > 0)
        {
            sb.Append('\n');
        }

        foreach (var section in Enum.GetValues<AuditSection>())
        {
            var rows = report.Findings.Where(f => f.Section == section)
                .Select(f => new[] { (f.ReachesAdmin ? "ADMIN " : "") + f.Subject, f.Title, f.Detail })
                .ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            if (markdown)
            {
                sb.Append($"### {Title(section)} ({rows.Count})\n\n");
                TextTable.Markdown(sb, ["Subject", "Finding", "Detail"], [.. rows.Select(r => new[] { r[0].StartsWith("ADMIN ", StringComparison.Ordinal) ? "🛑 " + r[0][6..] : r[0], r[1], r[2] })]);
            }
            else
            {
                sb.Append($"{Title(section)} ({rows.Count}):\n");
                foreach (var row in rows)
                {
                    sb.Append($"  {Printable.Of(row[0])}\n    {Printable.Of(row[1])}\n    {Printable.Of(row[2])}\n");
                }
            }

            sb.Append('\n');
        }

        if (report.Findings.All(f => f.Section == AuditSection.EksOwn))
        {
            // A part not compared may grant anything: only a run that compared every part vouches for the whole cluster.
            var verdict = report.Skipped.Count == 0
                ? "the live cluster grants what the model grants, nothing more and nothing less"
                : $"{(report.Compared.Count > 0 ? $"no differences in the parts compared ({string.Join(", ", report.Compared)})" : "nothing compared")}; not compared: {string.Join(", ", report.Skipped.Select(s => s.Part))}, which may grant what the model does not";
            sb.Append(markdown ? $"_{char.ToUpperInvariant(verdict[0])}{verdict[1..]}._\n\n" : $"{verdict}\n\n");
        }

        sb.Append(Summary(report)).Append('\n');
        return sb.ToString();
    }

    private static string RenderJson(AuditReport report)
    {
        var root = new JsonObject
        {
            ["stack"] = report.StackName,
            ["cluster"] = report.ClusterName,
            ["failed"] = report.HasBlocking,
            ["skipped"] = Json.Strings([.. report.Skipped.Select(s => s.ToString())]),
        };
        foreach (var section in Enum.GetValues<AuditSection>())
        {
            root[Key(section)] = new JsonArray([.. report.Findings.Where(f => f.Section == section).Select(f => (JsonNode)new JsonObject
            {
                ["subject"] = f.Subject,
                ["finding"] = f.Title,
                ["detail"] = f.Detail,
                ["reachesClusterAdmin"] = f.ReachesAdmin,
            })]);
        }

        return Json.Write(root);
    }
}
