namespace EksInfra.Access.Model;

/// <summary>How the cluster authenticates IAM principals. The order is the only direction EKS allows.</summary>
public enum AuthenticationMode
{
    ConfigMap = 0,
    ApiAndConfigMap = 1,
    Api = 2,
}

public static class AuthenticationModes
{
    /// <summary>
    /// The one direction EKS changes a mode in, for every place that refuses a backward move. A forward move may
    /// skip API_AND_CONFIG_MAP (EKS User Guide, "Change authentication mode to use access entries").
    /// </summary>
    public const string ForwardOnly = "EKS moves the mode forward only (CONFIG_MAP → API_AND_CONFIG_MAP or API, API_AND_CONFIG_MAP → API)";

    public static string ToConfigValue(this AuthenticationMode mode) => mode switch
    {
        AuthenticationMode.ConfigMap => "CONFIG_MAP",
        AuthenticationMode.ApiAndConfigMap => "API_AND_CONFIG_MAP",
        _ => "API",
    };

    public static bool TryParse(string text, out AuthenticationMode mode)
    {
        switch (text)
        {
            case "CONFIG_MAP": mode = AuthenticationMode.ConfigMap; return true;
            case "API_AND_CONFIG_MAP": mode = AuthenticationMode.ApiAndConfigMap; return true;
            case "API": mode = AuthenticationMode.Api; return true;
            default: mode = default; return false;
        }
    }

    public static bool UsesConfigMap(this AuthenticationMode mode) => mode != AuthenticationMode.Api;

    public static bool UsesAccessEntries(this AuthenticationMode mode) => mode != AuthenticationMode.ConfigMap;
}

public enum PrincipalKind
{
    Role,
    User,
}

/// <summary>A stack's config, bound and typed. Paths are Pulumi config paths, for diagnostics.</summary>
public sealed record StackConfig(
    string StackName,
    AwsSettings Aws,
    ClusterSettings Cluster,
    AccessSettings Access,
    Config.SourceLocations Locations)
{
    public SourceLocation? LocationOf(string path) => Locations.Find(path);

    /// <summary>
    /// Who calls CreateCluster, and so gets EKS's creator access entry: deployerArn when set, else the role of
    /// <c>aws:assumeRoles</c>, which makes every AWS call of the stack (a differing pair is warned of, and then the assumed role must be a cluster admin of the model).
    /// </summary>
    public string? CreatorArn => Cluster.DeployerArn is { Length: > 0 } named ? named : Aws.AssumedRoleArn is { Length: > 0 } assumed ? assumed : null;

    /// <summary>The config path of <see cref="CreatorArn"/>.</summary>
    public string CreatorPath => Cluster.DeployerArn is { Length: > 0 } ? $"{Cluster.Path}.deployerArn" : AwsSettings.AssumedRolePath;

    /// <summary>Every IAM role the stack creates, with the config path that names it (a defaulted name: its key's path).</summary>
    public IEnumerable<(string Path, string Name)> CreatedRoles()
    {
        var c = Cluster;
        yield return ($"{c.Path}.serviceRoleName", c.ServiceRoleName);
        yield return ($"{c.Path}.nodeRoleName", c.NodeRoleName);
        foreach (var role in c.Compute.ExtraNodeRoles)
        {
            yield return (role.Path, role.Name);
        }

        foreach (var profile in c.Compute.FargateProfiles)
        {
            yield return ($"{profile.Path}.podExecutionRoleName", profile.PodExecutionRoleName);
        }

        foreach (var role in Access.Roles)
        {
            yield return ($"{role.Path}.name", role.Name);
        }
    }

    /// <summary>The stack's managed node groups on a Windows AMI.</summary>
    public IEnumerable<NodeGroupSettings> WindowsNodeGroups => Cluster.Compute.NodeGroups.Where(g => g.AmiType is { } a && Platform.AmiTypes.Find(a) is { IsWindows: true });

    /// <summary>The existing roles of Windows nodes (<c>nodeRoles</c> of kind windows).</summary>
    public IEnumerable<ExistingNodeRoleSettings> WindowsNodeRoles => Access.NodeRoles.Where(r => r.Kind == NodeRoleKind.Windows);

    public bool HasWindowsNodes => WindowsNodeGroups.Any() || WindowsNodeRoles.Any();
}

