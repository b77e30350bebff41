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

    /// <summary>
    /// aws-iam-authenticator pkg/server/server.go renderTemplate fills {{AccountID}} with the caller's account, the mapped
    /// ARN's: import writes team-{{AccountID}} out as team-123456789012, which is the group the cluster gives today.
    /// </summary>
    [Theory]
    [InlineData("team-{{AccountID}}", "ci-{{AccountID}}", null)]
    [InlineData("team-210987654321", "ci-123456789012", "groups team-210987654321 live, team-123456789012 in the model")]
    [InlineData("team-123456789012", "ci-210987654321", "username ci-210987654321 live, ci-123456789012 in the model")]
    public void An_account_template_in_a_live_mapping_compares_as_the_account_it_renders_to(string liveGroup, string liveUsername, string? difference)
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal().Replace("deployers", "team-123456789012", StringComparison.Ordinal).Replace("username: ci-deployer", "username: ci-123456789012", StringComparison.Ordinal));
        const string deployer = "arn:aws:iam::123456789012:role/deployer";
        var live = MappingsOf(plan).Select(m => m.Arn == deployer ? m with { Username = liveUsername, Groups = [liveGroup] } : m).ToList();
        Assert.Contains(live, m => m.Arn == deployer);

        var report = AccessAudit.Compare(plan, new LiveCluster(live, null, null));

        var findings = report.Findings.Where(f => f.Subject == deployer && f.Section != AuditSection.Missing).ToList();
        if (difference is null)
        {
            Assert.Empty(findings);
        }
        else
        {
            var differs = Assert.Single(findings);
            Assert.Equal((AuditSection.Differs, "aws-auth mapping differs (aws-auth data.mapRoles[1])"), (differs.Section, differs.Title));
            Assert.Equal(difference, differs.Detail);
        }

        // Under the principal's live access entry, the mapping is compared the same way for what EKS would read once it goes.
        var shadowed = AccessAudit.Compare(plan, new LiveCluster(live, EntriesOf(plan), null)).Findings.Where(f => f.Subject == deployer && f.Section != AuditSection.Missing).ToList();
        Assert.Equal(difference is null ? 0 : 1, shadowed.Count);
        Assert.All(shadowed, f => Assert.StartsWith("aws-auth mapping the cluster does not read while the principal's access entry matches it", f.Title, StringComparison.Ordinal));
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

    private static readonly LiveMapping HandAddedMaster = new(PrincipalKind.Role, BreakGlass, "break-glass", ["system:masters"], "aws-auth data.mapRoles[1]");

    /// <summary>
    /// EKS reads aws-auth in API_AND_CONFIG_MAP and not in API (EKS User Guide, grant-k8s-access, the table of modes):
    /// a stack merged as API whose deploy waits (prod waits for approval) leaves a cluster that still reads aws-auth.
    /// </summary>
    [Fact]
    public void A_system_masters_mapping_fails_the_audit_of_an_api_stack_whose_cluster_is_still_in_api_and_config_map()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("prod"));
        Assert.Equal(AuthenticationMode.Api, plan.Mode);
        var nodeMapping = new LiveMapping(PrincipalKind.Role, plan.NodeRole.Arn, "system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers", "system:nodes"], "aws-auth data.mapRoles[0]");
        var live = new LiveCluster([nodeMapping, HandAddedMaster], [.. EntriesOf(plan), NodeEntry(plan)], null) { Mode = AuthenticationMode.ApiAndConfigMap };

        var report = AccessAudit.Compare(plan, live);

        var blocking = Assert.Single(report.Blocking);
        Assert.Equal((AuditSection.Unmanaged, BreakGlass), (blocking.Section, blocking.Subject));
        Assert.Contains("aws-auth data.mapRoles[1]", blocking.Title, StringComparison.Ordinal);
        var mode = Assert.Single(report.Findings, f => f.Subject == "authenticationMode");
        Assert.Equal(AuditSection.Differs, mode.Section);
        Assert.Equal("the cluster's mode is API_AND_CONFIG_MAP, not the stack's API", mode.Title);
        Assert.Contains("the stack's move to API is not deployed yet", mode.Detail, StringComparison.Ordinal);
        Assert.False(mode.ReachesAdmin);
        var own = Assert.Single(report.Findings, f => f.Subject == plan.NodeRole.Arn && f.Title.StartsWith("node or Fargate role", StringComparison.Ordinal));
        Assert.Equal((AuditSection.EksOwn, "node or Fargate role of this stack (aws-auth data.mapRoles[0])"), (own.Section, own.Title));
        Assert.Contains("the stack in API writes no aws-auth; EKS reads this mapping until the cluster is in that mode", own.Detail, StringComparison.Ordinal);
        // An account mapped by hand: mapAccounts is refused in API, so the only fix is to remove it.
        var account = Assert.Single(AccessAudit.Compare(plan, live with { AwsAuthAccounts = ["210987654321"] }).Findings, f => f.Subject == "210987654321");
        Assert.EndsWith("Remove it: a stack in API writes no aws-auth, and access entries map no accounts", account.Detail, StringComparison.Ordinal);

        // Judged by the stack's mode alone, the same mapping was taken for one EKS ignores.
        var assumed = AccessAudit.Compare(plan, live with { Mode = null });
        Assert.False(assumed.HasBlocking);
        Assert.DoesNotContain(assumed.Findings, f => f.Subject == "authenticationMode");
        // The cluster in API, as the stack says: EKS ignores the mapping, and the report says whose mode that is.
        var inApi = AccessAudit.Compare(plan, live with { Mode = AuthenticationMode.Api });
        Assert.False(inApi.HasBlocking);
        Assert.Contains(inApi.Findings, f => f.Section == AuditSection.EksOwn && f.Subject == BreakGlass && f.Detail.StartsWith("the cluster's mode is API, in which EKS ignores aws-auth", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mapping_left_from_the_earlier_mode_for_a_principal_the_model_makes_admin_is_listed_not_failed()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("prod"));
        var admin = plan.AccessEntries.First(e => e.AccessPolicies.Any(p => p.PolicyName == EksAccessPolicies.ClusterAdmin && p.Scope.Type == "cluster"));
        var left = new LiveMapping(PrincipalKind.Role, admin.PrincipalArn, admin.Username, ["system:masters"], "aws-auth data.mapRoles[0]");

        var report = AccessAudit.Compare(plan, new LiveCluster([left], [.. EntriesOf(plan), NodeEntry(plan)], null) { Mode = AuthenticationMode.ApiAndConfigMap });

        Assert.False(report.HasBlocking, string.Join("\n", report.Blocking.Select(f => $"{f.Subject}: {f.Title}")));
        var finding = Assert.Single(report.Findings, f => f.Subject == admin.PrincipalArn);
        Assert.Equal(AuditSection.Differs, finding.Section);
        Assert.Contains("the stack in API does not write, read until the cluster is in API", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_moved_ahead_of_its_stack_is_judged_by_its_own_mode_and_says_the_stack_should_follow()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var live = new LiveCluster([.. MappingsOf(plan), HandAddedMaster], [.. EntriesOf(plan), NodeEntry(plan)], null) { Mode = AuthenticationMode.Api };

        var report = AccessAudit.Compare(plan, live);

        Assert.False(report.HasBlocking, string.Join("\n", report.Blocking.Select(f => $"{f.Subject}: {f.Title}")));
        Assert.Contains(report.Findings, f => f.Section == AuditSection.EksOwn && f.Subject == BreakGlass && f.Title.StartsWith("aws-auth entry the cluster does not read", StringComparison.Ordinal));
        var mode = Assert.Single(report.Findings, f => f.Subject == "authenticationMode");
        Assert.Equal("the cluster's mode is API, not the stack's API_AND_CONFIG_MAP", mode.Title);
        Assert.Contains("set eks-infra:access.authenticationMode to API before the next pulumi up", mode.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.Section == AuditSection.Missing && f.Title.StartsWith("aws-auth mapping missing", StringComparison.Ordinal));

        // A CONFIG_MAP stack whose cluster left it with no entries yet: only the live mode can tell.
        var configMap = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var moved = AccessAudit.Compare(configMap, new LiveCluster(MappingsOf(configMap), [], null) { Mode = AuthenticationMode.ApiAndConfigMap });
        var left = Assert.Single(moved.Findings, f => f.Subject == "authenticationMode");
        Assert.Contains("the model's access entries are not planned", left.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessAudit.Compare(configMap, new LiveCluster(MappingsOf(configMap), [], null)).Findings, f => f.Subject == "authenticationMode");
    }

    [Fact]
    public void Access_entries_of_a_cluster_known_to_be_in_config_map_are_not_a_part_left_uncompared()
    {
        // EKS holds no access entries in CONFIG_MAP (it refuses ListAccessEntries there), so the workflow exports none.
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));

        var known = AccessAudit.Compare(plan, new LiveCluster(MappingsOf(plan), null, null) { Mode = AuthenticationMode.ConfigMap });
        var unknown = AccessAudit.Compare(plan, new LiveCluster(MappingsOf(plan), null, null));
        var moved = AccessAudit.Compare(plan, new LiveCluster(MappingsOf(plan), null, null) { Mode = AuthenticationMode.ApiAndConfigMap });

        Assert.DoesNotContain(known.Skipped, s => s.Part == "access entries");
        Assert.Contains(unknown.Skipped, s => s.Part == "access entries");
        Assert.Contains(moved.Skipped, s => s.Part == "access entries");
    }
}
