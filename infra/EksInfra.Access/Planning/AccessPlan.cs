using EksInfra.Access.Model;

namespace EksInfra.Access.Planning;

/// <summary>
/// Everything a stack grants and creates, as pure data in a deterministic order. The Pulumi program
/// maps each item to one resource; the renderers and reports read it; nothing else decides.
/// </summary>
public sealed record AccessPlan(
    string StackName,
    ClusterPlan Cluster,
    AuthenticationMode Mode,
    IReadOnlyList<IamRolePlan> Roles,
    AwsAuthPlan? AwsAuth,
    IReadOnlyList<AccessEntryPlan> AccessEntries,
    RbacPlan Rbac,
    IReadOnlyList<PrincipalAccess> Principals,
    IReadOnlyList<Diagnostic> Warnings)
{
    public IamRolePlan ServiceRole => Roles.Single(r => r.Purpose == RolePurpose.ClusterService);

    public IamRolePlan NodeRole => Roles.Single(r => r.Purpose == RolePurpose.Node);

    /// <summary>Every node role the stack creates: <c>nodeRoleName</c> and <c>nodeRoles[]</c>. pulumi-eks gets them as <c>InstanceRoles</c>.</summary>
    public IEnumerable<IamRolePlan> NodeRoles => Roles.Where(r => r.Purpose is RolePurpose.Node or RolePurpose.AdditionalNode);

    /// <summary>Every IAM role that nodes or Fargate pods run with, each once, in ARN order.</summary>
    public IReadOnlyList<ComputeIdentityPlan> ComputeIdentities { get; init; } = [];

    public IEnumerable<IamRolePlan> AccessRoles => Roles.Where(r => r.Purpose == RolePurpose.Access);

    /// <summary>
    /// Whether a role gets Pulumi protection: in a protected stack the cluster's service role and the node role,
    /// whose deletion takes the cluster or its nodes down. The roles people and CI assume stay changeable, so that
    /// removing a principal never meets a protected resource; so do the roles of extra node pools and Fargate
    /// profiles, which come and go with their pool or profile (diff blocks changing the role of one that stays).
    /// </summary>
    public bool Protects(IamRolePlan role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return Cluster.Protect && role.Purpose is RolePurpose.ClusterService or RolePurpose.Node;
    }

    /// <summary>
    /// The roles of this plan that <paramref name="role"/>'s trust policy names: IAM refuses a principal that does not exist
    /// yet, so they must be created before it (the validator refuses a loop).
    /// </summary>
    public IReadOnlyList<IamRolePlan> TrustedCreatedRoles(IamRolePlan role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return role.TrustedPrincipals is { Count: > 0 } trusted ? [.. Roles.Where(r => r != role && trusted.Contains(r.Arn, StringComparer.Ordinal))] : [];
    }

    /// <summary>The namespaces the stack creates (never the system ones, never a wildcard pattern), by name.</summary>
    public IReadOnlyList<NamespacePlan> Namespaces { get; init; } = [];
}

public sealed record ClusterPlan(
    string Name,
    string Region,
    string AccountId,
    string Partition,
    string? KubernetesVersion,
    NetworkSettings Network,
    bool Protect,
    string? DeployerArn = null)
{
    /// <summary>The cluster's ARN, for the access roles' <c>eks:DescribeCluster</c> policy.</summary>
    public string Arn => $"arn:{Partition}:eks:{Region}:{AccountId}:cluster/{Name}";

    /// <summary>The session name the verification step assumes a role under (STS: 2 to 64 of [\w+=,.@-]).</summary>
    public const string VerifySessionName = "eks-infra-verify";

    /// <summary>
    /// The seed's verification step for a role, as one POSIX shell command: assume the role, export its three
    /// credentials, write a kubeconfig as the role, list the nodes. <c>update-kubeconfig --role-arn</c> alone is not
    /// it: that calls DescribeCluster as the caller and only makes later <c>get-token</c> calls assume the role.
    /// The subshell keeps the caller's own shell on its own credentials.
    /// </summary>
    public string VerifyCommand(string roleArn)
    {
        ArgumentNullException.ThrowIfNull(roleArn);
        return $"(creds=\"$(aws sts assume-role --role-arn {Reports.ShellWord.Quoted(roleArn)} --role-session-name {VerifySessionName} --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)\" && set -- $creds"
            + " && export AWS_ACCESS_KEY_ID=\"$1\" AWS_SECRET_ACCESS_KEY=\"$2\" AWS_SESSION_TOKEN=\"$3\""
            + $" && aws eks update-kubeconfig --name {Name} --region {Region} && kubectl get nodes)";
    }

    /// <summary>
    /// The role the AWS provider assumes (<c>aws:assumeRoles</c>), which creates the cluster: the Kubernetes providers
    /// sign in as it. Null when the provider works with the machine's own credentials.
    /// </summary>
    public string? ProviderRoleArn { get; init; }

    /// <summary>Kebab-case prefix of every logical resource name the Pulumi program registers.</summary>
    public string LogicalName => Name;

    /// <summary>The managed node groups, in name order.</summary>
    public IReadOnlyList<NodeGroupPlan> NodeGroups { get; init; } = [];

    /// <summary>The Fargate profiles, in name order.</summary>
    public IReadOnlyList<FargateProfilePlan> FargateProfiles { get; init; } = [];

    /// <summary>The ARN pattern of this cluster's Fargate profiles, which their pod execution roles' trust is scoped to.</summary>
    public string FargateProfileArnPattern => $"arn:{Partition}:eks:{Region}:{AccountId}:fargateprofile/{Name}/*";
}

