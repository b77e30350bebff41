using EksInfra.Access.Model;
using EksInfra.Access.Platform;

namespace EksInfra.Access.Planning;

/// <summary>
/// Plans what runs pods (managed node groups, Fargate profiles) and every IAM role they authenticate with, each
/// mapped once in the form its mode needs. One place decides a compute identity's aws-auth mapping, access entry
/// and report line, so they cannot disagree.
/// </summary>
public static class ComputePlanner
{
    private static readonly StringComparer Ordinal = StringComparer.Ordinal;

    /// <summary>The EKS API's names for the Kubernetes taint effects (CreateNodegroup, Taint.effect).</summary>
    public static readonly IReadOnlyDictionary<string, string> TaintEffects = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["NoSchedule"] = "NO_SCHEDULE",
        ["PreferNoSchedule"] = "PREFER_NO_SCHEDULE",
        ["NoExecute"] = "NO_EXECUTE",
    };

    public static IReadOnlyList<NodeGroupPlan> NodeGroups(ClusterSettings c, ClusterPlan cluster)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(cluster);
        return [.. c.Compute.NodeGroups
            .Select(g =>
            {
                var role = g.NodeRole ?? c.NodeRoleName;
                return new NodeGroupPlan(
                    g.IsShorthand ? LogicalNames.NodeGroup(c.Name) : LogicalNames.NodeGroup(c.Name, g.Name),
                    g.Name,
                    g.IsShorthand ? null : g.Name,
                    g.InstanceTypes,
                    g.DesiredSize,
                    g.MinSize,
                    g.MaxSize,
                    role,
                    Arns.RoleArn(cluster.Partition, cluster.AccountId, "/", role))
                {
                    CapacityType = g.CapacityType,
                    AmiType = g.AmiType,
                    DiskSize = g.DiskSize,
                    SubnetIds = NodeSubnets(cluster.Network),
                    Labels = [.. g.Labels.OrderBy(l => l.Key, Ordinal)],
                    Taints = [.. g.Taints
                        .Select(t => new TaintPlan(t.Key, t.Value, TaintEffects.GetValueOrDefault(t.Effect, t.Effect)))
                        .OrderBy(t => t.Key, Ordinal).ThenBy(t => t.Effect, Ordinal)],
                };
            })
            .OrderBy(g => g.Name, Ordinal)];
    }

    /// <summary>
    /// Where node groups run: the private subnets, else the public ones. Left out, pulumi-eks would take the cluster's
    /// subnets, which with public ones only are those same subnets; named here, `diff` sees them change (subnet_ids is
    /// ForceNew), and since terraform keeps subnet_ids as a set, naming them changes nothing on an existing group.
    /// Empty only for the default VPC, whose subnets the plan does not know.
    /// </summary>
    internal static (string ConfigKey, IReadOnlyList<string> Ids) NodeSubnetSource(NetworkSettings network) =>
        network.PrivateSubnetIds.Count > 0 ? ("privateSubnetIds", network.PrivateSubnetIds) : ("publicSubnetIds", network.PublicSubnetIds);

    private static IReadOnlyList<string> NodeSubnets(NetworkSettings network) => NodeSubnetSource(network).Ids;

    public static IReadOnlyList<FargateProfilePlan> FargateProfiles(ClusterSettings c, ClusterPlan cluster)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(cluster);
        return [.. c.Compute.FargateProfiles
            .Select(p => new FargateProfilePlan(
                LogicalNames.FargateProfile(c.Name, p.Name),
                p.Name,
                p.PodExecutionRoleName,
                Arns.RoleArn(cluster.Partition, cluster.AccountId, "/", p.PodExecutionRoleName),
                [.. p.Selectors
                    .Select(s => new FargateSelectorPlan(s.Namespace, [.. s.Labels.OrderBy(l => l.Key, Ordinal)]))
                    .OrderBy(s => s.Namespace, Ordinal).ThenBy(s => string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")), Ordinal)],
                // A profile without subnets runs in the cluster's private subnets (Fargate takes no public ones).
                AccessPlanner.Sorted(p.SubnetIds.Count > 0 ? p.SubnetIds : cluster.Network.PrivateSubnetIds)))
            .OrderBy(p => p.Name, Ordinal)];
    }

    /// <summary>Every compute identity, once each, in ARN order.</summary>
    public static IReadOnlyList<ComputeIdentityPlan> Identities(StackConfig config, ClusterPlan cluster, IReadOnlyList<IamRolePlan> roles)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(roles);
        var list = new List<ComputeIdentityPlan>();
        foreach (var role in roles.Where(r => r.Purpose is RolePurpose.Node or RolePurpose.AdditionalNode))
        {
            var groups = cluster.NodeGroups.Where(g => g.NodeRoleName == role.Name).ToList();
            var owners = groups.Select(g => g.Name).ToList();
            var windows = groups.Count > 0 && groups.All(g => g.AmiType is { } ami && AmiTypes.Find(ami) is { IsWindows: true });
            var path = role.Purpose == RolePurpose.Node
                ? $"{config.Cluster.Path}.nodeRoleName"
                : config.Cluster.Compute.ExtraNodeRoles.FirstOrDefault(r => r.Name == role.Name)?.Path ?? $"{config.Cluster.Path}.nodeRoles";

            // EKS creates the access entry of a managed node group's role itself (EC2_LINUX, or EC2_WINDOWS for a Windows AMI).
            list.Add(new ComputeIdentityPlan(role.Arn, ComputeKind.NodeGroupRole, role.Name, owners, path, EntryCreatedByEks: owners.Count > 0, windows));
        }

        foreach (var profile in cluster.FargateProfiles)
        {
            var path = config.Cluster.Compute.FargateProfiles.FirstOrDefault(p => p.Name == profile.Name)?.Path ?? $"{config.Cluster.Path}.fargateProfiles";

            // EKS creates the FARGATE_LINUX entry of a profile's pod execution role when it creates the profile.
            list.Add(new ComputeIdentityPlan(profile.PodExecutionRoleArn, ComputeKind.Fargate, profile.PodExecutionRoleName, [profile.Name], path, EntryCreatedByEks: true));
        }

        foreach (var node in config.Access.NodeRoles)
        {
            var kind = node.Kind switch
            {
                NodeRoleKind.Windows => ComputeKind.SelfManagedWindows,
                NodeRoleKind.Fargate => ComputeKind.Fargate,
                _ => ComputeKind.SelfManagedLinux,
            };
            // EKS makes the entry of every Fargate profile's role, and of every managed node group's, itself, when the profile or
            // group is made in an access-entry mode or when the mode leaves CONFIG_MAP (EKS User Guide, "Create access entries":
            // unnecessary "for an IAM role that's used for a managed node group or a Fargate profile"); one from the stack
            // would fail with HTTP 409.
            list.Add(new ComputeIdentityPlan(node.RoleArn, kind, null, [], node.Path, EntryCreatedByEks: node.Kind == NodeRoleKind.Fargate || node.ManagedNodeGroup));
        }

        return [.. list.OrderBy(i => i.RoleArn, Ordinal)];
    }

    /// <summary>The aws-auth entry of a compute identity: the ARN without its path, the username and groups AWS documents.</summary>
    public static RoleMappingPlan RoleMapping(ComputeIdentityPlan identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var source = identity.Kind == ComputeKind.NodeGroupRole ? (identity.RunsWindows ? MappingSource.WindowsNodeRole : MappingSource.NodeRole)
            : identity.CreatedRoleName is not null ? MappingSource.FargateRole
            : MappingSource.ExistingNodeRole;
        return new RoleMappingPlan(identity.RoleArnWithoutPath, identity.Username, identity.Groups, source, identity.CreatedRoleName);
    }

    /// <summary>
    /// The access entries the stack itself creates for compute identities: only for roles whose entry EKS does not make.
    /// EKS's rule (CreateAccessEntry): EC2_LINUX, EC2_WINDOWS and FARGATE_LINUX entries carry no username, no groups
    /// and no access policies. The stack's node role with no node group gets none (see the validator's warning).
    /// </summary>
    public static IEnumerable<AccessEntryPlan> AccessEntries(IReadOnlyList<ComputeIdentityPlan> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        foreach (var identity in compute.Where(i => !i.EntryCreatedByEks && i.Kind != ComputeKind.NodeGroupRole))
        {
            if (Arns.TryParse(identity.RoleArn, out var arn, out _))
            {
                yield return new AccessEntryPlan(AccessPlanner.AccessEntryKey(arn), identity.RoleArn, identity.CreatedRoleName, identity.AccessEntryType, "", [], []);
            }
        }
    }

    /// <summary>
    /// The compute identities with no access entry, neither EKS's (a managed node group's or a Fargate profile's role) nor
    /// the stack's (an <c>access.nodeRoles</c> role of kind linux or windows): in API mode, where EKS reads access entries
    /// only, nodes that use one cannot join. The validator leaves only the stack's <c>nodeRoleName</c> with no node group
    /// here (a role of <c>cluster.nodeRoles</c> must be some group's).
    /// </summary>
    public static IReadOnlyList<ComputeIdentityPlan> WithoutAccessEntry(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return [.. plan.ComputeIdentities.Where(c => !c.EntryCreatedByEks && !plan.AccessEntries.Any(e => string.Equals(e.PrincipalArn, c.RoleArn, StringComparison.OrdinalIgnoreCase)))];
    }

    /// <summary>Why <paramref name="identity"/>, one of <see cref="WithoutAccessEntry"/>, cannot join once the mode is API, and what to do first.</summary>
    public static string NoWayToJoinInApi(ComputeIdentityPlan identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return $"in API, EKS stops reading aws-auth, where {identity.RoleArnWithoutPath} is mapped today, and it makes EC2_LINUX access entries for managed node groups' roles only: no managed node group of this stack runs with this role, and the stack writes no entry for it, so nodes that use it (Karpenter or self-managed ones) can no longer join. Before moving to API, give it a managed node group under eks-infra:cluster.nodeGroups, or run those nodes with an existing role listed under eks-infra:access.nodeRoles (kind linux), for which the stack writes the EC2_LINUX entry; where nothing runs with this role (only Fargate profiles run pods), nothing is lost";
    }

    public static PrincipalAccess Principal(ComputeIdentityPlan identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var grant = identity.Kind switch
        {
            ComputeKind.Fargate => new Grant(GrantVia.FargateBootstrap, "system:node-proxier", Grant.ClusterWide, false),
            _ when identity.RunsWindows => new Grant(GrantVia.NodeBootstrap, KubernetesNames.KubeProxyWindows, Grant.ClusterWide, false),
            _ => new Grant(GrantVia.NodeBootstrap, "system:nodes", Grant.ClusterWide, false),
        };
        return new PrincipalAccess(identity.RoleArn, identity.Describe(), identity.Username, identity.Groups, [grant]);
    }
}
