using System.Diagnostics;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;

namespace EksInfra.Access.Planning;

/// <summary>
/// Derives the <see cref="AccessPlan"/> from a validated <see cref="StackConfig"/>. Pure: the same model gives
/// the same plan whatever the order of its lists, so previews show no spurious diffs.
/// </summary>
public static class AccessPlanner
{
    /// <summary>
    /// EKS User Guide, "Amazon EKS node IAM role": the kubelet's EC2 and Pod Identity permissions, image pulls from ECR
    /// "such as provided by the AmazonEC2ContainerRegistryPullOnly policy" (ReadOnly, which earlier guides named, also
    /// lists and describes repositories, which nodes never need), and the VPC CNI's, which the guide would rather see on a
    /// role of the add-on's own; this stack installs no such role, so the node role carries it.
    /// </summary>
    public static readonly string[] NodeManagedPolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"];
    public const string ClusterManagedPolicy = "AmazonEKSClusterPolicy";

    /// <summary>
    /// EKS User Guide, "Deploy Windows nodes on EKS clusters", "Enable Windows support": "Attach the
    /// AmazonEKSVPCResourceController managed policy to your Amazon EKS cluster IAM role" (with enable-windows-ipam).
    /// </summary>
    public const string WindowsClusterManagedPolicy = "AmazonEKSVPCResourceController";

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
            config.CreatorArn);
        cluster = cluster with { NodeGroups = ComputePlanner.NodeGroups(c, cluster), FargateProfiles = ComputePlanner.FargateProfiles(c, cluster), ProviderRoleArn = aws.AssumedRoleArn };

        var identities = InPlanOrder(allIdentities);
        // Each identity's groups, sorted once: aws-auth, access entries and the principals list all name them.
        var groups = new IReadOnlyList<string>[identities.Count];
        for (var i = 0; i < identities.Count; i++)
        {
            groups[i] = Sorted(identities[i].Groups);
        }

        var roles = Roles(config, cluster);
        var compute = ComputePlanner.Identities(config, cluster, roles);
        var mode = config.Access.Mode;
        return new AccessPlan(
            config.StackName,
            cluster,
            mode,
            roles,
            mode.UsesConfigMap() ? AwsAuth(config, compute, identities, groups) : null,
            mode.UsesAccessEntries() ? AccessEntries(cluster, compute, identities, groups) : [],
            Rbac(config),
            Principals(config, compute, identities, groups),
            warnings)
        {
            Namespaces = NamespacePlanner.Plan(config.Access),
            ComputeIdentities = compute,
        };
    }

    /// <summary>Created roles first, then the mapped principals, each part in ordinal order of the full ARN (equal ones as listed).</summary>
    private static List<Identity> InPlanOrder(IReadOnlyList<Identity> identities)
    {
        var created = new List<Identity>();
        var mapped = new List<Identity>(identities.Count);
        foreach (var identity in identities)
        {
            (identity.Source == MappingSource.CreatedRole ? created : mapped).Add(identity);
        }

        var ordered = new List<Identity>(identities.Count);
        AddInOrdinalOrder(ordered, created, static i => i.Arn!.Full);
        AddInOrdinalOrder(ordered, mapped, static i => i.Arn!.Full);
        return ordered;
    }

    private static List<IamRolePlan> Roles(StackConfig config, ClusterPlan cluster)
    {
        var partition = cluster.Partition;
        var account = cluster.AccountId;
        var c = config.Cluster;
        var list = new List<IamRolePlan>(2 + c.Compute.ExtraNodeRoles.Count + cluster.FargateProfiles.Count + config.Access.Roles.Count)
        {
            Role(c.ServiceRoleName, "/", RolePurpose.ClusterService, IamPolicies.ServiceTrust("eks.amazonaws.com"), config.HasWindowsNodes ? [ClusterManagedPolicy, WindowsClusterManagedPolicy] : [ClusterManagedPolicy], null, null),
            Role(c.NodeRoleName, "/", RolePurpose.Node, IamPolicies.ServiceTrust(IamPolicies.NodeServicePrincipals(partition)), NodeManagedPolicies, null, null),
        };

        foreach (var name in c.Compute.ExtraNodeRoles.Select(r => r.Name).Order(Ordinal))
        {
            list.Add(Role(name, "/", RolePurpose.AdditionalNode, IamPolicies.ServiceTrust(IamPolicies.NodeServicePrincipals(partition)), NodeManagedPolicies, null, null));
        }

        foreach (var profile in cluster.FargateProfiles)
        {
            list.Add(Role(profile.PodExecutionRoleName, "/", RolePurpose.FargatePodExecution, IamPolicies.FargatePodTrust(cluster.FargateProfileArnPattern), [FargateManagedPolicy], null, null));
        }

        // Every access role may describe the one cluster, and most trust the same principals: each document is written once.
        var describeCluster = config.Access.Roles.Count > 0 ? IamPolicies.DescribeCluster(cluster.Arn) : "";
        IReadOnlyList<string>? accountRoot = null;
        var trustOfPrincipal = new Dictionary<string, string>(Ordinal);
        foreach (var role in OrderedByOrdinal(config.Access.Roles, r => r.Name))
        {
            var trusted = role.AssumedBy.Count > 0 ? Sorted(role.AssumedBy) : accountRoot ??= [Arns.AccountRoot(partition, account)];
            list.Add(Role(role.Name, role.IamPath, RolePurpose.Access, Trust(trusted), [], new InlinePolicyPlan(LogicalNames.DescribeClusterPolicy(role.Name), "eks-describe-cluster", describeCluster), role.MaxSessionDuration, trusted));
        }

        return list;

        string Trust(IReadOnlyList<string> trusted)
        {
            if (trusted.Count != 1)
            {
                return IamPolicies.AwsPrincipalTrust(trusted);
            }

            if (!trustOfPrincipal.TryGetValue(trusted[0], out var trust))
            {
                trust = IamPolicies.AwsPrincipalTrust(trusted);
                trustOfPrincipal.Add(trusted[0], trust);
            }

            return trust;
        }

        IamRolePlan Role(string name, string path, RolePurpose purpose, string trust, IReadOnlyList<string> managed, InlinePolicyPlan? inline, int? maxSession, IReadOnlyList<string>? trusted = null)
        {
            var attachments = managed.Count == 0 ? [] : new ManagedPolicyAttachmentPlan[managed.Count];
            for (var i = 0; i < managed.Count; i++)
            {
                attachments[i] = new ManagedPolicyAttachmentPlan(LogicalNames.PolicyAttachment(name, managed[i]), IamPolicies.ManagedPolicyArn(partition, managed[i]));
            }

            return new IamRolePlan(
                LogicalNames.Role(name),
                name,
                path,
                Arns.RoleArn(partition, account, path, name),
                purpose,
                trust,
                attachments,
                inline,
                maxSession,
                trusted);
        }
    }

    private static AwsAuthPlan AwsAuth(StackConfig config, IReadOnlyList<ComputeIdentityPlan> compute, List<Identity> identities, IReadOnlyList<string>[] groups)
    {
        var roleCount = 0;
        foreach (var identity in identities)
        {
            roleCount += identity.Kind == PrincipalKind.Role ? 1 : 0;
        }

        var roleMappings = new List<RoleMappingPlan>(roleCount);
        var userMappings = new List<UserMappingPlan>(identities.Count - roleCount);
        for (var i = 0; i < identities.Count; i++)
        {
            var identity = identities[i];
            if (identity.Kind == PrincipalKind.Role)
            {
                roleMappings.Add(new RoleMappingPlan(identity.Arn!.WithoutPath, identity.Username, groups[i], identity.Source, identity.CreatedRoleName));
            }
            else if (identity.Kind == PrincipalKind.User)
            {
                userMappings.Add(new UserMappingPlan(identity.Arn!.Full, identity.Username, groups[i]));
            }
        }

        var mapRoles = new List<RoleMappingPlan>(compute.Count + roleMappings.Count);
        foreach (var identity in compute)
        {
            mapRoles.Add(ComputePlanner.RoleMapping(identity));
        }

        AddInOrdinalOrder(mapRoles, roleMappings, static m => m.RoleArn);
        // Identities come in full-ARN order, which is a user's aws-auth ARN: the users are in order already.
        var mapUsers = OrderedByOrdinal(userMappings, m => m.UserArn);
        return new AwsAuthPlan(mapRoles, mapUsers, Sorted(config.Access.MapAccounts.Select(a => a.AccountId)));
    }

    private const int KeyKindLength = 5;

    /// <summary>The key of a principal's access entry: its kind and name (IAM names are unique case-insensitively within an account; <see cref="WithUniqueKeys"/> handles two accounts).</summary>
    public static string AccessEntryKey(IamArn arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        var kind = arn.Kind == PrincipalKind.Role ? "role-" : "user-";
        Debug.Assert(kind.Length == KeyKindLength);
        return string.Create(kind.Length + arn.Name.Length, (kind, arn.Name), static (key, parts) =>
        {
            parts.kind.CopyTo(key);
            parts.Name.AsSpan().ToLowerInvariant(key[parts.kind.Length..]);
        });
    }

    private static IReadOnlyList<AccessEntryPlan> AccessEntries(ClusterPlan cluster, IReadOnlyList<ComputeIdentityPlan> compute, List<Identity> identities, IReadOnlyList<string>[] groups)
    {
        var entries = new List<AccessEntryPlan>(compute.Count + identities.Count);
        entries.AddRange(ComputePlanner.AccessEntries(compute));
        for (var i = 0; i < identities.Count; i++)
        {
            var identity = identities[i];
            var admin = identity.Groups.Contains(KubernetesNames.SystemMasters);
            var count = (admin ? 1 : 0) + identity.AccessPolicies.Count;
            List<AccessPolicyAssociationPlan>? policies = null;
            if (admin)
            {
                (policies ??= new(count)).Add(Association(cluster, EksAccessPolicies.ClusterAdmin, []));
            }

            for (var p = 0; p < identity.AccessPolicies.Count; p++)
            {
                (policies ??= new(count)).Add(Association(cluster, identity.AccessPolicies[p].Policy, identity.AccessPolicies[p].Namespaces));
            }

            entries.Add(new AccessEntryPlan(
                AccessEntryKey(identity.Arn!),
                identity.Arn!.Full,
                identity.CreatedRoleName,
                AccessEntryTypeStandard,
                identity.Username,
                // Access entries take no system: groups; without any, the sorted groups are the entry's as they are.
                HasSystemGroup(groups[i]) ? Sorted(identity.Groups.Where(g => !KubernetesNames.IsSystemGroup(g))) : groups[i],
                policies is null ? [] : OrderedByOrdinal(policies, p => p.Key)));
        }

        return OrderedByOrdinal(WithUniqueKeys(entries, cluster.AccountId), e => e.Key);
    }

    /// <summary>
    /// A key names its principal without the account, which keeps keys short and every key of a stack the same when
    /// principals are added; but pulumi-eks keys a cluster's access entries by it, so two principals of one name in
    /// different accounts (a <c>deploy</c> role in two accounts) would share one and one of them would get no entry.
    /// Only then, the principals outside the cluster's account get their account in the key. So no key changes when a
    /// principal of a new name is added; one changes when a second principal of its name is added from another account
    /// and it is outside the cluster's account too, which `diff` blocks (the new key would be created before the old is
    /// deleted: HTTP 409). A key still shared after that (a role named like another's account and name) gets the
    /// principal's place in ordinal order of the ARNs as a last resort.
    /// </summary>
    private static List<AccessEntryPlan> WithUniqueKeys(List<AccessEntryPlan> entries, string clusterAccount)
    {
        var seen = new HashSet<string>(entries.Count, Ordinal);
        HashSet<string>? shared = null;
        foreach (var entry in entries)
        {
            if (!seen.Add(entry.Key))
            {
                (shared ??= new(Ordinal)).Add(entry.Key);
            }
        }

        if (shared is null)
        {
            return entries;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var account = Arns.AccountOf(entry.PrincipalArn);
            if (shared.Contains(entry.Key) && account != clusterAccount)
            {
                entries[i] = entry with { Key = entry.Key.Insert(KeyKindLength, account + "-") };
            }
        }

        foreach (var group in entries.Select((e, i) => (e, i)).GroupBy(x => x.e.Key, Ordinal).Where(g => g.Count() > 1).ToList())
        {
            var n = 0;
            foreach (var (entry, i) in group.OrderBy(x => x.e.PrincipalArn, Ordinal))
            {
                entries[i] = entry with { Key = $"{entry.Key}-{++n}" };
            }
        }

        return entries;
    }

    private static bool HasSystemGroup(IReadOnlyList<string> groups)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (KubernetesNames.IsSystemGroup(groups[i]))
            {
                return true;
            }
        }

        return false;
    }

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

    private static List<PrincipalAccess> Principals(StackConfig config, IReadOnlyList<ComputeIdentityPlan> compute, List<Identity> identities, IReadOnlyList<string>[] groups)
    {
        var mode = config.Access.Mode;
        // What each group grants is the same for every member: one Grant per group, shared.
        var groupsByName = config.Access.Groups.ToDictionary(
            g => g.Name,
            g => (Settings: g, Grant: new Grant(GrantVia.Rbac, g.ClusterRole, Grant.ScopeText(Sorted(g.Namespaces)), config.Access.BindsClusterAdmin(g)) { RaisesOwnAccess = config.Access.BindsEscalation(g), ActsAsSystemAccounts = config.Access.SystemAccountTakeover(g) is not null }),
            Ordinal);
        var grants = new List<PrincipalAccess>(compute.Count + identities.Count);
        foreach (var identity in compute)
        {
            grants.Add(ComputePlanner.Principal(identity));
        }

        // One list collects each principal's grants, which it keeps as an array of their number; a principal whose one
        // grant is its one group's binding (most are) shares that group's read-only list of it.
        var permissions = new List<Grant>();
        var combined = new CombinedGroups(config.Access, name => groupsByName.TryGetValue(name, out var found) ? found.Settings : null);
        var onlyGrantOfGroup = new Dictionary<string, IReadOnlyList<Grant>>(Ordinal);
        for (var i = 0; i < identities.Count; i++)
        {
            var identity = identities[i];
            var sortedGroups = groups[i];
            // EKS: "Access entries take precedence over ConfigMap entries for the same IAM principal" (User Guide,
            // Migrating existing aws-auth ConfigMap entries), and the plan gives every principal one, which carries no
            // system: group; so in those modes a principal is its entry: system:masters is the cluster admin policy.
            var entries = mode.UsesAccessEntries();
            var policies = entries ? identity.AccessPolicies : [];
            if (entries && HasSystemGroup(sortedGroups))
            {
                sortedGroups = Sorted(sortedGroups.Where(g => !KubernetesNames.IsSystemGroup(g)));
            }

            permissions.Clear();
            if (entries && identity.Groups.Contains(KubernetesNames.SystemMasters))
            {
                permissions.Add(new Grant(GrantVia.SystemMastersPolicy, EksAccessPolicies.ClusterAdmin, Grant.ClusterWide, true));
            }

            for (var g = 0; g < sortedGroups.Count; g++)
            {
                var group = sortedGroups[g];
                if (group == KubernetesNames.SystemMasters)
                {
                    permissions.Add(new Grant(GrantVia.SystemMasters, group, Grant.ClusterWide, true));
                }
                else if (KubernetesNames.IsSystemGroup(group))
                {
                    permissions.Add(new Grant(GrantVia.SystemGroup, group, Grant.ClusterWide, false));
                }
                else if (groupsByName.TryGetValue(group, out var declared))
                {
                    permissions.Add(declared.Grant);
                }
                else if (config.Access.ExternalGroupNames.Contains(group))
                {
                    permissions.Add(new Grant(GrantVia.ExternalBinding, group, "unknown to this stack", false));
                }
            }

            var orderedPolicies = OrderedByOrdinal(policies, p => p.Policy);
            for (var k = 0; k < orderedPolicies.Count; k++)
            {
                var p = orderedPolicies[k];
                var admin = EksAccessPolicies.GrantsClusterAdmin(p.Policy) && p.Namespaces.Count == 0;
                permissions.Add(new Grant(GrantVia.AccessPolicy, p.Policy, Grant.ScopeText(Sorted(p.Namespaces)), admin)
                {
                    ActsAsSystemAccounts = !admin && RbacRules.AccessPolicyTakeover(p.Policy) is not null && RbacRules.KubeSystemCoverage(p.Namespaces) is not null,
                });
            }

            if (sortedGroups.Count + policies.Count > 1 && !permissions.Exists(static g => g.IsClusterAdmin) && combined.MakeAdmin(sortedGroups, policies) is { } together)
            {
                permissions.Add(new Grant(GrantVia.CombinedRbac, string.Join(", ", together), Grant.ClusterWide, true));
            }

            IReadOnlyList<Grant>? granted = null;
            if (permissions.Count == 1 && sortedGroups.Count == 1 && groupsByName.TryGetValue(sortedGroups[0], out var only) && ReferenceEquals(only.Grant, permissions[0])
                && !onlyGrantOfGroup.TryGetValue(sortedGroups[0], out granted))
            {
                granted = Array.AsReadOnly([only.Grant]);
                onlyGrantOfGroup.Add(sortedGroups[0], granted);
            }

            granted ??= permissions.Count == 0 ? [] : permissions.ToArray();

            grants.Add(new PrincipalAccess(identity.Arn!.Full, identity.KindName, identity.Username, sortedGroups, granted));
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

            if (list.Count <= ShortList)
            {
                return SortedShort(list);
            }
        }

        return [.. values.Distinct(Ordinal).Order(Ordinal)];
    }

    /// <summary>Lists up to this long (an identity's groups, a rule's verbs) are sorted in place of a set and a sort.</summary>
    private const int ShortList = 16;

    /// <summary>A short list, distinct and in ordinal order: an insertion sort, each value kept once (ordinal equality).</summary>
    private static string[] SortedShort(IReadOnlyList<string> list)
    {
        var sorted = new string[list.Count];
        var count = 0;
        for (var i = 0; i < list.Count; i++)
        {
            var value = list[i];
            var at = count;
            while (at > 0 && string.CompareOrdinal(sorted[at - 1], value) > 0)
            {
                at--;
            }

            if (at > 0 && string.Equals(sorted[at - 1], value, StringComparison.Ordinal))
            {
                continue;
            }

            Array.Copy(sorted, at, sorted, at + 1, count - at);
            sorted[at] = value;
            count++;
        }

        return count == sorted.Length ? sorted : sorted[..count];
    }

    /// <summary>
    /// The items in ordinal order of <paramref name="key"/>, equal keys in their given order (as a stable OrderBy): a list
    /// that is in order already comes back as it is.
    /// </summary>
    internal static IReadOnlyList<T> OrderedByOrdinal<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        if (IsInOrdinalOrder(items, key))
        {
            return items;
        }

        var ordered = new List<T>(items.Count);
        AddSorted(ordered, items, key);
        return ordered;
    }

    /// <summary>Adds <paramref name="items"/> to <paramref name="destination"/> in the order of <see cref="OrderedByOrdinal"/>.</summary>
    private static void AddInOrdinalOrder<T>(List<T> destination, IReadOnlyList<T> items, Func<T, string> key)
    {
        if (IsInOrdinalOrder(items, key))
        {
            destination.AddRange(items);
        }
        else
        {
            AddSorted(destination, items, key);
        }
    }

    private static void AddSorted<T>(List<T> destination, IReadOnlyList<T> items, Func<T, string> key)
    {
        var keys = new string[items.Count];
        var positions = new int[items.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = key(items[i]);
            positions[i] = i;
        }

        // An unstable sort of the keys, carrying each item's position; then each run of equal keys is put back in
        // the order of positions, which is what a stable sort leaves (equal keys are otherwise indistinguishable).
        Array.Sort(keys, positions, Ordinal);
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && string.Equals(keys[start], keys[end], StringComparison.Ordinal))
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(positions, start, end - start);
            }

            start = end;
        }

        foreach (var position in positions)
        {
            destination.Add(items[position]);
        }
    }

    private static bool IsInOrdinalOrder<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (string.CompareOrdinal(key(items[i - 1]), key(items[i])) > 0)
            {
                return false;
            }
        }

        return true;
    }
}
