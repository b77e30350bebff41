using EksInfra.Access;
using EksInfra.Access.Planning;
using Pulumi;
using Pulumi.Eks;
using AwsEks = Pulumi.Aws.Eks;
using AwsEksInputs = Pulumi.Aws.Eks.Inputs;
using EksInputs = Pulumi.Eks.Inputs;
using PulumiEksCluster = Pulumi.Eks.Cluster;

namespace EksInfra;

/// <summary>
/// The EKS cluster (a <c>Pulumi.Eks.Cluster</c>), its managed node groups and its Fargate profiles. pulumi-eks writes and owns
/// <c>aws-auth</c> from <c>RoleMappings</c>, <c>UserMappings</c> and <c>InstanceRoles</c>, so the plan's
/// aws-auth entries go into those inputs and no second ConfigMap named aws-auth is ever created.
/// </summary>
internal sealed class EksCluster : ComponentResource
{
    public const string TypeToken = "eks-infra:cluster:EksCluster";

    public EksCluster(string name, AccessPlan plan, IamRoles roles, string? awsProfile = null, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(roles);
        var cluster = plan.Cluster;
        var dryRun = Deployment.Instance.IsDryRun;

        var clusterOptions = new ComponentResourceOptions
        {
            Parent = this,
            // Not `Protect`: on a component it reaches every child pulumi-eks creates, access entries
            // included, and then removing a principal fails. Only the AWS cluster itself is protected.
            ResourceTransforms = cluster.Protect
                ? [AccessReplacement.DeleteFirst(dryRun), Protection.ProtectEksCluster(dryRun)]
                : [AccessReplacement.DeleteFirst(dryRun)],
            // EKS refuses to create a cluster whose role lacks AmazonEKSClusterPolicy.
            DependsOn = roles.Service.Attachments.ConvertAll(a => (Resource)a),
        };
        Cluster = new PulumiEksCluster($"{name}-eks", ClusterArgsFor(plan, roles, awsProfile), clusterOptions);
        KubeconfigForProvider = ProviderKubeconfig(awsProfile, cluster.ProviderRoleArn);

        NodeGroups = [.. cluster.NodeGroups.Select(g => NodeGroup(g, roles))];
        FargateProfiles = [.. cluster.FargateProfiles.Select(p => FargateProfile(p, plan, roles))];

        // The API server endpoint, from the cluster's core data (pulumi-eks computes it; EksCluster may be absent in tests).
        Endpoint = Cluster.Core.Apply(core => core.Endpoint);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clusterName"] = cluster.Name,
            ["endpoint"] = Endpoint,
        });
    }

    /// <summary>The pulumi-eks cluster component.</summary>
    public PulumiEksCluster Cluster { get; }

    /// <summary>The managed node groups, in the plan's order (the seed: one group of 3 × t3.medium).</summary>
    public List<ManagedNodeGroup> NodeGroups { get; }

    /// <summary>The Fargate profiles, in the plan's order.</summary>
    public List<AwsEks.FargateProfile> FargateProfiles { get; }

    private ManagedNodeGroup NodeGroup(NodeGroupPlan group, IamRoles roles)
    {
        var role = roles.Named(group.NodeRoleName);
        var args = new ManagedNodeGroupArgs
        {
            Cluster = this.Cluster,
            NodeRole = role.Resource,
            InstanceTypes = group.InstanceTypes.ToList(),
            ScalingConfig = new AwsEksInputs.NodeGroupScalingConfigArgs
            {
                DesiredSize = group.DesiredSize,
                MinSize = group.MinSize,
                MaxSize = group.MaxSize,
            },
        };

        // Unset settings stay unset: EKS's defaults apply, and a value added later would replace an existing group.
        if (group.NodeGroupName is { } nodeGroupName)
        {
            args.NodeGroupName = nodeGroupName;
        }

        if (group.CapacityType is { } capacity)
        {
            args.CapacityType = capacity;
        }

        if (group.AmiType is { } ami)
        {
            args.AmiType = ami;
        }

        if (group.DiskSize is { } disk)
        {
            args.DiskSize = disk;
        }

        if (group.SubnetIds.Count > 0)
        {
            args.SubnetIds = group.SubnetIds.ToList();
        }

        if (group.Labels.Count > 0)
        {
            args.Labels = group.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        }

        if (group.Taints.Count > 0)
        {
            args.Taints = group.Taints.Select(t => new AwsEksInputs.NodeGroupTaintArgs { Key = t.Key, Value = t.Value, Effect = t.Effect }).ToList();
        }

        return new ManagedNodeGroup(
            group.LogicalName,
            args,
            new ComponentResourceOptions
            {
                Parent = this,
                // Nodes cannot join before their role carries the worker, CNI and ECR policies.
                DependsOn = role.Attachments.ConvertAll(a => (Resource)a),
            });
    }

    private AwsEks.FargateProfile FargateProfile(FargateProfilePlan profile, AccessPlan plan, IamRoles roles)
    {
        var role = roles.Named(profile.PodExecutionRoleName);
        var dependsOn = new List<Resource> { this.Cluster };
        dependsOn.AddRange(role.Attachments);
        return new AwsEks.FargateProfile(
            profile.LogicalName,
            new AwsEks.FargateProfileArgs
            {
                // The plan's name, known before apply; the dependency on the cluster component orders the create.
                ClusterName = plan.Cluster.Name,
                FargateProfileName = profile.Name,
                PodExecutionRoleArn = role.Arn,
                Selectors = profile.Selectors.Select(s => new AwsEksInputs.FargateProfileSelectorArgs
                {
                    Namespace = s.Namespace,
                    Labels = s.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
                }).ToList(),
                SubnetIds = profile.SubnetIds.ToList(),
            },
            new CustomResourceOptions { Parent = this, DependsOn = dependsOn });
    }

    /// <summary>The Kubernetes API server endpoint.</summary>
    public Output<string> Endpoint { get; }

    /// <summary>The cluster's kubeconfig as JSON, for the stack output: it names no AWS profile, so it works on any machine.</summary>
    public Output<string> KubeconfigJson => Cluster.KubeconfigJson;

    /// <summary>
    /// The kubeconfig the program's Kubernetes provider signs in with. pulumi-eks v4.3.0 gives the profile of
    /// <c>providerCredentialOpts</c> (<c>aws:profile</c>, from <see cref="ClusterArgsFor"/>) only to its own provider
    /// (cluster.ts: <c>genKubeconfig(true)</c>); its <c>kubeconfigJson</c> has none, so RBAC would be applied with the machine's default
    /// credentials, not the ones that created the cluster. AWS_PROFILE in the environment needs nothing: the exec plugin
    /// inherits it, and a kubeconfig that varied with the machine would show a diff in every other one's preview.
    /// </summary>
    /// <remarks>
    /// With <c>aws:assumeRoles</c>, the role it names created the cluster: <see cref="ClusterArgsFor"/> gives it to
    /// pulumi-eks as <c>providerCredentialOpts.roleArn</c>, which puts <c>--role</c> in both of pulumi-eks's kubeconfigs
    /// (cluster.ts, generateKubeconfig), and it is asked for here beside the profile.
    /// </remarks>
    public Output<string> KubeconfigForProvider { get; }

    private Output<string> ProviderKubeconfig(string? awsProfile, string? providerRoleArn)
    {
        if (string.IsNullOrEmpty(awsProfile))
        {
            return Cluster.KubeconfigJson;
        }

        var args = new ClusterGetKubeconfigArgs { ProfileName = awsProfile };
        if (providerRoleArn is not null)
        {
            args.RoleArn = providerRoleArn;
        }

        return Cluster.GetKubeconfig(args);
    }

    /// <summary>The arguments of the pulumi-eks cluster: every value comes from the plan or the created roles.</summary>
    /// <param name="awsProfile"><c>aws:profile</c>, the profile the AWS provider creates the cluster with.</param>
    public static ClusterArgs ClusterArgsFor(AccessPlan plan, IamRoles roles, string? awsProfile = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(roles);
        var cluster = plan.Cluster;
        var args = new ClusterArgs
        {
            Name = cluster.Name,
            ServiceRole = roles.Service.Resource,
            SkipDefaultNodeGroup = true,
            AuthenticationMode = EksEnums.AuthenticationModeOf(plan.Mode),
            // Without it every aws-auth change is a delete-then-create: a window in which nobody maps.
            EnableConfigMapMutable = true,
        };

        // The identity the AWS provider creates the cluster as is its only admin until the stack's access exists, and
        // pulumi-eks's own provider writes aws-auth: it must sign in as the same one. The AWS provider takes aws:profile
        // over AWS_PROFILE, but pulumi-eks v4.3.0, left to itself, takes AWS_PROFILE first (cluster.ts createCluster), so
        // the profile is passed whenever aws:profile is set. With neither set, nothing changes for other stacks.
        if (cluster.ProviderRoleArn is not null || !string.IsNullOrEmpty(awsProfile))
        {
            var credentials = new EksInputs.KubeconfigOptionsArgs();
            if (cluster.ProviderRoleArn is { } providerRole)
            {
                credentials.RoleArn = providerRole;
            }

            if (!string.IsNullOrEmpty(awsProfile))
            {
                credentials.ProfileName = awsProfile;
            }

            args.ProviderCredentialOpts = credentials;
        }

        // EKS's own deletion protection: even outside Pulumi, DeleteCluster is refused until it is turned off. Sent either
        // way: the AWS provider computes deletion_protection, so leaving it unset would keep a protected cluster protected.
        args.DeletionProtection = cluster.Protect;

        if (cluster.Network.PublicAccessCidrsToSend is { Count: > 0 } cidrs)
        {
            args.PublicAccessCidrs = cidrs.ToList();
        }

        if (cluster.KubernetesVersion is { } version)
        {
            args.Version = version;
        }

        var network = cluster.Network;
        if (network.VpcId is { } vpcId)
        {
            args.VpcId = vpcId;
        }

        if (network.PrivateSubnetIds.Count > 0)
        {
            args.PrivateSubnetIds = network.PrivateSubnetIds.ToList();
        }

        if (network.PublicSubnetIds.Count > 0)
        {
            args.PublicSubnetIds = network.PublicSubnetIds.ToList();
        }

        args.EndpointPublicAccess = network.EndpointPublicAccess;
        args.EndpointPrivateAccess = network.EndpointPrivateAccess;

        // aws-auth (CONFIG_MAP and API_AND_CONFIG_MAP only: pulumi-eks rejects these inputs in API mode).
        if (plan.AwsAuth is { } awsAuth)
        {
            // The node roles the stack creates: pulumi-eks maps each as a node, and in CONFIG_MAP refuses a managed node group whose role is not among them (v4.3.0 nodes/nodegroup.ts; in the access-entry modes EKS makes the group's entry).
            // The role of Windows node groups goes in with the role mappings instead: an instance role gets no eks:kube-proxy-windows.
            args.InstanceRoles = plan.NodeRoles.Where(r => awsAuth.IsInstanceRole(r.Name)).Select(r => roles.Named(r.Name).Resource).ToList();
            args.RoleMappings = awsAuth.NonNodeRoleMappings.Select(m => RoleMapping(m, roles)).ToList();
            args.UserMappings = awsAuth.MapUsers.Select(m => UserMapping(m)).ToList();
        }

        // Access entries (API and API_AND_CONFIG_MAP only: the plan has none in CONFIG_MAP, which pulumi-eks requires).
        foreach (var entry in plan.AccessEntries)
        {
            args.AccessEntries[entry.Key] = AccessEntry(entry, roles);
        }

        return args;
    }

    private static EksInputs.RoleMappingArgs RoleMapping(RoleMappingPlan mapping, IamRoles roles) => new()
    {
        // A role this stack creates: its ARN comes from the role itself, without its IAM path, as aws-auth needs.
        RoleArn = mapping.CreatedRoleName is { } roleName
            ? (Input<string>)roles.Named(roleName).Arn.Apply(arn => Arns.StripPath(arn))
            : (Input<string>)mapping.RoleArn,
        Username = mapping.Username,
        Groups = mapping.Groups.ToList(),
    };

    private static EksInputs.UserMappingArgs UserMapping(UserMappingPlan mapping) => new()
    {
        UserArn = mapping.UserArn,
        Username = mapping.Username,
        Groups = mapping.Groups.ToList(),
    };

    private static EksInputs.AccessEntryArgs AccessEntry(AccessEntryPlan entry, IamRoles roles)
    {
        var args = new EksInputs.AccessEntryArgs
        {
            // An access entry keeps the ARN's full path.
            PrincipalArn = entry.CreatedRoleName is { } roleName
                ? (Input<string>)roles.Named(roleName).Arn
                : (Input<string>)entry.PrincipalArn,
            Type = EksEnums.AccessEntryTypeOf(entry.Type),
        };

        // EKS refuses a username or groups on EC2_LINUX, EC2_WINDOWS and FARGATE_LINUX entries.
        if (entry.Type == AccessPlanner.AccessEntryTypeStandard)
        {
            args.Username = entry.Username;
            args.KubernetesGroups = entry.KubernetesGroups.ToList();
        }

        foreach (var association in entry.AccessPolicies)
        {
            args.AccessPolicies[association.Key] = new EksInputs.AccessPolicyAssociationArgs
            {
                PolicyArn = association.PolicyArn,
                AccessScope = ScopeOf(association.Scope),
            };
        }

        return args;
    }

    private static AwsEksInputs.AccessPolicyAssociationAccessScopeArgs ScopeOf(AccessScopePlan scope)
    {
        var args = new AwsEksInputs.AccessPolicyAssociationAccessScopeArgs { Type = scope.Type };
        if (scope.Namespaces.Count > 0)
        {
            args.Namespaces = scope.Namespaces.ToList();
        }

        return args;
    }
}

