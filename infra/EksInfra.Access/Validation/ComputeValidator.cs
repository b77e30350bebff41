using System.Text.RegularExpressions;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Platform;

namespace EksInfra.Access.Validation;

/// <summary>
/// The rules of what runs pods: managed node groups, the node roles the stack creates, Fargate profiles, and the
/// existing node roles of Karpenter, self-managed and Windows nodes. A compute identity mapped wrong, or twice, or as a
/// person, is a node that never joins.
/// </summary>
public static partial class ComputeValidator
{
    /// <summary>
    /// EKS service quotas, all adjustable (EKS User Guide, "View and manage Amazon EKS and Fargate service quotas"): managed
    /// node groups per cluster, nodes per managed node group, Fargate profiles per cluster, selectors per Fargate profile,
    /// label pairs per Fargate profile selector. Past one is a warning: AWS raises it on request.
    /// </summary>
    public const int NodeGroupsQuota = 30;
    public const int NodesPerGroupQuota = 450;
    public const int FargateProfilesQuota = 10;
    public const int SelectorsPerProfileQuota = 5;
    public const int LabelsPerSelectorQuota = 5;

    /// <summary>An EKS limit that cannot be raised: taints per node group.</summary>
    public const int MaxTaints = 50;

    /// <summary>
    /// Taints Kubernetes' node lifecycle controller keeps in step with a node's conditions, with the effect it manages
    /// them under (k8s.io/api core/v1 well_known_taints.go; pkg/controller/nodelifecycle: doNoScheduleTaintingPass takes
    /// "only NoSchedule taints" as candidates, and markNodeAsReachable drops the NoExecute not-ready and unreachable ones).
    /// </summary>
    private static readonly HashSet<(string Key, string Effect)> ControllerManagedTaints =
    [
        ("node.kubernetes.io/not-ready", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/network-unavailable", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    ];

    /// <summary>
    /// EKS CreateNodegroup <c>instanceTypes</c> (botocore eks service-2.json): "If you specify <c>launchTemplate</c>, then
    /// you can specify zero or one instance type in your launch template <i>or</i> you can specify 0-20 instance types for
    /// <c>instanceTypes</c>." The model sends no launch template, and the field's shape (StringList) has no maximum, so no
    /// source says EKS refuses more here: a warning, not an error.
    /// </summary>
    public const int MaxInstanceTypes = 20;

    /// <summary>The compute rules; <paramref name="today"/> is the clock seam StackValidator passes (AMI support ends by date).</summary>
    public static IReadOnlyList<Diagnostic> Validate(StackConfig config, IReadOnlyList<Identity> identities, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(identities);
        var run = new Run(config, identities, today);
        run.NodeGroups();
        run.CreatedRoleNames();
        run.FargateProfiles();
        run.ExistingNodeRoles();
        return run.Bag.ToSortedList();
    }

    private const int MaxNodeGroupNameLength = 63;

    /// <summary>EKS node group names (the AWS provider's NodeGroup docs): at most 63 characters, a letter or digit first, then also '-' and '_'.</summary>
    [GeneratedRegex(@"^[0-9A-Za-z][A-Za-z0-9_-]{0,62}\z")]
    private static partial Regex NodeGroupNamePattern();

    /// <summary>EKS CreateFargateProfile, fargateProfileName: 1 to 100 letters, digits, '-' and '_', starting with a letter or digit.</summary>
    [GeneratedRegex(@"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}\z")]
    private static partial Regex FargateProfileNamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.[a-z0-9-]+\z")]
    private static partial Regex InstanceTypeShape();

    /// <summary>
    /// A Fargate selector's namespace, label key or label value with its wildcards read as letters, for Kubernetes'
    /// own rules to judge. EKS User Guide, "Define which Pods use AWS Fargate when launched" (fargate-profile.adoc,
    /// "Fargate profile wildcards"): "In addition to characters allowed by Kubernetes, you're allowed to use * and ? in
    /// the selector criteria for namespaces, label keys, and label values", "in any position and in combination".
    /// </summary>
    private static string FargateCriterion(string text) => text.Replace('*', 'a').Replace('?', 'a');

    private sealed class Run(StackConfig config, IReadOnlyList<Identity> identities, DateOnly today)
    {
        private readonly ClusterSettings cluster = config.Cluster;
        private readonly ComputeSettings compute = config.Cluster.Compute;
        private readonly AuthenticationMode mode = config.Access.Mode;

        public DiagnosticBag Bag { get; } = new();

        private void Error(string path, string message) => Bag.Error(path, message, config.LocationOf(path));

        private void Warning(string path, string message) => Bag.Warning(path, message, config.LocationOf(path));

        /// <summary>
        /// The shorthand (or default) group sends no nodeGroupName, so Pulumi names it after its resource, LOGICAL-XXXXXXX
        /// (pulumi-aws: <c>AutoName("nodeGroupName", 255, "-")</c>, not cut to EKS's length), and EKS CreateNodegroup
        /// refuses a node group name over 63 characters (EKS User Guide, "Create a managed node group").
        /// </summary>
        private void ShorthandGroupName()
        {
            const int RandomSuffix = 8;
            var logicalName = LogicalNames.NodeGroup(cluster.Name);
            if (logicalName.Length + RandomSuffix > MaxNodeGroupNameLength)
            {
                var longest = MaxNodeGroupNameLength - RandomSuffix - (logicalName.Length - KubernetesNames.Kebab(cluster.Name).Length);
                Error($"{cluster.Path}.name", $"the cluster's node group gets its EKS name from Pulumi, '{logicalName}-' and 7 random characters ({logicalName.Length + RandomSuffix} in all), and EKS refuses a node group name over {MaxNodeGroupNameLength} characters; shorten the cluster name to at most {longest} characters, or declare the group under nodeGroups[] with a name of your own");
            }
        }

        private HashSet<string> CreatedNodeRoleNames =>
            [.. compute.ExtraNodeRoles.Select(r => r.Name).Append(cluster.NodeRoleName)];

        public void NodeGroups()
        {
            var seen = new Dictionary<string, NodeGroupSettings>(StringComparer.Ordinal);
            var logical = new Dictionary<string, NodeGroupSettings>(StringComparer.Ordinal);
            var roles = CreatedNodeRoleNames;
            foreach (var g in compute.NodeGroups)
            {
                if (!g.IsShorthand && g.Name.Length > 0)
                {
                    if (!NodeGroupNamePattern().IsMatch(g.Name))
                    {
                        Error($"{g.Path}.name", $"'{g.Name}' is not a valid node group name; EKS takes 1 to 63 letters, digits, '-' and '_', starting with a letter or digit");
                    }
                    else if (seen.TryGetValue(g.Name, out var first))
                    {
                        Error($"{g.Path}.name", $"two node groups are named '{g.Name}' (first at {first.Path}); EKS node group names are unique in a cluster, so rename one");
                    }
                    else if (logical.TryGetValue(KubernetesNames.Kebab(g.Name), out var folded))
                    {
                        Error($"{g.Path}.name", $"'{g.Name}' and '{folded.Name}' ({folded.Path}) would both be the Pulumi resource '{LogicalNames.NodeGroup(cluster.Name, g.Name)}': names that differ only in case or punctuation fold together; rename one");
                    }

                    seen.TryAdd(g.Name, g);
                    logical.TryAdd(KubernetesNames.Kebab(g.Name), g);
                }

                if (g.IsShorthand)
                {
                    ShorthandGroupName();
                }

                Sizes(g);
                var ami = AmiType(g);
                InstanceTypes(g, ami);
                // AWS's Spot best practice for managed node groups: diversify, so one reclaimed pool does not empty the group.
                if (g.CapacityType == "SPOT" && g.InstanceTypes.Count == 1)
                {
                    Warning($"{g.Path}.instanceTypes", $"a Spot group with the one instance type {g.InstanceTypes[0]} loses all its nodes when that Spot pool is reclaimed; list several of the same size and architecture");
                }

                if (g.CapacityType is { } capacity && capacity is not ("ON_DEMAND" or "SPOT"))
                {
                    Error($"{g.Path}.capacityType", $"'{capacity}' is not a capacity type; use ON_DEMAND or SPOT (EKS CreateNodegroup; CAPACITY_BLOCK needs a launch template, which this model does not carry)");
                }

                // EBS (gp2 and gp3) volumes hold 1 GiB to 16 TiB; EKS's default is 20 GiB (50 for Windows).
                if (g.DiskSize is { } disk and (< 1 or > 16384))
                {
                    Error($"{g.Path}.diskSize", $"is {disk}; a node's root volume is 1 to 16384 GiB (EKS's default is 20)");
                }
                else if (g.DiskSize is { } small && small < AmiTypes.DefaultDiskSize(ami))
                {
                    // EC2 (botocore ec2 EbsBlockDevice.VolumeSize): a volume from a snapshot may be "equal to or larger
                    // than the snapshot size", so a disk smaller than the AMI's snapshot launches no node. EKS publishes
                    // its default, not each AMI's snapshot size, and amazon-eks-ami builds AL2 on a 4 GiB volume, AL2023
                    // on 20 (templates/*/variables-default.json): below the default is not always refused, so a warning.
                    Warning($"{g.Path}.diskSize", $"is {small} GiB, below EKS's default of {AmiTypes.DefaultDiskSize(ami)} GiB for {(ami is { IsWindows: true } ? "Windows" : "Linux and Bottlerocket")} nodes; EC2 launches no node whose volume is smaller than the AMI's snapshot, whose size EKS does not publish (AL2023's is 20 GiB, AL2's smaller), so unless you know this AMI's is smaller, set diskSize to {AmiTypes.DefaultDiskSize(ami)} or more (or leave it out)");
                }

                Labels(g.Labels, $"{g.Path}.labels", fargateSelector: false);
                Taints(g);
                if (g.NodeRole is { } role && !roles.Contains(role))
                {
                    Error($"{g.Path}.nodeRole", $"'{role}' is not a node role this stack creates; use {cluster.Path}.nodeRoleName ('{cluster.NodeRoleName}') or add it to {cluster.Path}.nodeRoles{Config.StackBinder.Suggest(role, roles)}");
                }
            }

            WindowsSupport();
            FargateOnlyCoreDns();
            TaintedOnlyCoreDns();
            if (compute.NodeGroups.Count > NodeGroupsQuota)
            {
                Warning($"{cluster.Path}.nodeGroups", $"{compute.NodeGroups.Count} managed node groups, over EKS's default quota of {NodeGroupsQuota} per cluster; ask AWS to raise it before applying");
            }
        }

        /// <summary>
        /// EKS User Guide, "Get started with AWS Fargate" (fargate-getting-started.adoc, "Update CoreDNS"): "By default,
        /// CoreDNS is configured to run on Amazon EC2 infrastructure on Amazon EKS clusters. If you want to only run your
        /// Pods on Fargate", it needs a Fargate profile for its pods (namespace kube-system, label k8s-app: kube-dns) and
        /// the annotation eks.amazonaws.com/compute-type: ec2 removed from its Deployment. With no Linux EC2 capacity the
        /// stack knows of, cluster DNS stays Pending until both are done; the stack does neither.
        /// </summary>
        private void FargateOnlyCoreDns()
        {
            if (compute.FargateProfiles.Count == 0 || config.WindowsNodeGroups.Count() < compute.NodeGroups.Count
                || config.Access.NodeRoles.Any(r => r.Kind is NodeRoleKind.Linux or NodeRoleKind.Fargate))
            {
                return;
            }

            var selected = compute.FargateProfiles.SelectMany(p => p.Selectors).Any(SelectsCoreDns);
            Warning($"{cluster.Path}.fargateProfiles", $"no Linux node group or node role, only Fargate, and CoreDNS runs on EC2 nodes by default (EKS User Guide, \"Get started with AWS Fargate\"), so cluster DNS stays Pending; {(selected ? "a profile here selects its pods, so" : "add a profile selecting namespace kube-system with label k8s-app: kube-dns, and")} remove the annotation eks.amazonaws.com/compute-type: ec2 from the kube-system coredns Deployment, which this stack does not do; or add a Linux node group");
        }

        /// <summary>
        /// A taint keeps off every pod that does not tolerate it (Kubernetes, "Taints and Tolerations"), and EKS's CoreDNS
        /// tolerates CriticalAddonsOnly and the control-plane taint only (aws/containers-roadmap#2167, AWS's answer; #1930,
        /// a fully tainted cluster: "coreDNS addon pods can not be scheduled because of node taints"). pulumi-eks makes no
        /// CoreDNS add-on of its own here (skipDefaultNodeGroup), so EKS's Deployment is the one that must land.
        /// </summary>
        private void TaintedOnlyCoreDns()
        {
            var linux = compute.NodeGroups.Except(config.WindowsNodeGroups).ToList();
            if (linux.Count == 0 || config.Access.NodeRoles.Any(r => r.Kind == NodeRoleKind.Linux)
                || compute.FargateProfiles.SelectMany(p => p.Selectors).Any(SelectsCoreDns)
                || !linux.All(g => g.Taints.Any(t => t.Effect is "NoSchedule" or "NoExecute" && t.Key is not ("CriticalAddonsOnly" or "node-role.kubernetes.io/control-plane"))))
            {
                return;
            }

            Warning($"{cluster.Path}.nodeGroups", "every Linux node group has a NoSchedule or NoExecute taint that EKS's CoreDNS does not tolerate (it tolerates CriticalAddonsOnly and node-role.kubernetes.io/control-plane only), so cluster DNS stays Pending; leave one Linux group untainted, taint it CriticalAddonsOnly instead, or add a toleration to the kube-system coredns Deployment, which this stack does not do");
        }

        /// <summary>Whether a Fargate selector takes CoreDNS's pods (kube-system; labels k8s-app: kube-dns, eks.amazonaws.com/component: coredns).</summary>
        private static bool SelectsCoreDns(FargateSelectorSettings selector) =>
            FargateMatches(selector.Namespace, KubernetesValues.KubeSystem)
            && selector.Labels.All(l => CoreDnsLabels.Any(pod => FargateMatches(l.Key, pod.Key) && FargateMatches(l.Value, pod.Value)));

        private static readonly KeyValuePair<string, string>[] CoreDnsLabels = [new("k8s-app", "kube-dns"), new("eks.amazonaws.com/component", "coredns")];

        /// <summary>A Fargate criterion against a name: '*' is any run of characters, '?' one character (fargate-profile.adoc, "Fargate profile wildcards").</summary>
        private static bool FargateMatches(string pattern, string text)
        {
            // Greedy with one backtrack point, the last '*': linear in practice, and never exponential on many stars.
            int p = 0, t = 0, star = -1, resume = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
                {
                    p++;
                    t++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    star = p++;
                    resume = t;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    t = ++resume;
                }
                else
                {
                    return false;
                }
            }

            while (p < pattern.Length && pattern[p] == '*')
            {
                p++;
            }

            return p == pattern.Length;
        }

        /// <summary>
        /// AWS, "Deploy Windows nodes on EKS clusters": Windows nodes need Windows support turned on in the VPC CNI, and
        /// Linux capacity for CoreDNS and the other add-ons, which run only on Linux.
        /// </summary>
        private void WindowsSupport()
        {
            var windowsGroups = config.WindowsNodeGroups.ToList();
            var windowsRoles = config.WindowsNodeRoles.ToList();
            var path = windowsGroups.Select(g => g.Path).Concat(windowsRoles.Select(r => r.Path)).FirstOrDefault();
            if (path is null)
            {
                return;
            }

            Warning(path, $"Windows nodes need Windows support enabled in the cluster's VPC CNI (the amazon-vpc-cni ConfigMap's enable-windows-ipam: \"true\"), which this stack does not set; set it before the nodes join (the other half of it, {AccessPlanner.WindowsClusterManagedPolicy} on the cluster role, the stack attaches)");
            SharedWindowsNodeRoles(windowsGroups);
            if (windowsGroups.Count == compute.NodeGroups.Count && compute.FargateProfiles.Count == 0 && !config.Access.NodeRoles.Any(r => r.Kind == NodeRoleKind.Linux))
            {
                Warning(path, "every node this stack knows of runs Windows, but CoreDNS and most add-ons run only on Linux; add a Linux node group");
            }
        }

        /// <summary>
        /// EKS User Guide, "Create access entries": a principal has one access entry, of one type that cannot change, and EKS
        /// makes a managed node group's as EC2_WINDOWS for a Windows AMI and EC2_LINUX otherwise. A role shared by Windows and
        /// Linux groups has the type of one of them, and the other group's nodes cannot work.
        /// </summary>
        private void SharedWindowsNodeRoles(List<NodeGroupSettings> windowsGroups)
        {
            if (!mode.UsesAccessEntries())
            {
                return;
            }

            string RoleOf(NodeGroupSettings group) => group.NodeRole ?? cluster.NodeRoleName;
            foreach (var windows in windowsGroups)
            {
                var role = RoleOf(windows);
                if (compute.NodeGroups.FirstOrDefault(g => RoleOf(g) == role && !windowsGroups.Contains(g)) is { } linux)
                {
                    Error(windows.NodeRole is null ? $"{windows.Path}.amiType" : $"{windows.Path}.nodeRole", $"the Windows node group '{windows.Name}' runs with the node role '{role}', as the Linux node group '{linux.Name}' does, but a role has one access entry, of one type (EC2_WINDOWS or EC2_LINUX), so the nodes of one of the two groups would join with the other's type and not work; give the Windows group a node role of its own (add one to {cluster.Path}.nodeRoles and name it as the group's nodeRole)");
                }
            }
        }

        /// <summary>The sizes EKS accepts (NodegroupScalingConfig): minSize and desiredSize 0 or more, maxSize 1 or more, min ≤ desired ≤ max.</summary>
        private void Sizes(NodeGroupSettings g)
        {
            if (g.MinSize < 0)
            {
                Error($"{g.Path}.minSize", $"is {g.MinSize}; it must be 0 or more");
            }

            if (g.MaxSize < 1)
            {
                Error($"{g.Path}.maxSize", $"is {g.MaxSize}; a node group needs a maxSize of at least 1");
            }
            else if (g.MaxSize > NodesPerGroupQuota)
            {
                Warning($"{g.Path}.maxSize", $"is {g.MaxSize}, over EKS's default quota of {NodesPerGroupQuota} nodes per managed node group; ask AWS to raise it, or split the group");
            }

            if (g.MinSize > g.MaxSize)
            {
                Error($"{g.Path}.minSize", $"is {g.MinSize}, more than maxSize {g.MaxSize}; set minSize <= desiredSize <= maxSize");
            }
            else if (g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize)
            {
                Error($"{g.Path}.desiredSize", $"is {g.DesiredSize}, outside minSize {g.MinSize} .. maxSize {g.MaxSize}; set minSize <= desiredSize <= maxSize");
            }
        }

        private AmiTypeInfo? AmiType(NodeGroupSettings g)
        {
            if (g.AmiType is not { } name)
            {
                return null;
            }

            var path = $"{g.Path}.amiType";
            if (name == AmiTypes.Custom)
            {
                Error(path, "CUSTOM needs a launch template with its own AMI, which this model does not carry; pick one of EKS's AMI types, e.g. AL2023_x86_64_STANDARD");
                return null;
            }

            if (AmiTypes.Find(name) is not { } ami)
            {
                Error(path, $"'{name}' is not an EKS AMI type; use one of {string.Join(", ", AmiTypes.All.Select(a => a.Name))}{Config.StackBinder.Suggest(name, AmiTypes.All.Select(a => a.Name))}");
                return null;
            }

            KubernetesVersionHasAmi(path, ami);

            // Windows nodes need eks:kube-proxy-windows in aws-auth (AWS, "Deploy Windows nodes"), which pulumi-eks's
            // InstanceRoles never carry (v4.3.0 createInstanceRoleMapping). Outside CONFIG_MAP the role goes in as a role
            // mapping instead; in CONFIG_MAP pulumi-eks refuses a managed node group whose role is not an instance role
            // (nodes/nodegroup.ts), and a second mapping of the role loses to the instance one, which it writes last and
            // aws-iam-authenticator keeps (pkg/mapper/configmap saveMap: one mapping per ARN, the last).
            if (ami.IsWindows && !mode.UsesAccessEntries())
            {
                Error(path, $"a Windows managed node group in {mode.ToConfigValue()} needs its role in aws-auth with {KubernetesNames.KubeProxyWindows}, but in {mode.ToConfigValue()} pulumi-eks refuses a managed node group whose role is not among its instanceRoles, which it maps without that group; move authenticationMode to API_AND_CONFIG_MAP (the stack then maps the role with {KubernetesNames.KubeProxyWindows}) or API, or run the Windows nodes self-managed and list their role under eks-infra:access.nodeRoles with kind windows");
            }

            return ami;
        }

        /// <summary>
        /// A node group runs the cluster's Kubernetes version: this model sends no node group version, and EKS
        /// CreateNodegroup's <c>version</c> (botocore eks service-2.json) "By default, the Kubernetes version of the cluster
        /// is used, and this is the only accepted specified value". With no AMI of the type for that version,
        /// CreateNodegroup fails; with no version set, EKS picks its default version, which this tool cannot know offline.
        /// </summary>
        private void KubernetesVersionHasAmi(string path, AmiTypeInfo ami)
        {
            if (ami.LastKubernetesMinor is not { } last)
            {
                return;
            }

            var instead = string.Join(" or ", AmiTypes.CurrentReplacements(ami));
            if (cluster.Version is null)
            {
                Warning(path, $"EKS publishes {ami.Name} AMIs for Kubernetes 1.{last} and earlier only, and {cluster.Path}.version is not set, so the group gets EKS's default version; use {instead}, or set the version");
            }
            else if (EksVersions.MinorOf(cluster.Version) > last)
            {
                Error(path, $"EKS publishes no {ami.Name} AMI for Kubernetes {cluster.Version} ({cluster.Path}.version): 1.{last} is the last version with one, so the node group cannot be created; use {instead}");
            }
            else if (ami.PublishedUntil is { } until && today >= until)
            {
                Warning(path, $"EKS stopped publishing {ami.Name} AMIs on {until:yyyy-MM-dd}: the group still launches, on the last AMI, which gets no more patches or bug fixes; use {instead}");
            }
        }

        private void InstanceTypes(NodeGroupSettings g, AmiTypeInfo? ami)
        {
            if (g.InstanceTypes.Count == 0)
            {
                Error($"{g.Path}.instanceTypes", "is empty; a node group needs at least one instance type, e.g. [m6i.large]");
                return;
            }

            if (g.InstanceTypes.Count > MaxInstanceTypes)
            {
                Warning($"{g.Path}.instanceTypes", $"lists {g.InstanceTypes.Count} instance types; EKS documents at most {MaxInstanceTypes} per managed node group (CreateNodegroup instanceTypes), so CreateNodegroup may refuse the list: keep {MaxInstanceTypes} or fewer, or split the group");
            }

            (string Type, CpuArchitecture Arch)? firstArch = null;
            for (var i = 0; i < g.InstanceTypes.Count; i++)
            {
                var type = g.InstanceTypes[i];
                var path = g.InstanceTypePath(i);
                if (!InstanceTypeShape().IsMatch(type))
                {
                    Error(path, $"'{type}' is not an EC2 instance type; expected one like t3.medium");
                    continue;
                }

                if (Platform.InstanceTypes.FamilyOf(type) is not { } family)
                {
                    Error(path, $"'{type}' is not an EC2 instance type: EC2 has no instance family '{type[..type.IndexOf('.', StringComparison.Ordinal)]}'{Config.StackBinder.Suggest(type[..type.IndexOf('.', StringComparison.Ordinal)], Platform.InstanceTypes.FamilyNames)} (if AWS launched it recently, add it to infra/EksInfra.Access/Platform/InstanceTypes.cs)");
                    continue;
                }

                if (!Platform.InstanceTypes.IsKnownSize(type))
                {
                    Error(path, $"'{type}' is not an EC2 instance type: '{type[(type.IndexOf('.', StringComparison.Ordinal) + 1)..]}' is not a size EC2 sells (nano, micro, small, medium, large, xlarge, 2xlarge ... 48xlarge, metal)");
                    continue;
                }

                if (ami is not null)
                {
                    InstanceFitsAmi(path, type, family, ami);
                }
                else if (firstArch is { } first && first.Arch != family.Architecture)
                {
                    Error(path, $"'{type}' runs on {Arch(family.Architecture)} but '{first.Type}' on {Arch(first.Arch)}; one node group runs one AMI, so its instance types share an architecture: split them into two groups");
                }
                else if (family.Architecture == CpuArchitecture.Arm64)
                {
                    // CreateNodegroup without amiType takes an x86_64 AMI type whatever the instance types, and refuses
                    // ("is not a valid instance type for requested amiType AL2023_x86_64_STANDARD"); the stack sends none.
                    Error(path, $"'{type}' is an {Arch(family.Architecture)} instance type, but without amiType EKS gives the group an x86_64 AMI type whatever its instance types, and CreateNodegroup fails; {SetAmiType(g, "AL2023_ARM_64_STANDARD")} (or BOTTLEROCKET_ARM_64)");
                }
                else if (family.Accelerator != Accelerator.None)
                {
                    Warning(path, UnservedAccelerator(type, family, "the standard x86_64 AMI type EKS gives a group without amiType", g));
                }

                firstArch ??= (type, family.Architecture);
            }

            Duplicates(g.InstanceTypes, g.InstanceTypePath, "instance type");
        }

        private void InstanceFitsAmi(string path, string type, InstanceFamily family, AmiTypeInfo ami)
        {
            if (family.Architecture != ami.Architecture)
            {
                Error(path, $"'{type}' is an {Arch(family.Architecture)} instance type, but amiType {ami.Name} runs on {Arch(ami.Architecture)}; use an {Arch(ami.Architecture)} type{(ami.IsWindows ? " (Windows runs on x86_64 only)" : "")} or the {Arch(family.Architecture)} AMI type");
            }
            else if (ami.Needs != Accelerator.None && !ami.Serves(family.Accelerator))
            {
                Error(path, $"'{type}' has no {Describe(ami.Needs)}, which amiType {ami.Name} is built for; use a {Describe(ami.Needs)} instance type (e.g. {(ami.Needs == Accelerator.Neuron ? "inf2.xlarge" : ami.Architecture == CpuArchitecture.Arm64 ? "g5g.xlarge" : "g5.xlarge")}) or a standard AMI type");
            }
            else if (!family.RunsAl2023 && ami.Name.StartsWith("AL2023_", StringComparison.Ordinal))
            {
                Error(path, $"'{type}' is an A1 (first Graviton) instance type, and AL2023 runs on Graviton2 or later only (EKS User Guide, \"Choose an optimal Amazon EC2 node instance type\": \"AL2023 doesn't support A1 instances\"); use a Graviton2 or later type such as m6g, c6g, t4g or m7g");
            }
            else if (ami.Needs == Accelerator.None && family.Accelerator != Accelerator.None)
            {
                Warning(path, UnservedAccelerator(type, family, $"amiType {ami.Name}", null));
            }
        }

        /// <summary>An accelerated instance type on an AMI without its drivers: for some families EKS says its AMIs do not support them at all.</summary>
        /// <param name="unset">The group when its amiType is left to EKS: the advice then says how to set one.</param>
        private static string UnservedAccelerator(string type, InstanceFamily family, string ami, NodeGroupSettings? unset) => family.Accelerator switch
        {
            Accelerator.AmdGpu => $"'{type}' carries an AMD GPU, and no EKS AMI type has drivers for it, {ami} included; pods cannot use the GPU unless you build an AMI with them (or pick an NVIDIA type with an *_NVIDIA AMI type)",
            _ when family.NeedsAcceleratedAmi => $"'{type}' carries a {Describe(family.Accelerator)}, and EKS's non-accelerated AMIs, which {ami} is, do not support its family (EKS User Guide, \"Choose an optimal Amazon EC2 node instance type\": \"Arm and non-accelerated Amazon EKS AMIs don't support the g3, g4, inf, and p families\"); {SetAmiTypeTo(unset, AcceleratedAmi(family))}",
            _ => $"'{type}' carries a {Describe(family.Accelerator)}, but {ami} has no drivers for it; pods cannot use it unless you install them (or {SetAmiTypeTo(unset, AcceleratedAmi(family))})",
        };

        /// <summary>How to give a group an AMI type: the one-group nodeGroup form has no amiType key, so there it is a move.</summary>
        private static string SetAmiType(NodeGroupSettings g, string ami) => g.IsShorthand
            ? $"the one-group nodeGroup form takes no amiType, so replace nodeGroup with a nodeGroups entry with amiType: {ami}, in one change (the two keys do not go together): `pulumi up` creates the new group, then deletes the old one, whose pods move as its nodes are drained"
            : $"set amiType: {ami}";

        private static string SetAmiTypeTo(NodeGroupSettings? unset, string ami) => unset is { IsShorthand: true } ? SetAmiType(unset, ami) : $"set amiType to {ami}";

        private static string AcceleratedAmi(InstanceFamily family) => family.Accelerator == Accelerator.Neuron ? "AL2023_x86_64_NEURON"
            : family.Architecture == CpuArchitecture.Arm64 ? "AL2023_ARM_64_NVIDIA" : "AL2023_x86_64_NVIDIA";

        private static string Arch(CpuArchitecture arch) => arch == CpuArchitecture.Arm64 ? "arm64 (Graviton)" : "x86_64";

        private static string Describe(Accelerator accelerator) => accelerator switch
        {
            Accelerator.NvidiaGpu => "NVIDIA GPU",
            Accelerator.AmdGpu => "AMD GPU",
            _ => "AWS Neuron accelerator",
        };

        private void Taints(NodeGroupSettings g)
        {
            if (g.Taints.Count > MaxTaints)
            {
                Error($"{g.Path}.taints", $"lists {g.Taints.Count} taints; EKS allows at most {MaxTaints} per node group");
            }

            var seen = new Dictionary<(string, string), string>();
            foreach (var taint in g.Taints)
            {
                // EKS (Taint): key 1 to 63 characters, value up to 63; Kubernetes: a qualified name and a label value.
                if (taint.Key.Length > 0 && (KubernetesValues.LabelKeyProblem(taint.Key) is not null || taint.Key.Length > 63))
                {
                    Error($"{taint.Path}.key", $"'{taint.Key}' is not a taint key; use a Kubernetes qualified name of at most 63 characters (EKS's limit), e.g. 'dedicated' or 'example.com/gpu'");
                }
                else if (ReservedNodeKeyPrefix(taint.Key) is { } reserved)
                {
                    // No kubelet exception here, unlike labels: nothing lets a node group own a reserved taint.
                    var managed = ControllerManagedTaints.Contains((taint.Key, taint.Effect))
                        ? "; Kubernetes' node lifecycle controller manages this taint: it adds and removes it to match the node's state (its conditions, or for unschedulable a cordon), so the group's own would not stay"
                        : "";
                    Error($"{taint.Path}.key", $"'{taint.Key}' is under {reserved}/, a prefix reserved to Kubernetes and EKS for their own taints (EKS has refused kubernetes.io/ ones in a node group){managed}; use a key under a prefix of your own (example.com/{taint.Key[(reserved.Length + 1)..]})");
                }

                if (!KubernetesValues.IsValidLabelValue(taint.Value))
                {
                    Error($"{taint.Path}.value", $"'{taint.Value}' is not a taint value; use up to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
                }

                if (taint.Effect.Length > 0 && !ComputePlanner.TaintEffects.ContainsKey(taint.Effect))
                {
                    Error($"{taint.Path}.effect", $"'{taint.Effect}' is not a taint effect; use NoSchedule, PreferNoSchedule or NoExecute{Config.StackBinder.Suggest(taint.Effect, ComputePlanner.TaintEffects.Keys)}");
                }
                else if (!seen.TryAdd((taint.Key, taint.Effect), taint.Path))
                {
                    Error($"{taint.Path}.key", $"the taint '{taint.Key}:{taint.Effect}' is listed twice (first at {seen[(taint.Key, taint.Effect)]}); Kubernetes holds one taint per key and effect");
                }
            }
        }

        /// <summary>
        /// Kubernetes labels (apimachinery IsQualifiedName, IsValidLabelValue): a node group's with EKS's 1 to 63
        /// characters for key and value too, a Fargate selector's with the wildcards '*' and '?' (<see cref="FargateCriterion"/>).
        /// </summary>
        private void Labels(IReadOnlyList<KeyValuePair<string, string>> labels, string path, bool fargateSelector)
        {
            var eks = !fargateSelector;
            var wildcards = fargateSelector ? "; Fargate also takes '*' and '?' anywhere" : "";
            foreach (var (key, value) in labels)
            {
                var (checkedKey, checkedValue) = fargateSelector ? (FargateCriterion(key), FargateCriterion(value)) : (key, value);
                if (KubernetesValues.LabelKeyProblem(checkedKey) is not null || (eks && key.Length > 63))
                {
                    Error($"{path}.{key}", $"'{key}' is not a label key; use a Kubernetes qualified name (an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' and '.'){(eks ? ", at most 63 characters in all (EKS's limit)" : "")}{wildcards}");
                }

                if (!KubernetesValues.IsValidLabelValue(checkedValue) || (eks && value.Length == 0))
                {
                    Error($"{path}.{key}", $"'{value}' is not a label value; use {(eks ? "1" : "0")} to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit{wildcards}");
                }

                if (eks)
                {
                    ReservedLabelPrefix($"{path}.{key}", key);
                }
            }
        }

        /// <summary>
        /// A managed node group's labels reach the kubelet as --node-labels. EKS's CreateNodegroup has refused keys under
        /// kubernetes.io/, k8s.io/ and eks.amazonaws.com/ ("Label cannot contain reserved prefixes"), and the kubelet
        /// (cmd/kubelet/app/options/options.go, ValidateKubeletFlags) refuses to start with one in the kubernetes.io or
        /// k8s.io namespaces unless it is under node.kubernetes.io/ or kubelet.kubernetes.io/, so the nodes never join.
        /// </summary>
        private void ReservedLabelPrefix(string path, string key)
        {
            if (ReservedNodeKeyPrefix(key) is not { } prefix)
            {
                return;
            }

            var name = key[(prefix.Length + 1)..];
            if (KubernetesValues.IsUnderDomain(prefix, "node.kubernetes.io") || KubernetesValues.IsUnderDomain(prefix, "kubelet.kubernetes.io"))
            {
                Warning(path, $"'{key}' is under {prefix}/, which the kubelet takes in --node-labels, but EKS has refused node group labels under kubernetes.io/ (\"Label cannot contain reserved prefixes\"); if CreateNodegroup refuses it, use a prefix of your own (example.com/{name})");
                return;
            }

            Error(path, $"'{key}' is under {prefix}/, a prefix reserved to Kubernetes and EKS: CreateNodegroup refuses it, or the kubelet refuses to start with it and the nodes never join; use a prefix of your own (example.com/{name}), or node.kubernetes.io/ for a node's role");
        }

        /// <summary>
        /// The prefix of a node label or taint key that is Kubernetes' (kubernetes.io, k8s.io: "Kubernetes reserves all
        /// labels, annotations and taints in the kubernetes.io and k8s.io namespaces", "Well-Known Labels, Annotations and
        /// Taints") or EKS's (eks.amazonaws.com), else null.
        /// </summary>
        private static string? ReservedNodeKeyPrefix(string key)
        {
            if (KubernetesValues.KubernetesReservedPrefix(key) is { } kubernetes)
            {
                return kubernetes;
            }

            var slash = key.IndexOf('/', StringComparison.Ordinal);
            return slash > 0 && KubernetesValues.IsUnderDomain(key[..slash], "eks.amazonaws.com") ? key[..slash] : null;
        }

        /// <summary>Every IAM role name the stack creates is unique in the account; this checks the compute roles against all of them.</summary>
        public void CreatedRoleNames()
        {
            var mine = compute.ExtraNodeRoles.Select(r => (r.Path, r.Name))
                .Concat(compute.FargateProfiles.Select(p => ($"{p.Path}.podExecutionRoleName", p.PodExecutionRoleName)))
                .ToList();
            // Every role the stack creates, which each compute role's name is checked against: listed only if there are compute roles.
            var all = new List<(string Path, string Name)>();
            if (mine.Count > 0)
            {
                all.Add(($"{cluster.Path}.serviceRoleName", cluster.ServiceRoleName));
                all.Add(($"{cluster.Path}.nodeRoleName", cluster.NodeRoleName));
                all.AddRange(config.Access.Roles.Select(r => ($"{r.Path}.name", r.Name)));
            }

            foreach (var (path, name) in mine)
            {
                if (name.Length == 0)
                {
                    Error(path, "is empty; name the IAM role");
                    continue;
                }

                if (!Arns.IsValidRoleName(name))
                {
                    Error(path, $"'{name}' is not a valid IAM role name; use 1 to 64 letters, digits and +=,.@_-{(path.EndsWith(".podExecutionRoleName", StringComparison.Ordinal) ? " (set podExecutionRoleName to a shorter one)" : "")}");
                }

                var clash = all.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase));
                if (clash.Name is not null && IsPodExecutionRole(path) && IsPodExecutionRole(clash.Path))
                {
                    // The guide's trust policy names fargateprofile/CLUSTER/*, so one role could serve every profile: sharing
                    // it is what the stack does not do, not what AWS refuses.
                    Error(path, $"the pod execution role name '{name}' is already {clash.Path}'s; this tool creates one pod execution role per Fargate profile and does not share one between profiles, so give each profile its own podExecutionRoleName");
                }
                else if (clash.Name is not null)
                {
                    Error(path, $"the IAM role name '{name}' is already used by {clash.Path}; IAM role names are unique in an account (case-insensitively), so pick another");
                }
                else if (all.FirstOrDefault(x => LogicalNames.Role(x.Name) == LogicalNames.Role(name)) is { Name: not null } folded)
                {
                    Error(path, $"the IAM role '{name}' and '{folded.Name}' ({folded.Path}) would both be the Pulumi resource '{LogicalNames.Role(name)}': names that differ only in case or punctuation fold together; rename one");
                }

                all.Add((path, name));
            }

            static bool IsPodExecutionRole(string path) => path.EndsWith(".podExecutionRoleName", StringComparison.Ordinal);

            foreach (var role in compute.ExtraNodeRoles.Where(r => r.Name.Length > 0))
            {
                if (!compute.NodeGroups.Any(g => g.NodeRole == role.Name))
                {
                    Error(role.Path, $"no node group runs with the node role '{role.Name}'; set a group's nodeRole to it, or remove it (for Karpenter or self-managed nodes, list their existing role under eks-infra:access.nodeRoles)");
                }
            }

            if (mode.UsesAccessEntries() && !compute.NodeGroups.Any(g => (g.NodeRole ?? cluster.NodeRoleName) == cluster.NodeRoleName))
            {
                // In API_AND_CONFIG_MAP the role is still in aws-auth (pulumi-eks's instanceRoles), which the cluster still reads.
                Warning($"{cluster.Path}.nodeRoleName", mode == AuthenticationMode.Api
                    ? $"no managed node group runs with '{cluster.NodeRoleName}', so EKS gives it no access entry and nodes that use it cannot join in API; give it a node group, or use an existing role under eks-infra:access.nodeRoles"
                    : $"no managed node group runs with '{cluster.NodeRoleName}', so EKS gives it no access entry: nodes that use it join through its aws-auth mapping only, and stop joining once the mode moves to API; give it a node group, or use an existing role under eks-infra:access.nodeRoles");
            }
        }

        public void FargateProfiles()
        {
            // EKS User Guide, "Simplify compute management with AWS Fargate": "AWS Fargate with Amazon EKS isn't available
            // in AWS GovCloud (US-East) and AWS GovCloud (US-West)"; CreateFargateProfile would fail after the cluster exists.
            var noFargate = config.Aws.Partition == Platform.EksRegions.GovCloud;
            foreach (var node in config.Access.NodeRoles.Where(n => noFargate && n.Kind == NodeRoleKind.Fargate))
            {
                Warning($"{node.Path}.kind", $"is fargate, but EKS offers no Fargate in AWS GovCloud ({config.Aws.Region}), so no profile runs pods with this role; map it as the kind its nodes are, or remove it");
            }

            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            var logical = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in compute.FargateProfiles)
            {
                if (noFargate)
                {
                    Error(p.Path, $"EKS offers no Fargate in AWS GovCloud ({config.Aws.Region}): CreateFargateProfile would fail after the cluster is made; run these pods on a managed node group instead, and remove the profile");
                }

                if (p.Name.Length > 0)
                {
                    if (!FargateProfileNamePattern().IsMatch(p.Name))
                    {
                        Error($"{p.Path}.name", $"'{p.Name}' is not a valid Fargate profile name; EKS takes 1 to 100 letters, digits, '-' and '_', starting with a letter or digit");
                    }
                    else if (p.Name.StartsWith("eks-", StringComparison.OrdinalIgnoreCase))
                    {
                        // EKS reserves the prefix for the profiles it makes itself; pulumi-eks v4.3.0 (cluster.ts) renames such names for that reason.
                        Error($"{p.Path}.name", $"'{p.Name}' starts with 'eks-', which EKS reserves for its own profiles; name it e.g. '{p.Name[4..]}'");
                    }
                    else if (!seen.TryAdd(p.Name, p.Path))
                    {
                        Error($"{p.Path}.name", $"two Fargate profiles are named '{p.Name}' (first at {seen[p.Name]}); rename one");
                    }
                    else if (!logical.TryAdd(KubernetesNames.Kebab(p.Name), p.Path))
                    {
                        Error($"{p.Path}.name", $"'{p.Name}' and the profile at {logical[KubernetesNames.Kebab(p.Name)]} would be one Pulumi resource: names that differ only in case or punctuation fold together; rename one");
                    }
                }

                if (p.Selectors.Count == 0)
                {
                    Error($"{p.Path}.selectors", "required: a Fargate profile needs at least one selector, e.g. [{ namespace: batch-jobs }]");
                }
                else if (p.Selectors.Count > SelectorsPerProfileQuota)
                {
                    Warning($"{p.Path}.selectors", $"lists {p.Selectors.Count} selectors, over EKS's default quota of {SelectorsPerProfileQuota} per Fargate profile; ask AWS to raise it before applying, or add another profile");
                }

                foreach (var selector in p.Selectors)
                {
                    if (selector.Namespace.Length > 0 && !KubernetesNames.IsDns1123Label(FargateCriterion(selector.Namespace)))
                    {
                        Error($"{selector.Path}.namespace", $"'{selector.Namespace}' is not a namespace name or pattern; a namespace is a DNS-1123 label (up to 63 lower-case letters, digits and '-'), where Fargate also takes '*' and '?'");
                    }

                    if (selector.Labels.Count > LabelsPerSelectorQuota)
                    {
                        Warning($"{selector.Path}.labels", $"lists {selector.Labels.Count} labels, over EKS's default quota of {LabelsPerSelectorQuota} label pairs per Fargate profile selector; ask AWS to raise it before applying");
                    }

                    Labels(selector.Labels, $"{selector.Path}.labels", fargateSelector: true);
                }

                for (var i = 0; i < p.SubnetIds.Count; i++)
                {
                    if (!StackValidator.SubnetIdPattern().IsMatch(p.SubnetIds[i]))
                    {
                        Error($"{p.Path}.subnetIds[{i}]", $"'{p.SubnetIds[i]}' is not a subnet id; expected subnet- and 8 or 17 hex digits");
                    }
                    else if (cluster.Network.PublicSubnetIds.Contains(p.SubnetIds[i], StringComparer.Ordinal))
                    {
                        // CreateFargateProfile subnets: "only private subnets (with no direct route to an Internet Gateway) are accepted".
                        Error($"{p.Path}.subnetIds[{i}]", $"'{p.SubnetIds[i]}' is one of the cluster's publicSubnetIds, and CreateFargateProfile accepts only private subnets (no direct route to an internet gateway); name a private subnet");
                    }
                }

                if (p.SubnetIds.Count > 0 && cluster.Network.VpcId is null)
                {
                    Error($"{p.Path}.subnetIds", $"needs {cluster.Path}.vpcId: without it the cluster runs in the region's default VPC, whose subnets are public, and CreateFargateProfile accepts only private subnets; set vpcId and its privateSubnetIds");
                }

                Duplicates(p.SubnetIds, i => $"{p.Path}.subnetIds[{i}]", "subnet");

                // EKS CreateFargateProfile: Fargate pods get no public IP, so only private subnets are accepted.
                if (p.SubnetIds.Count == 0 && cluster.Network.PrivateSubnetIds.Count == 0)
                {
                    Error($"{p.Path}.subnetIds", $"required here: Fargate runs pods only in private subnets, and the cluster lists none ({cluster.Path}.privateSubnetIds); set the profile's subnetIds or the cluster's privateSubnetIds");
                }
            }

            if (compute.FargateProfiles.Count > FargateProfilesQuota)
            {
                Warning($"{cluster.Path}.fargateProfiles", $"{compute.FargateProfiles.Count} Fargate profiles, over EKS's default quota of {FargateProfilesQuota} per cluster; ask AWS to raise it before applying");
            }
        }

        public void ExistingNodeRoles()
        {
            var aws = config.Aws;
            // The authenticator matches a mapping by its whole ARN (aws-iam-authenticator pkg/config/mapper.go, Matches:
            // strings.EqualFold), and a STANDARD entry may name another account's principal: a role is the stack's own
            // only in the stack's partition and account, whatever its name.
            var created = new List<(string Path, string Name, string What)>
            {
                ($"{cluster.Path}.serviceRoleName", cluster.ServiceRoleName, "the cluster's service role"),
                ($"{cluster.Path}.nodeRoleName", cluster.NodeRoleName, "the stack's node role"),
            };
            created.AddRange(compute.ExtraNodeRoles.Select(r => (r.Path, r.Name, "a node role the stack creates")));
            created.AddRange(compute.FargateProfiles.Select(p => ($"{p.Path}.podExecutionRoleName", p.PodExecutionRoleName, $"the pod execution role of Fargate profile '{p.Name}'")));
            var createdKeys = created.Select(c => Arns.PrincipalKey(Arns.RoleArn(aws.Partition, aws.AccountId, "/", c.Name))).ToList();
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var node in config.Access.NodeRoles)
            {
                var path = $"{node.Path}.rolearn";
                if (node.RoleArn.Length == 0)
                {
                    continue;
                }

                if (!Arns.TryParse(node.RoleArn, out var arn, out var error))
                {
                    Error(path, error);
                    continue;
                }

                if (arn.Kind != PrincipalKind.Role)
                {
                    Error(path, $"'{node.RoleArn}' is a user ARN; nodes authenticate with an IAM role (EKS takes only roles for EC2_LINUX, EC2_WINDOWS and FARGATE_LINUX entries)");
                    continue;
                }

                // EKS User Guide, "Create access entries": "Access entries do not support service linked roles."
                if (Arns.IsServiceLinkedRole(arn))
                {
                    var problem = $"'{node.RoleArn}' is a service-linked role (path {Arns.ServiceLinkedRolePath}), which EKS access entries do not support, so EKS refuses the node entry the stack writes for it; list the role the nodes' instance profile holds";
                    if (mode.UsesAccessEntries())
                    {
                        Error(path, problem);
                    }
                    else
                    {
                        Warning(path, problem + " (this CONFIG_MAP stack maps it in aws-auth only, but its migration to access entries will not take it)");
                    }
                }

                // EKS (Create access entries): an entry of any type but STANDARD must name a principal of the cluster's own account.
                if (aws.AccountId.Length > 0 && arn.AccountId != aws.AccountId)
                {
                    Error(path, $"'{node.RoleArn}' is in account {arn.AccountId}, not the cluster's account {aws.AccountId}; node and Fargate roles must be in the cluster's own account");
                }

                if (arn.Partition != aws.Partition && aws.Region.Length > 0)
                {
                    Error(path, $"'{node.RoleArn}' is in partition {arn.Partition}, but region {aws.Region} is in partition {aws.Partition}; use arn:{aws.Partition}:...");
                }

                var key = Arns.PrincipalKey(arn.Full);
                if (seen.TryGetValue(key, out var first))
                {
                    Error(path, $"'{node.RoleArn}' is listed twice (first at {first}); a role is one compute identity, mapped once");
                    continue;
                }

                seen.Add(key, path);
                if (createdKeys.IndexOf(key) is var mine and >= 0)
                {
                    Error(path, $"'{node.RoleArn}' is {created[mine].What} ({created[mine].Path}), which the stack creates and maps itself; remove this entry");
                }

                // A role mapped both as nodes and as a person is one aws-auth key with two meanings: the authenticator
                // keeps one of them, so either the nodes stop joining or the person gets node rights.
                if (FirstRoleMapping(key) is { } person)
                {
                    Error(path, $"'{node.RoleArn}' is also mapped as a person at {person.ArnPath} (username '{person.Username}'); a node role is mapped only as a node, so remove one of the two (people should assume a role of their own)");
                }
            }

            // The stack's extra node roles and Fargate roles are mapped as nodes: mapping one as a person is the same clash.
            for (var i = 0; i < identities.Count && created.Count > 2; i++)
            {
                var identity = identities[i];
                if (identity.Source != MappingSource.Existing || identity.Arn is not { Kind: PrincipalKind.Role } arn)
                {
                    continue;
                }

                var key = Arns.PrincipalKey(arn.Full);
                for (var c = 2; c < created.Count; c++)
                {
                    var own = created[c];
                    if (createdKeys[c] == key)
                    {
                        Error(identity.ArnPath, $"'{arn.Full}' is {own.What} ({own.Path}), which the stack maps as a node; remove this entry");
                        break;
                    }
                }
            }
        }

        /// <summary>The first identity whose ARN is the role of this <see cref="Arns.PrincipalKey"/>.</summary>
        private Identity? FirstRoleMapping(string key)
        {
            for (var i = 0; i < identities.Count; i++)
            {
                if (identities[i].Arn is { Kind: PrincipalKind.Role } arn && Arns.PrincipalKey(arn.Full) == key)
                {
                    return identities[i];
                }
            }

            return null;
        }

        private void Duplicates(IReadOnlyList<string> values, Func<int, string> pathOf, string what)
        {
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i].Length > 0 && !first.TryAdd(values[i], i))
                {
                    Error(pathOf(i), $"the {what} '{values[i]}' is listed twice (first at {pathOf(first[values[i]])}); remove one");
                }
            }
        }
    }
}