/// <param name="AssumedRoleArn">The one role of <c>aws:assumeRoles</c>: the AWS provider works as it, so it creates the cluster.</param>
public sealed record AwsSettings(string Region, IReadOnlyList<string> AllowedAccountIds, string? AssumedRoleArn = null)
{
    public const string RegionPath = "aws:region";
    public const string AllowedAccountIdsPath = "aws:allowedAccountIds";
    public const string AssumeRolesPath = "aws:assumeRoles";
    public const string AssumedRolePath = AssumeRolesPath + "[0].roleArn";
    public const string AssumeRoleWithWebIdentityPath = "aws:assumeRoleWithWebIdentity";

    /// <summary>The keys of one <c>aws:assumeRoles</c> item, as pulumi-aws 7.48.0 names them (ProviderAssumeRoleArgs).</summary>
    public static readonly string[] AssumeRoleKeys = ["duration", "externalId", "policy", "policyArns", "roleArn", "sessionName", "sourceIdentity", "tags", "transitiveTagKeys"];

    /// <summary>The one account the stack deploys into; the plan names ARNs in it before apply.</summary>
    public string AccountId => AllowedAccountIds.Count > 0 ? AllowedAccountIds[0] : "";

    public string Partition => Arns.PartitionOfRegion(Region);
}

public sealed record ClusterSettings(
    string Path,
    string Name,
    string? Version,
    string ServiceRoleName,
    string NodeRoleName,
    NetworkSettings Network,
    bool Protect,
    string? DeployerArn = null)
{
    public const string DefaultServiceRoleName = "eks-cluster-role";
    public const string DefaultNodeRoleName = "eks-node-role";

    /// <summary>Managed node groups, extra node roles the stack creates, and Fargate profiles.</summary>
    public ComputeSettings Compute { get; init; } = ComputeSettings.Empty;
}

/// <summary>
/// What runs the cluster's pods: managed node groups (<c>nodeGroups</c>, or the older one-group <c>nodeGroup</c>
/// shorthand), the extra node roles the stack creates for them (<c>nodeRoles</c>), and Fargate profiles.
/// </summary>
public sealed record ComputeSettings(
    IReadOnlyList<NodeGroupSettings> NodeGroups,
    IReadOnlyList<NodeRoleNameSettings> ExtraNodeRoles,
    IReadOnlyList<FargateProfileSettings> FargateProfiles)
{
    public static readonly ComputeSettings Empty = new([], [], []);
}

/// <summary>A node role the stack creates beside <c>nodeRoleName</c> (<c>cluster.nodeRoles[]</c>).</summary>
public sealed record NodeRoleNameSettings(string Path, string Name);

/// <summary>
/// One managed node group. <see cref="IsShorthand"/>: it came from the older <c>nodeGroup</c> key, which keeps its
/// Pulumi resource (and EKS's generated name) so today's stacks change nothing.
/// </summary>
public sealed record NodeGroupSettings(string Path, string Name, IReadOnlyList<string> InstanceTypes, int DesiredSize, int MinSize, int MaxSize)
{
    public const string DefaultInstanceType = "t3.medium";
    public const int DefaultDesiredSize = 3;
    public const int DefaultMinSize = 3;
    public const int DefaultMaxSize = 6;

    /// <summary>The model's name for the shorthand group; EKS names it from the Pulumi resource.</summary>
    public const string ShorthandName = "node-group";

    public bool IsShorthand { get; init; }

    public string? CapacityType { get; init; }

    public string? AmiType { get; init; }

