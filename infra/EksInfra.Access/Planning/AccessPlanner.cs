using EksInfra.Access.Model;

namespace EksInfra.Access.Planning;

/// <summary>
/// Derives the <see cref="AccessPlan"/> from a validated <see cref="StackConfig"/>. Pure: the same model gives
/// the same plan whatever the order of its lists, so previews show no spurious diffs.
/// </summary>
public static class AccessPlanner
{
    public static readonly string[] NodeManagedPolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];
    public const string ClusterManagedPolicy = "AmazonEKSClusterPolicy";

    /// <summary>AWS, "Amazon EKS Pod execution IAM role": ECR read access for Fargate's image pulls.</summary>
    public const string FargateManagedPolicy = "AmazonEKSFargatePodExecutionRolePolicy";
    public const string AccessEntryTypeStandard = "STANDARD";

    private static readonly StringComparer Ordinal = StringComparer.Ordinal;

    public static AccessPlan Plan(StackConfig config, IReadOnlyList<Diagnostic> warnings) => Plan(config, Identity.All(config), warnings);

    /// <summary>Plans with the identities already derived from <paramref name="config"/> (and validated).</summary>
    public static AccessPlan Plan(StackConfig config, IReadOnlyList<Identity> allIdentities, IReadOnlyList<Diagnostic> warnings)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(allIdentities);
        var aws = config.Aws;
        var c = config.Cluster;
        var cluster = new ClusterPlan(
            c.Name,
            aws.Region,
            aws.AccountId,
            aws.Partition,
            c.Version,
            c.Network with { PrivateSubnetIds = Sorted(c.Network.PrivateSubnetIds), PublicSubnetIds = Sorted(c.Network.PublicSubnetIds), PublicAccessCidrs = Sorted(c.Network.PublicAccessCidrs) },
            c.Protect,
            c.DeployerArn);
        cluster = cluster with { NodeGroups = ComputePlanner.NodeGroups(c, cluster), FargateProfiles = ComputePlanner.FargateProfiles(c, cluster) };

        var identities = allIdentities
            .OrderBy(i => i.Source == MappingSource.CreatedRole ? 0 : 1)
            .ThenBy(i => i.Arn!.Full, Ordinal)
            .ToList();
        var roles = Roles(config, cluster);
        var compute = ComputePlanner.Identities(config, cluster, roles);
        var mode = config.Access.Mode;
        return new AccessPlan(
            config.StackName,
            cluster,
            mode,
            roles,
            mode.UsesConfigMap() ? AwsAuth(config, compute, identities) : null,
            mode.UsesAccessEntries() ? AccessEntries(cluster, compute, identities) : [],
            Rbac(config),
            Principals(config, compute, identities),
            warnings)
        {
            Namespaces = NamespacePlanner.Plan(config.Access),
            ComputeIdentities = compute,
        };
    }

    private static List<IamRolePlan> Roles(StackConfig config, ClusterPlan cluster)
    {
        var partition = cluster.Partition;
        var account = cluster.AccountId;
        var c = config.Cluster;
        var list = new List<IamRolePlan>
        {
            Role(c.ServiceRoleName, "/", RolePurpose.ClusterService, IamPolicies.ServiceTrust("eks.amazonaws.com"), [ClusterManagedPolicy], null, null),
            Role(c.NodeRoleName, "/", RolePurpose.Node, IamPolicies.ServiceTrust("ec2.amazonaws.com"), NodeManagedPolicies, null, null),
        };

        foreach (var name in c.Compute.ExtraNodeRoles.Select(r => r.Name).Order(Ordinal))
        {
            list.Add(Role(name, "/", RolePurpose.AdditionalNode, IamPolicies.ServiceTrust("ec2.amazonaws.com"), NodeManagedPolicies, null, null));
        }

        foreach (var profile in cluster.FargateProfiles)
        {
            list.Add(Role(profile.PodExecutionRoleName, "/", RolePurpose.FargatePodExecution, IamPolicies.FargatePodTrust(cluster.FargateProfileArnPattern), [FargateManagedPolicy], null, null));
        }

        foreach (var role in config.Access.Roles.OrderBy(r => r.Name, Ordinal))
        {
            var trusted = role.AssumedBy.Count > 0 ? Sorted(role.AssumedBy) : [Arns.AccountRoot(partition, account)];
            list.Add(Role(role.Name, role.IamPath, RolePurpose.Access, IamPolicies.AwsPrincipalTrust(trusted), [], new InlinePolicyPlan(LogicalNames.DescribeClusterPolicy(role.Name), "eks-describe-cluster", IamPolicies.DescribeCluster(cluster.Arn)), role.MaxSessionDuration) with { TrustedPrincipals = trusted });
        }

        return list;

        IamRolePlan Role(string name, string path, RolePurpose purpose, string trust, IEnumerable<string> managed, InlinePolicyPlan? inline, int? maxSession)
        {
            return new IamRolePlan(
                LogicalNames.Role(name),
                name,
                path,
                Arns.RoleArn(partition, account, path, name),
                purpose,
                trust,
                [.. managed.Select(p => new ManagedPolicyAttachmentPlan(LogicalNames.PolicyAttachment(name, p), IamPolicies.ManagedPolicyArn(partition, p)))],
                inline,
                maxSession);
        }
    }

    private static AwsAuthPlan AwsAuth(StackConfig config, IReadOnlyList<ComputeIdentityPlan> compute, List<Identity> identities)
    {
        var mapRoles = compute.Select(ComputePlanner.RoleMapping).ToList();
        mapRoles.AddRange(identities
            .Where(i => i.Kind == PrincipalKind.Role)
            .Select(i => new RoleMappingPlan(i.Arn!.WithoutPath, i.Username, Sorted(i.Groups), i.Source, i.CreatedRoleName))
            .OrderBy(m => m.RoleArn, Ordinal));
        var mapUsers = identities
            .Where(i => i.Kind == PrincipalKind.User)
            .Select(i => new UserMappingPlan(i.Arn!.Full, i.Username, Sorted(i.Groups)))
            .OrderBy(m => m.UserArn, Ordinal)
            .ToList();
        return new AwsAuthPlan(mapRoles, mapUsers, Sorted(config.Access.MapAccounts.Select(a => a.AccountId)));
    }

    /// <summary>The key of a principal's access entry: a pure function of the principal (IAM names are unique case-insensitively).</summary>
    public static string AccessEntryKey(IamArn arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        return $"{(arn.Kind == PrincipalKind.Role ? "role" : "user")}-{arn.Name.ToLowerInvariant()}";
    }

    private static List<AccessEntryPlan> AccessEntries(ClusterPlan cluster, IReadOnlyList<ComputeIdentityPlan> compute, List<Identity> identities) =>
        [.. ComputePlanner.AccessEntries(compute).Concat(identities.Select(i =>
        {
            var policies = new List<AccessPolicyAssociationPlan>();
            if (i.Groups.Contains(KubernetesNames.SystemMasters))
            {
                policies.Add(Association(cluster, EksAccessPolicies.ClusterAdmin, []));
            }

            policies.AddRange(i.AccessPolicies.Select(p => Association(cluster, p.Policy, p.Namespaces)));
            return new AccessEntryPlan(
                AccessEntryKey(i.Arn!),
                i.Arn!.Full,
                i.CreatedRoleName,
                AccessEntryTypeStandard,
                i.Username,
                Sorted(i.Groups.Where(g => !KubernetesNames.IsSystemGroup(g))),
                [.. policies.OrderBy(p => p.Key, Ordinal)]);
        })).OrderBy(e => e.Key, Ordinal)];

    private static AccessPolicyAssociationPlan Association(ClusterPlan cluster, string policy, IReadOnlyList<string> namespaces) =>
        new(LogicalNames.AccessPolicy(policy), policy, EksAccessPolicies.Arn(cluster.Partition, policy), namespaces.Count == 0 ? AccessScopePlan.Cluster : new AccessScopePlan("namespace", Sorted(namespaces)));

    /// <summary>The name of every RBAC binding the stack owns, so a reader of the cluster can tell where it came from.</summary>
    public static string BindingName(string group) => $"eks-infra:{group}";

    private static RbacPlan Rbac(StackConfig config)
    {
        var access = config.Access;
        var referenced = access.Groups.Select(g => g.ClusterRole).ToHashSet(Ordinal);
        var clusterRoles = access.ClusterRoles
            .Select(r => new ClusterRolePlan(
                LogicalNames.ClusterRole(r.Name),
                r.Name,
                CanonicalRules(r.Rules)))
            .ToList();
        if (referenced.Contains(BuiltInRoles.ReadOnlyName))
        {
            clusterRoles.Add(BuiltInRoles.ReadOnly);
        }

        var groups = access.Groups.OrderBy(g => g.Name, Ordinal).ToList();
        var clusterBindings = groups
            .Where(g => g.Namespaces.Count == 0)
            .Select(g => new ClusterRoleBindingPlan(LogicalNames.ClusterRoleBinding(g.Name), BindingName(g.Name), g.ClusterRole, g.Name))
            .ToList();
        var roleBindings = groups
            .SelectMany(g => g.Namespaces.Select(ns => new RoleBindingPlan(LogicalNames.RoleBinding(ns, g.Name), BindingName(g.Name), ns, g.ClusterRole, g.Name)))
            .OrderBy(b => b.Namespace, Ordinal).ThenBy(b => b.Group, Ordinal)
            .ToList();
        return new RbacPlan([.. clusterRoles.OrderBy(r => r.Name, Ordinal)], clusterBindings, roleBindings);
    }

    /// <summary>RBAC rules are sets of sets: sorted, so reordering them in config changes no byte of the output.</summary>
    private static List<PolicyRulePlan> CanonicalRules(IEnumerable<PolicyRuleSettings> rules) =>
        [.. rules
            .Select(rule => new PolicyRulePlan(Sorted(rule.ApiGroups), Sorted(rule.Resources), Sorted(rule.Verbs), Sorted(rule.ResourceNames), Sorted(rule.NonResourceUrls)))
            .DistinctBy(RuleKey, Ordinal)
            .OrderBy(RuleKey, Ordinal)];

    private static string RuleKey(PolicyRulePlan rule) =>
        string.Join("\u0001", new[] { rule.ApiGroups, rule.Resources, rule.ResourceNames, rule.NonResourceUrls, rule.Verbs }.Select(list => string.Join("\u0000", list)));

    private static List<PrincipalAccess> Principals(StackConfig config, IReadOnlyList<ComputeIdentityPlan> compute, List<Identity> identities)
    {
        var mode = config.Access.Mode;
        // What each group grants is the same for every member: one Grant per group, shared.
        var rbacGrants = config.Access.Groups.ToDictionary(
            g => g.Name,
            g => new Grant(GrantVia.Rbac, g.ClusterRole, g.Namespaces.Count == 0 ? "cluster-wide" : "namespaces " + string.Join(", ", Sorted(g.Namespaces)), g.ClusterRole == "cluster-admin" && g.Namespaces.Count == 0),
            Ordinal);
        var grants = compute.Select(ComputePlanner.Principal).ToList();
        foreach (var identity in identities)
        {
            var permissions = new List<Grant>();
            foreach (var group in Sorted(identity.Groups))
            {
                if (group == KubernetesNames.SystemMasters)
                {
                    permissions.Add(new Grant(GrantVia.SystemMasters, group, "cluster-wide", true));
                }
                else if (KubernetesNames.IsSystemGroup(group))
                {
                    permissions.Add(new Grant(GrantVia.SystemGroup, group, "cluster-wide", false));
                }
                else if (rbacGrants.TryGetValue(group, out var grant))
                {
                    permissions.Add(grant);
                }
                else if (config.Access.ExternalGroupNames.Contains(group))
                {
                    permissions.Add(new Grant(GrantVia.ExternalBinding, group, "unknown to this stack", false));
                }
            }

            if (mode.UsesAccessEntries())
            {
                permissions.AddRange(identity.AccessPolicies
                    .OrderBy(p => p.Policy, Ordinal)
                    .Select(p => new Grant(GrantVia.AccessPolicy, p.Policy, p.Namespaces.Count == 0 ? "cluster-wide" : "namespaces " + string.Join(", ", Sorted(p.Namespaces)), EksAccessPolicies.GrantsClusterAdmin(p.Policy) && p.Namespaces.Count == 0)));
            }

            grants.Add(new PrincipalAccess(identity.Arn!.Full, identity.KindName, identity.Username, Sorted(identity.Groups), permissions));
        }

        return grants;
    }

    /// <summary>Distinct and in ordinal order. Config lists usually are already, and then are used as they are.</summary>
    internal static IReadOnlyList<string> Sorted(IEnumerable<string> values)
    {
        if (values is IReadOnlyList<string> list)
        {
            var ordered = true;
            for (var i = 1; i < list.Count && ordered; i++)
            {
                ordered = string.CompareOrdinal(list[i - 1], list[i]) < 0;
            }

            if (ordered)
            {
                return list;
            }
        }

        return [.. values.Distinct(Ordinal).Order(Ordinal)];
    }
}
