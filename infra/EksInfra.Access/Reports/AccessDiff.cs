using System.Text;
using System.Text.Json.Nodes;
using EksInfra.Access.Authorization;
using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Reports;

/// <summary>How much a finding matters. The order is the order a reviewer reads them in.</summary>
public enum FindingLevel
{
    /// <summary>The change must not be applied as it is: it breaks access or cannot be applied.</summary>
    Error,

    /// <summary>Applies, but widens access in a way that cannot be trimmed later, or is one-way.</summary>
    Danger,

    Granted,
    Revoked,
    Changed,
}

public sealed record DiffFinding(FindingLevel Level, string Subject, string Title, string Detail);

public sealed record DiffReport(string StackName, string BaseLabel, bool BaseExisted, IReadOnlyList<DiffFinding> Findings)
{
    public bool HasErrors => Findings.Any(f => f.Level == FindingLevel.Error);

    /// <summary>The config paths an invalid base could not read: taken as unchanged, so no guard compared them.</summary>
    public IReadOnlyList<string> UnreadInBase { get; init; } = [];
}

/// <summary>
/// What a change to a stack grants and revokes, principal by principal, with the lockout guards:
/// the changes that would cut off nodes or admins, or that EKS would refuse, come first.
/// </summary>
public static class AccessDiff
{
    private static readonly StringComparer Arn = StringComparer.OrdinalIgnoreCase;

    /// <param name="invalidBase">
    /// The base's evaluation when the base version did not validate: the guards that need only the config (mode,
    /// cluster and role names, protection) still run on what it could read, so a broken main cannot wave a backward
    /// move through.
    /// </param>
    public static DiffReport Compare(AccessPlan? before, AccessPlan after, string baseLabel, StackEvaluation? invalidBase = null, bool acceptInvalidBase = false)
    {
        ArgumentNullException.ThrowIfNull(after);
        var findings = new List<DiffFinding>();
        var unread = new List<string>();
        if (before is not null)
        {
            ShapeGuards(Shape.Of(before), Shape.Of(after), findings);
            PlanGuards(before, after, findings);
        }
        else if (invalidBase is not null)
        {
            if (invalidBase.Config is { } config)
            {
                var now = Shape.Of(after);
                ShapeGuards(Shape.Of(config, new BaseReading(config, invalidBase.ReadErrors), now, unread), now, findings);
            }

            findings.Add(BaseNotPlanned(invalidBase, acceptInvalidBase));
        }

        Principals(before, after, findings);
        return new DiffReport(after.StackName, baseLabel, before is not null || invalidBase?.Config is not null, [.. findings
            .Select((f, i) => (f, i))
            .OrderBy(x => x.f.Level)
            .ThenBy(x => x.i)
            .Select(x => x.f)])
        {
            UnreadInBase = unread,
        };
    }

    /// <summary>The subject of the finding that refuses an invalid base.</summary>
    public const string BaseNotPlannedSubject = "base version";

    /// <summary>
    /// An invalid base has no plan, and the guards that compare plans (node group and Fargate profile replacements, compute
    /// roles, access entries, created roles, namespaces, the last cluster admin) need one. Building one from a config that
    /// did not validate would compare defaults for the values it could not read, inventing replacements, and skipping
    /// those guards would pass the ones it hides with exit 0; so the diff blocks, says why, and names the way through:
    /// compare against the last version that was valid, which is what `pulumi up` deployed. A change that makes the base
    /// invalid on purpose (a new rule of this tool, with the stacks fixed in the same change) has no such version, so
    /// <paramref name="accepted"/> (<c>--accept-invalid-base</c>) turns the refusal into a danger: said, never silent.
    /// </summary>
    private static DiffFinding BaseNotPlanned(StackEvaluation invalidBase, bool accepted)
    {
        var errors = invalidBase.Errors.ToList();
        const int Shown = 3;
        var listed = string.Join("; ", errors.Take(Shown).Select(e => e.ToString()));
        var notChecked = $"the base has {errors.Count} error{(errors.Count == 1 ? "" : "s")} ({listed}{(errors.Count > Shown ? $"; and {errors.Count - Shown} more" : "")}), so it has no plan to compare with: node group and Fargate profile replacements, compute role and access entry changes, created roles, namespaces and the last cluster admin were not checked, and only the config-level guards above ran.";
        return accepted
            ? new(FindingLevel.Danger, BaseNotPlannedSubject, "the base version could not be planned; accepted with --accept-invalid-base, so the guards that compare plans did not run", $"{notChecked} Review those by hand before pulumi up.")
            : new(FindingLevel.Error, BaseNotPlannedSubject, "the base version could not be planned, so the guards that compare plans did not run",
                $"{notChecked} Run the diff with --base set to the last revision where the stack was valid (what is deployed), or fix the base first; where the change itself makes the base invalid (a new rule of this tool), no such revision exists: review the guards above by hand and pass --accept-invalid-base.");
    }

    /// <summary>What the config-level guards compare: the same from a plan or from a config that did not validate.</summary>
    private sealed record Shape(AuthenticationMode Mode, string ClusterName, string ServiceRoleName, string NodeRoleName, bool Protect, string Region, string AccountId, string? VpcId, string? DeployerArn, string? Version, Endpoint Endpoint)
    {
        public static Shape Of(AccessPlan plan) => new(plan.Mode, plan.Cluster.Name, plan.ServiceRole.Name, plan.NodeRole.Name, plan.Cluster.Protect, plan.Cluster.Region, plan.Cluster.AccountId, plan.Cluster.Network.VpcId, plan.Cluster.DeployerArn, plan.Cluster.KubernetesVersion, Endpoint.Of(plan.Cluster.Network))
        {
            OutsideManagedNodeGroupRoles = [.. plan.ComputeIdentities.Where(c => c.EntryCreatedByEks && c.Kind is ComputeKind.SelfManagedLinux or ComputeKind.SelfManagedWindows).Select(c => c.RoleArn)],
            NodeGroups = [.. plan.Cluster.NodeGroups.Select(g => new NodeGroupShape(g.LogicalName, g.Name, g.NodeGroupName, g.AmiType is not null))],
            ClusterSubnets = ClusterSubnetsOf(plan.Cluster.Network),
            FargateProfiles = [.. plan.Cluster.FargateProfiles.Select(p => p.Name)],
        };

        /// <summary>The roles of managed node groups made outside the stack (<c>nodeRoles</c> with managedNodeGroup): EKS's version rules bind them too.</summary>
        public IReadOnlyList<string> OutsideManagedNodeGroupRoles { get; init; } = [];

        /// <summary>The stack's managed node groups, as an upgrade meets them.</summary>
        public IReadOnlyList<NodeGroupShape> NodeGroups { get; init; } = [];

        public IReadOnlyList<string> FargateProfiles { get; init; } = [];

        /// <summary>The subnets pulumi-eks gives the cluster (its private and public ones together), sorted.</summary>
        public IReadOnlyList<string> ClusterSubnets { get; init; } = [];

