using System.Globalization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Platform;

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
        // Pulumi keys a node group or profile by its logical name, not by its config name: `workload-spot` and
        // `workload_spot` are one resource (kebab case folds them), and moving `nodeGroup` into `nodeGroups` is another.
        // Role names are compared exactly: terraform compares aws_iam_role.name exactly (ForceNew), so a change of case
        // re-creates the role under a new ARN, and node_role_arn / pod_execution_role_arn are ForceNew.
        // The shape guard already reports the stack's own node role moving (a change of case included), in the aws-auth modes.
        var defaultRoleGuarded = before.Mode.UsesConfigMap() && after.Mode.UsesConfigMap() && !Exact.Equals(before.NodeRole.Name, after.NodeRole.Name);
        var groupsNow = after.Cluster.NodeGroups.ToDictionary(g => g.LogicalName, Exact);
        foreach (var was in before.Cluster.NodeGroups)
        {
            if (!groupsNow.TryGetValue(was.LogicalName, out var now))
            {
                continue;
            }

            NodeGroupReplacements(was, now, findings);
            if (!Exact.Equals(was.NodeRoleArn, now.NodeRoleArn)
                && !(defaultRoleGuarded && was.NodeRoleName == before.NodeRole.Name && now.NodeRoleName == after.NodeRole.Name))
            {
                findings.Add(new(FindingLevel.Error, $"node group {was.Name}", $"node group {was.Name} changes its node role: {was.NodeRoleName} → {now.NodeRoleName}{AccessDiff.CaseOnly(was.NodeRoleName, now.NodeRoleName)}",
                    $"EKS cannot change a node group's role in place, so the group is replaced, and its nodes lose their mapping while they still run ({was.NodeRoleArn}{(StillMapped(after, was.NodeRoleArn) ? "" : " is no longer mapped")}). Keep nodeRole '{was.NodeRoleName}' exactly as it is spelled; to move, add a new node group on '{now.NodeRoleName}', move the workloads, then remove the old group."));
            }

            // subnet_ids is ForceNew (terraform-provider-aws aws_eks_node_group, a set: order does not count); a named
            // group is deleted before its replacement is created, since the name cannot be held twice, so every node of it
            // goes at once, while a group with a generated name (the one-group nodeGroup form) is replaced create-first.
            if (!was.SubnetIds.Order(Exact).SequenceEqual(now.SubnetIds.Order(Exact), Exact))
            {
                var named = was.NodeGroupName is not null;
                findings.Add(new(named ? FindingLevel.Error : FindingLevel.Danger, $"node group {was.Name}", $"node group {was.Name} changes its subnets: [{string.Join(", ", was.SubnetIds)}] → [{string.Join(", ", now.SubnetIds)}]",
                    named
                        ? $"EKS cannot move a node group to other subnets, so the group is replaced, and a named group is deleted before its replacement exists: its pods have nowhere to run meanwhile. Keep eks-infra:cluster.{ComputePlanner.NodeSubnetSource(before.Cluster.Network).ConfigKey} as they are; to move, add a node group under a new name first, move the workloads, then remove the old one."
                        : $"EKS cannot move a node group to other subnets, so the group is replaced: {CreatedFirst(was)}. Let it happen only where the other groups can take the pods, or keep eks-infra:cluster.{ComputePlanner.NodeSubnetSource(before.Cluster.Network).ConfigKey} as they are."));
            }

            InPlaceChanges(was, now, findings);
        }

        // A node group cannot be renamed: a new resource is a new group, and the old one's nodes are drained and terminated.
        var groupsBefore = before.Cluster.NodeGroups.Select(g => g.LogicalName).ToHashSet(Exact);
        foreach (var gone in before.Cluster.NodeGroups.Where(g => !groupsNow.ContainsKey(g.LogicalName)))
        {
            findings.Add(new(FindingLevel.Danger, $"node group {gone.Name}", $"node group {gone.Name} is deleted",
                $"EKS drains and terminates its {gone.MinSize}..{gone.MaxSize} nodes; their pods must fit on the other groups{(after.Cluster.NodeGroups.Any(g => !groupsBefore.Contains(g.LogicalName)) ? " (the new groups are created first, in the same update)" : "")}."));
        }

        LastManagedGroupsGone(before, after, findings);

        foreach (var added in after.Cluster.NodeGroups.Where(g => !groupsBefore.Contains(g.LogicalName)))
        {
            findings.Add(new(FindingLevel.Changed, $"node group {added.Name}", $"node group {added.Name} is added",
                $"{string.Join(", ", added.InstanceTypes)}{(added.CapacityType is { } capacity ? $" ({capacity})" : "")}, {added.MinSize}..{added.MaxSize} nodes, role {added.NodeRoleName}"));
        }

        var profilesNow = after.Cluster.FargateProfiles.ToDictionary(p => p.LogicalName, Exact);
        var profilesBefore = before.Cluster.FargateProfiles.Select(p => p.LogicalName).ToHashSet(Exact);
        foreach (var gone in before.Cluster.FargateProfiles.Where(p => !profilesNow.ContainsKey(p.LogicalName)))
        {
            findings.Add(new(FindingLevel.Danger, $"Fargate profile {gone.Name}", $"Fargate profile {gone.Name} is deleted",
                $"pods of {string.Join(", ", gone.Selectors.Select(s => s.Namespace))} no longer start on Fargate; the running ones are stopped with the profile."));
        }

        foreach (var added in after.Cluster.FargateProfiles.Where(p => !profilesBefore.Contains(p.LogicalName)))
        {
            findings.Add(new(FindingLevel.Changed, $"Fargate profile {added.Name}", $"Fargate profile {added.Name} is added",
                $"pods of {Selectors(added.Selectors)} start on Fargate, with the pod execution role {added.PodExecutionRoleName}"));
        }

        foreach (var was in before.Cluster.FargateProfiles)
        {
            if (!profilesNow.TryGetValue(was.LogicalName, out var now))
            {
                continue;
            }

            // A profile's name is always set (fargate_profile_name, ForceNew), so a replaced profile is deleted before its
            // replacement is created, and deleting a profile deletes the pods it scheduled.
            if (!Exact.Equals(was.Name, now.Name))
            {
                findings.Add(new(FindingLevel.Error, $"Fargate profile {was.Name}", $"Fargate profile {was.Name} changes its name: {was.Name} → {now.Name}",
                    $"EKS cannot rename a Fargate profile, and both names make the one Pulumi resource {was.LogicalName}, so `pulumi up` replaces it in place: the old profile is deleted first, and every pod it scheduled with it. Keep the name '{was.Name}'; to rename, add a profile under a name that is not a respelling of this one first, then remove this one."));
            }

            // selector is ForceNew (terraform-provider-aws aws_eks_fargate_profile, a set: the plan sorts it).
            if (!SameSelectors(was.Selectors, now.Selectors))
            {
                findings.Add(new(FindingLevel.Error, $"Fargate profile {was.Name}", $"Fargate profile {was.Name} changes its selectors: {Selectors(was.Selectors)} → {Selectors(now.Selectors)}",
                    "the profile is replaced, and since its name is fixed it is deleted first, with every pod it scheduled. EKS cannot change a profile's selectors; add a profile with the new selectors under a new name first, then remove this one."));
            }

            // A Fargate profile's subnets are ForceNew too, and deleting a profile deletes the pods it scheduled.
            if (!was.SubnetIds.SequenceEqual(now.SubnetIds, Exact))
            {
                findings.Add(new(FindingLevel.Error, $"Fargate profile {was.Name}", $"Fargate profile {was.Name} changes its subnets: [{string.Join(", ", was.SubnetIds)}] → [{string.Join(", ", now.SubnetIds)}]",
                    "EKS cannot change a Fargate profile's subnets: the profile is replaced, and deleting it deletes the pods it scheduled. Keep its subnetIds (or the cluster's privateSubnetIds it defaults to); to move, add a profile under a new name first."));
            }

            if (!Exact.Equals(was.PodExecutionRoleArn, now.PodExecutionRoleArn))
            {
                findings.Add(new(FindingLevel.Error, $"Fargate profile {was.Name}", $"Fargate profile {was.Name} changes its pod execution role: {was.PodExecutionRoleName} → {now.PodExecutionRoleName}{AccessDiff.CaseOnly(was.PodExecutionRoleName, now.PodExecutionRoleName)}",
                    $"a profile's role cannot change in place: the profile is replaced and its running pods lose the mapping of {was.PodExecutionRoleArn}. Keep podExecutionRoleName '{was.PodExecutionRoleName}' exactly as it is spelled, or add a new profile first."));
            }
        }

        var computeNow = after.ComputeIdentities.ToDictionary(c => c.RoleArnWithoutPath, Arn);
        foreach (var was in before.ComputeIdentities.Where(c => c.CreatedRoleName is null))
        {
            if (!computeNow.TryGetValue(was.RoleArnWithoutPath, out var now))
            {
                findings.Add(new(FindingLevel.Danger, was.RoleArn, $"the {was.Describe()} is no longer mapped",
                    $"nodes or Fargate pods that run with it can no longer authenticate and leave the cluster; remove the entry from eks-infra:access.nodeRoles only once nothing runs with {was.RoleArn}."));
            }
            // Between Fargate and nodes the username changes (system:node:{{SessionName}} against {{EC2PrivateDNSName}}) and
            // so does the access entry, one EKS makes itself against one of the stack's: what runs with the role today stops
            // authenticating, and where access entries exist the new entry meets EKS's (HTTP 409). Linux and Windows differ
            // in an entry's type, which the entries' own guard below reports.
            else if (was.Kind != now.Kind && (was.Kind == ComputeKind.Fargate || now.Kind == ComputeKind.Fargate))
            {
                findings.Add(new(FindingLevel.Error, was.RoleArn, $"the {was.Describe()} becomes a {now.Describe()}",
                    $"a role's kind decides the username its nodes or pods sign in with ({was.Username} → {now.Username}) and its access entry, so what runs with {was.RoleArn} today stops authenticating, and where access entries exist the new one would meet the entry EKS holds (HTTP 409). Keep its kind; to give the role to other compute, move what runs with it off, remove it in one change and add it back in the next."));
            }
        }

        Ownership(before, after, findings);

        // The move to API (EKS User Guide: API "disable[s] the ConfigMap method permanently") takes away every aws-auth
        // mapping; a node role with no access entry then has no way in. A danger, not a blocker: the config cannot say
        // whether anything runs with the role, and on a Fargate-only cluster nothing does.
        if (before.Mode.UsesConfigMap() && after.Mode == AuthenticationMode.Api)
        {
            foreach (var identity in ComputePlanner.WithoutAccessEntry(after))
            {
                findings.Add(new(FindingLevel.Danger, identity.RoleArn, $"the {identity.Describe()} ({identity.ConfigPath}) loses its only way to join in API",
                    ComputePlanner.NoWayToJoinInApi(identity) + "; then move the mode."));
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

        ManagedNodeGroupFlag(before, after, findings);
    }

    /// <summary>
    /// An access.nodeRoles entry whose managedNodeGroup changes moves its access entry between the stack and EKS: the stack then
    /// creates one beside EKS's (CreateAccessEntry: "You can't specify the same ARN in more than one access entry"), or
    /// deletes its own and leaves the nodes to an entry EKS made only if the role is a managed node group's.
    /// </summary>
    private static void ManagedNodeGroupFlag(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        if (!after.Mode.UsesAccessEntries())
        {
            return;
        }

        var was = before.ComputeIdentities.Where(c => c.Kind is ComputeKind.SelfManagedLinux or ComputeKind.SelfManagedWindows).ToDictionary(c => c.RoleArnWithoutPath, Arn);
        foreach (var now in after.ComputeIdentities.Where(c => c.Kind is ComputeKind.SelfManagedLinux or ComputeKind.SelfManagedWindows))
        {
            if (!was.TryGetValue(now.RoleArnWithoutPath, out var old) || old.EntryCreatedByEks == now.EntryCreatedByEks)
            {
                continue;
            }

            var check = $"`{Migration.ModeMigration.DescribeEntry(after, now.RoleArn)}`";
            if (!before.Mode.UsesAccessEntries())
            {
                // The base had no access entries to move: EKS makes a managed node group role's entry at this very update.
                findings.Add(now.EntryCreatedByEks
                    ? new(FindingLevel.Danger, now.RoleArn, $"the access entry of {now.RoleArn} is left to EKS (managedNodeGroup set)",
                        $"the mode leaves CONFIG_MAP in this update, and EKS then makes an entry for the role only if a managed node group runs with it; the stack makes none ({now.ConfigPath}). If {check} shows no entry after the update, nodes running with the role cannot authenticate once aws-auth is no longer read; create it then (`{Migration.ModeMigration.CreateEntry(after, now.RoleArn, now.AccessEntryType)}`).")
                    : new(FindingLevel.Danger, now.RoleArn, $"the stack now writes the access entry of {now.RoleArn} (managedNodeGroup no longer set)",
                        $"`pulumi up` creates an {now.AccessEntryType} entry for it ({now.ConfigPath}) in the update that leaves CONFIG_MAP; if a managed node group runs with the role, EKS makes its own entry at that mode change and refuses the stack's second with HTTP 409, part-way through the update. No entry exists to check before the move: list the node groups' roles (`{Migration.ModeMigration.NodeGroupRoles(after)}`) and, where this role is one, keep managedNodeGroup: true."));
                continue;
            }

            findings.Add(now.EntryCreatedByEks
                ? new(FindingLevel.Danger, now.RoleArn, $"the access entry of {now.RoleArn} is left to EKS (managedNodeGroup set)",
                    $"`pulumi up` deletes the {now.AccessEntryType} entry the stack made for it ({now.ConfigPath}). Only a managed node group's role gets one from EKS, and EKS made it when the group was created or the mode left CONFIG_MAP, not now: if {check} shows no other entry after the update, nodes running with the role cannot authenticate{(after.Mode == AuthenticationMode.Api ? "" : " once aws-auth is no longer read")}; create it then (`{Migration.ModeMigration.CreateEntry(after, now.RoleArn, now.AccessEntryType)}`).")
                : new(FindingLevel.Danger, now.RoleArn, $"the stack now writes the access entry of {now.RoleArn} (managedNodeGroup no longer set)",
                    $"`pulumi up` creates an {now.AccessEntryType} entry for it ({now.ConfigPath}); if the role is a managed node group's, EKS has one already and refuses a second with HTTP 409, part-way through the update. Check with {check} first: where it exists, keep managedNodeGroup: true."));
        }
    }

    /// <summary>
    /// A compute role that moves between existing (<c>access.nodeRoles</c>, made outside the stack) and created (a node role
    /// or a Fargate profile's pod execution role). IAM role names are unique in an account, whatever the path (IAM API,
    /// CreateRole: "names must be unique within the account. Names are not distinguished by case"), so the stack's CreateRole of a name that exists fails with
    /// EntityAlreadyExists part-way through `pulumi up`; the other way, Pulumi deletes the role it no longer declares while
    /// the new config maps that ARN, so the mapping or entry names a deleted role and what runs with it cannot authenticate.
    /// Matched by the ARN without its path, as the role's name is what IAM keeps unique.
    /// </summary>
    private static void Ownership(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var was = before.ComputeIdentities.ToDictionary(c => c.RoleArnWithoutPath, Arn);
        foreach (var now in after.ComputeIdentities)
        {
            if (!was.TryGetValue(now.RoleArnWithoutPath, out var old) || (old.CreatedRoleName is null) == (now.CreatedRoleName is null))
            {
                continue;
            }

            var name = Arns.TryParse(now.RoleArn, out var arn, out _) ? arn.Name : now.RoleArn;
            findings.Add(now.CreatedRoleName is not null
                ? new(FindingLevel.Error, now.RoleArn, $"IAM role {name} was an existing role ({old.ConfigPath}) and is now created by the stack ({now.ConfigPath})",
                    $"IAM role names are unique in an account, so the stack's CreateRole of '{name}' fails with EntityAlreadyExists and `pulumi up` stops part-way, after other changes have applied. Keep it under {old.ConfigPath}, with {(now.Kind == ComputeKind.Fargate ? "the profile's podExecutionRoleName set to a new name" : "the node group on a new role name")}; or bring the role into the stack first, as the child the program declares: `pulumi import aws:iam/role:Role {ImportedName(after, now)} {name} --parent 'iam=URN'` with the URN of the {after.Cluster.LogicalName}-iam component (`pulumi stack --show-urns`; its trust policy and policies then become the stack's, and the import protects it), then apply this change.")
                : new(FindingLevel.Error, now.RoleArn, $"IAM role {name} was created by the stack ({old.ConfigPath}) and is now listed as an existing role ({now.ConfigPath})",
                    $"the stack no longer creates the role, so `pulumi up` deletes the role it created, while {now.ConfigPath} maps the same ARN: the mapping{(after.Mode.UsesAccessEntries() ? " and access entry point" : " points")} at a deleted role, and {(now.Kind == ComputeKind.Fargate ? "Fargate pods" : "nodes")} running with it can no longer authenticate. Keep it where it is ({old.ConfigPath}). To run them with a role made outside the stack, give {(now.Kind == ComputeKind.Fargate ? "the profile" : "the node group")} that role under another name instead ({(now.Kind == ComputeKind.Fargate ? "EKS replaces a profile whose role changes" : "EKS replaces a node group whose role changes")}), and let the stack delete this one; `pulumi state delete` of the role is refused while the {(now.Kind == ComputeKind.Fargate ? "profile" : "node group")} and the policy attachments depend on it."));
        }

        PersonRoleMoves(before, after, findings);
    }

    /// <summary>The logical name the program gives a created role's resource under its IamRoles component.</summary>
    private static string ImportedName(AccessPlan plan, ComputeIdentityPlan identity) =>
        plan.Roles.FirstOrDefault(r => string.Equals(r.Name, identity.CreatedRoleName, StringComparison.Ordinal)) is { } role
            ? $"{plan.Cluster.LogicalName}-iam-{role.LogicalName}"
            : $"{plan.Cluster.LogicalName}-iam-{LogicalNames.Role(identity.CreatedRoleName ?? "")}";

    /// <summary>
    /// A role that moves between a person's or CI's mapping of an existing role (mapRoles) and a compute role the stack
    /// creates: IAM refuses CreateRole of a name that exists (EntityAlreadyExists), and a compute role the stack stops
    /// creating is deleted while the mapping still names it. An access role of roles[] under the same name is the same
    /// Pulumi resource (one logical name per role name), updated in place, so it is no such move.
    /// </summary>
    private static void PersonRoleMoves(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var computeBefore = before.ComputeIdentities.ToDictionary(c => c.RoleArnWithoutPath, Arn);
        var computeAfter = after.ComputeIdentities.ToDictionary(c => c.RoleArnWithoutPath, Arn);
        var peopleBefore = People(before, computeBefore);
        var peopleAfter = People(after, computeAfter);
        foreach (var (arn, now) in computeAfter.Where(c => c.Value.CreatedRoleName is not null))
        {
            if (computeBefore.ContainsKey(arn) || !peopleBefore.TryGetValue(arn, out var wasAccessRole))
            {
                continue;
            }

            findings.Add(wasAccessRole
                // The same resource, updated in place: its trust policy becomes the compute service's.
                ? new(FindingLevel.Danger, now.RoleArn, $"IAM role {now.CreatedRoleName} stops being an access role of roles[] and becomes the {now.Describe()} ({now.ConfigPath})",
                    $"the stack keeps the role and replaces its trust policy with the one {(now.Kind == ComputeKind.Fargate ? "Fargate pods" : "nodes")} need, so everyone who assumes it today loses it and its Kubernetes access. Give the {now.Describe()} a role name of its own unless that is meant.")
                : new(FindingLevel.Error, now.RoleArn, $"IAM role {now.CreatedRoleName} was {MappedExisting} and is now created by the stack for the {now.Describe()} ({now.ConfigPath})",
                    $"the role exists already, and IAM role names are unique in an account: the stack's CreateRole of '{now.CreatedRoleName}' fails with EntityAlreadyExists and `pulumi up` stops part-way. Give the {now.Describe()} a new role name, and a person's access a role of its own."));
        }

        foreach (var (arn, old) in computeBefore.Where(c => c.Value.CreatedRoleName is not null))
        {
            if (!computeAfter.ContainsKey(arn) && peopleAfter.TryGetValue(arn, out var isAccessRole) && !isAccessRole)
            {
                findings.Add(new(FindingLevel.Error, old.RoleArn, $"IAM role {old.CreatedRoleName}, created by the stack for the {old.Describe()} ({old.ConfigPath}), is now {MappedExisting}",
                    "the stack no longer creates the role, so `pulumi up` deletes it, while the mapping names it: the mapping points at a deleted role. Keep the compute role as it is, and map people with a role of their own."));
            }
        }
    }

    private const string MappedExisting = "mapped as an existing role or user";

    /// <summary>Each principal that is not a compute role, by its ARN without path, and whether the stack creates it under roles[].</summary>
    private static Dictionary<string, bool> People(AccessPlan plan, Dictionary<string, ComputeIdentityPlan> compute)
    {
        var created = plan.AccessRoles.Select(r => r.ArnWithoutPath).ToHashSet(Arn);
        var people = new Dictionary<string, bool>(Arn);
        foreach (var principal in plan.Principals)
        {
            var arn = Arns.StripPath(principal.Principal);
            if (!compute.ContainsKey(arn))
            {
                people.TryAdd(arn, created.Contains(arn));
            }
        }

        return people;
    }

    /// <summary>
    /// The inputs of a kept node group that EKS cannot change in place. terraform-provider-aws aws_eks_node_group marks
    /// node_group_name, instance_types (a list: order counts), capacity_type, ami_type and disk_size ForceNew (the last
    /// four Optional and Computed, so leaving one out keeps what EKS chose). The Pulumi bridge replaces a resource whose
    /// auto-named property the program sets (a named group) delete-first, since EKS holds a name once; a group with a
    /// generated name (the one-group <c>nodeGroup</c> form) gets its replacement created first, then the old one drained.
    /// </summary>
    private static void NodeGroupReplacements(NodeGroupPlan was, NodeGroupPlan now, List<DiffFinding> findings)
    {
        var subject = $"node group {was.Name}";
        if (!Exact.Equals(was.NodeGroupName, now.NodeGroupName))
        {
            findings.Add(new(FindingLevel.Error, subject, $"node group {was.Name} changes its name: {was.NodeGroupName ?? "(generated)"} → {now.NodeGroupName ?? "(generated)"}",
                $"EKS cannot rename a node group, and both names make the one Pulumi resource {was.LogicalName}, so `pulumi up` replaces the group in place: the old group is deleted first, and all its {was.MinSize}..{was.MaxSize} nodes go before its replacement exists. Keep the name '{was.Name}'; to rename, add a node group under a name that is not a respelling of this one, move the workloads, then remove the old one."));
            return;
        }

        var instanceTypes = was.NodeGroupName is null ? "instanceType" : "instanceTypes";
        if (!was.InstanceTypes.SequenceEqual(now.InstanceTypes, Exact))
        {
            var reordered = was.InstanceTypes.Order(Exact).SequenceEqual(now.InstanceTypes.Order(Exact), Exact) ? " (the order only)" : "";
            Forced(instanceTypes, $"[{string.Join(", ", was.InstanceTypes)}]", $"[{string.Join(", ", now.InstanceTypes)}]", null, reordered);
        }

        // EKS takes ON_DEMAND for a group created without capacityType (CreateNodegroup API reference), whatever its AMI.
        Optional("capacityType", was.CapacityType, now.CapacityType, "ON_DEMAND", certain: true, onlyChoice: true);
        Optional("amiType", was.AmiType, now.AmiType, "the default AMI type of the cluster's Kubernetes version for the instance types' architecture", certain: false);
        var disk = AmiTypes.DefaultDiskSize(AmiTypes.Find(was.AmiType ?? ""));
        Optional("diskSize", was.DiskSize?.ToString(CultureInfo.InvariantCulture), now.DiskSize?.ToString(CultureInfo.InvariantCulture), disk.ToString(CultureInfo.InvariantCulture), certain: true, unit: " GiB");

        // Left out again, an Optional and Computed input keeps the value EKS holds: nothing changes.
        // onlyChoice: EKS's value for a group created without the input is fixed, so setting another is a sure replacement.
        void Optional(string input, string? old, string? value, string chosen, bool certain, string unit = "", bool onlyChoice = false)
        {
            if (value is null || Exact.Equals(old, value) || (old is null && certain && Exact.Equals(chosen, value)))
            {
                return;
            }

            var eks = certain ? chosen + unit : chosen;
            Forced(input, old is null ? (certain ? $"unset (EKS's {eks})" : "unset (EKS's default)") : old + unit, value + unit, old is null && !onlyChoice ? eks : null);
        }

        void Forced(string input, string old, string value, string? unlessEksChose, string note = "")
        {
            var named = was.NodeGroupName is not null;
            var replaced = named
                ? $"a named group is deleted before its replacement exists, so all its {was.MinSize}..{was.MaxSize} nodes go at once and their pods have nowhere to run meanwhile"
                : CreatedFirst(was);
            var fix = named
                ? $" Keep {input} {old}; to change it, add a node group under a new name with {input} {value}, move the workloads, then remove the old one."
                : " Let it happen only where the other groups can take the pods (a PodDisruptionBudget makes the drain wait for them), or keep it as it was.";
            findings.Add(unlessEksChose is null
                ? new(named ? FindingLevel.Error : FindingLevel.Danger, subject, $"node group {was.Name} changes its {input}: {old} → {value}{note}",
                    $"EKS cannot change a node group's {input} in place, so `pulumi up` replaces the group: {replaced}.{fix}")
                : new(FindingLevel.Danger, subject, $"node group {was.Name} sets its {input}: {old} → {value}",
                    $"EKS cannot change a node group's {input} in place: setting it replaces the group unless it equals what EKS chose ({unlessEksChose}), and then {replaced}. Read the group's {input} in `aws eks describe-nodegroup` first; if it differs, leave {input} out, or add a node group under a new name with {input} {value}, move the workloads, then remove the old one."));
        }
    }

    private static string CreatedFirst(NodeGroupPlan was) =>
        $"it is replaced by a new group, created first (its name is generated), then the old one's {was.MinSize}..{was.MaxSize} nodes are drained and terminated, so their pods move";

    /// <summary>
    /// What EKS changes in place (UpdateNodegroupConfig) but moves pods: a smaller desiredSize terminates nodes
    /// (NodegroupScalingConfig: "the necessary number of worker nodes are terminated"; pulumi-eks sends it on every update,
    /// since the stack sets no ignoreScalingChanges), and a NoExecute taint evicts every running pod that does not
    /// tolerate it (Kubernetes, "Taints and Tolerations").
    /// </summary>
    private static void InPlaceChanges(NodeGroupPlan was, NodeGroupPlan now, List<DiffFinding> findings)
    {
        var subject = $"node group {was.Name}";
        if (was.DesiredSize != now.DesiredSize || was.MinSize != now.MinSize || was.MaxSize != now.MaxSize)
        {
            var shrinks = now.DesiredSize < was.DesiredSize;
            findings.Add(new(shrinks ? FindingLevel.Danger : FindingLevel.Changed, subject,
                $"node group {was.Name} scales: desired {was.DesiredSize} → {now.DesiredSize}, min..max {was.MinSize}..{was.MaxSize} → {now.MinSize}..{now.MaxSize}",
                shrinks
                    ? $"EKS terminates {was.DesiredSize - now.DesiredSize} of the group's nodes (or as many as run above {now.DesiredSize}), and their pods must fit on the nodes left."
                    : "EKS changes the group's scaling in place."));
        }

        static string Taint(TaintPlan t) => $"{t.Key}={t.Value}:{t.Effect}";
        var added = now.Taints.Except(was.Taints).ToList();
        var removed = was.Taints.Except(now.Taints).ToList();
        if (added.Count > 0 || removed.Count > 0)
        {
            var evicts = added.Where(t => t.Effect == "NO_EXECUTE").Select(Taint).ToList();
            findings.Add(new(evicts.Count > 0 ? FindingLevel.Danger : FindingLevel.Changed, subject,
                $"node group {was.Name} changes its taints: [{string.Join(", ", was.Taints.Select(Taint))}] → [{string.Join(", ", now.Taints.Select(Taint))}]",
                evicts.Count > 0
                    ? $"EKS updates the group in place (UpdateNodegroupConfig), and a NoExecute taint ({string.Join(", ", evicts)}) on a node evicts every pod there that does not tolerate it, CoreDNS and the add-ons included unless another group can take them; add the toleration to the workloads first."
                    : "EKS updates the group in place (UpdateNodegroupConfig); a NoSchedule or PreferNoSchedule taint keeps running pods where they are and steers new ones that do not tolerate it elsewhere."));
        }

        if (!was.Labels.SequenceEqual(now.Labels))
        {
            findings.Add(new(FindingLevel.Changed, subject, $"node group {was.Name} changes its labels: {{{string.Join(", ", was.Labels.Select(l => $"{l.Key}={l.Value}"))}}} → {{{string.Join(", ", now.Labels.Select(l => $"{l.Key}={l.Value}"))}}}",
                "EKS updates the group in place (UpdateNodegroupConfig); pods whose node selectors or affinities no longer match keep running (Kubernetes checks them only when scheduling), but are not scheduled there again."));
        }
    }

    private static bool SameSelectors(IReadOnlyList<FargateSelectorPlan> was, IReadOnlyList<FargateSelectorPlan> now) =>
        was.Count == now.Count && was.Zip(now).All(p => Exact.Equals(p.First.Namespace, p.Second.Namespace) && p.First.Labels.SequenceEqual(p.Second.Labels));

    private static string Selectors(IReadOnlyList<FargateSelectorPlan> selectors) =>
        $"[{string.Join(", ", selectors.Select(s => s.Labels.Count == 0 ? s.Namespace : $"{s.Namespace} {{{string.Join(", ", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}}"))}]";

    /// <summary>
    /// EKS User Guide, "Delete a managed node group": "If you delete a managed node group that uses a node IAM role that
    /// isn't used by any other managed node group in the cluster, the role is removed from the aws-auth ConfigMap."
    /// The stack keeps mapping the role, so pulumi-eks's aws-auth inputs do not change and nothing writes the mapping back
    /// in that update: nodes still running with the role outside managed node groups (Karpenter, self-managed) stop
    /// authenticating while aws-auth is what EKS reads for them.
    /// </summary>
    private static void LastManagedGroupsGone(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        if (!after.Mode.UsesConfigMap())
        {
            return;
        }

        // A managed node group made outside the stack (nodeRoles[].managedNodeGroup) keeps the role in use for EKS.
        var inUseAfter = after.ComputeIdentities
            .Where(c => c.Kind == ComputeKind.NodeGroupRole ? c.Owners.Count > 0 : c.EntryCreatedByEks && c.Kind != ComputeKind.Fargate)
            .Select(c => c.RoleArnWithoutPath)
            .ToHashSet(Arn);
        foreach (var was in before.ComputeIdentities.Where(c => c.Kind == ComputeKind.NodeGroupRole && c.Owners.Count > 0))
        {
            if (inUseAfter.Contains(was.RoleArnWithoutPath) || !StillMapped(after, was.RoleArn))
            {
                continue;
            }

            findings.Add(new(FindingLevel.Danger, was.RoleArn, $"node role {was.CreatedRoleName} loses its last managed node group ({string.Join(", ", was.Owners)}), and EKS then removes its aws-auth mapping",
                $"EKS deletes the mapping of a node role no managed node group uses any more; the stack still maps it, but pulumi-eks's aws-auth has no change to apply, so the mapping stays gone after this update, and nodes that run with the role outside managed node groups (Karpenter, self-managed) stop joining{(after.Mode == AuthenticationMode.ApiAndConfigMap ? " unless the access entry EKS made for the group outlives it (not documented)" : "")}. Run `pulumi up --refresh` once this update is done (the deploy workflow refreshes on every run): the refresh finds the mapping gone and writes it again. Nothing is lost if no other node uses the role."));
        }
    }

    private static bool StillMapped(AccessPlan plan, string roleArn) =>
        plan.ComputeIdentities.Any(c => Arn.Equals(c.RoleArnWithoutPath, Arns.StripPath(roleArn)));
}