/// <summary>
/// One managed node group. <see cref="NodeGroupName"/> is null for the older <c>nodeGroup</c> shorthand, whose EKS name
/// Pulumi generates. Optional settings are null where EKS's default applies: setting one later on an existing group
/// would replace it (capacity and AMI type cannot change in place).
/// </summary>
public sealed record NodeGroupPlan(
    string LogicalName,
    string Name,
    string? NodeGroupName,
    IReadOnlyList<string> InstanceTypes,
    int DesiredSize,
    int MinSize,
    int MaxSize,
    string NodeRoleName,
    string NodeRoleArn)
{
    public string? CapacityType { get; init; }

    public string? AmiType { get; init; }

    public int? DiskSize { get; init; }

    /// <summary>
    /// The subnets the group's nodes run in: the cluster's private subnets where the stack names any, else its public
    /// ones; empty (the default VPC only) leaves pulumi-eks's choice, the cluster's <c>subnetIds</c> (v4.3.0
    /// nodes/nodegroup.ts), which for a cluster with both kinds would be every public and private subnet, public first.
    /// </summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = [];

    /// <summary>Kubernetes labels, in key order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>Taints with the EKS API's effect names (NO_SCHEDULE, PREFER_NO_SCHEDULE, NO_EXECUTE), in key order.</summary>
    public IReadOnlyList<TaintPlan> Taints { get; init; } = [];

    /// <summary>The first instance type, for the default shorthand's reports.</summary>
    public string InstanceType => InstanceTypes.Count > 0 ? InstanceTypes[0] : "";
}

public sealed record TaintPlan(string Key, string Value, string Effect);

/// <summary>A Fargate profile and the pod execution role the stack creates for it.</summary>
public sealed record FargateProfilePlan(
    string LogicalName,
    string Name,
    string PodExecutionRoleName,
    string PodExecutionRoleArn,
    IReadOnlyList<FargateSelectorPlan> Selectors,
    IReadOnlyList<string> SubnetIds);

public sealed record FargateSelectorPlan(string Namespace, IReadOnlyList<KeyValuePair<string, string>> Labels);

/// <summary>What a compute identity is, which decides how aws-auth and access entries must name it.</summary>
public enum ComputeKind
{
    /// <summary>A node role the stack creates for its managed node groups.</summary>
    NodeGroupRole,

    /// <summary>An existing role of Karpenter or self-managed Linux nodes, or of a managed node group made outside the stack (its entry EKS's).</summary>
    SelfManagedLinux,

    /// <summary>An existing role of self-managed Windows nodes, or of a Windows managed node group made outside the stack.</summary>
    SelfManagedWindows,

    /// <summary>A Fargate pod execution role: the stack's own (<see cref="ComputeIdentityPlan.CreatedRoleName"/> set) or an existing one.</summary>
    Fargate,
}