/// <summary>
/// Pulumi protection for the one child of the pulumi-eks component that must never be deleted: the AWS EKS
/// cluster (pulumi-eks v4.3.0 creates it as <c>new aws.eks.Cluster</c> under the component; access entries are
/// <c>aws:eks/accessEntry:AccessEntry</c> and <c>aws:eks/accessPolicyAssociation:AccessPolicyAssociation</c>
/// children beside it). A resource transform is an engine callback (the SDK sends it as
/// RegisterResourceRequest.transforms), so the engine applies it to the children a remote component's provider
/// registers too, where `Protect` on the component would reach every one of them.
/// </summary>
internal static class Protection
{
    public const string EksClusterType = "aws:eks/cluster:Cluster";

    public static ResourceTransform ProtectEksCluster(bool dryRun) => ChildTransform.KeepingUnknowns(dryRun, args =>
    {
        if (args.Type != EksClusterType)
        {
            return null;
        }

        args.Options.Protect = true;
        return new ResourceTransformResult(args.Args, args.Options);
    });
}

/// <summary>
/// Replacement order for the access entries and policy associations pulumi-eks v4.3.0 creates under the component
/// (<c>createAccessEntries</c> in nodejs/eks/cluster/authenticationMode.ts, which sets no replacement option). In
/// terraform-provider-aws an access entry's principal_arn and type are ForceNew (its kubernetes_groups and user_name are
/// updated in place), and every input of a policy association is, access_scope included; Pulumi's default replacement
/// creates the new resource before deleting the old one:
/// <list type="bullet">
/// <item>a policy association's new scope is written by AssociateAccessPolicy, which EKS applies to the principal's one
/// association with that policy (EKS User Guide, "Associate access policies with access entries": run it again with the
/// new scope), and then the old resource's delete, DisassociateAccessPolicy for the same principal and policy, removes it:
/// the principal ends the apply without the policy;</item>
/// <item>an access entry's new type is a second entry for the same principal, which EKS refuses (ResourceInUseException,
/// HTTP 409), so the apply stops.</item>
/// </list>
/// Deleting first leaves the principal without that access for the seconds between the two calls, and ends as planned.
/// </summary>
internal static class AccessReplacement
{
    public const string AccessEntryType = "aws:eks/accessEntry:AccessEntry";
    public const string AccessPolicyAssociationType = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

