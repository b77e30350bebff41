using EksInfra.Access.Planning;
using Pulumi;
using Pulumi.Aws.Iam;
using IamRole = Pulumi.Aws.Iam.Role;

namespace EksInfra;

/// <summary>One IAM role the stack creates, with the policies attached to it.</summary>
/// <param name="Trusted">The created roles its trust policy names, which it is created after (IAM refuses a principal that does not exist yet).</param>
internal sealed record CreatedRole(IamRolePlan Plan, IamRole Resource, List<RolePolicyAttachment> Attachments, RolePolicy? InlinePolicy, IReadOnlyList<CreatedRole> Trusted)
{
    public Output<string> Arn => Resource.Arn;
}

/// <summary>
/// Every IAM role of the plan, in its order: <c>eks-cluster-role</c> (trusted by <c>eks.amazonaws.com</c>,
/// <c>AmazonEKSClusterPolicy</c>, and <c>AmazonEKSVPCResourceController</c> when Windows nodes exist), the node role (worker, CNI and ECR read-only policies), and one role per
/// <c>roles[]</c> entry with its <c>eks:DescribeCluster</c> inline policy. Each role is created with the exact
/// name and path the plan gives, so the ARNs the plan derived before apply are the ARNs AWS returns.
/// </summary>
internal sealed class IamRoles : ComponentResource
{
    public const string TypeToken = "eks-infra:iam:IamRoles";

    private readonly Dictionary<string, CreatedRole> byName = new(StringComparer.Ordinal);

    public IamRoles(string name, AccessPlan plan, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var creating = new HashSet<string>(StringComparer.Ordinal);
        CreatedRole Create(IamRolePlan rolePlan)
        {
            if (byName.TryGetValue(rolePlan.Name, out var done))
            {
                return done;
            }

            if (!creating.Add(rolePlan.Name))
            {
                throw new InvalidOperationException($"the plan's IAM role '{rolePlan.Name}' trusts itself through other roles of the plan, which the validator refuses");
            }

            var trusted = plan.TrustedCreatedRoles(rolePlan).Select(Create).ToList();
            var created = CreateRole(name, rolePlan, plan.Protects(rolePlan), trusted);
            byName.Add(rolePlan.Name, created);
            return created;
        }

        All = [.. plan.Roles.Select(Create)];

        Service = RoleFor(plan.ServiceRole);
        Node = RoleFor(plan.NodeRole);
        NodeRoles = [.. plan.NodeRoles.Select(RoleFor)];
        Access = [.. plan.AccessRoles.Select(RoleFor)];

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["serviceRoleArn"] = Service.Arn,
            ["nodeRoleArn"] = Node.Arn,
        });
    }

    /// <summary>Every created role, in the plan's order (each one trusted by another is registered before it).</summary>
    public List<CreatedRole> All { get; }

    /// <summary>The cluster's service role (<c>eks-cluster-role</c> in the seed).</summary>
    public CreatedRole Service { get; }

    /// <summary>The managed node group's instance role.</summary>
    public CreatedRole Node { get; }

    /// <summary>Every node role the stack creates (<c>nodeRoleName</c> and <c>nodeRoles[]</c>), for pulumi-eks's <c>InstanceRoles</c>.</summary>
    public List<CreatedRole> NodeRoles { get; }

    /// <summary>The roles of <c>roles[]</c>, which people and CI assume to reach the cluster.</summary>
    public List<CreatedRole> Access { get; }

    /// <summary>The created role the plan calls <paramref name="roleName"/>: mappings and access entries take its ARN from here.</summary>
    public CreatedRole Named(string roleName) =>
        byName.TryGetValue(roleName, out var role)
            ? role
            : throw new InvalidOperationException($"the plan refers to the IAM role '{roleName}', which it does not create");

    private CreatedRole RoleFor(IamRolePlan rolePlan) => Named(rolePlan.Name);

    private CreatedRole CreateRole(string name, IamRolePlan rolePlan, bool protect, List<CreatedRole> trusted)
    {
        var args = new RoleArgs
        {
            Name = rolePlan.Name,
            Path = rolePlan.IamPath,
            AssumeRolePolicy = rolePlan.TrustPolicyJson,
        };
        if (rolePlan.MaxSessionDuration is { } seconds)
        {
            args.MaxSessionDuration = seconds;
        }

        var role = new IamRole($"{name}-{rolePlan.LogicalName}", args, new CustomResourceOptions { Parent = this, Protect = protect, DependsOn = trusted.ConvertAll(t => (Resource)t.Resource) });

        var attachments = new List<RolePolicyAttachment>();
        foreach (var attachment in rolePlan.ManagedPolicies)
        {
            attachments.Add(new RolePolicyAttachment(
                $"{name}-{attachment.LogicalName}",
                new RolePolicyAttachmentArgs { Role = role.Name, PolicyArn = attachment.PolicyArn },
                new CustomResourceOptions { Parent = this }));
        }

        RolePolicy? inline = null;
        if (rolePlan.InlinePolicy is { } policy)
        {
            inline = new RolePolicy(
                $"{name}-{policy.LogicalName}",
                new RolePolicyArgs { Name = policy.Name, Role = role.Name, Policy = policy.PolicyJson },
                new CustomResourceOptions { Parent = this });
        }

        return new CreatedRole(rolePlan, role, attachments, inline, trusted);
    }
}