        public static IReadOnlyList<string> ClusterSubnetsOf(NetworkSettings network) =>
            [.. network.PrivateSubnetIds.Concat(network.PublicSubnetIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

        /// <summary>
        /// An invalid base's shape. A value it could not read is unknown, and unknown is not a change: it is taken as
        /// <paramref name="after"/>'s, so no guard fires on it (the binder gives such a value a default, and a
        /// default is no more what is deployed than a guess), and its path goes to <paramref name="unread"/> for the
        /// report to name. This is the one place a guard learns of it.
        /// </summary>
        public static Shape Of(StackConfig config, BaseReading reading, Shape after, List<string> unread)
        {
            var cluster = config.Cluster;
            T Read<T>(string path, T value, T instead)
            {
                if (!reading.Unread(path))
                {
                    return value;
                }

                unread.Add(path);
                return instead;
            }

            string At(string key) => ConfigPath.Child(cluster.Path, key);
            return new(
                Read(ConfigPath.Child(config.Access.Path, "authenticationMode"), config.Access.Mode, after.Mode),
                Read(At("name"), cluster.Name, after.ClusterName),
                Read(At("serviceRoleName"), cluster.ServiceRoleName, after.ServiceRoleName),
                Read(At("nodeRoleName"), cluster.NodeRoleName, after.NodeRoleName),
                Read(At("protect"), cluster.Protect, after.Protect),
                Read(AwsSettings.RegionPath, config.Aws.Region, after.Region),
                Read(AwsSettings.AllowedAccountIdsPath, config.Aws.AccountId, after.AccountId),
                Read(At("vpcId"), cluster.Network.VpcId, after.VpcId),
                Read(At("deployerArn"), cluster.DeployerArn is { Length: > 0 } ? cluster.DeployerArn : Read(AwsSettings.AssumeRolesPath, config.CreatorArn, after.DeployerArn), after.DeployerArn),
                Read(At("version"), cluster.Version, after.Version),
                new(
                    Read(At("endpointPublicAccess"), cluster.Network.EndpointPublicAccess, after.Endpoint.Public),
                    Read(At("endpointPrivateAccess"), cluster.Network.EndpointPrivateAccess, after.Endpoint.Private),
                    Read(At("publicAccessCidrs"), [.. cluster.Network.PublicAccessCidrs.Order(StringComparer.Ordinal)], after.Endpoint.PublicCidrs)))
            {
                // An unread base's groups are taken as the head's: each is then kept.
                NodeGroups = after.NodeGroups,
                FargateProfiles = after.FargateProfiles,
                ClusterSubnets = Read(At("privateSubnetIds"), Read(At("publicSubnetIds"), ClusterSubnetsOf(cluster.Network), after.ClusterSubnets), after.ClusterSubnets),
            };
        }
    }

    /// <param name="NodeGroupName">EKS's name of the group; null for the one-group form, whose name EKS generates.</param>
    private sealed record NodeGroupShape(string LogicalName, string Name, string? NodeGroupName, bool AmiTypeSet);

    /// <summary>Who can reach the cluster's API server: the public endpoint (from <see cref="PublicCidrs"/>, empty for EKS's 0.0.0.0/0) and the private one.</summary>
    private sealed record Endpoint(bool Public, bool Private, IReadOnlyList<string> PublicCidrs)
    {
        public static Endpoint Of(NetworkSettings network) => new(network.EndpointPublicAccess, network.EndpointPrivateAccess, network.PublicAccessCidrs);

        public string Cidrs => PublicCidrs.Count == 0 ? $"{NetworkSettings.EksDefaultPublicAccessCidr} (EKS's default)" : string.Join(", ", PublicCidrs);
    }

    /// <summary>
    /// Endpoint changes that cut callers off. EKS API (VpcConfigRequest): with public access off, the API server "can only
    /// receive requests from within the cluster VPC"; publicAccessCidrs: "Communication to the endpoint from addresses
    /// outside of the CIDR blocks that you specify is denied", and without private access they must include "every node
    /// and Fargate Pod in the cluster". The stack's own Kubernetes provider is such a caller: `pulumi up` runs from one.
    /// </summary>
    private static void EndpointGuards(Endpoint before, Endpoint after, string? vpcId, List<DiffFinding> findings)
    {
        string At(string key) => ConfigPath.Child(StackBinder.ClusterKey, key);
        var vpc = vpcId ?? "the region's default VPC";
        if (before.Public && !after.Public)
        {
            findings.Add(new(FindingLevel.Danger, At("endpointPublicAccess"), "the cluster's public endpoint is turned off: the API is reachable only from inside its VPC or a network connected to it",
                $"{At("endpointPublicAccess")}: true → false. EKS then answers Kubernetes API requests only from within {vpc} or a network connected to it (peering, a VPN, Direct Connect, a transit gateway): kubectl from laptops and CI runners elsewhere is cut off, and `pulumi preview` and `pulumi up` of this stack fail from anywhere else (its Kubernetes provider calls the API), so they must run on a runner that reaches the VPC (docs/environments.md, private endpoints). Set that runner up before this change, or keep public access with publicAccessCidrs naming your callers."));
            return;
        }

        if (!after.Public)
        {
            return;
        }

        // Widening is no lockout, but it is who may reach the API server at all (authentication still applies).
        IReadOnlyList<string> gained = before.Public ? Validation.DeployRules.NoLongerCovered(after.PublicCidrs, before.PublicCidrs) : [.. after.PublicCidrs.DefaultIfEmpty(NetworkSettings.EksDefaultPublicAccessCidr)];
        if (gained.Count > 0)
        {
            var everyone = Validation.DeployRules.CoversEveryAddress(after.PublicCidrs);
            findings.Add(new(everyone ? FindingLevel.Danger : FindingLevel.Changed, At(before.Public ? "publicAccessCidrs" : "endpointPublicAccess"),
                before.Public ? $"who may reach the public endpoint widens: [{before.Cidrs}] → [{after.Cidrs}]" : $"the cluster's public endpoint is turned on, for [{after.Cidrs}]",
                $"newly allowed: {string.Join(", ", gained)}. The Kubernetes API server then answers requests from {(everyone ? "any address on the internet" : "those addresses")}; every request still has to authenticate, so what it exposes is the endpoint itself (its TLS, its version, unauthenticated paths such as /healthz).{(everyone ? $" Name your callers' public addresses under {At("publicAccessCidrs")} unless the whole internet is meant." : "")}"));
        }

        var lost = Validation.DeployRules.NoLongerCovered(before.Public ? before.PublicCidrs : [], after.PublicCidrs);
        if (before.Public && lost.Count > 0)
        {
            findings.Add(new(FindingLevel.Danger, At("publicAccessCidrs"), $"who may reach the public endpoint narrows: [{before.Cidrs}] → [{after.Cidrs}]",
                $"no longer covered: {string.Join(", ", lost)}. EKS denies the public endpoint to every address outside {At("publicAccessCidrs")}: kubectl and CI runners that leave from those addresses are cut off, `pulumi up` of this stack included{(after.Private ? "" : ", and with endpointPrivateAccess false nodes and Fargate pods reach the API through the public endpoint too, from their NAT gateway's address, so they stop joining unless it is listed")}. List the public egress address of every caller (and NAT gateway) before this change."));
        }

        // EKS guide, cluster endpoint: with private access on, requests from within the VPC go to the private endpoint, and
        // "your Amazon EKS control plane security group [must contain] rules to allow ingress traffic on port 443" from them.
        if (!before.Private && after.Private)
        {
            findings.Add(new(FindingLevel.Danger, At("endpointPrivateAccess"), "the cluster's private endpoint is turned on: callers inside the VPC move to it",
                $"{At("endpointPrivateAccess")}: false → true. Kubernetes API requests from within the VPC then resolve to the private endpoint, which the cluster's control plane security group must allow on port 443 from each caller: the nodes are allowed, but a CI runner, bastion or `pulumi up` host inside the VPC or a connected network needs a rule of its own, or it is cut off. Add those rules before this change."));
        }

        if (before.Private && !after.Private && after.Public && Validation.DeployRules.CoversEveryAddress(after.PublicCidrs))
        {
            // EKS User Guide, cluster endpoint: with the private endpoint off, "Kubernetes API requests that originate from
            // within your cluster's VPC (such as node to control plane communication) leave the VPC"; managed node groups:
            // nodes join only with the private endpoint on "or ... in a private subnet with outbound internet access".
            findings.Add(new(FindingLevel.Danger, At("endpointPrivateAccess"), "the cluster's private endpoint is turned off: nodes and pods inside the VPC must reach the public one",
                $"{At("endpointPrivateAccess")}: true → false. Nodes, Fargate pods and callers inside the VPC then reach the API through the public endpoint, over the internet: nodes in subnets with no NAT gateway or other outbound route stop joining, and pods lose the API. Check every node subnet's route to the internet first, or keep endpointPrivateAccess true."));
        }
        else if (before.Private && !after.Private && !Validation.DeployRules.CoversEveryAddress(after.PublicCidrs))
        {
            findings.Add(new(FindingLevel.Danger, At("endpointPrivateAccess"), "the cluster's private endpoint is turned off while publicAccessCidrs restrict the public one",
                $"{At("endpointPrivateAccess")}: true → false. Nodes, Fargate pods and callers inside the VPC then reach the API through the public endpoint, from their NAT gateway's public address, and EKS denies every address outside [{after.Cidrs}]: unless those addresses are listed there, nodes stop joining and pods lose the API. Keep endpointPrivateAccess true, or list the NAT gateways' addresses first."));
        }
    }

    /// <summary>
    /// A managed policy a kept role of the stack no longer carries: `pulumi up` deletes its RolePolicyAttachment, and
    /// DetachRolePolicy takes it off the role whoever attached it (IAM keeps one attachment per policy). The cluster role's
    /// AmazonEKSVPCResourceController, which the stack attaches for Windows nodes, also serves security groups for Pods
    /// (EKS User Guide, "AWS managed policy: AmazonEKSVPCResourceController"; "Disable Windows support" keeps it for them).
    /// </summary>
    private static void DetachedPolicies(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var now = after.Roles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var role in before.Roles)
        {
            if (!now.TryGetValue(role.Name, out var kept))
            {
                continue;
            }

            foreach (var policy in role.ManagedPolicies.Where(p => !kept.ManagedPolicies.Any(k => k.PolicyArn == p.PolicyArn)))
            {
                var name = policy.PolicyArn.Split('/')[^1];
                var why = name == AccessPlanner.WindowsClusterManagedPolicy
                    ? $"; the stack attached it for Windows nodes, which are gone, but security groups for Pods need it too (EKS guide, \"Disable Windows support\": keep it if you use them): if the cluster uses them, attach it again right after the update (`aws iam attach-role-policy --role-name {role.Name} --policy-arn {policy.PolicyArn}`), or keep the Windows nodes"
                    : "";
                findings.Add(new(FindingLevel.Danger, $"IAM role {role.Name}", $"IAM role {role.Name} loses the managed policy {name}",
                    $"`pulumi up` detaches {policy.PolicyArn} from the role, also where it was attached by hand before the stack attached it{why}."));
            }
        }
    }

    /// <summary>Which values of an invalid base its reading (not its validation) failed on.</summary>
    private sealed class BaseReading(StackConfig config, IReadOnlyList<Diagnostic> readErrors)
    {
        /// <summary>
        /// A value is unread when a read error stands at it or inside it (a wrong type, a value that is no
        /// authentication mode, a required value missing), or when the file does not state it and either a key beside
        /// it that the binder would take for it could not be read (<c>authenticatoinMode</c>, misspelt) or neither
        /// could the map meant to hold it (missing, not a map, or a file that is not YAML at all). A value the file
        /// states and reads stays known, whatever else is broken, and so does one the validator refused: it was read.
        /// </summary>
        public bool Unread(string path) => readErrors.Any(e => Within(e.Path, path)) || (!Stated(path) && (MisspeltBeside(path) || HolderUnread(Parent(path))));

        private bool HolderUnread(string map) => map.Length == 0
            ? readErrors.Any(e => Parent(e.Path).Length == 0 && !e.Path.Contains(':', StringComparison.Ordinal)) // the file or its config block: "(file)", "config"
            : readErrors.Any(e => e.Path == map) || (!Stated(map) && (MisspeltBeside(map) || HolderUnread(Parent(map))));

        private bool MisspeltBeside(string path)
        {
            var map = Parent(path);
            return readErrors.Any(e => Parent(e.Path) == map && e.Path != path && StackBinder.Suggest(Key(e.Path), [Key(path)]).Length > 0);
        }

        private bool Stated(string path) => config.Locations.Find(path) is not null;

        private static bool Within(string error, string path) =>
            error.StartsWith(path, StringComparison.Ordinal) && (error.Length == path.Length || error[path.Length] is '.' or '[');

        /// <summary>The map a key stands in: "" for a config key (<c>aws:region</c>) and for a reader's path outside the config (<c>(file)</c>).</summary>
        private static string Parent(string path)
        {
            var at = path.LastIndexOfAny(['.', '[']);
            return at < 0 ? "" : path[..at];
        }

        private static string Key(string path) => path[(path.LastIndexOf('.') + 1)..];
    }

    /// <summary>
    /// The note for a role name changed in case only. IAM refuses two roles whose names differ only in case, but
    /// Pulumi compares a role's name (ForceNew in terraform-provider-aws aws_iam_role) exactly: a respelled name
    /// deletes the role and creates it again.
    /// </summary>
    internal static string CaseOnly(string before, string after) =>
        !string.Equals(before, after, StringComparison.Ordinal) && Arn.Equals(before, after)
            ? " (a change of case only: IAM names ignore case, but Pulumi compares them exactly, so the role is deleted and created again under the new spelling)"
            : "";

    private static void ShapeGuards(Shape before, Shape after, List<DiffFinding> findings)
    {
        if (before.Region != after.Region)
        {
            findings.Add(new(FindingLevel.Error, AwsSettings.RegionPath, $"the stack's region changes: {before.Region} → {after.Region}",
                "an EKS cluster and everything under it live in one region and cannot move: the stack's state names resources in the old region, so `pulumi up` would replace or lose them. Keep the region; for a cluster in another region, create a new stack."));
        }

        if (before.AccountId != after.AccountId)
        {
            findings.Add(new(FindingLevel.Error, AwsSettings.AllowedAccountIdsPath, $"the stack's account changes: {before.AccountId} → {after.AccountId}",
                "the stack's resources live in the first allowed account and cannot move to another one: every ARN the plan names changes with it. Keep the account; for a cluster in another account, create a new stack."));
        }

        // EKS User Guide, "Update existing cluster to new Kubernetes version": one minor version at a time. "Rollback cluster
        // to previous Kubernetes version": back to the previous minor version only, within 7 days of an in-place upgrade
        // (UpdateClusterVersion with the lower version), and managed node groups are not rolled back with the control plane.
        if (Platform.EksVersions.MinorOf(before.Version) is { } was && Platform.EksVersions.MinorOf(after.Version) is { } now && now != was)
        {
            if (now == was - 1)
            {
                findings.Add(new(FindingLevel.Danger, "cluster.version", $"the Kubernetes version is rolled back: {before.Version} → {after.Version}",
                    $"EKS rolls a control plane back one minor version only within 7 days of its in-place upgrade to {before.Version}; after that, or on a cluster created at {before.Version}, UpdateClusterVersion refuses it and `pulumi up` fails. EKS does not roll managed node groups back, and the stack's groups take the cluster's version only after the cluster moves, while a node newer than the API server is outside Kubernetes' version skew policy: roll each group back first (aws eks update-nodegroup-version --cluster-name CLUSTER --nodegroup-name GROUP --kubernetes-version {after.Version}), then apply."));
            }
            else if (now == was + 1)
            {
                var outside = after.OutsideManagedNodeGroupRoles;
                // EKS User Guide, Kubernetes versions: "Starting with Amazon EKS version 1.30 or newer, any newly created
                // managed node groups will automatically default to using Amazon Linux 2023 ... Previously, new node groups
                // would default to Amazon Linux 2"; and EKS publishes no AL2 AMI after 1.32.
                var maybeAl2 = now > Platform.AmiTypes.LastAl2KubernetesMinor && was <= Platform.AmiTypes.LastAl2KubernetesMinor
                    ? after.NodeGroups.Where(g => !g.AmiTypeSet && before.NodeGroups.Any(b => b.LogicalName == g.LogicalName)).ToList()
                    : [];
                // "Any new Pods that are launched on Fargate have a kubelet version that matches your cluster version.
                // Existing Fargate Pods aren't changed", and a Fargate node behind the control plane blocks the next upgrade.
                var fargate = after.FargateProfiles.Intersect(before.FargateProfiles, StringComparer.Ordinal).ToList();
                var danger = outside.Count > 0 || maybeAl2.Count > 0;
                findings.Add(new(danger ? FindingLevel.Danger : FindingLevel.Changed, "cluster.version", $"the Kubernetes version is upgraded: {before.Version} → {after.Version}",
                    $"EKS upgrades the control plane in place (it can be rolled back only within 7 days), then every managed node group of the stack follows it (pulumi-eks gives each group the cluster's version): EKS starts nodes of {after.Version} and drains and terminates the old ones, so every pod of every group is moved once."
                    + (outside.Count > 0 ? $" UpdateClusterVersion refuses the upgrade unless every managed node group is at the cluster's version, {before.Version}, the groups made outside this stack included ({string.Join(", ", outside)}): check them with `aws eks describe-nodegroup`, update any behind first, and update them to {after.Version} after this, before the next upgrade." : "")
                    + (maybeAl2.Count > 0 ? $" The groups without amiType ({string.Join(", ", maybeAl2.Select(g => g.Name))}) run Amazon Linux 2 if they were made while the cluster ran 1.29 or earlier (EKS's default then), and EKS publishes no AL2 AMI for {after.Version}: the control plane moves, then their update fails. Check each with `aws eks describe-nodegroup --cluster-name {after.ClusterName} --nodegroup-name NAME --query nodegroup.amiType`, NAME being {string.Join(", ", maybeAl2.Select(g => g.NodeGroupName ?? $"the generated one `aws eks list-nodegroups --cluster-name {after.ClusterName}` shows for {g.Name} ({after.ClusterName}-{g.Name}-...)"))}; for an AL2_* one, add a group with an AL2023 amiType first and move the workloads." : "")
                    + (fargate.Count > 0 ? $" Fargate pods are not moved: each keeps the kubelet of {before.Version} until it is started again, and EKS refuses the next upgrade while a Fargate node is behind the control plane, so restart the workloads of {string.Join(", ", fargate)} after this update." : "")));
            }
            else if (now < was || now > was + 1)
            {
                findings.Add(new(FindingLevel.Error, "cluster.version", $"the Kubernetes version {(now < was ? "goes down more than one minor version" : "skips a minor version")}: {before.Version} → {after.Version}",
                    now < was
                        ? $"EKS rolls a cluster back to the previous minor version only (1.{was - 1}); UpdateClusterVersion refuses {after.Version} and `pulumi up` fails. Keep the version, or roll back to 1.{was - 1}."
                        : $"EKS updates a cluster one minor version at a time; UpdateClusterVersion refuses the jump and `pulumi up` fails. Go to 1.{was + 1} first, apply, then on."));
            }
        }

        // Left out, the version is whatever EKS gave the cluster when it was made, or a later one set by hand.
        if (before.Version is null && after.Version is not null)
        {
            findings.Add(new(FindingLevel.Danger, "cluster.version", $"the Kubernetes version is set for the first time: {after.Version}",
                $"the stack named no version, so the live cluster runs the one EKS gave it at creation (or a later one set by hand); if that is above {after.Version}, or more than one minor version below it, UpdateClusterVersion refuses the change and `pulumi up` fails. Read it first: `aws eks describe-cluster --name {after.ClusterName} --region {after.Region} --query cluster.version`."));
        }

        if (after.Mode < before.Mode)
        {
            findings.Add(new(FindingLevel.Error, "authenticationMode", $"authentication mode moves backwards: {before.Mode.ToConfigValue()} → {after.Mode.ToConfigValue()}",
                $"{AuthenticationModes.ForwardOnly}; the update would fail. Keep {before.Mode.ToConfigValue()}."));
        }
        else if (before.Mode == AuthenticationMode.ConfigMap && after.Mode == AuthenticationMode.Api)
        {
            findings.Add(new(FindingLevel.Error, "authenticationMode", "authentication mode moves from CONFIG_MAP straight to API",
                $"{Migration.ModeMigration.OneStepToApi}; set authenticationMode: API_AND_CONFIG_MAP in this change, apply it and check every principal's access entry, then move to API in a later change."));
        }
        else if (after.Mode > before.Mode)
        {
            findings.Add(new(FindingLevel.Danger, "authenticationMode", $"authentication mode moves forward: {before.Mode.ToConfigValue()} → {after.Mode.ToConfigValue()} (one-way)",
                after.Mode == AuthenticationMode.Api
                    ? "aws-auth stops being read and is deleted; every principal keeps access only through its access entry (see `eksinfra migrate`)."
                    : "every mapping also becomes an access entry; this cannot be undone (see `eksinfra migrate`)."));
        }

        if (before.ClusterName != after.ClusterName)
        {
            findings.Add(new(FindingLevel.Error, "cluster.name", $"cluster name changes: {before.ClusterName} → {after.ClusterName}",
                "EKS cannot rename a cluster: the update replaces the cluster with its aws-auth and access entries, and every workload with it. Keep the name, or create a new stack."));
        }

        VpcGuard(before.VpcId, after.VpcId, findings);
        EndpointGuards(before.Endpoint, after.Endpoint, after.VpcId, findings);

        if (!string.Equals(before.ServiceRoleName, after.ServiceRoleName, StringComparison.Ordinal))
        {
            findings.Add(new(FindingLevel.Error, "cluster.serviceRoleName", $"the cluster's service role changes: {before.ServiceRoleName} → {after.ServiceRoleName}{CaseOnly(before.ServiceRoleName, after.ServiceRoleName)}",
                $"the cluster's IAM role cannot be changed in place (its roleArn is ForceNew): the cluster would be replaced, and aws-auth and access entries with it. Keep the role name '{before.ServiceRoleName}' exactly as it is spelled."));
        }

        // An invalid base's unread mode is the head's here: should the base have run API while the head reads aws-auth,
        // that move is backwards and EKS refuses it, so the node role is in aws-auth in every change that applies.
        if (before.Mode.UsesConfigMap() && after.Mode.UsesConfigMap() && !string.Equals(before.NodeRoleName, after.NodeRoleName, StringComparison.Ordinal))
        {
            findings.Add(Arn.Equals(before.NodeRoleName, after.NodeRoleName)
                ? new(FindingLevel.Error, before.NodeRoleName, $"the node role is re-created: {before.NodeRoleName} → {after.NodeRoleName}{CaseOnly(before.NodeRoleName, after.NodeRoleName)}",
                    $"nodes running with {before.NodeRoleName} lose their role while they run, and every node group on it is replaced (a node group's role is ForceNew). Keep cluster.nodeRoleName '{before.NodeRoleName}' exactly as it is spelled.")
                : new(FindingLevel.Error, before.NodeRoleName, "the node role mapping is removed from aws-auth",
                    $"nodes running with the role {before.NodeRoleName} can no longer authenticate and leave the cluster. Keep cluster.nodeRoleName '{before.NodeRoleName}'; to move nodes to a new role, add the new node group first."));
        }

        else if (before.Protect && !string.Equals(before.NodeRoleName, after.NodeRoleName, StringComparison.Ordinal))
        {
            // Pulumi, "Resource option: protect": "it will be an error to do a Pulumi deployment which tries to delete a
            // protected resource for any reason"; the role's resource is named for the role, so a new name deletes the old.
            findings.Add(Arn.Equals(before.NodeRoleName, after.NodeRoleName)
                // IAM names ignore case, and the role's Pulumi name is its name in lower case: the same resource, replaced,
                // whose new spelling IAM refuses beside the old (EntityAlreadyExists).
                ? new(FindingLevel.Error, "cluster.nodeRoleName", $"the protected node role would be replaced: {before.NodeRoleName} → {after.NodeRoleName}{CaseOnly(before.NodeRoleName, after.NodeRoleName)}",
                    $"Pulumi refuses to replace a protected resource, and IAM role names ignore case, so the new spelling names the role that exists. Keep cluster.nodeRoleName '{before.NodeRoleName}' exactly as it is spelled.")
                : new(FindingLevel.Error, "cluster.nodeRoleName", $"the protected node role would be deleted: {before.NodeRoleName} → {after.NodeRoleName}",
                    $"with protect on, the stack's node role is protected, and the new name is a new role: `pulumi up` creates {after.NodeRoleName}, then fails deleting {before.NodeRoleName}. Turning protect off in the same change does not help, since a resource that leaves the program keeps the protect flag of its last update. Set protect: false and apply first, then rename, then turn protect back on."));
        }

        // EKS User Guide, "View Amazon EKS networking requirements": the cluster's subnets change in place
        // (UpdateClusterConfig), but "All subnets that you add must be in the same set of AZs as originally provided when
        // you created the cluster", and "the subnets must be in the same VPC as the original subnets".
        if (before.VpcId == after.VpcId && !before.ClusterSubnets.SequenceEqual(after.ClusterSubnets, StringComparer.Ordinal))
        {
            findings.Add(new(FindingLevel.Changed, "cluster subnets", $"the cluster's subnets change: [{string.Join(", ", before.ClusterSubnets)}] → [{string.Join(", ", after.ClusterSubnets)}]",
                $"EKS moves the control plane's network interfaces in place, and refuses subnets outside the Availability Zones the cluster was created in, failing `pulumi up` part-way; check the zones first: aws ec2 describe-subnets --subnet-ids {string.Join(" ", after.ClusterSubnets.Concat(before.ClusterSubnets).Distinct(StringComparer.Ordinal))} --query 'Subnets[].[SubnetId,AvailabilityZone]'."));
        }

        if (before.DeployerArn is { } deployer && !Arn.Equals(deployer, after.DeployerArn))
        {
            findings.Add(new(FindingLevel.Danger, "cluster.deployerArn", $"the named cluster creator (deployerArn, else the role of aws:assumeRoles) changes: {deployer} → {after.DeployerArn ?? "(none)"}",
                "EKS made the principal that created the cluster admin through an access entry of its own, and that entry does not move: a role that did not create the cluster gets no access from this change, and `pulumi up` running as it cannot reach the Kubernetes API. If CI now deploys as another role, keep deployerArn naming the creator (check allows it beside another aws:assumeRoles role) and map the new role as cluster admin in a change of its own."));
        }

        if (before.Protect && !after.Protect)
        {
            findings.Add(new(FindingLevel.Danger, "cluster.protect", "protection is turned off", "once this update has applied, the EKS cluster, its service role and its node role can be deleted by `pulumi destroy` or a replacing change (EKS deletion protection is turned off too); in this update they are still protected, so a change that would delete one of them fails."));
        }
    }

    /// <summary>EKS cannot move a cluster to another VPC: its security group (vpcId is ForceNew) is replaced, and the cluster update that follows is refused.</summary>
    private static void VpcGuard(string? before, string? after, List<DiffFinding> findings)
    {
        if (before == after)
        {
            return;
        }

        const string Path = "cluster.vpcId";
        findings.Add(before is not null && after is not null
            ? new(FindingLevel.Error, Path, $"the cluster's VPC changes: {before} → {after}",
                "EKS cannot move a cluster to another VPC: `pulumi up` replaces the cluster's security group and then fails updating the cluster, half-way. Keep the VPC; for a cluster in another VPC, create a new stack.")
            : new(FindingLevel.Danger, Path, $"the cluster's VPC is {(after is null ? $"no longer named (was {before})" : $"named for the first time ({after})")}",
                $"{(after is null ? "without vpcId the stack uses the account's default VPC" : "before, the stack used the account's default VPC")}; unless that is the VPC the cluster runs in now, EKS cannot move the cluster and `pulumi up` fails half-way. Name the VPC the cluster runs in."));
    }

    private static void PlanGuards(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        DetachedPolicies(before, after, findings);

        var adminsBefore = before.Principals.Where(p => p.IsClusterAdmin).Select(p => p.Principal).ToList();
        if (adminsBefore.Count > 0 && !after.Principals.Any(p => p.IsClusterAdmin))
        {
            // The validator counts a named deployer (the cluster creator, admin through EKS's own entry) as the
            // admin a cluster keeps; the diff agrees, and still flags that no person is admin any more.
            findings.Add(after.Cluster.DeployerArn is { } deployer
                ? new(FindingLevel.Danger, "cluster admin", "only the deployer keeps cluster-admin rights",
                    $"the change removes the last mapped cluster admin ({string.Join(", ", adminsBefore)}); only {deployer}, the cluster creator, stays admin, through EKS's creator access entry.")
                : new(FindingLevel.Error, "cluster admin", "no principal keeps cluster-admin rights",
                    $"the change removes the last cluster admin ({string.Join(", ", adminsBefore)}); only the cluster creator's bootstrap access would remain. Keep one principal in system:masters or with {EksAccessPolicies.ClusterAdmin}, or name the creator as cluster.deployerArn."));
        }

        var entriesBefore = before.AccessEntries.ToLookup(e => e.PrincipalArn, Arn);
        var keysBefore = before.AccessEntries.ToDictionary(e => e.Key, StringComparer.Ordinal);
        foreach (var entry in after.AccessEntries)
        {
            foreach (var old in entriesBefore[entry.PrincipalArn])
            {
                if (old.Key != entry.Key)
                {
                    // A new key is a new resource: Pulumi creates it before it deletes the old one, whatever replacement order the program sets.
                    findings.Add(new(FindingLevel.Error, entry.PrincipalArn, "the principal's access entry would be re-created under a new name",
                        $"'{old.PrincipalArn}' (entry {old.Key}) becomes '{entry.PrincipalArn}' (entry {entry.Key}); Pulumi creates the new entry before deleting the old one, and EKS refuses a second entry for the same principal (HTTP 409). {(string.Equals(old.PrincipalArn, entry.PrincipalArn, StringComparison.Ordinal) ? SameNameKeyChange(old.Key, entry.Key) : "Keep the ARN exactly as before")}."));
                    continue;
                }

                ScopeChanges(old, entry, findings);

                // terraform-provider-aws aws_eks_access_entry: kubernetes_groups is Optional and Computed, so a plan with no
                // groups shows no change from state, no UpdateAccessEntry is sent, and the entry keeps the groups it had.
                if (old.KubernetesGroups.Count > 0 && entry.KubernetesGroups.Count == 0)
                {
                    findings.Add(new(FindingLevel.Danger, entry.PrincipalArn, $"the access entry's last groups go, but `pulumi up` leaves them on it: {string.Join(", ", old.KubernetesGroups)}",
                        $"the AWS provider keeps an access entry's kubernetesGroups when the program sets none (Optional and Computed), so the principal keeps what those groups are bound to. Clear them yourself after the update (EKS UpdateAccessEntry of {entry.PrincipalArn} on cluster {after.Cluster.Name} with an empty kubernetesGroups), or keep one group of the stack on the mapping."));
                }
            }

            // The same entry key on another ARN is the same resource with a new principal, which EKS cannot change in place:
            // a change of case, or of the role's path (keys leave both out). A node's entry replaced leaves its nodes unable
            // to authenticate, which the type-change guard blocks too.
            if (!keysBefore.TryGetValue(entry.Key, out var previous) || previous.PrincipalArn == entry.PrincipalArn)
            {
                continue;
            }

            var node = entry.Type != AccessPlanner.AccessEntryTypeStandard;
            var replaced = $"'{previous.PrincipalArn}' becomes '{entry.PrincipalArn}' under the same entry {entry.Key}: EKS cannot change an entry's principal, so `pulumi up` deletes the {(node ? $"{entry.Type} " : "")}entry and creates it again, and {(node ? "the nodes running with the role cannot authenticate" : "the principal is without its access")} in between.";
            var otherAccount = Arns.AccountOf(previous.PrincipalArn) != Arns.AccountOf(entry.PrincipalArn);
            findings.Add(!Arn.Equals(previous.PrincipalArn, entry.PrincipalArn)
                ? new(node ? FindingLevel.Error : FindingLevel.Danger, entry.PrincipalArn, "the access entry is replaced with another principal",
                    otherAccount
                        ? $"{replaced} The entry's key names no account while only one principal has its name, so with {previous.PrincipalArn} gone the key passes to the principal of the same name in account {Arns.AccountOf(entry.PrincipalArn)}."
                        : Arns.TryParse(entry.PrincipalArn, out var moved, out _) && moved.Kind == PrincipalKind.User
                        ? $"{replaced} IAM moves a user to another path in place (UpdateUser --new-path), so this may be the same user: set the ARN IAM now shows, and expect the gap."
                        : $"{replaced} IAM cannot move a role to another path, so the new ARN is another role (one made again under that path); keep the old ARN unless that is so.")
                : node
                ? new(FindingLevel.Error, entry.PrincipalArn, "the node role's access entry is replaced",
                    $"{replaced} Keep the ARN exactly as before; if the case really changed in IAM, move the nodes off the role, remove it in one change and add it back in the next.")
                : new(FindingLevel.Danger, entry.PrincipalArn, "the principal's access entry is replaced",
                    $"{replaced} Keep the ARN exactly as before unless the case really changed in IAM."));
        }

        CreatedRoles(before, after, findings);
        ComputeDiff.Guards(before, after, findings);
        ClusterRoles(before, after, findings);
        BindingRoleRefs(before, after, findings);
        GroupScopes(before, after, findings);
        MapAccounts(before, after, findings);
        NamespaceDiff.Compare(before, after, findings);
    }

    /// <summary>
    /// An association's scope is ForceNew (terraform-provider-aws aws_eks_access_policy_association), though EKS itself
    /// takes a new scope on AssociateAccessPolicy ("run the previous command again with the new scope"), and the program
    /// replaces it delete-first: for a moment the principal holds the policy nowhere, in the namespaces it keeps too.
    /// </summary>
    private static void ScopeChanges(AccessEntryPlan old, AccessEntryPlan entry, List<DiffFinding> findings)
    {
        var scopes = old.AccessPolicies.ToDictionary(a => a.Key, a => a.Scope, StringComparer.Ordinal);
        foreach (var association in entry.AccessPolicies)
        {
            if (scopes.TryGetValue(association.Key, out var was) && (was.Type != association.Scope.Type || !was.Namespaces.SequenceEqual(association.Scope.Namespaces, StringComparer.Ordinal)))
            {
                const string Gap = "EKS changes a scope when the policy is associated again, but the AWS provider replaces an association whose scope changes, and the program has it deleted first (the old one's delete would remove a new one made first): `pulumi up` removes the association and adds it again, and in between the principal holds {0} nowhere, in the namespaces it keeps too.";
                // As a group's binding moving to a ClusterRoleBinding is: a namespaced grant becoming one on every namespace.
                var widens = was.Type == "namespace" && association.Scope.Type == "cluster";
                var gap = string.Format(System.Globalization.CultureInfo.InvariantCulture, Gap, association.PolicyName);
                findings.Add(widens
                    ? new(FindingLevel.Danger, entry.PrincipalArn, $"{association.PolicyName} widens from namespaces {string.Join(", ", was.Namespaces)} to the whole cluster",
                        $"at cluster scope the principal gets {association.PolicyName} in every namespace, kube-system and namespaces made later included, and on the cluster-scoped resources the policy covers; keep the namespaces unless cluster-wide is meant. {gap}")
                    : new(FindingLevel.Changed, entry.PrincipalArn, $"the scope of {association.PolicyName} changes: {was} → {association.Scope}",
                        $"{gap} Apply it when a short gap is acceptable."));
            }
        }
    }

    /// <summary>An access role's trust decides who gets its Kubernetes access; deleting a role that stays mapped leaves a mapping to nothing.</summary>
    private static void CreatedRoles(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var now = after.AccessRoles.ToDictionary(r => r.Name, Arn);
        var mappedNow = after.Principals.Select(p => Arns.StripPath(p.Principal)).ToHashSet(Arn);

        // IAM role names are unique in an account, so CreateRole of one that exists fails with EntityAlreadyExists; a
        // `pulumi import` of it instead would give it the stack's trust policy, dropping whoever assumes it today.
        var createdBefore = before.AccessRoles.Select(r => r.Name).ToHashSet(Arn);
        // A compute role the stack created is not an existing one: ComputeDiff says what moving it to roles[] does.
        var createdCompute = before.ComputeIdentities.Where(c => c.CreatedRoleName is not null).Select(c => c.RoleArnWithoutPath).ToHashSet(Arn);
        var mappedBefore = before.Principals.Select(p => Arns.StripPath(p.Principal)).Where(a => !createdCompute.Contains(a)).ToHashSet(Arn);
        foreach (var role in after.AccessRoles.Where(r => !createdBefore.Contains(r.Name) && mappedBefore.Contains(r.ArnWithoutPath)))
        {
            findings.Add(new(FindingLevel.Error, role.Arn, $"IAM role {role.Name} was mapped as an existing role and is now created by the stack",
                "IAM refuses to create a role whose name exists (EntityAlreadyExists), so `pulumi up` fails part-way; importing the role instead would replace its trust policy with the stack's and cut off whoever assumes it today (SSO, CI). Keep it under mapRoles, or create it under a new name and move its users over."));
        }

        // A role name the stack now creates for nodes or Fargate is the same resource (one logical name per role name).
        var createdForCompute = after.Roles.Where(r => r.Purpose != RolePurpose.Access).Select(r => r.Name).ToHashSet(Arn);
        Dictionary<string, string>? chained = null;
        foreach (var role in before.AccessRoles)
        {
            if (!now.TryGetValue(role.Name, out var kept) && createdForCompute.Contains(role.Name))
            {
                continue;
            }

            if (kept is null)
            {
                findings.Add(mappedNow.Contains(role.ArnWithoutPath)
                    ? new(FindingLevel.Error, role.Arn, $"IAM role {role.Name} is deleted but stays mapped",
                        "the stack no longer creates the role, so `pulumi up` deletes it, while a mapping still names it: its users lose access and the mapping points at nothing. Keep it under roles[], or create the role outside this stack first.")
                    : new(FindingLevel.Danger, role.Arn, $"IAM role {role.Name} is deleted", "the stack no longer creates the role; `pulumi up` deletes it and everyone who assumes it loses access."));
                foreach (var trusting in after.AccessRoles.Where(r => (r.TrustedPrincipals ?? []).Contains(role.Arn, Arn)))
                {
                    var trustingAdmin = IsClusterAdminRole(after, trusting.Arn);
                    findings.Add(new(FindingLevel.Error, trusting.Arn, $"IAM role {role.Name} is deleted while {trusting.Name} still trusts it{(trustingAdmin ? " (a cluster admin role)" : "")}",
                        $"IAM turns a deleted role in a trust policy into its unique id, so after `pulumi up` no one reaches {trusting.Name} through {role.Name}, not even a role made again under that name, and the next preview or refresh fails on {trusting.Name}'s assumedBy, which names a role that no longer exists. Remove {role.Arn} from {trusting.Name}'s assumedBy in the same change, or keep the role."));
                }

                continue;
            }

            if (!string.Equals(role.Name, kept.Name, StringComparison.Ordinal) || role.IamPath != kept.IamPath)
            {
                // name and path are ForceNew (aws_iam_role), and a fixed name is deleted before it is created again.
                findings.Add(new(FindingLevel.Danger, kept.Arn, $"IAM role {role.Name} is deleted and created again{(role.IamPath != kept.IamPath ? $": its path changes from {role.IamPath} to {kept.IamPath}" : "")}{CaseOnly(role.Name, kept.Name)}",
                    $"IAM cannot rename a role or change its path, so `pulumi up` deletes {role.Arn} and creates {kept.Arn}: sessions of the role end, it has no access until it is back, and whatever names the old ARN outside this stack (SSO, CI settings, other accounts' trust policies) must be updated. Keep the name and path exactly as they are unless the ARN should change."));
            }

            var added = (kept.TrustedPrincipals ?? []).Except(role.TrustedPrincipals ?? [], Arn).ToList();
            var removed = (role.TrustedPrincipals ?? []).Except(kept.TrustedPrincipals ?? [], Arn).ToList();
            if (added.Count + removed.Count == 0)
            {
                continue;
            }

            var admin = IsClusterAdminRole(after, kept.Arn);
            var opens = admin || added.Count == 0 ? null : (chained ??= AdminRolesReachableFrom(after)).GetValueOrDefault(kept.Arn);
            var detail = string.Join("; ", added.Select(a => "+ " + a).Concat(removed.Select(r => "- " + r)));
            findings.Add(added.Count > 0
                ? new(admin || opens is not null ? FindingLevel.Danger : FindingLevel.Changed, kept.Arn, $"who may assume {kept.Name} widens{(admin ? " (a cluster admin role)" : opens is not null ? $" (whoever assumes it may then assume the cluster admin role {opens})" : "")}", detail)
                : new(FindingLevel.Changed, kept.Arn, $"who may assume {kept.Name} narrows", detail));
        }
    }

    /// <summary>
    /// Why a principal's own entry key changed (<see cref="AccessPlanner"/>'s WithUniqueKeys): the key holds the account only while
    /// a principal of another account shares the name, so adding or removing that other principal re-keys this one.
    /// </summary>
    private static string SameNameKeyChange(string oldKey, string newKey) => newKey.Length > oldKey.Length
        ? "The key changed because another account's principal of the same name was added: add that principal in a change of its own after removing this one, or keep it out"
        : "The key lost its account because the other account's principal of the same name was removed: keep that principal mapped, or accept a gap: remove this principal's mapping in the same change and add it back in the next (it has no access in between)";

    private static bool IsClusterAdminRole(AccessPlan plan, string roleArn) => plan.Principals.Any(p => p.IsClusterAdmin && Arn.Equals(p.Principal, roleArn));

    /// <summary>
    /// The stack's roles from which one of its cluster admin roles can be assumed, directly or through others in turn
    /// (STS AssumeRole from a role session, role chaining: each role's trust policy names the one before), with the
    /// admin role each opens. Widening who may assume any of them widens who may become cluster admin.
    /// </summary>
    private static Dictionary<string, string> AdminRolesReachableFrom(AccessPlan plan)
    {
        var byArn = plan.AccessRoles.ToDictionary(r => r.Arn, Arn);
        var opens = new Dictionary<string, string>(Arn);
        foreach (var admin in plan.AccessRoles.Where(r => IsClusterAdminRole(plan, r.Arn)))
        {
            var seen = new HashSet<string>(Arn) { admin.Arn };
            var next = new Queue<IamRolePlan>([admin]);
            while (next.TryDequeue(out var role))
            {
                foreach (var trusted in role.TrustedPrincipals ?? [])
                {
                    if (byArn.TryGetValue(trusted, out var hop) && seen.Add(hop.Arn))
                    {
                        opens.TryAdd(hop.Arn, admin.Name);
                        next.Enqueue(hop);
                    }
                }
            }
        }

        return opens;
    }

    /// <summary>A ClusterRole the stack defines changes what every member of its groups may do, under the same name.</summary>
    private static void ClusterRoles(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var old = before.Rbac.ClusterRoles.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var role in after.Rbac.ClusterRoles)
        {
            if (!old.TryGetValue(role.Name, out var was) || Rules(was) == Rules(role))
            {
                continue;
            }

            var wildcard = HasWildcard(role) && !HasWildcard(was);
            var escalation = wildcard ? null : NewEscalation(was, role);
            var unnamed = !wildcard && escalation is null && DropsResourceNames(was, role);
            findings.Add(new(wildcard || escalation is not null || unnamed ? FindingLevel.Danger : FindingLevel.Changed, $"ClusterRole {role.Name}",
                $"ClusterRole {role.Name} {(wildcard ? "widens to a wildcard" : escalation is not null ? $"now lets its groups raise their own access ('{escalation.Verb}' on {escalation.Resource})" : unnamed ? "drops resourceNames, so a rule reaches every object of its resources" : "changes its rules")}",
                $"now: {Rules(role)} (was: {Rules(was)}); every group bound to it gets the new rules"));
        }
    }

    /// <summary>
    /// A group bound to another ClusterRole keeps its binding's name, and a binding's roleRef cannot change (Kubernetes
    /// pkg/apis/rbac/validation, ValidateClusterRoleBindingUpdate: "cannot change roleRef"). pulumi-kubernetes plans a
    /// replacement and, the name being fixed, deletes before it creates (provider Diff, deleteBeforeReplace).
    /// </summary>
    private static void BindingRoleRefs(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        static IEnumerable<(string Name, string ClusterRole, string Group)> Bindings(RbacPlan rbac) =>
            rbac.ClusterRoleBindings.Select(b => (b.Name, b.ClusterRole, b.Group))
                .Concat(rbac.RoleBindings.Select(b => ($"{b.Namespace}/{b.Name}", b.ClusterRole, b.Group)));

        var old = Bindings(before.Rbac).ToDictionary(b => b.Name, StringComparer.Ordinal);
        foreach (var binding in Bindings(after.Rbac))
        {
            if (!old.TryGetValue(binding.Name, out var was) || was.ClusterRole == binding.ClusterRole)
            {
                continue;
            }

            findings.Add(new(FindingLevel.Changed, $"binding {binding.Name}",
                $"group {binding.Group} moves from ClusterRole {was.ClusterRole} to {binding.ClusterRole}",
                $"a binding's roleRef cannot change, so pulumi up deletes the binding {binding.Name} and creates it again: for that moment the group's members hold neither role through it. `kubectl apply` of the rendered rbac.yaml would be refused; use `kubectl auth reconcile` or delete the binding first."));
        }

        // A group renamed with its members: each binding is named for its group (eks-infra:GROUP), so the old ones are
        // deleted and new ones created while the members move to the new name. The grants compare equal, so no principal's
        // finding says it. A rename is a group whose bindings (ClusterRole and scope) a new group takes over exactly.
        var now = Bindings(after.Rbac).ToDictionary(b => b.Name, StringComparer.Ordinal);
        static string Shape(IEnumerable<(string Name, string ClusterRole, string Group)> bindings, string group) =>
            string.Join("\n", bindings.Where(b => b.Group == group).Select(b => $"{b.ClusterRole} {(b.Name.Contains('/', StringComparison.Ordinal) ? b.Name[..b.Name.IndexOf('/', StringComparison.Ordinal)] : "")}").Order(StringComparer.Ordinal));
        var goneGroups = old.Values.Where(b => !now.ContainsKey(b.Name)).Select(b => b.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var newGroups = now.Values.Where(b => !old.ContainsKey(b.Name)).Select(b => b.Group).Distinct(StringComparer.Ordinal)
            .Where(g => !old.Values.Any(b => b.Group == g)).ToList();
        var carries = (after.Mode.UsesConfigMap(), after.Mode.UsesAccessEntries()) switch
        {
            (true, true) => "aws-auth and the access entries move",
            (true, false) => "aws-auth moves",
            _ => "the access entries move",
        };
        foreach (var renamed in goneGroups)
        {
            var members = before.Principals.Where(p => p.Groups.Contains(renamed, StringComparer.Ordinal)).Select(p => p.Principal).ToHashSet(StringComparer.Ordinal);
            var to = newGroups.Where(g => Shape(now.Values, g) == Shape(old.Values, renamed)
                && after.Principals.Where(p => p.Groups.Contains(g, StringComparer.Ordinal)).Select(p => p.Principal).ToHashSet(StringComparer.Ordinal).SetEquals(members)).ToList();
            if (members.Count == 0 || to.Count != 1)
            {
                continue;
            }

            newGroups.Remove(to[0]);
            findings.Add(new(FindingLevel.Changed, $"group {renamed}", $"group {renamed} is renamed {to[0]}: its bindings are deleted and created again under the new name",
                $"{string.Join(", ", old.Values.Where(b => b.Group == renamed).Select(b => b.Name).Order(StringComparer.Ordinal))} go and the bindings of {to[0]} come, while {carries} {string.Join(", ", members.Order(StringComparer.Ordinal))} to the new group; between the two, Pulumi does not promise which comes first, so the members may hold the new group before its binding exists. Where that moment matters, add {to[0]} beside {renamed} in one change and remove {renamed} in the next."));
        }
    }

    /// <summary>
    /// A group bound by RoleBindings in listed namespaces that is now bound by a ClusterRoleBinding: every member gets the
    /// ClusterRole's rules in every namespace, present and future, and on the cluster-scoped resources it names (Kubernetes
    /// RBAC: a ClusterRoleBinding grants "across the entire cluster"). A permission gain, as a ClusterRole's new wildcard is.
    /// </summary>
    private static void GroupScopes(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var wideBefore = before.Rbac.ClusterRoleBindings.Select(b => b.Group).ToHashSet(StringComparer.Ordinal);
        var namespacesBefore = before.Rbac.RoleBindings.ToLookup(b => b.Group, b => b.Namespace, StringComparer.Ordinal);
        foreach (var binding in after.Rbac.ClusterRoleBindings)
        {
            if (wideBefore.Contains(binding.Group) || !namespacesBefore.Contains(binding.Group))
            {
                continue;
            }

            var members = after.Principals.Where(p => p.Groups.Contains(binding.Group, StringComparer.Ordinal)).Select(p => p.Principal).ToList();
            findings.Add(new(FindingLevel.Danger, ConfigPath.Child(ConfigPath.Child(ConfigPath.Child(StackBinder.AccessKey, "groups"), binding.Group), "namespaces"),
                $"group {binding.Group} widens from namespaces {string.Join(", ", namespacesBefore[binding.Group].Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))} to every namespace (cluster-wide)",
                $"without namespaces the group is bound by a ClusterRoleBinding to ClusterRole {binding.ClusterRole}: its members{(members.Count == 0 ? "" : $" ({string.Join(", ", members)})")} get its rules in every namespace, kube-system and namespaces made later included, and on the cluster-scoped resources it names. Keep the namespaces listed unless cluster-wide is meant."));
        }
    }

    private static string Rules(ClusterRolePlan role) =>
        string.Join(" | ", role.Rules.Select(r => RuleScope(r) + (r.ResourceNames.Count == 0 ? "" : $" named {string.Join(",", r.ResourceNames)}")));

    private static string RuleScope(PolicyRulePlan r) =>
        $"{string.Join(",", r.Verbs)} on {string.Join(",", r.ApiGroups.Select(g => g.Length == 0 ? "core" : g))}/{string.Join(",", r.Resources.Concat(r.NonResourceUrls))}";

    /// <summary>
    /// Whether a verb on a resource that only rules naming their objects allowed (Kubernetes RBAC: resourceNames restricts a
    /// rule to them) is now allowed by a rule naming none: it then reaches every object of that resource.
    /// </summary>
    private static bool DropsResourceNames(ClusterRolePlan was, ClusterRolePlan role)
    {
        // The authorizer's own matching, names left aside: which rule of the old role reached this verb on this resource.
        static bool Covers(PolicyRulePlan rule, string group, string resource, string verb) =>
            RbacRules.VerbMatches(rule, verb) && RbacRules.ApiGroupMatches(rule, group)
            && RbacRules.ResourceMatches(rule, resource, resource.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? resource[(slash + 1)..] : "");

        return (from rule in role.Rules.Where(r => r.ResourceNames.Count == 0)
                from g in rule.ApiGroups
                from r in rule.Resources
                from v in rule.Verbs
                select (g, r, v))
            .Any(t => was.Rules.Any(o => o.ResourceNames.Count > 0 && Covers(o, t.g, t.r, t.v)) && !was.Rules.Any(o => o.ResourceNames.Count == 0 && Covers(o, t.g, t.r, t.v)));
    }

    /// <summary>An escalation (<see cref="RbacRules.Escalations"/>) the new rules allow for every name and the old did not.</summary>
    private static AccessRequest? NewEscalation(ClusterRolePlan was, ClusterRolePlan role)
    {
        static IEnumerable<AccessRequest> Unnamed(ClusterRolePlan r) => r.Rules.Where(rule => rule.ResourceNames.Count == 0).SelectMany(RbacRules.EscalationsAllowed);
        return Unnamed(role).Except(Unnamed(was)).FirstOrDefault();
    }

    private static bool HasWildcard(ClusterRolePlan role) =>
        role.Rules.Any(r => r.Verbs.Contains("*") || r.Resources.Contains("*") || r.ApiGroups.Contains("*") || r.NonResourceUrls.Contains("*"));

    /// <summary>A mapped account lets every principal in it authenticate; that widens who can reach the cluster.</summary>
    private static void MapAccounts(AccessPlan before, AccessPlan after, List<DiffFinding> findings)
    {
        var was = before.AwsAuth?.MapAccounts ?? [];
        var now = after.AwsAuth?.MapAccounts ?? [];
        foreach (var account in now.Except(was, StringComparer.Ordinal))
        {
            findings.Add(new(FindingLevel.Danger, $"account {account}", $"every IAM principal of account {account} can authenticate",
                "mapAccounts maps each principal of the account to a username equal to its ARN; it grants nothing by itself, but any RBAC binding to those usernames or to system:authenticated now reaches them."));
        }

        foreach (var account in was.Except(now, StringComparer.Ordinal))
        {
            findings.Add(new(FindingLevel.Revoked, $"account {account}", $"account {account} is no longer mapped", "its principals can no longer authenticate through mapAccounts."));
        }
    }

    /// <summary>
    /// A way to more access that <paramref name="now"/> gains and <paramref name="was"/> lacked, short of cluster admin: raising
    /// its own access (escalate, bind or impersonate) or acting as kube-system's service accounts, which check warns of.
    /// </summary>
    private static string? Escalation(PrincipalAccess? was, PrincipalAccess now) =>
        // A cluster admin cut down to less gains nothing; the diff lists what it keeps.
        now.IsClusterAdmin || was?.IsClusterAdmin == true ? null
        : now.RaisesOwnAccess && was?.RaisesOwnAccess != true ? "may now raise its own access (escalate, bind or impersonate)"
        : now.ActsAsSystemAccounts && was?.ActsAsSystemAccounts != true ? "may now act as kube-system's service accounts, which the cluster's controllers and add-ons run as"
        : null;

    private static void Principals(AccessPlan? before, AccessPlan after, List<DiffFinding> findings)
    {
        var old = (before?.Principals ?? []).ToDictionary(p => p.Principal, Arn);
        var now = after.Principals.ToDictionary(p => p.Principal, Arn);
        foreach (var p in after.Principals)
        {
            if (!old.TryGetValue(p.Principal, out var was))
            {
                findings.Add(p.IsClusterAdmin
                    ? new(FindingLevel.Danger, p.Principal, $"new cluster admin: {p.Username}{(p.FromSystemMasters ? " (system:masters)" : "")}", Grants(p))
                    : Escalation(null, p) is { } gains
                    ? new(FindingLevel.Danger, p.Principal, $"granted to {p.Kind} {p.Username}, who {gains}", Grants(p))
                    : new(FindingLevel.Granted, p.Principal, $"granted to {p.Kind} {p.Username}", Grants(p)));
                continue;
            }

            var added = p.Grants.Except(was.Grants).ToList();
            var removed = was.Grants.Except(p.Grants).ToList();
            var details = new List<string>();
            if (was.Username != p.Username)
            {
                details.Add($"username {was.Username} → {p.Username}");
            }

            if (was.Kind != p.Kind)
            {
                details.Add($"{was.Kind} → {p.Kind}");
            }

            details.AddRange(added.Select(g => "+ " + g));
            details.AddRange(removed.Select(g => "- " + g));
            if (details.Count == 0)
            {
                continue;
            }

            var becomesAdmin = p.IsClusterAdmin && !was.IsClusterAdmin;
            findings.Add(becomesAdmin
                ? new(FindingLevel.Danger, p.Principal, $"becomes cluster admin: {p.Username}{(p.FromSystemMasters ? " (system:masters)" : "")}", string.Join("; ", details))
                : Escalation(was, p) is { } gained
                ? new(FindingLevel.Danger, p.Principal, $"changed for {p.Kind} {p.Username}, who {gained}", string.Join("; ", details))
                : new(FindingLevel.Changed, p.Principal, $"changed for {p.Kind} {p.Username}", string.Join("; ", details)));
        }

        foreach (var p in before?.Principals ?? [])
        {
            if (!now.ContainsKey(p.Principal))
            {
                findings.Add(new(FindingLevel.Revoked, p.Principal, $"revoked from {p.Kind} {p.Username}", "loses " + Grants(p)));
            }
        }
    }

    private static string Grants(PrincipalAccess p) => WhoReport.Describe(p);

    public static string Render(DiffReport report, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(report);
        return format == ReportFormat.Json ? RenderJson(report) : RenderMarkdown(report);
    }

    /// <summary>The hidden marker a pull-request workflow uses to update its one comment instead of adding another.</summary>
    public const string CommentMarker = "<!-- eksinfra-access-report -->";

    private static string RenderMarkdown(DiffReport report)
    {
        var sb = new StringBuilder();
        sb.Append($"### Access changes in {Markdown.Code(report.StackName)} (against {Markdown.Code(report.BaseLabel)})\n\n");
        if (!report.BaseExisted)
        {
            sb.Append("_New stack: there is no base version, so every grant is new._\n\n");
        }

        if (report.UnreadInBase.Count > 0)
        {
            sb.Append($"> [!NOTE]\n> The base version is invalid and its {string.Join(", ", report.UnreadInBase.Select(p => $"`{p}`"))} could not be read: taken as unchanged, so no guard compared {(report.UnreadInBase.Count == 1 ? "it" : "them")}. Check by hand that the change keeps what is deployed there.\n\n");
        }

        if (report.Findings.Count == 0)
        {
            sb.Append("No change in who can access the cluster.\n");
            return sb.ToString();
        }

        var errors = report.Findings.Count(f => f.Level == FindingLevel.Error);
        var dangers = report.Findings.Count(f => f.Level == FindingLevel.Danger);
        if (errors > 0)
        {
            sb.Append($"> [!CAUTION]\n> **{errors} blocking problem{(errors == 1 ? "" : "s")}**: this change must not be applied as it is.\n\n");
        }
        else if (dangers > 0)
        {
            sb.Append($"> [!WARNING]\n> **{dangers} change{(dangers == 1 ? "" : "s")} to review with care** (new admin rights or one-way moves).\n\n");
        }

        sb.Append("| | Change | Principal | Details |\n|---|---|---|---|\n");
        foreach (var f in report.Findings)
        {
            var flag = f.Level switch
            {
                FindingLevel.Error => "🛑 **error**",
                FindingLevel.Danger => "⚠️ **danger**",
                FindingLevel.Granted => "➕ granted",
                FindingLevel.Revoked => "➖ revoked",
                _ => "✏️ changed",
            };
            var title = f.Level <= FindingLevel.Danger ? $"**{Markdown.Cell(f.Title)}**" : Markdown.Cell(f.Title);
            sb.Append($"| {flag} | {title} | {Markdown.Code(f.Subject)} | {Markdown.Cell(f.Detail)} |\n");
        }

        return sb.ToString();
    }

    private static string RenderJson(DiffReport report) => Json.Write(new JsonObject
    {
        ["stack"] = report.StackName,
        ["base"] = report.BaseLabel,
        ["baseExisted"] = report.BaseExisted,
        ["hasErrors"] = report.HasErrors,
        ["unreadInBase"] = new JsonArray([.. report.UnreadInBase.Select(p => (JsonNode?)p)]),
        ["findings"] = new JsonArray([.. report.Findings.Select(f => (JsonNode)new JsonObject
        {
            ["level"] = f.Level.ToString().ToLowerInvariant(),
            ["subject"] = f.Subject,
            ["title"] = f.Title,
            ["detail"] = f.Detail,
        })]),
    });
}