    public static ResourceTransform DeleteFirst(bool dryRun) => ChildTransform.KeepingUnknowns(dryRun, args =>
    {
        if (args.Type is not (AccessEntryType or AccessPolicyAssociationType) || args.Options is not CustomResourceOptions options)
        {
            return null;
        }

        options.DeleteBeforeReplace = true;
        return new ResourceTransformResult(args.Args, args.Options);
    });
}

/// <summary>
/// A transform's answer replaces the child's inputs with what the C# SDK sends back, and the SDK reads an unknown input
/// as null and leaves null keys out (pulumi-dotnet v3.112 Deployment_Prepare.cs AllocateTransform; Deserializer:
/// "always deserialize unknown as the null value"; Serializer: "we omit any keys with null values"). In a preview
/// pulumi-eks registers an access entry whose role the same run creates with its principalArn unknown (and, on a new
/// cluster, the cluster with its roleArn unknown): answered, the AWS provider would see a required argument missing and
/// fail the preview. So in a preview a child with a null anywhere in its inputs gets no answer and keeps its own inputs;
/// the run that applies has every value known, and that is where replacement order and protection act.
/// </summary>
internal static class ChildTransform
{
    public static ResourceTransform KeepingUnknowns(bool dryRun, Func<ResourceTransformArgs, ResourceTransformResult?> change) =>
        (args, _) => Task.FromResult(dryRun && args.Args.Values.Any(HoldsNull) ? null : change(args));

