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
}

public sealed record AwsSettings(string Region, IReadOnlyList<string> AllowedAccountIds)
{
    public const string RegionPath = "aws:region";
    public const string AllowedAccountIdsPath = "aws:allowedAccountIds";

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
    NodeGroupSettings NodeGroup,
    NetworkSettings Network,
    bool Protect,
    string? DeployerArn = null)
{
    public const string DefaultServiceRoleName = "eks-cluster-role";
    public const string DefaultNodeRoleName = "eks-node-role";
}

public sealed record NodeGroupSettings(string Path, string InstanceType, int DesiredSize, int MinSize, int MaxSize)
{
    public const string DefaultInstanceType = "t3.medium";
    public const int DefaultDesiredSize = 3;
    public const int DefaultMinSize = 3;
    public const int DefaultMaxSize = 6;
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

    /// <summary>Only reachable from inside the VPC: whoever runs <c>pulumi up</c> must run there.</summary>
    public bool IsPrivateOnly => !EndpointPublicAccess && EndpointPrivateAccess;
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

    public const AuthenticationMode DefaultMode = AuthenticationMode.ApiAndConfigMap;

    /// <summary>The per-namespace settings (<c>namespaces.NAME</c>), in config order.</summary>
    public IReadOnlyList<NamespaceSettings> Namespaces { get; init; } = [];
}

/// <summary>An IAM role this stack creates and maps (<c>roles[]</c>).</summary>
public sealed record CreatedRoleSettings(
    string Path,
    string Name,
    string IamPath,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> AssumedBy,
    int? MaxSessionDuration,
    IReadOnlyList<AccessPolicySettings> AccessPolicies);

/// <summary>An IAM role or user that exists already (<c>mapRoles[]</c>, <c>mapUsers[]</c>).</summary>
public sealed record MappingSettings(
    string Path,
    PrincipalKind Kind,
    string Arn,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<AccessPolicySettings> AccessPolicies)
{
    public string ArnKey => Kind == PrincipalKind.Role ? "rolearn" : "userarn";
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
    IReadOnlyList<string> NonResourceUrls);

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