/// <summary>
/// One IAM role that nodes or Fargate pods authenticate with, mapped exactly once in the form its mode needs.
/// <see cref="Owners"/> names the node groups or Fargate profiles of this stack that use it (none for existing roles).
/// <see cref="EntryCreatedByEks"/>: in the access-entry modes EKS creates its entry itself (managed node groups, Fargate profiles).
/// </summary>
public sealed record ComputeIdentityPlan(
    string RoleArn,
    ComputeKind Kind,
    string? CreatedRoleName,
    IReadOnlyList<string> Owners,
    string ConfigPath,
    bool EntryCreatedByEks,
    bool WindowsNodeGroups = false)
{
    public string RoleArnWithoutPath => Arns.StripPath(RoleArn);

    /// <summary>
    /// Whether its nodes run Windows: a self-managed Windows role, or a node group role whose groups all use a Windows AMI
    /// (EKS makes that role's entry EC2_WINDOWS, "Create access entries"; a role shared with Linux groups is refused).
    /// </summary>
    public bool RunsWindows => Kind == ComputeKind.SelfManagedWindows || (Kind == ComputeKind.NodeGroupRole && WindowsNodeGroups);

    /// <summary>The username aws-auth gives it (AWS: "Amazon EKS node IAM role", "Fargate pod execution role", "Windows support").</summary>
    public string Username => Kind == ComputeKind.Fargate ? KubernetesNames.FargateUsername : KubernetesNames.NodeUsername;

    /// <summary>The aws-auth groups, sorted.</summary>
    public IReadOnlyList<string> Groups => Kind switch
    {
        ComputeKind.Fargate => KubernetesNames.FargateGroups,
        _ when RunsWindows => KubernetesNames.WindowsNodeGroups,
        _ => KubernetesNames.NodeGroups,
    };

    /// <summary>The access entry type EKS gives it: EC2_LINUX, EC2_WINDOWS or FARGATE_LINUX.</summary>
    public string AccessEntryType => Kind switch
    {
        ComputeKind.Fargate => "FARGATE_LINUX",
        _ when RunsWindows => "EC2_WINDOWS",
        _ => "EC2_LINUX",
    };

    /// <summary>What the who and diff reports call it.</summary>
    public string Describe() => Kind switch
    {
        ComputeKind.NodeGroupRole => Owners.Count == 0 ? "node role (no node group uses it)" : $"node group role ({string.Join(", ", Owners)}{(WindowsNodeGroups ? "; windows" : "")})",
        ComputeKind.SelfManagedLinux => EntryCreatedByEks ? "managed node group role outside this stack (linux)" : "Karpenter/self-managed node role (linux)",
        ComputeKind.SelfManagedWindows => EntryCreatedByEks ? "managed node group role outside this stack (windows)" : "Karpenter/self-managed node role (windows)",
        _ => Owners.Count == 0 ? "Fargate pod execution role (existing profile)" : $"Fargate pod execution role ({string.Join(", ", Owners)})",
    };
}

public enum RolePurpose
{
    ClusterService,
    Node,
    Access,

    /// <summary>A node role of <c>cluster.nodeRoles[]</c>, beside the stack's own node role.</summary>
    AdditionalNode,

    /// <summary>A Fargate profile's pod execution role.</summary>
    FargatePodExecution,
}

/// <summary>An IAM role the stack creates, named before apply so its ARN is known to the plan.</summary>
public sealed record IamRolePlan(
    string LogicalName,
    string Name,
    string IamPath,
    string Arn,
    RolePurpose Purpose,
    string TrustPolicyJson,
    IReadOnlyList<ManagedPolicyAttachmentPlan> ManagedPolicies,
    InlinePolicyPlan? InlinePolicy,
    int? MaxSessionDuration,
    IReadOnlyList<string>? TrustedPrincipals = null)
{
    /// <summary>The ARN aws-auth needs: without the IAM path.</summary>
    public string ArnWithoutPath => Arns.StripPath(Arn);
}

public sealed record ManagedPolicyAttachmentPlan(string LogicalName, string PolicyArn);

public sealed record InlinePolicyPlan(string LogicalName, string Name, string PolicyJson);

/// <summary>The aws-auth ConfigMap's content. Present in CONFIG_MAP and API_AND_CONFIG_MAP only.</summary>
public sealed record AwsAuthPlan(
    IReadOnlyList<RoleMappingPlan> MapRoles,
    IReadOnlyList<UserMappingPlan> MapUsers,
    IReadOnlyList<string> MapAccounts)
{
    /// <summary>The mappings pulumi-eks takes as <c>RoleMappings</c>: a Linux node role goes in as an instance role instead.</summary>
    public IEnumerable<RoleMappingPlan> NonNodeRoleMappings => MapRoles.Where(r => r.Source != MappingSource.NodeRole);

    /// <summary>Whether pulumi-eks maps the stack's node role <paramref name="roleName"/> from <c>InstanceRoles</c> rather than as a role mapping.</summary>
    public bool IsInstanceRole(string roleName) => MapRoles.Any(r => r.Source == MappingSource.NodeRole && r.CreatedRoleName == roleName);
}

