using EksInfra.Access.Planning;

namespace EksInfra.Access.Validation;

/// <summary>
/// Rules that span stacks: IAM role names are global to an account, and cluster names to an account's region,
/// so two stacks in one account must not create the same ones.
/// </summary>
public static class StackSetValidator
{
    public static IReadOnlyList<Diagnostic> Validate(IReadOnlyList<AccessPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var bag = new DiagnosticBag();
        var roles = plans
            .SelectMany(p => p.Roles.Select(r => (Plan: p, Role: r)))
            .GroupBy(x => (x.Plan.Cluster.AccountId, Name: x.Role.Name.ToUpperInvariant()));
        foreach (var group in roles.Where(g => g.Select(x => x.Plan.StackName).Distinct().Count() > 1))
        {
            var stacks = group.Select(x => x.Plan.StackName).Distinct().Order(StringComparer.Ordinal).ToList();
            foreach (var (plan, role) in group)
            {
                bag.Error(RolePath(role), $"stack {plan.StackName} creates IAM role '{role.Name}' in account {group.Key.AccountId}, and so do {string.Join(", ", stacks.Where(s => s != plan.StackName))}; IAM role names are unique in an account, so give this stack's role its own name (e.g. '{plan.StackName}-{role.Name}')");
            }
        }

        var clusters = plans.GroupBy(p => (p.Cluster.AccountId, p.Cluster.Region, Name: p.Cluster.Name.ToUpperInvariant()));
        foreach (var group in clusters.Where(g => g.Count() > 1))
        {
            foreach (var plan in group)
            {
                bag.Error("eks-infra:cluster.name", $"stack {plan.StackName} names its cluster '{plan.Cluster.Name}' in account {group.Key.AccountId}, region {group.Key.Region}, and so do {string.Join(", ", group.Where(p => p != plan).Select(p => p.StackName))}; give each stack's cluster its own name");
            }
        }

        return bag.ToSortedList();
    }

    private static string RolePath(IamRolePlan role) => role.Purpose switch
    {
        RolePurpose.ClusterService => "eks-infra:cluster.serviceRoleName",
        RolePurpose.Node => "eks-infra:cluster.nodeRoleName",
        RolePurpose.AdditionalNode => $"eks-infra:cluster.nodeRoles (name {role.Name})",
        RolePurpose.FargatePodExecution => $"eks-infra:cluster.fargateProfiles (podExecutionRoleName {role.Name})",
        _ => $"eks-infra:access.roles (name {role.Name})",
    };
}
