using System.Globalization;
using EksInfra.Access.Model;

namespace EksInfra.Access.Config;

/// <summary>
/// Binds a <see cref="StackSource"/> (from YAML or from Pulumi's JSON) into a typed <see cref="StackConfig"/>.
/// Shape errors (unknown keys, wrong types, missing values) are found here; meaning is the validator's.
/// </summary>
public static class StackBinder
{
    public const string Namespace = "eks-infra";
    public const string ClusterKey = Namespace + ":cluster";
    public const string AccessKey = Namespace + ":access";

    /// <summary>The config keys this tool reads and checks; any other namespace's keys pass through unchecked.</summary>
    public static readonly IReadOnlyList<string> ReadKeys = [ClusterKey, AccessKey, AwsSettings.RegionPath, AwsSettings.AllowedAccountIdsPath, AwsSettings.AssumeRolesPath, AwsSettings.AssumeRoleWithWebIdentityPath];

    public static (StackConfig Config, IReadOnlyList<Diagnostic> Diagnostics) Bind(StackSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Bound is { } bound)
        {
            return bound;
        }

        var binding = new Binding();
        foreach (var (key, node) in source.Values)
        {
            binding.Entry(key, ConfigValue.Of(node));
        }

        return binding.Finish(source.StackName, source.ReadDiagnostics, SourceLocations.Of([.. source.Values.Values]));
    }

    /// <summary>
    /// One stack's config keys, bound as they are read: from a tree (Pulumi's JSON) or straight from a stack file's
    /// parser events, in which case the access model's long lists are bound one item at a time.
    /// </summary>
    internal sealed class Binding
    {
        private readonly BindContext ctx = new();
        private readonly Dictionary<string, ConfigNode> values = new(StringComparer.Ordinal);
        private AccessSettings? access;
        private int keys;

        /// <summary>The keys Pulumi reads from a key written another way (old form, no namespace): their errors say so already.</summary>
        private readonly HashSet<string> writtenOtherwise = new(StringComparer.Ordinal);

        /// <summary>The top-level keys the stack set, in file order.</summary>
        public List<string> Keys { get; } = [];

        public void Entry(string key, ConfigValue value)
        {
            keys++;
            Keys.Add(key);
            if (key.Split(':') is [var ns, "config", var name])
            {
                // pulumi/pulumi sdk/go/common/resource/config/key.go, ParseKey: "<namespace>:config:<name> (compat ...)".
                ctx.Bag.Error(value.Path, $"'{key}' is the old form of the key '{ns}:{name}', which Pulumi reads it as; write it as '{ns}:{name}', the only form check reads", value.Location);
                writtenOtherwise.Add($"{ns}:{name}");
            }
            else if (key.StartsWith(Namespace + ":", StringComparison.Ordinal) && key is not (ClusterKey or AccessKey))
            {
                ctx.Bag.Error(value.Path, $"'{key}' is not a config key of this project; the keys are {ClusterKey} and {AccessKey}{Suggest(key, [ClusterKey, AccessKey])}", value.Location);
            }
            else if (!key.Contains(':', StringComparison.Ordinal))
            {
                ctx.Bag.Error(value.Path, NoNamespace(key), value.Location);
                writtenOtherwise.Add($"{Namespace}:{key}");
            }

            if (key == AccessKey)
            {
                access = BindAccess(value, ctx, AccessKey);
            }
            else if (ReadKeys.Contains(key))
            {
                values[key] = value.ReadWhole();
            }
        }

        /// <param name="readDiagnostics">What reading found; a file that could not be read has no keys, and saying each one is missing would bury the real error.</param>
        public (StackConfig Config, IReadOnlyList<Diagnostic> Diagnostics) Finish(string stackName, IReadOnlyList<Diagnostic> readDiagnostics, SourceLocations locations)
        {
            ctx.ReadFailed = keys == 0 && readDiagnostics.Any(d => d.IsError);
            ctx.Bag.AddRange(readDiagnostics);
            var aws = BindAws(values, ctx);
            var cluster = BindCluster(values.GetValueOrDefault(ClusterKey), ctx, ClusterKey);
            access ??= BindAccess(null, ctx, AccessKey);
            var diagnostics = ctx.Bag.ToSortedList();
            return (new StackConfig(stackName, aws, cluster, access, locations), writtenOtherwise.Count == 0 ? diagnostics : [.. diagnostics.Where(d => !SaysMissing(d, writtenOtherwise))]);
        }
    }

    /// <summary>
    /// A "required" error for a key the stack does give, in a form the tool refuses with an error of its own: it would
    /// send the user to add what is there.
    /// </summary>
    internal static bool SaysMissing(Diagnostic diagnostic, IReadOnlySet<string> givenKeys) =>
        givenKeys.Contains(diagnostic.Path) && diagnostic.Message.StartsWith("required: ", StringComparison.Ordinal);

    /// <summary>
    /// pulumi/pulumi sdk/go/common/workspace/loaders.go, stackConfigNamespacedWithProject: a stack file's key without
    /// ':' is given the project's name, this project's being eks-infra (Pulumi.yaml).
    /// </summary>
    private static string NoNamespace(string key)
    {
        var read = $"{Namespace}:{key}";
        if (read is ClusterKey or AccessKey)
        {
            return $"config key '{key}' has no namespace; Pulumi gives it the project's, so the program reads it as '{read}', but check reads only namespaced keys: write it as '{read}'";
        }

        var meant = ReadKeys.FirstOrDefault(k => k[(k.IndexOf(':', StringComparison.Ordinal) + 1)..].Equals(key, StringComparison.OrdinalIgnoreCase));
        return $"config key '{key}' has no namespace; Pulumi gives it the project's, so the program would read it as '{read}', which is not a config key of this project (the keys are {ClusterKey} and {AccessKey}; a provider's settings take the provider's namespace){(meant is null ? Suggest(read, [ClusterKey, AccessKey]) : $"; did you mean '{meant}'?")}";
    }

    private static AwsSettings BindAws(Dictionary<string, ConfigNode> source, BindContext ctx)
    {
        var region = "";
        if (source.GetValueOrDefault(AwsSettings.RegionPath) is { } regionNode)
        {
            region = ctx.String(regionNode) ?? "";
        }
        else if (!ctx.ReadFailed)
        {
            ctx.Bag.Error(AwsSettings.RegionPath, "required: set the AWS region the cluster lives in, e.g. 'aws:region: us-west-2'");
        }

        IReadOnlyList<string> accounts = [];
        if (source.GetValueOrDefault(AwsSettings.AllowedAccountIdsPath) is { } accountsNode)
        {
            accounts = ctx.StringList(accountsNode);
        }
        else if (!ctx.ReadFailed)
        {
            ctx.Bag.Error(AwsSettings.AllowedAccountIdsPath, "required: set the one AWS account this stack deploys into, e.g. 'aws:allowedAccountIds: [\"123456789012\"]'; the plan names role ARNs in it before apply, and the provider refuses any other account");
        }

        return new AwsSettings(region, accounts, BindAssumedRole(source, ctx));
    }

    /// <summary>
    /// The role the AWS provider assumes, which creates the cluster and so is its first admin. The Kubernetes providers
    /// must sign in as it, and pulumi-eks v4.3.0 gives them only <c>aws eks get-token --role ARN</c> (cluster.ts,
    /// generateKubeconfig): one role, assumed from the machine's own credentials, with no external ID.
    /// </summary>
    private static string? BindAssumedRole(Dictionary<string, ConfigNode> source, BindContext ctx)
    {
        const string signIn = "the program's Kubernetes provider, and pulumi-eks's, sign in with `aws eks get-token` from the machine's own credentials";
        if (source.GetValueOrDefault(AwsSettings.AssumeRoleWithWebIdentityPath) is { } web and not ConfigScalar { Kind: ScalarKind.Null })
        {
            ctx.Bag.Error(web, $"{signIn}, which do not read this setting, so they would reach the cluster as another principal than its creator, the only admin until the stack's access exists; set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE in the environment instead (the AWS provider and the AWS CLI both read them)");
        }

        if (source.GetValueOrDefault(AwsSettings.AssumeRolesPath) is not { } node)
        {
            return null;
        }

        var items = ctx.Items(node);
        if (items.Count > 1)
        {
            ctx.Bag.Error(node, $"lists {items.Count} roles, a chain: {signIn} and `--role ARN`, which assumes one role from them, so they would reach the cluster as another principal than its creator, the only admin until the stack's access exists; give one role here, or set the chain up as an AWS profile (role_arn with source_profile) and use aws:profile or AWS_PROFILE");
            return null;
        }

        if (items.Count == 0)
        {
            return null;
        }

        var role = ctx.Map(items[0], items[0].Path, AwsSettings.AssumeRoleKeys);
        if (role.Get("externalId") is { } externalId and not ConfigScalar { Kind: ScalarKind.Null })
        {
            ctx.Bag.Error(externalId, $"{signIn} and `--role ARN`, which cannot pass an external ID, so they could not assume the role that creates the cluster; use an AWS profile with external_id (aws:profile) instead, or a role that does not require one");
        }

        return role.IsMap ? role.RequiredString("roleArn", "the ARN of the role the AWS provider assumes") : null;
    }

    private static ClusterSettings BindCluster(ConfigNode? node, BindContext ctx, string path)
    {
        if (node is null && !ctx.ReadFailed)
        {
            ctx.Bag.Error(path, "required: add an 'eks-infra:cluster' map with at least 'name'");
        }

        var map = ctx.Map(node, path, ["name", "version", "serviceRoleName", "nodeRoleName", "nodeGroup", "nodeGroups", "nodeRoles", "fargateProfiles", "vpcId", "privateSubnetIds", "publicSubnetIds", "endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs", "protect", "deployerArn"]);
        var name = map.RequiredString("name", "the EKS cluster name, e.g. 'my-cluster'");
        return new ClusterSettings(
            path,
            name,
            map.String("version"),
            map.String("serviceRoleName") ?? ClusterSettings.DefaultServiceRoleName,
            map.String("nodeRoleName") ?? ClusterSettings.DefaultNodeRoleName,
            new NetworkSettings(
                path,
                map.String("vpcId"),
                map.StringList("privateSubnetIds"),
                map.StringList("publicSubnetIds"),
                map.Bool("endpointPublicAccess") ?? true,
                map.Bool("endpointPrivateAccess") ?? false) { PublicAccessCidrs = map.StringList("publicAccessCidrs") },
            map.Bool("protect") ?? false,
            map.String("deployerArn"))
        {
            Compute = BindCompute(map, ctx, path, name),
        };
    }

    private static ComputeSettings BindCompute(MapReader map, BindContext ctx, string path, string clusterName)
    {
        var ngPath = ConfigPath.Child(path, "nodeGroup");
        List<NodeGroupSettings> groups;
        // 'nodeGroups:' with nothing after it is null, as if it were not there; an empty list means no managed node groups.
        if (map.Get("nodeGroups") is { } list && list is not ConfigScalar { Kind: ScalarKind.Null })
        {
            if (map.Get("nodeGroup") is { } shorthand && shorthand is not ConfigScalar { Kind: ScalarKind.Null })
            {
                ctx.Bag.Error(shorthand, "set either nodeGroup (one group, the older form) or nodeGroups, not both; move it into nodeGroups as '- { name: system, instanceTypes: [t3.medium], desiredSize: 3, minSize: 3, maxSize: 6 }' (a new name makes EKS create a new group: `pulumi up` creates it, then deletes the old one, whose pods move as its nodes are drained)");
            }

            groups = [.. map.Items("nodeGroups").Select(item => BindNodeGroup(ctx.Map(item, item.Path, NodeGroupKeys), item.Path, ctx, shorthand: false))];
        }
        else
        {
            var ng = ctx.Map(map.Get("nodeGroup"), ngPath, ["instanceType", "desiredSize", "minSize", "maxSize"], optional: true);
            groups = [BindNodeGroup(ng, ngPath, ctx, shorthand: true)];
        }

        var extraRoles = map.Items("nodeRoles").Select(item => new NodeRoleNameSettings(item.Path, ctx.String(item) ?? "")).ToList();
        var profiles = map.Items("fargateProfiles").Select(item => BindFargateProfile(item, ctx, clusterName)).ToList();
        return new ComputeSettings(groups, extraRoles, profiles);
    }

    private static readonly string[] NodeGroupKeys = ["name", "instanceTypes", "capacityType", "amiType", "diskSize", "desiredSize", "minSize", "maxSize", "labels", "taints", "nodeRole"];

    /// <summary>Sizes left out are chosen around the ones given, so 'minSize: 1, maxSize: 2' alone is valid.</summary>
    private static NodeGroupSettings BindNodeGroup(MapReader ng, string path, BindContext ctx, bool shorthand)
    {
        int? min = ng.Int("minSize"), max = ng.Int("maxSize"), desired = ng.Int("desiredSize");
        var d = desired ?? Math.Clamp(NodeGroupSettings.DefaultDesiredSize, min ?? 0, Math.Max(min ?? 0, max ?? int.MaxValue));
        IReadOnlyList<string> instanceTypes = shorthand
            ? [ng.String("instanceType") ?? NodeGroupSettings.DefaultInstanceType]
            : ng.Get("instanceTypes") is null ? [NodeGroupSettings.DefaultInstanceType] : ng.StringList("instanceTypes");
        var group = new NodeGroupSettings(
            path,
            shorthand ? NodeGroupSettings.ShorthandName : ng.RequiredString("name", "the node group's name, e.g. 'system' or 'workload-spot'"),
            instanceTypes,
            d,
            min ?? Math.Min(NodeGroupSettings.DefaultMinSize, d),
            max ?? Math.Max(NodeGroupSettings.DefaultMaxSize, d))
        {
            IsShorthand = shorthand,
        };
        if (shorthand)
        {
            return group;
        }

        return group with
        {
            CapacityType = ng.String("capacityType"),
            AmiType = ng.String("amiType"),
            DiskSize = ng.Int("diskSize"),
            Labels = StringMap(ng, "labels", ctx),
            Taints = [.. ng.Items("taints").Select(item =>
            {
                var taint = ctx.Map(item, item.Path, ["key", "value", "effect"]);
                return new TaintSettings(item.Path, taint.RequiredString("key", "the taint's key, e.g. 'dedicated'"), taint.String("value") ?? "", taint.RequiredString("effect", "NoSchedule, PreferNoSchedule or NoExecute"));
            })],
            NodeRole = ng.String("nodeRole"),
        };
    }

    private static FargateProfileSettings BindFargateProfile(ConfigNode node, BindContext ctx, string clusterName)
    {
        var map = ctx.Map(node, node.Path, ["name", "podExecutionRoleName", "selectors", "subnetIds"]);
        var name = map.RequiredString("name", "the Fargate profile's name, e.g. 'batch'");
        var selectors = map.Items("selectors").Select(item =>
        {
            var selector = ctx.Map(item, item.Path, ["namespace", "labels"]);
            return new FargateSelectorSettings(item.Path, selector.RequiredString("namespace", "the namespace whose pods run on Fargate, e.g. 'batch-jobs'"), StringMap(selector, "labels", ctx));
        }).ToList();
        return new FargateProfileSettings(
            node.Path,
            name,
            map.String("podExecutionRoleName") ?? FargateProfileSettings.DefaultPodExecutionRoleName(clusterName, name),
            selectors,
            map.StringList("subnetIds"));
    }

    /// <summary>A map of strings (Kubernetes labels): order kept, every value a string.</summary>
    private static List<KeyValuePair<string, string>> StringMap(MapReader owner, string key, BindContext ctx) =>
        [.. owner.Entries(key).Select(e => new KeyValuePair<string, string>(e.Key, ctx.String(e.Value) ?? ""))];

    private static readonly string[] AccessKeys = ["authenticationMode", "roles", "mapRoles", "mapUsers", "mapAccounts", "groups", "clusterRoles", "externalGroups", "allowNoClusterAdmin", "namespaces", "nodeRoles"];

    /// <summary>The access model: its lists and maps are bound item by item as they are read, the rest read whole.</summary>
    private static AccessSettings BindAccess(ConfigValue? value, BindContext ctx, string path)
    {
        if (value is null && !ctx.ReadFailed)
        {
            ctx.Bag.Error(path, "required: add an 'eks-infra:access' map (authenticationMode, roles, mapRoles, mapUsers, groups)");
        }

        var roles = new List<CreatedRoleSettings>();
        var mapRoles = new List<MappingSettings>();
        var mapUsers = new List<MappingSettings>();
        var mapAccounts = new List<AccountSettings>();
        var nodeRoles = new List<ExistingNodeRoleSettings>();
        var groups = new List<GroupSettings>();
        var clusterRoles = new List<ClusterRoleSettings>();
        var namespaces = new List<NamespaceSettings>();
        MapReader map;
        if (value is { IsMap: true })
        {
            var rest = new List<KeyValuePair<string, ConfigNode>>();
            value.ReadEntries((key, entry) =>
            {
                switch (key)
                {
                    case "roles": ctx.EachItem(entry, simple => TryBindSimpleCreatedRole(simple, roles), item => roles.Add(BindCreatedRole(item, ctx))); break;
                    case "mapRoles": ctx.EachItem(entry, simple => TryBindSimpleMapping(simple, PrincipalKind.Role, mapRoles), item => mapRoles.Add(BindMapping(item, ctx, PrincipalKind.Role))); break;
                    case "mapUsers": ctx.EachItem(entry, simple => TryBindSimpleMapping(simple, PrincipalKind.User, mapUsers), item => mapUsers.Add(BindMapping(item, ctx, PrincipalKind.User))); break;
                    case "mapAccounts": ctx.EachItem(entry, item => mapAccounts.Add(new AccountSettings(item.Path, ctx.String(item) ?? ""))); break;
                    case "nodeRoles": ctx.EachItem(entry, item => nodeRoles.Add(BindExistingNodeRole(item, ctx))); break;
                    case "groups": ctx.EachEntry(entry, key, (name, node) => groups.Add(BindGroup(name, node, ctx))); break;
                    case "clusterRoles": ctx.EachEntry(entry, key, (name, node) => clusterRoles.Add(BindClusterRole(name, node, ctx))); break;
                    case "namespaces": ctx.EachEntry(entry, key, (name, node) => namespaces.Add(BindNamespace(name, node, ctx))); break;
                    case var known when AccessKeys.Contains(known):
                        rest.Add(new(key, entry.ReadWhole()));
                        break;
                    default:
                        ctx.UnknownKey(entry.Path, entry.Location, key, AccessKeys);
                        break;
                }
            });
            map = new MapReader(ctx, rest, path, AccessKeys, null, value);
        }
        else
        {
            map = ctx.Map(value?.ReadWhole(), path, AccessKeys);
        }

        var mode = AccessSettings.DefaultMode;
        if (map.Get("authenticationMode") is { } modeNode && ctx.String(modeNode) is { } modeText && !AuthenticationModes.TryParse(modeText, out mode))
        {
            ctx.Bag.Error(modeNode, $"'{modeText}' is not an authentication mode; use CONFIG_MAP, API_AND_CONFIG_MAP or API");
            mode = AccessSettings.DefaultMode;
        }

        return new AccessSettings(
            path, mode, roles, mapRoles, mapUsers, mapAccounts, groups, clusterRoles, Declared: value is not null,
            ExternalGroups: map.StringList("externalGroups"), AllowNoClusterAdmin: map.Bool("allowNoClusterAdmin") ?? false)
        {
            Namespaces = namespaces,
            NodeRoles = nodeRoles,
        };
    }

    private static ExistingNodeRoleSettings BindExistingNodeRole(ConfigNode node, BindContext ctx)
    {
        var map = ctx.Map(node, node.Path, ["rolearn", "kind", "managedNodeGroup"]);
        var arn = map.RequiredString("rolearn", "the node role's ARN as IAM shows it, e.g. 'arn:aws:iam::123456789012:role/KarpenterNodeRole-my-cluster'");
        var kindText = map.RequiredString("kind", "linux (Karpenter or self-managed Linux nodes), windows (self-managed Windows nodes) or fargate (a Fargate pod execution role)");
        var kind = NodeRoleKind.Linux;
        if (kindText.Length > 0 && !TryNodeRoleKind(kindText, out kind))
        {
            ctx.Bag.Error(map.Get("kind")!, $"'{kindText}' is not a node role kind; use linux, windows or fargate");
        }

        var managed = map.Bool("managedNodeGroup") ?? false;
        if (managed && kind == NodeRoleKind.Fargate)
        {
            ctx.Bag.Error(map.Get("managedNodeGroup")!, "is for the role of a managed node group; a Fargate profile's role gets its access entry from EKS already, so remove the key");
        }

        return new ExistingNodeRoleSettings(node.Path, arn, kind) { ManagedNodeGroup = managed };
    }

    private static bool TryNodeRoleKind(string text, out NodeRoleKind kind)
    {
        switch (text)
        {
            case "linux": kind = NodeRoleKind.Linux; return true;
            case "windows": kind = NodeRoleKind.Windows; return true;
            case "fargate": kind = NodeRoleKind.Fargate; return true;
            default: kind = NodeRoleKind.Linux; return false;
        }
    }

    /// <summary>The resources a namespace's ResourceQuota may cap here, as Kubernetes names them.</summary>
    public static readonly string[] QuotaResources = ["limits.cpu", "limits.memory", "pods", "requests.cpu", "requests.memory"];

    /// <summary>The resources a namespace's LimitRange gives containers defaults for.</summary>
    public static readonly string[] LimitRangeResources = ["cpu", "memory"];

    private static NamespaceSettings BindNamespace(string name, ConfigNode node, BindContext ctx)
    {
        var map = ctx.Map(node, node.Path, ["managedElsewhere", "labels", "quota", "limitRange"], optional: true);
        var labels = map.Entries("labels").Select(e => new KeyValuePair<string, string>(e.Key, ctx.String(e.Value) ?? "")).ToList();
        var quotaPath = ConfigPath.Child(node.Path, "quota");
        var quota = Quantities(ctx.Map(map.Get("quota"), quotaPath, QuotaResources, optional: true), quotaPath, QuotaResources, ctx);
        var rangePath = ConfigPath.Child(node.Path, "limitRange");
        var range = ctx.Map(map.Get("limitRange"), rangePath, ["default", "defaultRequest"], optional: true);
        var defaultPath = ConfigPath.Child(rangePath, "default");
        var requestPath = ConfigPath.Child(rangePath, "defaultRequest");
        return new NamespaceSettings(
            node.Path,
            name,
            map.Bool("managedElsewhere") ?? false,
            labels,
            quota,
            Quantities(ctx.Map(range.Get("defaultRequest"), requestPath, LimitRangeResources, optional: true), requestPath, LimitRangeResources, ctx),
            Quantities(ctx.Map(range.Get("default"), defaultPath, LimitRangeResources, optional: true), defaultPath, LimitRangeResources, ctx));
    }

    private static List<QuantitySetting> Quantities(MapReader map, string path, string[] keys, BindContext ctx) =>
        [.. keys.Where(k => map.Get(k) is not null).Select(k => new QuantitySetting(ConfigPath.Child(path, k), k, ctx.Quantity(map.Get(k)!) ?? ""))];

    private static CreatedRoleSettings BindCreatedRole(ConfigNode node, BindContext ctx)
    {
        var map = ctx.Map(node, node.Path, CreatedRoleKeys);
        return new CreatedRoleSettings(
            ConfigPath.ItemOf(node),
            map.RequiredString("name", "the IAM role name this stack creates, e.g. 'eks-admin-role'"),
            map.String("path") ?? "/",
            map.RequiredString("username", "the Kubernetes username the role maps to, e.g. 'eks-admin'"),
            map.StringList("groups"),
            map.NarrowingList("assumedBy", "trust the account root, so that every principal of the account that IAM allows sts:AssumeRole may assume the role; list the roles or users that may, or remove the key if the whole account is meant"),
            map.Int("maxSessionDuration"),
            BindAccessPolicies(map, ctx));
    }

    private static readonly string[] RoleMappingKeys = ["rolearn", "username", "groups", "accessPolicies"];
    private static readonly string[] UserMappingKeys = ["userarn", "username", "groups", "accessPolicies"];
    private static readonly string[] CreatedRoleKeys = ["name", "path", "username", "groups", "assumedBy", "maxSessionDuration", "accessPolicies"];
    private static readonly string[] GroupKeys = ["clusterRole", "namespaces"];

    /// <summary>
    /// A mapping that <see cref="BindMapping"/> would bind without a finding (its ARN key and username set to text, groups a
    /// list of text, nothing else), bound without a node; anything else is declined and goes to <see cref="BindMapping"/>,
    /// which holds every rule and message.
    /// </summary>
    private static bool TryBindSimpleMapping(SimpleMap map, PrincipalKind kind, List<MappingSettings> mappings)
    {
        var arnKey = MappingSettings.ArnKeyOf(kind);
        string? arn = null, username = null;
        string[] groups = [];
        for (var i = 0; i < map.Count; i++)
        {
            var key = map.Key(i);
            var ok = key == arnKey ? map.TryText(i, out arn)
                : key == "username" ? map.TryText(i, out username)
                : key == "groups" && map.TryTextList(i, out groups);
            if (!ok)
            {
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(arn) || string.IsNullOrWhiteSpace(username))
        {
            return false;
        }

        mappings.Add(new MappingSettings(map.Item, kind, arn, username, groups, []));
        return true;
    }

    /// <summary>
    /// A created role that <see cref="BindCreatedRole"/> would bind without a finding (name and username set to text,
    /// path text, groups and assumedBy lists of text, nothing else), bound without a node; anything else is declined
    /// and goes to <see cref="BindCreatedRole"/>, which holds every rule and message.
    /// </summary>
    private static bool TryBindSimpleCreatedRole(SimpleMap map, List<CreatedRoleSettings> roles)
    {
        string? name = null, iamPath = null, username = null;
        string[] groups = [], assumedBy = [];
        for (var i = 0; i < map.Count; i++)
        {
            var ok = map.Key(i) switch
            {
                "name" => map.TryText(i, out name),
                "path" => map.TryText(i, out iamPath),
                "username" => map.TryText(i, out username),
                "groups" => map.TryTextList(i, out groups),
                // An empty list is refused, and only BindCreatedRole says so.
                "assumedBy" => map.TryTextList(i, out assumedBy) && assumedBy.Length > 0,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(username))
        {
            return false;
        }

        roles.Add(new CreatedRoleSettings(map.Item, name, iamPath ?? "/", username, groups, assumedBy, null, []));
        return true;
    }

    private static MappingSettings BindMapping(ConfigNode node, BindContext ctx, PrincipalKind kind)
    {
        var arnKey = MappingSettings.ArnKeyOf(kind);
        var map = ctx.Map(node, node.Path, kind == PrincipalKind.Role ? RoleMappingKeys : UserMappingKeys);
        return new MappingSettings(
            ConfigPath.ItemOf(node),
            kind,
            map.RequiredString(arnKey, kind == PrincipalKind.Role ? "the role's ARN as IAM shows it, e.g. 'arn:aws:iam::123456789012:role/ci-deployer'" : "the user's ARN, e.g. 'arn:aws:iam::123456789012:user/alice'"),
            map.RequiredString("username", "the Kubernetes username, e.g. 'alice'"),
            map.StringList("groups"),
            BindAccessPolicies(map, ctx));
    }

    private static readonly string[] AccessPolicyKeys = ["policy", "namespaces"];

    private static List<AccessPolicySettings> BindAccessPolicies(MapReader owner, BindContext ctx)
    {
        // Most mappings have none: no list is grown, and no iterator made, for them.
        var items = owner.Items("accessPolicies");
        var policies = new List<AccessPolicySettings>(items.Count);
        foreach (var item in items)
        {
            var map = ctx.Map(item, item.Path, AccessPolicyKeys);
            policies.Add(new AccessPolicySettings(item.Path, map.RequiredString("policy", "an EKS access policy name, e.g. 'AmazonEKSViewPolicy'"), map.NamespaceList("namespaces", "the access policy", "cluster scope")));
        }

        return policies;
    }

    private static GroupSettings BindGroup(string name, ConfigNode node, BindContext ctx)
    {
        var map = ctx.Map(node, node.Path, GroupKeys);
        return new GroupSettings(node.Path, name, map.RequiredString("clusterRole", "the ClusterRole the group is bound to, e.g. 'read-only' or 'view'"), map.NamespaceList("namespaces", "the group's binding", "a ClusterRoleBinding"));
    }

    private static ClusterRoleSettings BindClusterRole(string name, ConfigNode node, BindContext ctx)
    {
        var map = ctx.Map(node, node.Path, ["rules"]);
        var rules = map.Items("rules").Select(item =>
        {
            var rule = ctx.Map(item, item.Path, ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"]);
            return new PolicyRuleSettings(item.Path, rule.StringList("apiGroups"), rule.StringList("resources"), rule.StringList("verbs"), rule.StringList("resourceNames"), rule.StringList("nonResourceURLs"));
        }).ToList();
        if (map.Get("rules") is null && map.IsMap)
        {
            ctx.Bag.Error(ConfigPath.Child(node.Path, "rules"), "required: a ClusterRole needs at least one rule ({ apiGroups, resources, verbs })", node.Location);
        }
        else if (map.Get("rules") is ConfigList { Items.Count: 0 } empty)
        {
            // The stack's ClusterRoles take no aggregationRule, so one without rules grants nothing to the groups bound to it.
            ctx.Bag.Error(empty.Path, "is empty: a ClusterRole with no rules grants nothing to the groups bound to it; give it at least one rule ({ apiGroups, resources, verbs }), or bind the groups to another role", empty.Location);
        }

        return new ClusterRoleSettings(node.Path, name, rules);
    }

    internal static string Suggest(string key, IEnumerable<string> known)
    {
        var best = known.Select(k => (Key: k, Distance: Levenshtein(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= Math.Max(2, k.Key.Length / 3))
            .OrderBy(k => k.Distance).ThenBy(k => k.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Key is null ? "" : $"; did you mean '{best.Key}'?";
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The value Pulumi gives the program for an unquoted YAML integer written other than in plain decimal digits
    /// (<c>010</c>, <c>0o17</c>, <c>0x1F</c>, <c>1_000</c>) when it differs from what the digits say, and its base; null
    /// otherwise. Pulumi reads stack files with go-yaml, whose resolver (resolve.go, v2 and v3 alike) removes '_' and
    /// parses with strconv.ParseInt(plain, 0, 64); v3 keeps "Octals from the 1.1 spec, spelled as 0777".
    /// </summary>
    internal static (string Value, int Base)? PulumiNumber(string text)
    {
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-');
        var (body, radix) = digits switch
        {
            _ when digits.StartsWith("0x", StringComparison.Ordinal) => (digits[2..], 16),
            _ when digits.StartsWith("0o", StringComparison.Ordinal) => (digits[2..], 8),
            _ when digits.Length > 1 && digits[0] == '0' && digits.All(char.IsAsciiDigit) => (digits[1..], 8),
            _ when digits.Contains('_', StringComparison.Ordinal) && digits.All(c => c == '_' || char.IsAsciiDigit(c)) => (digits, 10),
            _ => ("", 0),
        };
        body = body.Replace("_", "", StringComparison.Ordinal);
        if (radix == 0 || body.Length == 0)
        {
            return null;
        }

        long read;
        try
        {
            read = radix == 10 ? long.Parse(body, CultureInfo.InvariantCulture) : Convert.ToInt64(body, radix);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }

        var signed = negative ? -read : read;
        // 007 is 7 either way; only a number that reads differently misleads.
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var asDecimal) && asDecimal == signed
            ? null
            : (signed.ToString(CultureInfo.InvariantCulture), radix);
    }

    private static string ReadDifferently(string text, (string Value, int Base) read, string fix) =>
        $"the unquoted YAML number {text} reaches the Pulumi program as {read.Value} (Pulumi's YAML reader, go-yaml, reads it in base {read.Base}), while this tool and Kubernetes read the text; write {read.Value} if that is meant, or {fix}";

    private sealed class BindContext
    {
        public DiagnosticBag Bag { get; } = new();

        public bool ReadFailed { get; set; }

        public MapReader Map(ConfigNode? node, string path, string[] keys, bool optional = false)
        {
            switch (node)
            {
                case null:
                    return new MapReader(this, null, path, keys, null);
                case ConfigScalar { Kind: ScalarKind.Null } when optional:
                    return new MapReader(this, null, path, keys, null);
                case ConfigMap map:
                    foreach (var (key, value) in map.Entries)
                    {
                        if (!keys.Contains(key))
                        {
                            UnknownKey(value.Path, value.Location, key, keys);
                        }
                    }

                    return new MapReader(this, map.Entries, path, keys, map);
                default:
                    Bag.Error(node, $"expected a map with keys {string.Join(", ", keys)}, found {node.KindName}");
                    return new MapReader(this, null, path, keys, null);
            }
        }

        /// <summary>A key that is not one of <paramref name="keys"/>: an error, with the closest known key.</summary>
        public void UnknownKey(string path, SourceLocation? location, string key, string[] keys) =>
            Bag.Error(path, $"unknown key '{key}'; the keys here are {string.Join(", ", keys)}{(keys.Contains($"requests.{key}") ? QuotaShorthand(key) : Suggest(key, keys))}", location);

        /// <summary>Kubernetes docs, "Resource Quotas": cpu is "Same as requests.cpu", memory "Same as requests.memory".</summary>
        private static string QuotaShorthand(string key) => $"; Kubernetes reads a quota's '{key}' as requests.{key}, which is how this stack writes it: use requests.{key}";

        /// <summary>As <see cref="EachItem(ConfigValue, Action{ConfigNode})"/>, offering each simple map item to <paramref name="simple"/> first.</summary>
        public void EachItem(ConfigValue value, Func<SimpleMap, bool> simple, Action<ConfigNode> item)
        {
            if (value.IsList)
            {
                value.ReadItems(simple, item);
                return;
            }

            EachItem(value, item);
        }

        /// <summary>A list's items, one at a time as they are read; anything else is <see cref="Items"/>' error.</summary>
        public void EachItem(ConfigValue value, Action<ConfigNode> item)
        {
            if (value.IsList)
            {
                value.ReadItems(item);
                return;
            }

            foreach (var node in Items(value.ReadWhole()))
            {
                item(node);
            }
        }

        /// <summary>A map's entries, one at a time as they are read; anything else is <see cref="Entries"/>' error.</summary>
        public void EachEntry(ConfigValue value, string key, Action<string, ConfigNode> entry)
        {
            if (value.IsMap)
            {
                value.ReadEntries((name, child) => entry(name, child.ReadWhole()));
                return;
            }

            foreach (var (name, node) in Entries(value.ReadWhole(), key))
            {
                entry(name, node);
            }
        }

        public IReadOnlyList<ConfigNode> Items(ConfigNode? node)
        {
            switch (node)
            {
                case null:
                case ConfigScalar { Kind: ScalarKind.Null }:
                    return [];
                case ConfigList list:
                    return list.Items;
                default:
                    Bag.Error(node, $"expected a list, found {node.KindName}; write each entry on its own line starting with '- '");
                    return [];
            }
        }

        public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries(ConfigNode? node, string key)
        {
            switch (node)
            {
                case null:
                case ConfigScalar { Kind: ScalarKind.Null }:
                    return [];
                case ConfigMap m:
                    return m.Entries;
                case ConfigList l:
                    Bag.Error(l, $"expected a map keyed by name, found a list; write '{key}: {{ NAME: {{ ... }} }}' instead of '- ...' items");
                    return [];
                default:
                    Bag.Error(node, $"expected a map keyed by name, found {node.KindName}");
                    return [];
            }
        }

        /// <summary>Strings must be strings: an unquoted 1.30 is the number 1.3, and an account id loses its leading zero.</summary>
        public string? String(ConfigNode node)
        {
            switch (node)
            {
                case ConfigScalar { Kind: ScalarKind.Text } s:
                    return s.Value;
                case ConfigScalar { Kind: ScalarKind.Null }:
                    return null;
                case ConfigScalar { Kind: ScalarKind.Number } s:
                    Bag.Error(node, $"expected a string, found the number {s.Value}; quote it (\"{s.Value}\") so it is not read as a number");
                    return null;
                case ConfigScalar { Kind: ScalarKind.Timestamp } s:
                    Bag.Error(node, $"expected a string, found the timestamp {s.Value}, which Pulumi's config reader gives the program as {GoYamlTimestamp.PulumiText(s.Value)}; quote it (\"{s.Value}\") to keep the text as written");
                    return null;
                case ConfigScalar s:
                    Bag.Error(node, $"expected a string, found the boolean {s.Value}; quote it if you meant the text");
                    return null;
                case ConfigMap secret when IsPulumiSecret(secret):
                    SecretRefused(secret, $"as a quoted string in the stack file or with `pulumi config set --path '{node.Path}' --type string VALUE` (without --type, Pulumi stores digits such as an account id as a number)");
                    return null;
                default:
                    Bag.Error(node, $"expected a string, found {node.KindName}");
                    return null;
            }
        }

        private void SecretRefused(ConfigMap secret, string plainFix) =>
            Bag.Error(secret, $"is a Pulumi secret ('secure:' ciphertext, what `pulumi config set --secret` writes), which the program gets decrypted but the offline tools cannot decrypt; this setting must be plain text for check and diff: set it without --secret, {plainFix}");

        /// <summary>The fix for a secret where a number or boolean belongs: Pulumi's --path stores digits, true and false unquoted (object.go, coerce).</summary>
        private void SecretRefused(ConfigMap secret) =>
            SecretRefused(secret, $"unquoted in the stack file or with `pulumi config set --path '{secret.Path}' VALUE`");

        /// <summary>
        /// pulumi/pulumi sdk/go/common/resource/config/object.go, isSecureValue: in a stack file, a map whose one key is
        /// 'secure' with a string is ciphertext. Pulumi's JSON to the program holds the decrypted value, and has no
        /// positions, so only a map read from a file can be one.
        /// </summary>
        private static bool IsPulumiSecret(ConfigMap map) =>
            map.Location is not null && map.Entries is [("secure", ConfigScalar { Kind: ScalarKind.Text })];

        /// <summary>A Kubernetes quantity: quoted or not (`pods: 20` and `cpu: "500m"` are both quantities).</summary>
        public string? Quantity(ConfigNode node)
        {
            switch (node)
            {
                // apimachinery ParseQuantity: "if len(str) == 0 { return Quantity{}, ErrFormatWrong }".
                case ConfigScalar { Kind: ScalarKind.Null } or ConfigScalar { Kind: ScalarKind.Text, Value.Length: 0 }:
                    Bag.Error(node, "is empty, and Kubernetes refuses an empty quantity; give one such as 500m, 2 or 4Gi, or remove the key");
                    return null;
                case ConfigScalar { Kind: ScalarKind.Number } s when PulumiNumber(s.Value) is { } read:
                    Bag.Error(node, ReadDifferently(s.Value, read, $"quote it (\"{s.Value}\" is a quantity in decimal digits)"));
                    return null;
                case ConfigScalar { Kind: ScalarKind.Text or ScalarKind.Number } s:
                    return s.Value;
                case ConfigMap secret when IsPulumiSecret(secret):
                    SecretRefused(secret);
                    return null;
                default:
                    Bag.Error(node, $"expected a Kubernetes quantity such as 500m, 2 or 4Gi, found {Describe(node)}");
                    return null;
            }
        }

        public int? Int(ConfigNode node)
        {
            if (node is ConfigScalar { Kind: ScalarKind.Number } n && PulumiNumber(n.Value) is { } read)
            {
                Bag.Error(node, ReadDifferently(n.Value, read, "write it in plain decimal digits"));
                return null;
            }

            if (node is ConfigScalar { Kind: ScalarKind.Number } s && (int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || WholeFloat(s.Value, out value)))
            {
                return value;
            }

            if (node is ConfigScalar { Kind: ScalarKind.Null })
            {
                return null;
            }

            if (node is ConfigMap secret && IsPulumiSecret(secret))
            {
                SecretRefused(secret);
                return null;
            }

            Bag.Error(node, $"expected a whole number, found {Describe(node)}");
            return null;
        }

        /// <summary>
        /// 3.0 and 1e3 are floats to go-yaml, and Pulumi hands an object's numbers to the program as JSON, where Go writes
        /// a whole float64 without a fraction (3, 1000): the program reads a whole number, so this tool does too.
        /// </summary>
        private static bool WholeFloat(string text, out int value)
        {
            value = 0;
            if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var read)
                || read != Math.Floor(read) || read < int.MinValue || read > int.MaxValue)
            {
                return false;
            }

            value = (int)read;
            return true;
        }

        public bool? Bool(ConfigNode node)
        {
            switch (node)
            {
                case ConfigScalar { Kind: ScalarKind.Boolean } s:
                    return s.Value.Equals("true", StringComparison.OrdinalIgnoreCase);
                case ConfigScalar { Kind: ScalarKind.Null }:
                    return null;
                case ConfigMap secret when IsPulumiSecret(secret):
                    SecretRefused(secret);
                    return null;
                default:
                    Bag.Error(node, $"expected true or false, found {Describe(node)}");
                    return null;
            }
        }

        public string[] StringList(ConfigNode node)
        {
            switch (node)
            {
                case ConfigList list:
                    var strings = new string[list.Items.Count];
                    for (var i = 0; i < strings.Length; i++)
                    {
                        strings[i] = String(list.Items[i]) ?? "";
                    }

                    return strings;
                case ConfigScalar { Kind: ScalarKind.Null }:
                    return [];
                case ConfigScalar { Kind: ScalarKind.Text } s:
                    Bag.Error(node, $"expected a list of strings, found the string '{s.Value}'; write it as [{s.Value}]");
                    return [];
                default:
                    Bag.Error(node, $"expected a list of strings, found {node.KindName}");
                    return [];
            }
        }

        private static string Describe(ConfigNode node) => node is ConfigScalar s ? $"{s.KindName} '{s.Value}'" : node.KindName;
    }

    /// <param name="node">The map's node (or, streamed, <paramref name="value"/>), asked for its position only when a required key is missing.</param>
    private sealed class MapReader(BindContext ctx, IReadOnlyList<KeyValuePair<string, ConfigNode>>? entries, string path, string[] keys, ConfigNode? node, ConfigValue? value = null)
    {
        public bool IsMap => entries is not null;

        public ConfigNode? Get(string key)
        {
            System.Diagnostics.Debug.Assert(keys.Contains(key), $"key {key} is not declared");
            if (entries is not null)
            {
                foreach (var (k, v) in entries)
                {
                    if (k == key)
                    {
                        return v;
                    }
                }
            }

            return null;
        }

        public string? String(string key) => Get(key) is { } node ? ctx.String(node) : null;

        public string RequiredString(string key, string what)
        {
            var text = String(key);
            var found = Get(key);
            // A value of another kind has had its error from String; "required" too would say it is missing.
            if (string.IsNullOrWhiteSpace(text) && entries is not null && found is null or ConfigScalar { Kind: ScalarKind.Text or ScalarKind.Null })
            {
                ctx.Bag.Error(found?.Path ?? ConfigPath.Child(path, key), $"required: {what}", found?.Location ?? node?.Location ?? value?.Location);
            }

            return text ?? "";
        }

        public int? Int(string key) => Get(key) is { } node ? ctx.Int(node) : null;

        public bool? Bool(string key) => Get(key) is { } node ? ctx.Bool(node) : null;

        public string[] StringList(string key) => Get(key) is { } node ? ctx.StringList(node) : [];

        /// <summary>
        /// A list that narrows a grant. Left out, the grant takes its widest reach; so a list that is there but empty (the
        /// last item deleted, or the key left without a value) is refused instead of widening the grant.
        /// </summary>
        public string[] NarrowingList(string key, string widened) => Narrowing(key, widened, "", "");

        /// <summary>A list that narrows a grant to namespaces: left out, the grant is cluster-wide.</summary>
        public string[] NamespaceList(string key, string grant, string clusterWide) => Narrowing(key, null, grant, clusterWide);

        // The namespace message is built only for a finding: every group and access policy passes here.
        private string[] Narrowing(string key, string? widened, string grant, string clusterWide)
        {
            if (Get(key) is not { } node)
            {
                return [];
            }

            var items = ctx.StringList(node);
            if (items.Length == 0 && node is ConfigList or ConfigScalar { Kind: ScalarKind.Null })
            {
                ctx.Bag.Error(node, $"is empty, and would {widened ?? $"make {grant} cluster-wide; list the namespaces it is for, or remove the key if {clusterWide} is meant"}");
            }

            return items;
        }

        public IReadOnlyList<ConfigNode> Items(string key) => ctx.Items(Get(key));

        public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries(string key) => ctx.Entries(Get(key), key);
    }
}
