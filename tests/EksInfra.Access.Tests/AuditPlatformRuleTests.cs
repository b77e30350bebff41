using EksInfra.Access.Audit;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
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
}