    public int? DiskSize { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    public IReadOnlyList<TaintSettings> Taints { get; init; } = [];

    /// <summary>The created node role it runs with: <c>nodeRoleName</c> unless <c>nodeRole</c> names one of <c>nodeRoles</c>.</summary>
    public string? NodeRole { get; init; }

    public string InstanceTypePath(int index) => IsShorthand ? $"{Path}.instanceType" : $"{Path}.instanceTypes[{index}]";
}

public sealed record TaintSettings(string Path, string Key, string Value, string Effect);

/// <summary>A Fargate profile the stack creates, with its own pod execution role.</summary>
public sealed record FargateProfileSettings(
    string Path,
    string Name,
    string PodExecutionRoleName,
    IReadOnlyList<FargateSelectorSettings> Selectors,
    IReadOnlyList<string> SubnetIds)
{
    /// <summary>The role's name when <c>podExecutionRoleName</c> is not given: the cluster's name keeps two stacks in one account apart.</summary>
    public static string DefaultPodExecutionRoleName(string clusterName, string profileName) => $"{clusterName}-fargate-{profileName}";
}

public sealed record FargateSelectorSettings(string Path, string Namespace, IReadOnlyList<KeyValuePair<string, string>> Labels);

/// <summary>What kind of compute an existing node role serves (<c>access.nodeRoles[].kind</c>).</summary>
public enum NodeRoleKind
{
    Linux,
    Windows,
    Fargate,
}

/// <summary>
/// An IAM role that exists already and that nodes no managed node group of this stack owns run with: Karpenter or self-managed
/// nodes (<c>linux</c>, <c>windows</c>), or a Fargate profile made outside the stack (<c>fargate</c>).
/// </summary>
public sealed record ExistingNodeRoleSettings(string Path, string RoleArn, NodeRoleKind Kind)
{
    /// <summary>
    /// The role of a managed node group this stack does not declare (<c>managedNodeGroup: true</c>): EKS maps it in aws-auth
    /// and makes its access entry itself, so the stack keeps the mapping and writes no entry.
    /// </summary>
    public bool ManagedNodeGroup { get; init; }
}

public sealed record NetworkSettings(
    string Path,
    string? VpcId,
    IReadOnlyList<string> PrivateSubnetIds,
    IReadOnlyList<string> PublicSubnetIds,
    bool EndpointPublicAccess,
    bool EndpointPrivateAccess)
{
    /// <summary>Who may reach the public endpoint (<c>publicAccessCidrs</c>); empty means EKS's default, 0.0.0.0/0.</summary>
    public IReadOnlyList<string> PublicAccessCidrs { get; init; } = [];

    /// <summary>EKS CreateCluster <c>publicAccessCidrs</c>: "The default value is 0.0.0.0/0".</summary>
    public const string EksDefaultPublicAccessCidr = "0.0.0.0/0";

    /// <summary>
    /// The list the program sends while the public endpoint is on: the configured one, else EKS's default spelled out.
    /// The AWS provider's <c>vpc_config.public_access_cidrs</c> is Optional and Computed, so a list left unsent keeps the
    /// cluster's last one: removing a restricted list from the config would change nothing on the cluster. With the
    /// public endpoint off nothing is sent (pulumi-eks refuses the list then).
    /// </summary>
    public IReadOnlyList<string> PublicAccessCidrsToSend =>
        !EndpointPublicAccess ? [] : PublicAccessCidrs.Count > 0 ? PublicAccessCidrs : [EksDefaultPublicAccessCidr];

    /// <summary>Only reachable from inside the VPC: whoever runs <c>pulumi up</c> must run there.</summary>
    public bool IsPrivateOnly => !EndpointPublicAccess && EndpointPrivateAccess;

    /// <summary>Public, but only from the listed blocks: a machine elsewhere (a GitHub-hosted runner) cannot reach it.</summary>
    public bool IsPublicAccessRestricted => EndpointPublicAccess && !Validation.DeployRules.CoversEveryAddress(PublicAccessCidrs);
}

public sealed record AccessSettings(
    string Path,
    AuthenticationMode Mode,
    IReadOnlyList<CreatedRoleSettings> Roles,
    IReadOnlyList<MappingSettings> MapRoles,
    IReadOnlyList<MappingSettings> MapUsers,
    IReadOnlyList<AccountSettings> MapAccounts,
    IReadOnlyList<GroupSettings> Groups,
    IReadOnlyList<ClusterRoleSettings> ClusterRoles,
    bool Declared = true,
    IReadOnlyList<string>? ExternalGroups = null,
    bool AllowNoClusterAdmin = false)
{
    /// <summary>Groups whose RBAC bindings another tool (GitOps) manages: mapped to, but bound by nobody here.</summary>
    public IReadOnlyList<string> ExternalGroupNames => ExternalGroups ?? [];

    /// <summary>
    /// Whether <paramref name="group"/> is bound cluster-wide to cluster-admin, or to a ClusterRole of this stack whose rules
    /// make its holders cluster admin as `can` and `audit` judge it (<see cref="Authorization.RbacRules.MakeHolderAdmin"/>:
    /// every verb on every resource of every API group, or a way to grant themselves that, such as bind on cluster-admin
    /// with the right to create a ClusterRoleBinding), though cluster-admin also holds every non-resource URL.
    /// </summary>
    public bool BindsClusterAdmin(GroupSettings group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Namespaces.Count == 0
            && (group.ClusterRole == "cluster-admin"
                || ClusterRoles.Any(r => r.Name == group.ClusterRole && Authorization.RbacRules.MakeHolderAdmin([.. r.Rules.Select(rule => rule.AsRule())], [r.Name])));
    }

    /// <summary>
    /// Whether the group's ClusterRole, one of the stack's and bound cluster-wide, lets its members raise their own access
    /// (RbacRules.Escalations for every name: escalate or bind on roles, impersonate; or the names that make them cluster
    /// admin, such as bind on cluster-admin with a binding they may create or update), which check warns to count as
    /// cluster admin. Bound in namespaces it raises access there only (a RoleBinding reaches neither cluster roles nor
    /// the cluster-scoped users and groups).
    /// </summary>
    public bool BindsEscalation(GroupSettings group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Namespaces.Count == 0 && !BindsClusterAdmin(group)
            && ClusterRoles.Any(r => r.Name == group.ClusterRole && r.Rules.Any(rule => rule.ResourceNames.Count == 0 && Authorization.RbacRules.EscalationsAllowed(rule.AsRule()).Any()));
    }

    /// <summary>
    /// What the group's ClusterRole lets its members do as kube-system's service accounts
    /// (<see cref="Authorization.RbacRules.SystemAccountTakeover"/>), where the group holds it there: bound cluster-wide or in
    /// kube-system. Null when it does not, or when the group is cluster admin anyway.
    /// </summary>
    public string? SystemAccountTakeover(GroupSettings group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Namespaces.Count > 0 && !Contains(group.Namespaces, KubernetesValues.KubeSystem))
        {
            return null;
        }

        string? takeover = null;
        var defined = false;
        foreach (var role in ClusterRoles)
        {
            if (role.Name == group.ClusterRole)
            {
                takeover = Authorization.RbacRules.SystemAccountTakeover([.. role.Rules.Select(r => r.AsRule())]);
                defined = true;
                break;
            }
        }

        // The admin test probes many requests, so it runs only for a group that reaches the accounts at all.
        takeover = defined ? takeover : Authorization.RbacRules.BuiltInRoleTakeover(group.ClusterRole);
        return takeover is not null && !BindsClusterAdmin(group) ? takeover : null;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return true;
            }
        }

        return false;
    }

    public const AuthenticationMode DefaultMode = AuthenticationMode.ApiAndConfigMap;

    /// <summary>The per-namespace settings (<c>namespaces.NAME</c>), in config order.</summary>
    public IReadOnlyList<NamespaceSettings> Namespaces { get; init; } = [];

    /// <summary>Existing roles of nodes no managed node group of this stack owns (<c>nodeRoles[]</c>): mapped as nodes, never as people.</summary>
    public IReadOnlyList<ExistingNodeRoleSettings> NodeRoles { get; init; } = [];
}

