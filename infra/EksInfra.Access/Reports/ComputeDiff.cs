using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Reports;

/// <summary>
/// The lockout guards of compute identities: a change that leaves running nodes or Fargate pods without their mapping,
/// or that EKS cannot apply in place, blocks the diff; dropping a role no group of this stack owns is flagged.
/// </summary>
internal static class ComputeDiff
{
    private static readonly StringComparer Arn = StringComparer.OrdinalIgnoreCase;

    private static readonly StringComparer Exact = StringComparer.Ordinal;

    public static void Guards(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        // Role names are compared exactly: terraform compares aws_iam_role.name exactly (ForceNew), so a change of case
        // re-creates the role under a new ARN, and node_role_arn / pod_execution_role_arn are ForceNew.
        // The shape guard already reports the stack's own node role moving (a change of case included), in the aws-auth modes.
        var defaultRoleGuarded = before.Mode.UsesConfigMap() && after.Mode.UsesConfigMap() && !Exact.Equals(before.NodeRole.Name, after.NodeRole.Name);
        var groupsNow = after.Cluster.NodeGroups.ToDictionary(g => g.Name, StringComparer.Ordinal);
        foreach (var was in before.Cluster.NodeGroups)
        {
            if (!groupsNow.TryGetValue(was.Name, out var now) || now is null || Exact.Equals(was.NodeRoleArn, now.NodeRoleArn)
                || (defaultRoleGuarded && was.NodeRoleName == before.NodeRole.Name && now.NodeRoleName == after.NodeRole.Name))
            {
                continue;
            }

            findings.Add(new(FindingLevel.Error, $"node group {was.Name}", $"node group {was.Name} changes its node role: {was.NodeRoleName} → {now.NodeRoleName}{CaseOnly(was.NodeRoleName, now.NodeRoleName)}",
                $"EKS cannot change a node group's role in place, so the group is replaced, and its nodes lose their mapping while they still run ({was.NodeRoleArn}{(StillMapped(after, was.NodeRoleArn) ? "" : " is no longer mapped")}). Keep nodeRole '{was.NodeRoleName}' exactly as it is spelled; to move, add a new node group on '{now.NodeRoleName}', move the workloads, then remove the old group."));
        }

        // subnet_ids is ForceNew (terraform-provider-aws aws_eks_node_group); a named group is deleted before its
        // replacement is created, since the name cannot be held twice, so every node of it goes at once.
        foreach (var was in before.Cluster.NodeGroups)
        {
            if (groupsNow.TryGetValue(was.Name, out var now) && !was.SubnetIds.Order(StringComparer.Ordinal).SequenceEqual(now.SubnetIds.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                findings.Add(new(FindingLevel.Error, $"node group {was.Name}", $"node group {was.Name} changes its subnets: [{string.Join(", ", was.SubnetIds)}] → [{string.Join(", ", now.SubnetIds)}]",
                    "EKS cannot move a node group to other subnets, so the group is replaced, and a named group is deleted before its replacement exists: its pods have nowhere to run meanwhile. Keep eks-infra:cluster.privateSubnetIds as they are; to move, add a node group under a new name first, move the workloads, then remove the old one."));
            }
        }

        // A node group cannot be renamed: a new name is a new group, and the old one's nodes are drained and terminated.
        var groupsBefore = before.Cluster.NodeGroups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in before.Cluster.NodeGroups.Where(g => !groupsNow.ContainsKey(g.Name)))
        {
            findings.Add(new(FindingLevel.Danger, $"node group {gone.Name}", $"node group {gone.Name} is deleted",
                $"EKS drains and terminates its {gone.MinSize}..{gone.MaxSize} nodes; their pods must fit on the other groups{(after.Cluster.NodeGroups.Any(g => !groupsBefore.Contains(g.Name)) ? " (the new groups are created first, in the same update)" : "")}."));
        }

        foreach (var added in after.Cluster.NodeGroups.Where(g => !groupsBefore.Contains(g.Name)))
        {
            findings.Add(new(FindingLevel.Changed, $"node group {added.Name}", $"node group {added.Name} is added",
                $"{string.Join(", ", added.InstanceTypes)}{(added.CapacityType is { } capacity ? $" ({capacity})" : "")}, {added.MinSize}..{added.MaxSize} nodes, role {added.NodeRoleName}"));
        }

        var profilesNow = after.Cluster.FargateProfiles.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var gone in before.Cluster.FargateProfiles.Where(p => !profilesNow.ContainsKey(p.Name)))
        {
            findings.Add(new(FindingLevel.Danger, $"Fargate profile {gone.Name}", $"Fargate profile {gone.Name} is deleted",
                $"pods of {string.Join(", ", gone.Selectors.Select(s => s.Namespace))} no longer start on Fargate; the running ones are stopped with the profile."));
        }

