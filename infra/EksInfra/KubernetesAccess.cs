using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using Pulumi;
using Pulumi.Kubernetes.Core.V1;
using Pulumi.Kubernetes.Rbac.V1;
using Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Rbac.V1;
using KubernetesProvider = Pulumi.Kubernetes.Provider;
using KubernetesProviderArgs = Pulumi.Kubernetes.ProviderArgs;

namespace EksInfra;

/// <summary>
/// What Kubernetes groups may do, through the cluster's own Kubernetes provider: the namespaces the plan
/// creates (with their quotas and limit ranges), the ClusterRoles it defines, a ClusterRoleBinding per
/// cluster-wide group and a RoleBinding per namespace of a namespaced group, after its namespace.
/// RBAC is the single source of permissions for every non-<c>system:</c> group, in every authentication mode.
/// In the aws-auth modes it also carries <c>mapAccounts</c>, which pulumi-eks does not write, as a server-side
/// patch of that one key of the aws-auth ConfigMap pulumi-eks owns.
/// </summary>
internal sealed class KubernetesAccess : ComponentResource
{
    public const string TypeToken = "eks-infra:access:KubernetesAccess";

    private const string MapAccountsName = "aws-auth-map-accounts";

    public KubernetesAccess(string name, AccessPlan plan, EksCluster cluster, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(cluster);

        Provider = new KubernetesProvider(
            $"{name}-provider",
            new KubernetesProviderArgs { KubeConfig = cluster.KubeconfigForProvider, EnableServerSideApply = true },
            new CustomResourceOptions { Parent = this });

        foreach (var ns in plan.Namespaces)
        {
            Namespaces[ns.Name] = CreateNamespace(name, ns);
        }

        var rbac = plan.Rbac;
        var defined = new Dictionary<string, ClusterRole>(StringComparer.Ordinal);
        foreach (var role in rbac.ClusterRoles)
        {
            var created = new ClusterRole(
                $"{name}-{role.LogicalName}",
                new ClusterRoleArgs
                {
                    Metadata = MetadataFor(role.Name, null),
                    Rules = role.Rules.Select(r => Rule(r)).ToList(),
                },
                ChildOptions());
            defined[role.Name] = created;
            DefinedRoles.Add(created);
        }

        foreach (var binding in rbac.ClusterRoleBindings)
        {
            ClusterRoleBindings.Add(new ClusterRoleBinding(
                $"{name}-{binding.LogicalName}",
                new ClusterRoleBindingArgs
                {
                    Metadata = MetadataFor(binding.Name, null),
                    RoleRef = RoleRef(binding.ClusterRole),
                    Subjects = new List<SubjectArgs> { GroupSubject(binding.Group) },
                },
                ChildOptions(DependenciesOf(binding.ClusterRole, defined))));
        }

        foreach (var binding in rbac.RoleBindings)
        {
            RoleBindings.Add(new RoleBinding(
                $"{name}-{binding.LogicalName}",
                new RoleBindingArgs
                {
                    Metadata = MetadataFor(binding.Name, binding.Namespace),
                    RoleRef = RoleRef(binding.ClusterRole),
                    Subjects = new List<SubjectArgs> { GroupSubject(binding.Group) },
                },
                ChildOptions([.. DependenciesOf(binding.ClusterRole, defined), .. NamespaceOf(binding.Namespace)])));
        }

        if (plan.AwsAuth is { MapAccounts.Count: > 0 } awsAuth)
        {
            // Only data.mapAccounts, applied server-side: pulumi-eks keeps owning the ConfigMap and its
            // mapRoles and mapUsers. The patch waits for the cluster, which creates aws-auth.
            MapAccountsPatch = new ConfigMapPatch(
                $"{name}-{MapAccountsName}",
                new ConfigMapPatchArgs
                {
                    Metadata = new ObjectMetaPatchArgs { Name = AwsAuthRenderer.Name, Namespace = AwsAuthRenderer.Namespace },
                    Data = new Dictionary<string, string> { [AwsAuthRenderer.MapAccountsKey] = AwsAuthRenderer.MapAccounts(awsAuth.MapAccounts) },
                },
                ChildOptions([cluster.Cluster]));
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clusterRoles"] = rbac.ClusterRoles.Select(r => r.Name).ToList(),
            ["clusterRoleBindings"] = rbac.ClusterRoleBindings.Select(b => b.Name).ToList(),
            ["roleBindings"] = rbac.RoleBindings.Select(b => $"{b.Namespace}/{b.Name}").ToList(),
            ["namespaces"] = plan.Namespaces.Select(n => n.Name).ToList(),
        });
    }

    /// <summary>The Kubernetes provider of the cluster, built from its kubeconfig.</summary>
    public KubernetesProvider Provider { get; }

    /// <summary>The ClusterRoles this stack defines (<c>read-only</c>, <c>clusterRoles.*</c>).</summary>
    public List<ClusterRole> DefinedRoles { get; } = [];

    public List<ClusterRoleBinding> ClusterRoleBindings { get; } = [];

    public List<RoleBinding> RoleBindings { get; } = [];

    /// <summary>The namespaces the stack creates, by name; RoleBindings, quotas and limit ranges wait for theirs.</summary>
    public Dictionary<string, Namespace> Namespaces { get; } = new(StringComparer.Ordinal);

    /// <summary>The ResourceQuotas and LimitRanges of those namespaces.</summary>
    public List<ResourceQuota> Quotas { get; } = [];

    public List<LimitRange> LimitRanges { get; } = [];

    /// <summary>The aws-auth <c>mapAccounts</c> patch, when the model maps accounts (aws-auth modes only).</summary>
    public ConfigMapPatch? MapAccountsPatch { get; }

    /// <summary>
    /// A namespace with its quota and limit range. RetainOnDelete: dropping it from the config (or the stack)
    /// never deletes a team's workloads; the namespace stays in the cluster, unmanaged.
    /// </summary>
    private Namespace CreateNamespace(string name, NamespacePlan ns)
    {
        var options = ChildOptions();
        options.RetainOnDelete = true;
        var created = new Namespace(
            $"{name}-{ns.LogicalName}",
            new NamespaceArgs
            {
                Metadata = new ObjectMetaArgs { Name = ns.Name, Labels = ns.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal) },
            },
            options);

        if (ns.Quota is { } quota)
        {
            Quotas.Add(new ResourceQuota(
                $"{name}-{quota.LogicalName}",
                new ResourceQuotaArgs
                {
                    Metadata = MetadataFor(quota.Name, ns.Name),
                    Spec = new ResourceQuotaSpecArgs { Hard = Map(quota.Hard) },
                },
                ChildOptions([created])));
        }

        if (ns.LimitRange is { } range)
        {
            var limit = new LimitRangeItemArgs { Type = "Container" };
            if (range.Default.Count > 0)
            {
                limit.Default = Map(range.Default);
            }

            if (range.DefaultRequest.Count > 0)
            {
                limit.DefaultRequest = Map(range.DefaultRequest);
            }

            LimitRanges.Add(new LimitRange(
                $"{name}-{range.LogicalName}",
                new LimitRangeArgs
                {
                    Metadata = MetadataFor(range.Name, ns.Name),
                    Spec = new LimitRangeSpecArgs { Limits = new List<LimitRangeItemArgs> { limit } },
                },
                ChildOptions([created])));
        }

        return created;
    }

    private static InputMap<string> Map(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var map = new InputMap<string>();
        foreach (var (key, value) in pairs)
        {
            map.Add(key, value);
        }

        return map;
    }

    /// <summary>A binding into a namespace the stack creates waits for it; the system namespaces exist already.</summary>
    private List<Resource> NamespaceOf(string ns) => Namespaces.TryGetValue(ns, out var created) ? [created] : [];

    private CustomResourceOptions ChildOptions(List<Resource>? dependsOn = null)
    {
        var options = new CustomResourceOptions { Parent = this, Provider = Provider };
        if (dependsOn is { Count: > 0 })
        {
            options.DependsOn = dependsOn;
        }

        return options;
    }

    /// <summary>A binding waits for the ClusterRole it references when this stack defines it; built-in roles exist already.</summary>
    private static List<Resource> DependenciesOf(string clusterRole, Dictionary<string, ClusterRole> defined) =>
        defined.TryGetValue(clusterRole, out var role) ? [role] : [];

    private static ObjectMetaArgs MetadataFor(string objectName, string? objectNamespace)
    {
        var metadata = new ObjectMetaArgs
        {
            Name = objectName,
            Labels = new Dictionary<string, string> { [KubernetesNames.ManagedByLabel] = KubernetesNames.ManagedByValue },
        };
        if (objectNamespace is not null)
        {
            metadata.Namespace = objectNamespace;
        }

        return metadata;
    }

    private static RoleRefArgs RoleRef(string clusterRole) => new()
    {
        ApiGroup = RbacRenderer.ApiGroup,
        Kind = "ClusterRole",
        Name = clusterRole,
    };

    private static SubjectArgs GroupSubject(string group) => new()
    {
        ApiGroup = RbacRenderer.ApiGroup,
        Kind = "Group",
        Name = group,
    };

    private static PolicyRuleArgs Rule(PolicyRulePlan rule)
    {
        var args = new PolicyRuleArgs { Verbs = rule.Verbs.ToList() };
        if (rule.ApiGroups.Count > 0)
        {
            args.ApiGroups = rule.ApiGroups.ToList();
        }

        if (rule.Resources.Count > 0)
        {
            args.Resources = rule.Resources.ToList();
        }

        if (rule.ResourceNames.Count > 0)
        {
            args.ResourceNames = rule.ResourceNames.ToList();
        }

        if (rule.NonResourceUrls.Count > 0)
        {
            args.NonResourceURLs = rule.NonResourceUrls.ToList();
        }

        return args;
    }
}