/// <summary>
/// The config path of a list item, kept as its list's path (one string for the whole list) and its index: a model holds
/// thousands of mappings, and only the few a diagnostic names need their path as text.
/// </summary>
/// <param name="List">The list's path; with <paramref name="Index"/> below zero, the item's whole path.</param>
public readonly record struct ItemPath(string List, int Index)
{
    public static ItemPath Whole(string path) => new(path, -1);

    public static implicit operator ItemPath(string path) => Whole(path);

    public override string ToString() => Index < 0 ? List : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{List}[{Index}]");
}

/// <summary>An IAM role this stack creates and maps (<c>roles[]</c>).</summary>
public sealed record CreatedRoleSettings(
    ItemPath Item,
    string Name,
    string IamPath,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> AssumedBy,
    int? MaxSessionDuration,
    IReadOnlyList<AccessPolicySettings> AccessPolicies)
{
    /// <summary>The config path (<c>eks-infra:access.roles[3]</c>), built when asked for.</summary>
    public string Path => Item.ToString();
}

/// <summary>An IAM role or user that exists already (<c>mapRoles[]</c>, <c>mapUsers[]</c>).</summary>
public sealed record MappingSettings(
    ItemPath Item,
    PrincipalKind Kind,
    string Arn,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<AccessPolicySettings> AccessPolicies)
{
    /// <summary>The config path (<c>eks-infra:access.mapRoles[3]</c>), built when asked for.</summary>
    public string Path => Item.ToString();

    public string ArnKey => ArnKeyOf(Kind);

    /// <summary>The config key that holds a mapping's ARN: <c>rolearn</c> in mapRoles, <c>userarn</c> in mapUsers.</summary>
    public static string ArnKeyOf(PrincipalKind kind) => kind == PrincipalKind.Role ? "rolearn" : "userarn";
}

