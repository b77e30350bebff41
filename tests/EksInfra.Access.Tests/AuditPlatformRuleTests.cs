using EksInfra.Access.Audit;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using Xunit;

namespace EksInfra.Access.Tests;

/// <summary>The audit against EKS's and the authenticator's own rules, with live inputs built beside the model's.</summary>
public class AuditPlatformRuleTests
{
    private static IReadOnlyList<LiveAccessEntry> EntriesOf(AccessPlan plan) =>
        [.. plan.AccessEntries.Select(e => new LiveAccessEntry(e.PrincipalArn, e.Type, e.Username, e.KubernetesGroups, [.. e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope))], $"access entry {e.Key}"))];

    [Fact]
    public void A_standard_entry_on_the_node_role_is_judged_not_taken_for_the_one_eks_makes()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var eksOwn = new LiveAccessEntry(plan.NodeRole.Arn, "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}", [], [], "access entry node");
        var clean = AccessAudit.Compare(plan, new LiveCluster(null, [.. EntriesOf(plan), eksOwn], null));
        Assert.False(clean.HasBlocking);
        Assert.Contains(clean.Findings, f => f.Section == AuditSection.EksOwn && f.Subject == plan.NodeRole.Arn);

        // A node type takes no access policy (AssociateAccessPolicy: STANDARD entries only), so EKS did not make this one.
        var admin = eksOwn with { Type = "STANDARD", Username = "node-admin", Policies = [new PolicyAssociation(EksAccessPolicies.ClusterAdmin, AccessScopePlan.Cluster)] };
        var report = AccessAudit.Compare(plan, new LiveCluster(null, [.. EntriesOf(plan), admin], null));
        Assert.Contains(report.Blocking, f => f.Subject == plan.NodeRole.Arn);
        Assert.DoesNotContain(report.Findings, f => f.Section == AuditSection.EksOwn && f.Subject == plan.NodeRole.Arn);
    }

    /// <summary>
    /// EKS User Guide, "Create access entries": EKS sets an EC2_LINUX or EC2_WINDOWS entry's username
    /// (system:node:{{EC2PrivateDNSName}}) and groups itself, and the stack sends neither: the live values differ from the
    /// model's empty ones by EKS's doing, not a hand edit.
    /// </summary>
    [Fact]
    public void The_stacks_own_node_entries_match_with_the_username_and_groups_eks_gives_them()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("staging"));
        var nodeEntries = plan.AccessEntries.Where(e => e.Type is "EC2_LINUX" or "EC2_WINDOWS").ToList();
        Assert.NotEmpty(nodeEntries);
        var live = EntriesOf(plan).Select(e => e.Type is "EC2_LINUX" or "EC2_WINDOWS" ? e with { Username = "system:node:{{EC2PrivateDNSName}}", Groups = ["system:nodes"] } : e).ToList();

        var report = AccessAudit.Compare(plan, new LiveCluster(null, live, null));

        Assert.DoesNotContain(report.Findings, f => f.Section == AuditSection.Differs && nodeEntries.Any(n => n.PrincipalArn == f.Subject));

        // A STANDARD entry's username is still the model's to compare.
        var standard = plan.AccessEntries.First(e => e.Type == "STANDARD");
        var edited = live.Select(e => e.PrincipalArn == standard.PrincipalArn ? e with { Username = "someone-else" } : e).ToList();
        Assert.Contains(AccessAudit.Compare(plan, new LiveCluster(null, edited, null)).Findings, f => f.Section == AuditSection.Differs && f.Subject == standard.PrincipalArn && f.Detail.Contains("username", StringComparison.Ordinal));
    }

    private const string BreakGlass = "arn:aws:iam::123456789012:role/break-glass";

    /// <summary>The plan's aws-auth as the renderer writes it, read back as an export.</summary>
    private static List<LiveMapping> MappingsOf(AccessPlan plan) =>
        [.. LiveInputs.ReadAwsAuthExport(System.Text.Encoding.UTF8.GetBytes(AwsAuthRenderer.Render(plan)!), "aws-auth.yaml").Mappings];

    private static LiveAccessEntry NodeEntry(AccessPlan plan) => new(plan.NodeRole.Arn, "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}", [], [], "access entry node");

    [Fact]
    public void A_mapping_shadowed_by_the_principals_access_entry_is_listed_and_fails_only_where_it_would_make_an_admin()
    {
        // "Access entries take precedence over ConfigMap entries for the same IAM principal": break-glass can view, not more.
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        Assert.Equal(AuthenticationMode.ApiAndConfigMap, plan.Mode);
        var viewer = new LiveMapping(PrincipalKind.Role, BreakGlass, "break-glass", ["viewers-by-hand"], "aws-auth data.mapRoles[9]");
        var entry = new LiveAccessEntry(BreakGlass, "STANDARD", "break-glass", [], [new PolicyAssociation("AmazonEKSViewPolicy", AccessScopePlan.Cluster)], "access entry break-glass");

        var report = AccessAudit.Compare(plan, new LiveCluster([.. MappingsOf(plan), viewer], [.. EntriesOf(plan), NodeEntry(plan), entry], null));

        Assert.False(report.HasBlocking, string.Join("\n", report.Blocking.Select(f => $"{f.Subject}: {f.Title}")));
        var shadowed = Assert.Single(report.Findings, f => f.Subject == BreakGlass && f.Title.Contains("does not read", StringComparison.Ordinal));
        Assert.Equal(AuditSection.Unmanaged, shadowed.Section);
        Assert.Contains("entry: access entry break-glass", shadowed.Title, StringComparison.Ordinal);
        // The entry is what the principal has, and it is access the model does not grant either.
        Assert.Contains(report.Findings, f => f.Subject == BreakGlass && f.Section == AuditSection.Unmanaged && f.Detail.Contains("AmazonEKSViewPolicy", StringComparison.Ordinal));

        // An entry left from a principal deleted and made again matches it no more, and EKS then reads the mapping; the
        // exports hold no principal IDs, so a shadowed system:masters fails the audit as a read one does.
        var master = viewer with { Groups = [KubernetesNames.SystemMasters] };
        var dormant = AccessAudit.Compare(plan, new LiveCluster([.. MappingsOf(plan), master], [.. EntriesOf(plan), NodeEntry(plan), entry], null));
        var blocking = Assert.Single(dormant.Blocking);
        Assert.StartsWith("cluster admin once read, aws-auth mapping the cluster does not read while the principal's access entry matches it", blocking.Title, StringComparison.Ordinal);
        Assert.Contains("no longer matches because the IAM principal was deleted and made again", blocking.Detail, StringComparison.Ordinal);

        var unshadowed = AccessAudit.Compare(plan, new LiveCluster([.. MappingsOf(plan), master], [.. EntriesOf(plan), NodeEntry(plan)], null));
        Assert.StartsWith("cluster admin, not granted by the model", Assert.Single(unshadowed.Blocking).Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_mapping_edited_under_its_unchanged_access_entry_differs_and_fails_where_it_adds_system_masters()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var mappings = MappingsOf(plan);
        var index = mappings.FindIndex(m => !m.Groups.Contains(KubernetesNames.SystemMasters) && !m.Groups.Contains("system:nodes"));
        Assert.True(index >= 0, "dev maps a principal without system:masters");
        var original = mappings[index];
        mappings[index] = original with { Username = "renamed-by-hand" };
        var renamed = AccessAudit.Compare(plan, new LiveCluster(mappings, [.. EntriesOf(plan), NodeEntry(plan)], null));
        Assert.False(renamed.HasBlocking);
        var rename = Assert.Single(renamed.Findings, f => f.Subject == original.Arn);
        Assert.Equal(AuditSection.Differs, rename.Section);
        Assert.Contains("does not read", rename.Title, StringComparison.Ordinal);

        var edited = original with { Groups = [.. original.Groups, KubernetesNames.SystemMasters] };
        mappings[index] = edited;
        var report = AccessAudit.Compare(plan, new LiveCluster(mappings, [.. EntriesOf(plan), NodeEntry(plan)], null));
        var differs = Assert.Single(report.Blocking);
        Assert.Equal(edited.Arn, differs.Subject);
        Assert.Equal(AuditSection.Differs, differs.Section);
        Assert.Contains("does not read", differs.Title, StringComparison.Ordinal);
        Assert.Contains("system:masters", differs.Detail, StringComparison.Ordinal);

        // Once the entry is gone the edit is what the cluster reads, and it makes the principal cluster admin.
        var withoutEntry = AccessAudit.Compare(plan, new LiveCluster(mappings, [.. EntriesOf(plan).Where(e => AccessAudit.Canonical(e.PrincipalArn) != AccessAudit.Canonical(edited.Arn)), NodeEntry(plan)], null));
        Assert.Contains(withoutEntry.Blocking, f => f.Subject == edited.Arn);
    }

    [Fact]
    public void A_missing_node_role_mapping_under_its_ec2_linux_entry_is_not_reported_as_nodes_unable_to_join()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var mappings = MappingsOf(plan).Where(m => AccessAudit.Canonical(m.Arn) != AccessAudit.Canonical(plan.NodeRole.Arn)).ToList();

        var withEntry = AccessAudit.Compare(plan, new LiveCluster(mappings, [.. EntriesOf(plan), NodeEntry(plan)], null));
        var missing = Assert.Single(withEntry.Findings, f => f.Section == AuditSection.Missing && f.Subject == plan.NodeRole.Arn);
        Assert.Contains("nodes join by its EC2_LINUX access entry", missing.Title, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot join", missing.Title, StringComparison.Ordinal);

        var withoutEntry = AccessAudit.Compare(plan, new LiveCluster(mappings, EntriesOf(plan), null));
        Assert.Contains(withoutEntry.Findings, f => f.Section == AuditSection.Missing && f.Subject == plan.NodeRole.Arn && f.Title.Contains("nodes cannot join", StringComparison.Ordinal));

        // A STANDARD entry gives no system:nodes: nodes cannot register through it.
        var standard = AccessAudit.Compare(plan, new LiveCluster(mappings, [.. EntriesOf(plan), NodeEntry(plan) with { Type = "STANDARD" }], null));
        Assert.Contains(standard.Findings, f => f.Section == AuditSection.Missing && f.Subject == plan.NodeRole.Arn && f.Title.Contains("nodes cannot join", StringComparison.Ordinal));
    }

    /// <summary>EKS adds access entries only once the mode is API_AND_CONFIG_MAP or API, and the mode never moves back.</summary>
    [Fact]
    public void Live_access_entries_under_a_config_map_stack_say_the_cluster_left_config_map()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var viewer = new LiveAccessEntry("arn:aws:iam::123456789012:role/viewer", "STANDARD", "viewer", [], [new PolicyAssociation("AmazonEKSViewPolicy", AccessScopePlan.Cluster)], "access entry viewer");

        var report = AccessAudit.Compare(plan, new LiveCluster(MappingsOf(plan), [viewer], null));

        var mode = Assert.Single(report.Findings, f => f.Subject == "authenticationMode");
        Assert.Equal(AuditSection.Differs, mode.Section);
        Assert.Contains("so its mode is not the stack's CONFIG_MAP", mode.Title, StringComparison.Ordinal);
        Assert.Contains("aws eks describe-cluster --name my-cluster --query cluster.accessConfig.authenticationMode", mode.Detail, StringComparison.Ordinal);

        Assert.DoesNotContain(AccessAudit.Compare(plan, new LiveCluster(MappingsOf(plan), [], null)).Findings, f => f.Subject == "authenticationMode");
        var entryMode = Stacks.ValidPlan(Stacks.Shipped("dev"));
        Assert.DoesNotContain(AccessAudit.Compare(entryMode, new LiveCluster(MappingsOf(entryMode), [.. EntriesOf(entryMode), NodeEntry(entryMode)], null)).Findings, f => f.Subject == "authenticationMode");
    }
}