public enum MappingSource
{
    /// <summary>The stack's node role: pulumi-eks maps it from <c>InstanceRoles</c>.</summary>
    NodeRole,

    /// <summary>A role the stack creates (<c>roles[]</c>): the Pulumi program takes its ARN from the role's output.</summary>
    CreatedRole,

    /// <summary>A role or user that exists already (<c>mapRoles[]</c>, <c>mapUsers[]</c>).</summary>
    Existing,

    /// <summary>An existing node role no managed node group owns (<c>access.nodeRoles[]</c>): goes in as a role mapping.</summary>
    ExistingNodeRole,

    /// <summary>A Fargate pod execution role the stack creates: a role mapping whose ARN comes from the role's output.</summary>
    FargateRole,

    /// <summary>
    /// The stack's node role of Windows managed node groups: a role mapping whose ARN comes from the role's output, since
    /// pulumi-eks maps an instance role without <c>eks:kube-proxy-windows</c>. Only outside CONFIG_MAP, where pulumi-eks
    /// does not require a managed node group's role among its instance roles (the validator refuses it in CONFIG_MAP).
    /// </summary>
    WindowsNodeRole,
}

/// <summary>One <c>mapRoles</c> entry. <see cref="RoleArn"/> has no IAM path; <see cref="CreatedRoleName"/> names the role when the stack creates it.</summary>
public sealed record RoleMappingPlan(string RoleArn, string Username, IReadOnlyList<string> Groups, MappingSource Source, string? CreatedRoleName);

public sealed record UserMappingPlan(string UserArn, string Username, IReadOnlyList<string> Groups);

/// <summary>
/// One EKS access entry. <see cref="Key"/> is a pure function of the principal, so renaming a mapping
/// never re-creates the entry (a new entry for the same principal fails with HTTP 409).
/// </summary>
public sealed record AccessEntryPlan(
    string Key,
    string PrincipalArn,
    string? CreatedRoleName,
    string Type,
    string Username,
    IReadOnlyList<string> KubernetesGroups,
    IReadOnlyList<AccessPolicyAssociationPlan> AccessPolicies);

public sealed record AccessPolicyAssociationPlan(string Key, string PolicyName, string PolicyArn, AccessScopePlan Scope);

/// <summary><see cref="Type"/> is <c>cluster</c> or <c>namespace</c>, as the EKS API spells it.</summary>
public sealed record AccessScopePlan(string Type, IReadOnlyList<string> Namespaces)
{
    public static readonly AccessScopePlan Cluster = new("cluster", []);

    public override string ToString() => Grant.ScopeText(Namespaces);
}

public sealed record RbacPlan(
    IReadOnlyList<ClusterRolePlan> ClusterRoles,
    IReadOnlyList<ClusterRoleBindingPlan> ClusterRoleBindings,
    IReadOnlyList<RoleBindingPlan> RoleBindings);

public sealed record ClusterRolePlan(string LogicalName, string Name, IReadOnlyList<PolicyRulePlan> Rules);

public sealed record PolicyRulePlan(
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls);

/// <summary>Binds a Kubernetes group to a ClusterRole across the cluster.</summary>
public sealed record ClusterRoleBindingPlan(string LogicalName, string Name, string ClusterRole, string Group);

/// <summary>Binds a Kubernetes group to a ClusterRole inside one namespace.</summary>
public sealed record RoleBindingPlan(string LogicalName, string Name, string Namespace, string ClusterRole, string Group);

/// <summary>What one principal ends up able to do, for the who and diff reports.</summary>
public sealed record PrincipalAccess(
    string Principal,
    string Kind,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<Grant> Grants)
{
    public bool IsClusterAdmin => Grants.Any(p => p.IsClusterAdmin);

    /// <summary>Whether a grant lets the principal raise its own access (<see cref="Grant.RaisesOwnAccess"/>).</summary>
    public bool RaisesOwnAccess => Grants.Any(p => p.RaisesOwnAccess);

    /// <summary>Whether a grant lets the principal act as kube-system's service accounts (<see cref="Grant.ActsAsSystemAccounts"/>).</summary>
    public bool ActsAsSystemAccounts => Grants.Any(p => p.ActsAsSystemAccounts);

    public bool BypassesRbac => Grants.Any(p => p.Via == GrantVia.SystemMasters);

    /// <summary>Admin by the model's system:masters: in aws-auth, or carried by its access entry as the cluster admin policy.</summary>
    public bool FromSystemMasters => Grants.Any(p => p.Via is GrantVia.SystemMasters or GrantVia.SystemMastersPolicy);
}