    private static bool HoldsNull(object? value) => value switch
    {
        null => true,
        string => false,
        System.Collections.IDictionary map => map.Values.Cast<object?>().Any(HoldsNull),
        System.Collections.IEnumerable list => list.Cast<object?>().Any(HoldsNull),
        _ => false,
    };
}

/// <summary>The plan's strings and enums, as the pulumi-eks enums.</summary>
internal static class EksEnums
{
    public static Pulumi.Eks.AuthenticationMode AuthenticationModeOf(Access.Model.AuthenticationMode mode) => mode switch
    {
        Access.Model.AuthenticationMode.Api => Pulumi.Eks.AuthenticationMode.Api,
#pragma warning disable CS0618 // pulumi-eks marks the aws-auth modes [Obsolete]; a stack that configures one uses it on purpose.
        Access.Model.AuthenticationMode.ApiAndConfigMap => Pulumi.Eks.AuthenticationMode.ApiAndConfigMap,
        Access.Model.AuthenticationMode.ConfigMap => Pulumi.Eks.AuthenticationMode.ConfigMap,
#pragma warning restore CS0618
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"no pulumi-eks authentication mode for {mode}"),
    };

    public static AccessEntryType AccessEntryTypeOf(string type) => type switch
    {
        "STANDARD" => AccessEntryType.Standard,
        "EC2_LINUX" => AccessEntryType.EC2Linux,
        "EC2_WINDOWS" => AccessEntryType.EC2Windows,
        "FARGATE_LINUX" => AccessEntryType.FargateLinux,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"no pulumi-eks access entry type for '{type}'"),
    };
}