public sealed record AccountSettings(string Path, string AccountId);

/// <summary>What a Kubernetes group may do: its ClusterRole, cluster-wide or in listed namespaces.</summary>
public sealed record GroupSettings(string Path, string Name, string ClusterRole, IReadOnlyList<string> Namespaces);

/// <summary>A ClusterRole the stack defines (<c>clusterRoles.NAME.rules</c>).</summary>
public sealed record ClusterRoleSettings(string Path, string Name, IReadOnlyList<PolicyRuleSettings> Rules);

public sealed record PolicyRuleSettings(
    string Path,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    /// <summary>The rule as the authorizer matches it, in config order.</summary>
    public Planning.PolicyRulePlan AsRule() => new(ApiGroups, Resources, Verbs, ResourceNames, NonResourceUrls);
}

/// <summary>An EKS access policy associated with the principal's access entry (API modes only).</summary>
public sealed record AccessPolicySettings(string Path, string Policy, IReadOnlyList<string> Namespaces);

/// <summary>
/// A team namespace (<c>eks-infra:access.namespaces.NAME</c>): its labels, a ResourceQuota and a LimitRange.
/// With <see cref="ManagedElsewhere"/> the stack binds into it but never creates it.
/// </summary>
public sealed record NamespaceSettings(
    string Path,
    string Name,
    bool ManagedElsewhere,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<QuantitySetting> Quota,
    IReadOnlyList<QuantitySetting> DefaultRequest,
    IReadOnlyList<QuantitySetting> DefaultLimit);

/// <summary>A resource name and a Kubernetes quantity, with the config path of the value.</summary>
public sealed record QuantitySetting(string Path, string Resource, string Quantity);