public enum GrantVia
{
    SystemMasters,

    /// <summary>The model's system:masters where access entries exist: the entry carries it as AmazonEKSClusterAdminPolicy.</summary>
    SystemMastersPolicy,
    Rbac,
    AccessPolicy,
    NodeBootstrap,
    SystemGroup,

    /// <summary>A group in <c>externalGroups</c>: another tool binds it, so what it grants is not in this model.</summary>
    ExternalBinding,

    /// <summary>Fargate's kubelet: system:bootstrappers, system:nodes and system:node-proxier.</summary>
    FargateBootstrap,

    /// <summary>Groups and access policies whose rules together, none alone, let the principal make itself cluster admin (<see cref="Authorization.CombinedGroups"/>).</summary>
    CombinedRbac,
}

/// <summary>One thing a principal may do, with what grants it and where.</summary>
public sealed record Grant(GrantVia Via, string Target, string Scope, bool IsClusterAdmin)
{
    public const string NamespacesScopePrefix = "namespaces ";

    /// <summary>A stack ClusterRole whose rules let its holder grant itself more (escalate, bind, impersonate); not counted as admin.</summary>
    public bool RaisesOwnAccess { get; init; }

    /// <summary>
    /// A ClusterRole or access policy, held cluster-wide or in kube-system, that lets its holder act as kube-system's service
    /// accounts (<see cref="Authorization.RbacRules.SystemAccountTakeover"/>); told, not counted as admin.
    /// </summary>
    public bool ActsAsSystemAccounts { get; init; }

    public const string ClusterWide = "cluster-wide";

    /// <summary>How a scope reads in grants and reports: cluster-wide when no namespace is given, else the namespaces as listed (the planner sorts them).</summary>
    public static string ScopeText(IReadOnlyList<string> namespaces) =>
        namespaces.Count == 0 ? ClusterWide : NamespacesScopePrefix + string.Join(", ", namespaces);

    /// <summary>The namespaces a namespaced grant holds in (sorted, as the scope lists them); empty when cluster-wide.</summary>
    public IReadOnlyList<string> Namespaces =>
        Scope.StartsWith(NamespacesScopePrefix, StringComparison.Ordinal) ? Scope[NamespacesScopePrefix.Length..].Split(", ") : [];

    private string Reach => (RaisesOwnAccess, ActsAsSystemAccounts) switch
    {
        (true, true) => $", which lets it {RaisesOwnAccessText} and {ActsAsSystemAccountsText}",
        (true, false) => $", which lets it {RaisesOwnAccessText}",
        (false, true) => $", which lets it {ActsAsSystemAccountsText}",
        _ => "",
    };

    private const string RaisesOwnAccessText = "raise its own access (escalate, bind or impersonate)";

    private const string ActsAsSystemAccountsText = "act as kube-system's service accounts (create pods or tokens there, or impersonate them)";

    public override string ToString() => Via switch
    {
        GrantVia.SystemMasters => "system:masters: full admin that bypasses RBAC and cannot be trimmed later",
        GrantVia.Rbac => $"ClusterRole {Target} ({Scope}){Reach}",
        GrantVia.AccessPolicy => $"access policy {Target} ({Scope}){Reach}",
        GrantVia.SystemMastersPolicy => $"access policy {Target} ({Scope}), the model's system:masters",
        GrantVia.NodeBootstrap => Target == KubernetesNames.KubeProxyWindows
            ? $"node bootstrap (system:bootstrappers, system:nodes, {KubernetesNames.KubeProxyWindows})"
            : "node bootstrap (system:bootstrappers, system:nodes)",
        GrantVia.FargateBootstrap => "Fargate pod bootstrap (system:bootstrappers, system:nodes, system:node-proxier)",
        GrantVia.ExternalBinding => $"group {Target}: bound by another tool (externalGroups), not by this stack",
        GrantVia.CombinedRbac => $"{Target} together: their rules let it make itself cluster admin (bind, escalate or impersonate, one grant's rules completing another's), though none does alone",
        _ => $"Kubernetes system group {Target}",
    };
}