        foreach (var was in before.Cluster.FargateProfiles)
        {
            // A Fargate profile's subnets are ForceNew too, and deleting a profile deletes the pods it scheduled.
            if (profilesNow.TryGetValue(was.Name, out var moved) && !was.SubnetIds.SequenceEqual(moved.SubnetIds, StringComparer.Ordinal))
            {
                findings.Add(new(FindingLevel.Error, $"Fargate profile {was.Name}", $"Fargate profile {was.Name} changes its subnets: [{string.Join(", ", was.SubnetIds)}] → [{string.Join(", ", moved.SubnetIds)}]",
                    "EKS cannot change a Fargate profile's subnets: the profile is replaced, and deleting it deletes the pods it scheduled. Keep its subnetIds (or the cluster's privateSubnetIds it defaults to); to move, add a profile under a new name first."));
            }

            if (profilesNow.TryGetValue(was.Name, out var now) && !Exact.Equals(was.PodExecutionRoleArn, now.PodExecutionRoleArn))
            {
                findings.Add(new(FindingLevel.Error, $"Fargate profile {was.Name}", $"Fargate profile {was.Name} changes its pod execution role: {was.PodExecutionRoleName} → {now.PodExecutionRoleName}{CaseOnly(was.PodExecutionRoleName, now.PodExecutionRoleName)}",
                    $"a profile's role cannot change in place: the profile is replaced and its running pods lose the mapping of {was.PodExecutionRoleArn}. Keep podExecutionRoleName '{was.PodExecutionRoleName}' exactly as it is spelled, or add a new profile first."));
            }
        }

        var computeNow = after.ComputeIdentities.ToDictionary(c => c.RoleArnWithoutPath, Arn);
        foreach (var was in before.ComputeIdentities.Where(c => c.CreatedRoleName is null))
        {
            if (!computeNow.ContainsKey(was.RoleArnWithoutPath))
            {
                findings.Add(new(FindingLevel.Danger, was.RoleArn, $"the {was.Describe()} is no longer mapped",
                    $"nodes or Fargate pods that run with it can no longer authenticate and leave the cluster; remove the entry from eks-infra:access.nodeRoles only once nothing runs with {was.RoleArn}."));
            }
        }

        // EKS cannot change an access entry's type, so Pulumi replaces the entry; the program has it deleted first (created
        // first, the new one would be refused with HTTP 409), and the role's nodes cannot authenticate in between.
        var entriesNow = after.AccessEntries.ToDictionary(e => e.PrincipalArn, Arn);
        foreach (var was in before.AccessEntries)
        {
            if (entriesNow.TryGetValue(was.PrincipalArn, out var now) && was.Type != now.Type)
            {
                findings.Add(new(FindingLevel.Error, was.PrincipalArn, $"the access entry's type changes: {was.Type} → {now.Type}",
                    "EKS cannot change an access entry's type: `pulumi up` deletes the entry and creates it again, and nodes or pods running with the role cannot authenticate in between (if the entry were created first, EKS would refuse it with HTTP 409). Keep its kind, or move what runs with the role off it, then remove the entry in one change and add it back in the next."));
            }
        }
    }

    private static string CaseOnly(string before, string after) =>
        !Exact.Equals(before, after) && Arn.Equals(before, after) ? " (a change of case only: IAM keeps one role per name in any case, but Pulumi re-creates it under the new spelling)" : "";

    private static bool StillMapped(AccessPlan plan, string roleArn) =>
        plan.ComputeIdentities.Any(c => Arn.Equals(c.RoleArnWithoutPath, Arns.StripPath(roleArn)));
}
