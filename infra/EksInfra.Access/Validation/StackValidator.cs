using System.Text.RegularExpressions;
using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Platform;

namespace EksInfra.Access.Validation;

/// <summary>
/// Every rule about what a stack's config means, checked before anything is planned or rendered.
/// All findings are reported at once, each with its config path, what is wrong and what would be right.
/// </summary>
public static partial class StackValidator
{
    public static IReadOnlyList<Diagnostic> Validate(StackConfig config) => Validate(config, Identity.All(config));

    /// <summary>Validates with the identities already derived from <paramref name="config"/>, so each ARN is parsed once.</summary>
    public static IReadOnlyList<Diagnostic> Validate(StackConfig config, IReadOnlyList<Identity> identities) =>
        Validate(config, identities, Today());

    /// <summary>
    /// <paramref name="today"/> is the clock seam: the support rules for Kubernetes versions depend on the date,
    /// and tests pass a fixed one.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Validate(StackConfig config, IReadOnlyList<Identity> identities, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(config);
        var v = new Run(config, identities, today);
        v.Aws();
        v.Cluster();
        v.Access();
        v.Bag.AddRange(NamespaceValidator.Validate(config));
        v.Bag.AddRange(DeployRules.Validate(config));
        v.Bag.AddRange(ComputeValidator.Validate(config, identities, today));
        return v.Bag.ToSortedList();
    }

    /// <summary>The UTC date, the calendar AWS's support dates are in (EKS User Guide, "Amazon EKS Kubernetes release calendar").</summary>
    public static DateOnly Today() => DateOnly.FromDateTime(DateTime.UtcNow);

    // Patterns use [0-9] and \z: .NET's \d takes every script's digits and $ matches before a final newline.
    // A region's shape (AWS General Reference, "AWS Regions"); the regions themselves are EksRegions' table.
    [GeneratedRegex(@"^[a-z]{2}(-gov)?-[a-z]+-[0-9]+\z")]
    private static partial Regex RegionPattern();

    // The ISO partitions' regions (us-iso-east-1, us-isob-east-1, eu-isoe-west-1) and the AWS European Sovereign
    // Cloud's (aws-eusc: eusc-de-east-1).
    [GeneratedRegex(@"^([a-z]{2}-iso[a-z]?-|eusc-)")]
    private static partial Regex IsoRegionPattern();

    // EKS API Reference, CreateCluster, name: 1 to 100 characters, pattern ^[0-9A-Za-z][A-Za-z0-9\-_]*.
    [GeneratedRegex(@"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}\z")]
    private static partial Regex ClusterNamePattern();

    // EKS API Reference, CreateCluster, version: "The desired Kubernetes version", a minor version such as 1.35.
    [GeneratedRegex(@"^1\.[0-9]{2}\z")]
    internal static partial Regex VersionPattern();

    // EC2 resource ids: the prefix and 8 (older) or 17 hex characters (Amazon EC2 User Guide, "Resource IDs").
    [GeneratedRegex(@"^vpc-([0-9a-f]{8}|[0-9a-f]{17})\z")]
    private static partial Regex VpcIdPattern();

    [GeneratedRegex(@"^subnet-([0-9a-f]{8}|[0-9a-f]{17})\z")]
    internal static partial Regex SubnetIdPattern();

    private sealed class Run(StackConfig config, IReadOnlyList<Identity> identities, DateOnly today)
    {
        private readonly AccessSettings access = config.Access;
        private readonly AuthenticationMode mode = config.Access.Mode;

        // The region's partition, looked up once: every mapping's ARN is compared with it.
        private readonly string partition = config.Aws.Partition;

        public DiagnosticBag Bag { get; } = new();

        private string ModeText => mode.ToConfigValue();

        private void Error(string path, string message) => Bag.Error(path, message, config.LocationOf(path));

        private void Warning(string path, string message) => Bag.Warning(path, message, config.LocationOf(path));

        public void Aws()
        {
            var aws = config.Aws;
            if (IsoRegionPattern().IsMatch(aws.Region))
            {
                // This tool's rule: the plan names ARNs and endpoints before apply, and it knows only these partitions.
                Error(AwsSettings.RegionPath, $"'{aws.Region}' is in {(aws.Region.StartsWith("eusc-", StringComparison.Ordinal) ? "the AWS European Sovereign Cloud partition (aws-eusc)" : "an ISO partition")}, which this tool does not plan ARNs for (it knows {string.Join(", ", Arns.Partitions)})");
            }
            else if (aws.Region.Length > 0 && !RegionPattern().IsMatch(aws.Region))
            {
                Error(AwsSettings.RegionPath, $"'{aws.Region}' is not an AWS region name; expected one like us-west-2 or eu-central-1");
            }
            else if (aws.Region.Length > 0 && !EksRegions.IsEksRegion(aws.Region))
            {
                Error(AwsSettings.RegionPath, $"'{aws.Region}' is not a region where EKS runs (this tool's table of EKS regions, dated {EksRegions.TableDate:yyyy-MM-dd}){BinderSuggest(aws.Region, EksRegions.All.Keys)}; use one of them, or, if AWS has opened EKS there since, add the region to infra/EksInfra.Access/Platform/EksRegions.cs");
            }

            // This tool's rule (the AWS provider takes a list): the plan names every role ARN before apply, in one account.
            if (aws.AllowedAccountIds.Count != 1 && aws.AllowedAccountIds.Count > 0)
            {
                Error(AwsSettings.AllowedAccountIdsPath, $"lists {aws.AllowedAccountIds.Count} accounts; list exactly the one account this stack deploys into, since the plan names its role ARNs there (this tool's rule; principals of other accounts go in mapRoles and mapUsers)");
            }
            else if (aws.AllowedAccountIds.Count == 0 && config.LocationOf(AwsSettings.AllowedAccountIdsPath) is not null)
            {
                Error(AwsSettings.AllowedAccountIdsPath, "is empty; list the one account this stack deploys into, e.g. [\"123456789012\"]");
            }

            for (var i = 0; i < aws.AllowedAccountIds.Count; i++)
            {
                var id = aws.AllowedAccountIds[i];
                if (id.Length > 0 && !Arns.IsAccountId(id))
                {
                    Error($"{AwsSettings.AllowedAccountIdsPath}[{i}]", $"'{id}' is not an AWS account id; an account id is exactly 12 digits, quoted");
                }
            }
        }

        public void Cluster()
        {
            var c = config.Cluster;
            if (c.Name.Length > 0 && !ClusterNamePattern().IsMatch(c.Name))
            {
                Error($"{c.Path}.name", $"'{c.Name}' is not a valid EKS cluster name; use 1 to 100 letters, digits, '-' and '_', starting with a letter or digit");
            }

            if (c.Version is { } version && !VersionPattern().IsMatch(version))
            {
                Error($"{c.Path}.version", $"'{version}' is not a Kubernetes minor version; write it quoted as EKS names it, e.g. \"{EksVersions.NewestOn(today).Version}\"");
            }
            else if (c.Version is { } minor)
            {
                KubernetesVersion($"{c.Path}.version", minor);
            }

            RoleName(c.Path, "serviceRoleName", c.ServiceRoleName);
            RoleName(c.Path, "nodeRoleName", c.NodeRoleName);
            // IAM CreateRole: EntityAlreadyExists; role names are unique in an account, case-insensitively.
            if (string.Equals(c.ServiceRoleName, c.NodeRoleName, StringComparison.OrdinalIgnoreCase) && c.NodeRoleName.Length > 0)
            {
                Error($"{c.Path}.nodeRoleName", $"'{c.NodeRoleName}' is also the cluster service role's name; the node role needs its own name");
            }

            var net = c.Network;
            if (net.VpcId is { } vpc && !VpcIdPattern().IsMatch(vpc))
            {
                Error($"{c.Path}.vpcId", $"'{vpc}' is not a VPC id; expected vpc- and 8 or 17 hex digits");
            }

            foreach (var (key, ids) in new[] { ("privateSubnetIds", net.PrivateSubnetIds), ("publicSubnetIds", net.PublicSubnetIds) })
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    if (!SubnetIdPattern().IsMatch(ids[i]))
                    {
                        Error($"{c.Path}.{key}[{i}]", $"'{ids[i]}' is not a subnet id; expected subnet- and 8 or 17 hex digits");
                    }
                }

                Duplicates(ids, new ListPath(c.Path, key), "subnet");
            }

            // This tool's rule: the program passes subnets with their VPC (pulumi-eks would otherwise pick the default VPC's).
            if (net.VpcId is null && (net.PrivateSubnetIds.Count > 0 || net.PublicSubnetIds.Count > 0))
            {
                Error($"{c.Path}.vpcId", "required when subnets are given: set the VPC the subnets belong to (this tool's rule: the program passes subnets with their VPC)");
            }
            else if (net.VpcId is not null && net.PrivateSubnetIds.Count + net.PublicSubnetIds.Count == 0)
            {
                Error($"{c.Path}.privateSubnetIds", "a cluster in your own VPC needs its subnets: set privateSubnetIds (and publicSubnetIds for public load balancers)");
            }
            else if (net.PrivateSubnetIds.Concat(net.PublicSubnetIds).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).Count() == 1)
            {
                // EKS API Reference, CreateCluster resourcesVpcConfig, and EKS User Guide, "View Amazon EKS networking
                // requirements for VPC and subnets": at least two subnets in different Availability Zones. Which zone a
                // subnet is in needs EC2; the count is what can be checked offline.
                var key = net.PrivateSubnetIds.Count > 0 ? "privateSubnetIds" : "publicSubnetIds";
                Error($"{c.Path}.{key}", "lists one subnet; EKS creates a cluster only with subnets in at least two Availability Zones, so add a subnet of another zone");
            }

            // EKS API Reference, VpcConfigRequest: EKS refuses a cluster with both endpoint accesses disabled.
            if (!net.EndpointPublicAccess && !net.EndpointPrivateAccess)
            {
                Error($"{c.Path}.endpointPublicAccess", "both endpointPublicAccess and endpointPrivateAccess are false, so nothing could reach the API server; enable at least one");
            }
        }

        /// <summary>
        /// EKS creates clusters on a version in standard or extended support only, and upgrades a control plane whose
        /// extended support has ended (EKS User Guide, "Understand the Kubernetes version lifecycle on EKS").
        /// </summary>
        private void KubernetesVersion(string path, string version)
        {
            var newest = EksVersions.NewestOn(today);
            var known = EksVersions.Find(version);
            if (known is null)
            {
                var minor = int.Parse(version.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
                if (minor < EksVersions.All.Min(v => v.Minor))
                {
                    Error(path, $"Kubernetes {version} is no longer offered by EKS: its extended support ended before {EksVersions.All.MinBy(v => v.Minor)!.EndOfExtendedSupport:yyyy-MM-dd}; use {newest.Version} (standard support until {newest.EndOfStandardSupport:yyyy-MM-dd})");
                }
                else
                {
                    // Newer than the table: EKS may offer it by now, so this is not refused; the table needs a row.
                    Warning(path, $"Kubernetes {version} is not in this tool's table of EKS versions (dated {EksVersions.TableDate:yyyy-MM-dd}, newest {newest.Version}); if EKS offers it (`aws eks describe-cluster-versions`), add its dates to infra/EksInfra.Access/Platform/EksVersions.cs");
                }

                return;
            }

            switch (EksVersions.SupportOn(known, today))
            {
                case EksSupport.Ended:
                    Error(path, $"Kubernetes {version} reached the end of EKS extended support on {known.EndOfExtendedSupport:yyyy-MM-dd}: EKS creates no cluster on it and upgrades existing control planes by itself; use {newest.Version} (standard support until {newest.EndOfStandardSupport:yyyy-MM-dd})");
                    break;
                case EksSupport.Extended:
                    Warning(path, $"Kubernetes {version} is in EKS extended support since {known.EndOfStandardSupport:yyyy-MM-dd} (billed per cluster hour) until {known.EndOfExtendedSupport:yyyy-MM-dd}, when EKS upgrades it by itself; move to {newest.Version} (standard support until {newest.EndOfStandardSupport:yyyy-MM-dd})");
                    break;
            }
        }

        public void Access()
        {
            var aws = config.Aws;
            var declaredGroups = access.Groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
            var definedClusterRoles = access.ClusterRoles.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var usedGroups = new HashSet<string>(StringComparer.Ordinal);
            // The config path that names each role, as owner and key: the path string is built only for a diagnostic.
            var createdRoleNames = new Dictionary<string, (ItemPath Owner, string Key)>(access.Roles.Count + 2, StringComparer.OrdinalIgnoreCase)
            {
                [config.Cluster.ServiceRoleName] = (config.Cluster.Path, "serviceRoleName"),
                [config.Cluster.NodeRoleName] = (config.Cluster.Path, "nodeRoleName"),
            };
            var partitionPrefix = $"arn:{partition}:";

            foreach (var role in access.Roles)
            {
                RoleName(role.Item, "name", role.Name);
                // IAM User Guide, "IAM identifiers": role names are unique in an account and not distinguished by case.
                if (role.Name.Length > 0 && !createdRoleNames.TryAdd(role.Name, (role.Item, "name")))
                {
                    var (owner, key) = createdRoleNames[role.Name];
                    Error($"{role.Path}.name", $"the IAM role name '{role.Name}' is already used by {owner}.{key}; IAM role names are unique in an account (case-insensitively), so pick another");
                }

                if (!Arns.IsValidIamPath(role.IamPath))
                {
                    Error($"{role.Path}.path", $"'{role.IamPath}' is not an IAM path; write '/' or '/segment/.../' (starting and ending with '/')");
                }
                // IAM CreateRole answers InvalidInput "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles".
                else if (role.IamPath.StartsWith(Arns.ServiceLinkedRolePath, StringComparison.Ordinal))
                {
                    Error($"{role.Path}.path", $"'{role.IamPath}' starts with {Arns.ServiceLinkedRolePath}, which IAM keeps for service-linked roles and refuses in CreateRole; choose another path");
                }

                for (var i = 0; i < role.AssumedBy.Count; i++)
                {
                    var principal = role.AssumedBy[i];
                    // IAM User Guide, "AWS JSON policy elements: Principal": an account, a role or a user ARN (the tool
                    // offers these three; IAM refuses an ARN that names no principal with MalformedPolicyDocument).
                    if (Arns.IsAccountId(principal))
                    {
                        // IAM takes a bare account id in a policy's Principal and stores it as the account's root ARN.
                        Error($"{role.Path}.assumedBy[{i}]", $"'{principal}' is an account id; write it as arn:{partition}:iam::{principal}:root, the form IAM stores it in (this tool's rule: assumedBy lists who may assume the role as ARNs: an account root, a role or a user)");
                    }
                    else if (!Arns.IsTrustPrincipal(principal, out var error))
                    {
                        Error($"{role.Path}.assumedBy[{i}]", error + "; assumedBy lists who may assume the role: an account root (arn:aws:iam::ACCOUNT:root), a role or a user");
                    }
                    else if (!principal.StartsWith(partitionPrefix, StringComparison.Ordinal) && aws.Region.Length > 0)
                    {
                        Error($"{role.Path}.assumedBy[{i}]", $"'{principal}' is in another partition than region {aws.Region} ({partition}), and IAM refuses such a trust policy; use arn:{partition}:iam::...");
                    }
                    else if (principal.Contains(Arns.IdentityCenterRolePrefix, StringComparison.Ordinal) && Arns.TryParse(principal, out var trusted, out _) && Arns.IsIdentityCenterRoleWithoutPath(trusted))
                    {
                        // IAM turns a trust policy's principal into its unique id, so one that names no role is refused
                        // ("Invalid principal in policy"), in every mode: a trust policy has no aws-auth form.
                        Error($"{role.Path}.assumedBy[{i}]", $"'{principal}' is an IAM Identity Center role written without its path, as aws-auth shows it, which names no role, and IAM refuses the trust policy (\"Invalid principal in policy\"); write the ARN IAM has ({Arns.IdentityCenterRoleArnText(trusted)})");
                    }
                    else if (Arns.TryGetAccount(principal, out var account) && !IsAllowedAccount(account))
                    {
                        Warning($"{role.Path}.assumedBy[{i}]", $"'{principal}' is in account {account}, outside {AwsSettings.AllowedAccountIdsPath}: principals of that account may assume '{role.Name}' and get its Kubernetes access");
                    }
                    else if (TrustOfStackRole(role, principal) is { } problem)
                    {
                        Error($"{role.Path}.assumedBy[{i}]", problem);
                    }
                }

                Duplicates(role.AssumedBy, new ListPath(role.Item, "assumedBy"), "principal");
                // IAM API Reference, CreateRole MaxSessionDuration: 3600 to 43200 seconds.
                if (role.MaxSessionDuration is { } seconds and (< 3600 or > 43200))
                {
                    Error($"{role.Path}.maxSessionDuration", $"is {seconds}; IAM allows 3600 to 43200 seconds (1 to 12 hours)");
                }
            }

            foreach (var identity in identities)
            {
                if (identity.Source == MappingSource.Existing)
                {
                    MappingArn(identity, aws);
                }
            }

            // IAM names are unique per kind in an account whatever the path, so the path-free ARN names the principal:
            // the first identity of each name. Another full ARN of a name seen (another path) is rare; its first
            // identity is kept beside, so "the first with this full ARN" is either the first of its name or that one.
            var firstOfName = new Dictionary<string, Identity>(identities.Count, StringComparer.OrdinalIgnoreCase);
            Dictionary<string, Identity>? firstOfOtherFullArn = null;
            var nodeArn = Arns.StripPath(Arns.RoleArn(partition, aws.AccountId, "/", config.Cluster.NodeRoleName));
            var serviceArn = Arns.StripPath(Arns.RoleArn(partition, aws.AccountId, "/", config.Cluster.ServiceRoleName));
            foreach (var identity in identities)
            {
                if (identity.Arn is { } arn)
                {
                    var byName = arn.WithoutPath;
                    var nameSeen = firstOfName.TryGetValue(byName, out var firstByName);
                    // Equal full ARNs (ignoring case) have equal names (a name holds no '/', so both paths end at the same
                    // place), so a full ARN seen before was seen under this name.
                    var first = !nameSeen ? null
                        : string.Equals(firstByName!.Arn!.Full, arn.Full, StringComparison.OrdinalIgnoreCase) ? firstByName
                        : firstOfOtherFullArn?.GetValueOrDefault(arn.Full);
                    // aws-iam-authenticator keys mappings by lower-cased ARN (pkg/mapper/configmap saveMap), so a second
                    // node-role mapping would replace the stack's; in access-entry modes EKS made the node role's entry.
                    if (identity.Source == MappingSource.Existing && string.Equals(byName, nodeArn, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(identity.ArnPath, $"'{arn.Full}' is the stack's node role ({config.Cluster.Path}.nodeRoleName), which the stack maps itself with username {KubernetesNames.NodeUsername}; remove this entry");
                    }
                    else if (identity.Source == MappingSource.Existing && string.Equals(byName, serviceArn, StringComparison.OrdinalIgnoreCase))
                    {
                        // This tool's rule: EKS would map it, but its trust lets eks.amazonaws.com assume it, not people.
                        Error(identity.ArnPath, $"'{arn.Full}' is the cluster's service role, which EKS itself assumes; it must not be mapped to a Kubernetes identity (this tool's rule: whoever could assume it would also hold its AWS permissions)");
                    }
                    // EKS User Guide, "Create access entries": "An IAM principal can't be included in more than one access
                    // entry"; in aws-auth the later mapping silently replaces the first (the authenticator's map).
                    else if (first is not null)
                    {
                        // Two created roles with one name are reported once, by the role-name rule above.
                        if (first.Source != MappingSource.CreatedRole || identity.Source != MappingSource.CreatedRole)
                        {
                            Error(identity.ArnPath, DuplicateMessage(arn.Full, first, identity));
                        }
                    }
                    else if (nameSeen)
                    {
                        Error(identity.ArnPath, identity.Kind == PrincipalKind.Role
                            ? $"'{arn.Full}' and {firstByName!.ArnPath} ('{firstByName.Arn!.Full}') name the same role: IAM role names are unique whatever the path, and aws-auth keys both as '{byName}'; keep one"
                            : $"'{arn.Full}' and {firstByName!.ArnPath} ('{firstByName.Arn!.Full}') name the same user: IAM user names are unique whatever the path; keep one");
                    }

                    if (!nameSeen)
                    {
                        firstOfName.Add(byName, identity);
                    }
                    else if (first is null)
                    {
                        (firstOfOtherFullArn ??= new(StringComparer.OrdinalIgnoreCase)).Add(arn.Full, identity);
                    }
                }

                // A created role on that path is refused with its path already: IAM would not create it.
                if (identity.Arn is { } principal && identity.Source != MappingSource.CreatedRole && Arns.IsServiceLinkedRole(principal))
                {
                    AccessEntryRule(identity.ArnPath, $"'{principal.Full}' is a service-linked role (path {Arns.ServiceLinkedRolePath}), which EKS access entries do not support; map the role people or CI assume instead");
                }

                // EKS User Guide, "Create access entries": an access entry names an existing principal, with its path, while
                // aws-auth shows a role without one. IAM Identity Center's roles all live under its path, so the form aws-auth
                // shows names no role, and CreateAccessEntry refuses it ("The specified principalArn is invalid").
                if (identity.Arn is { } sso && identity.Source != MappingSource.CreatedRole && Arns.IsIdentityCenterRoleWithoutPath(sso))
                {
                    AccessEntryRule(identity.ArnPath, $"'{sso.Full}' is an IAM Identity Center role written without its path, as aws-auth shows it; an access entry needs the ARN IAM has ({Arns.IdentityCenterRoleArnText(sso)}); write it so, and aws-auth still gets it without the path");
                }

                Username(identity);
                Groups(identity, declaredGroups, usedGroups);
                AccessPolicies(identity);
                if (identity.Groups.Count == 0 && identity.AccessPolicies.Count == 0)
                {
                    Error($"{identity.Path}.groups", $"the {identity.KindName} is mapped to username '{identity.Username}' but given no groups{(mode.UsesAccessEntries() ? " and no accessPolicies" : "")}, so it could sign in and do nothing; add groups (declared under {access.Path}.groups) or remove the entry");
                }
            }

            AssumedRole();
            Deployer();
            ExternalGroups(usedGroups);
            MapAccounts();
            ClusterAdmins(identities, declaredGroups);
            GroupDeclarations(definedClusterRoles, usedGroups);
            ClusterRoleDefinitions(declaredGroups.Values);
            LogicalNameClashes();
        }

        /// <summary>Names that differ only in case or punctuation would become one Pulumi resource; Pulumi would refuse the stack.</summary>
        private void LogicalNameClashes()
        {
            var c = config.Cluster;
            var roles = new LogicalNameIndex(this, "IAM role", access.Roles.Count + 2, namesFoldCase: true);
            AddRoleName(roles, new ConfigRef(c.Path, "serviceRoleName"), c.ServiceRoleName);
            AddRoleName(roles, new ConfigRef(c.Path, "nodeRoleName"), c.NodeRoleName);
            foreach (var role in access.Roles)
            {
                AddRoleName(roles, new ConfigRef(role.Item, "name"), role.Name);
            }

            var clusterRoles = new LogicalNameIndex(this, "ClusterRole", access.ClusterRoles.Count + 1);
            foreach (var role in access.ClusterRoles)
            {
                clusterRoles.Add(new ConfigRef(role.Path), role.Name, LogicalNames.ClusterRole(role.Name));
            }

            clusterRoles.Add(new ConfigRef(access.Path, "clusterRoles"), BuiltInRoles.ReadOnlyName, LogicalNames.ClusterRole(BuiltInRoles.ReadOnlyName));
            var groupBindings = new LogicalNameIndex(this, "group binding", access.Groups.Count);
            foreach (var group in access.Groups)
            {
                if (group.Namespaces.Count == 0)
                {
                    groupBindings.Add(new ConfigRef(group.Path), group.Name, LogicalNames.ClusterRoleBinding(group.Name));
                }
            }

            var namespaceBindings = new LogicalNameIndex(this, "namespace binding", access.Groups.Count);
            foreach (var group in access.Groups)
            {
                for (var i = 0; i < group.Namespaces.Count; i++)
                {
                    var ns = group.Namespaces[i];
                    namespaceBindings.Add(new ConfigRef(group.Path, "namespaces", i), $"{group.Name} in {ns}", LogicalNames.RoleBinding(ns, group.Name));
                }
            }

            static void AddRoleName(LogicalNameIndex roles, ConfigRef where, string name)
            {
                if (name.Length > 0)
                {
                    roles.Add(where, name, LogicalNames.Role(name));
                }
            }
        }

        /// <summary>
        /// The first config name of each Pulumi logical name, to report a later one that folds into it.
        /// <paramref name="namesFoldCase"/>: names equal but for case are one name (IAM), reported by its own rule.
        /// </summary>
        private sealed class LogicalNameIndex(Run run, string what, int capacity, bool namesFoldCase = false)
        {
            private readonly Dictionary<string, (ConfigRef Where, string Name)> first = new(capacity, StringComparer.Ordinal);

            public void Add(ConfigRef where, string name, string logical)
            {
                if (!first.TryAdd(logical, (where, name)) && !string.Equals(first[logical].Name, name, namesFoldCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                {
                    var (firstWhere, firstName) = first[logical];
                    run.Error(where.Path, $"the {what} '{name}' and '{firstName}' ({firstWhere.Path}) would both be the Pulumi resource '{logical}': its name is built from theirs in kebab case, where names that differ only in case or punctuation fold together and a namespace runs into a group with '-' between them; rename one");
                }
            }
        }

        private bool IsAllowedAccount(ReadOnlySpan<char> account)
        {
            var allowed = config.Aws.AllowedAccountIds;
            for (var i = 0; i < allowed.Count; i++)
            {
                if (account.SequenceEqual(allowed[i]))
                {
                    return true;
                }
            }

            return false;
        }

        private static string DuplicateMessage(string arn, Identity first, Identity again) =>
            first.Source == MappingSource.CreatedRole || again.Source == MappingSource.CreatedRole
                ? $"'{arn}' is both created by this stack ({(first.Source == MappingSource.CreatedRole ? first.Path : again.Path)}) and mapped again; a created role is mapped already, so remove the mapRoles entry"
                : $"'{arn}' is mapped twice (first at {first.ArnPath}); a principal gets one username and one set of groups, so merge the two entries";

        /// <summary>Checks a mapping's ARN with the parse <see cref="Identity.All"/> made; only a failed one is parsed again, for its message.</summary>
        private void MappingArn(Identity mapping, AwsSettings aws)
        {
            var text = mapping.ArnText;
            if (text.Length == 0)
            {
                return;
            }

            if (mapping.Arn is not { } arn)
            {
                if (!Arns.TryParse(text, out var parsed, out var error))
                {
                    Error(mapping.ArnPath, error);
                }
                else if (parsed.Kind != mapping.Kind)
                {
                    Error(mapping.ArnPath, mapping.Kind == PrincipalKind.Role
                        ? $"'{text}' is a user ARN; IAM users go under {access.Path}.mapUsers with 'userarn'"
                        : $"'{text}' is a role ARN; IAM roles go under {access.Path}.mapRoles with 'rolearn'");
                }

                return;
            }

            // EKS User Guide, "Create access entries": a STANDARD entry's ARN "can be in the same, or different, AWS
            // account than the account that your cluster is in"; aws-auth matches any account's ARN. Allowed, and said.
            if (aws.AccountId.Length > 0 && arn.AccountId != aws.AccountId && !aws.AllowedAccountIds.Contains(arn.AccountId))
            {
                Warning(mapping.ArnPath, $"'{text}' is in account {arn.AccountId}, not the account this stack deploys into ({string.Join(", ", aws.AllowedAccountIds)}): whoever controls that account's {(arn.Kind == PrincipalKind.Role ? "role" : "user")} gets this access; EKS accepts it (a STANDARD access entry may name another account's principal), so check the account id is the one you mean");
            }

            // A principal signs in through STS of its own partition, and the cluster's authenticator only sees its own.
            if (arn.Partition != partition && config.Aws.Region.Length > 0)
            {
                Error(mapping.ArnPath, $"'{text}' is in partition {arn.Partition}, but region {config.Aws.Region} is in partition {partition}; use arn:{partition}:...");
            }
        }

        private void Username(Identity identity)
        {
            var name = identity.Username;
            if (name.Length == 0)
            {
                return;
            }

            if (ReadByGoYamlAsNumber(name, Rendering.PulumiEksAwsAuth.ValueLevel))
            {
                AwsAuthReadsAsNumber($"{identity.Path}.username", name, "username");
            }

            for (var start = 0; KubernetesNames.NextTemplate(name, ref start, out var found);)
            {
                var template = name.AsSpan()[found];
                if (!IsUsernameTemplate(template))
                {
                    Error(UsernamePath(), $"'{template}' is not a username template; the templates are {string.Join(", ", KubernetesNames.UsernameTemplates)} (names are case-sensitive)");
                }
                // aws-iam-authenticator pkg/server/server.go renderTemplate: {{EC2PrivateDNSName}} needs a session name that is
                // an EC2 instance id (it asks EC2 for the instance's DNS name), which only a node's session has.
                else if (template.SequenceEqual(Ec2PrivateDnsNameTemplate))
                {
                    Error(UsernamePath(), "{{EC2PrivateDNSName}} is for node roles only, and the stack maps its node role itself; list a Karpenter or self-managed node role under eks-infra:access.nodeRoles (kind linux or windows), and use {{SessionName}} for people and CI");
                }
                // The same renderTemplate: session names come from an assumed-role ARN; a user's ARN has none.
                else if (template is "{{SessionName}}" or "{{SessionNameRaw}}" && identity.Kind == PrincipalKind.User)
                {
                    Error(UsernamePath(), $"{template} is set only when a role is assumed; an IAM user has no session name, so use a fixed username or {{{{AccessKeyID}}}}");
                }
                // EKS User Guide, "Create access entries": an access entry's username takes {{SessionName}}; the guide names
                // no other template. Whether EKS accepts and renders the authenticator's others there is not documented.
                else if (mode.UsesAccessEntries() && !template.SequenceEqual("{{SessionName}}"))
                {
                    Warning(UsernamePath(), $"{template} is an aws-auth template; for access entries EKS documents only {{{{SessionName}}}} in a username, and whether CreateAccessEntry accepts {template} and renders it is not documented: the entry may be refused, or keep {template} as written so RBAC bindings to the rendered name would not match; use {{{{SessionName}}}} or check the username EKS gives on a test cluster (kubectl auth whoami)");
                }
            }

            List<string>? accessEntryProblems = null;
            string? reserved = null;
            var prefixes = KubernetesNames.ReservedUsernamePrefixes;
            for (var i = 0; i < prefixes.Count; i++)
            {
                var prefix = prefixes[i];
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    reserved = prefix;
                    break;
                }
            }

            // aws-iam-authenticator's ConfigMapMapper reserves no username prefix (UsernamePrefixReserveList is empty), so
            // through aws-auth a principal takes any name, and Kubernetes and EKS bind their own components by name:
            // system:kube-controller-manager, system:serviceaccount:kube-system:*, eks:addon-manager. In every mode.
            if (reserved is "system:" or "eks:")
            {
                Error(UsernamePath(), $"'{name}' starts with '{reserved}', the prefix of the names {(reserved == "eks:" ? "EKS gives its own components (eks:addon-manager, eks:node-manager)" : "Kubernetes gives its own components and service accounts (system:kube-controller-manager, system:serviceaccount:NAMESPACE:NAME)")}: aws-auth takes any username, so the principal would get whatever the cluster binds to that name, outside this model, and EKS access entries refuse the prefix; choose a username such as {UsernameWithout(name, reserved)}");
            }
            else if (reserved is not null)
            {
                (accessEntryProblems ??= []).Add($"'{name}' starts with '{reserved}', a prefix EKS access entries refuse ({string.Join(", ", KubernetesNames.ReservedUsernamePrefixes)}); choose a username such as {UsernameWithout(name, reserved)}");
            }

            var sessionTemplates = KubernetesNames.SessionTemplates;
            for (var i = 0; i < sessionTemplates.Count; i++)
            {
                var template = sessionTemplates[i];
                var session = name.IndexOf(template, StringComparison.Ordinal);
                if (session >= 0 && name.LastIndexOf(':', session) < 0)
                {
                    (accessEntryProblems ??= []).Add($"'{name}' uses {template} with no ':' before it, which EKS access entries refuse; prefix it, e.g. 'sso:{name}'");
                }
            }

            if (accessEntryProblems is null)
            {
                return;
            }

            foreach (var problem in accessEntryProblems)
            {
                AccessEntryRule(UsernamePath(), problem);
            }

            string UsernamePath() => $"{identity.Path}.username";
        }

        private const string Ec2PrivateDnsNameTemplate = "{{EC2PrivateDNSName}}";

        /// <summary>The username with its reserved prefix taken off, quoted, or an example when nothing is left.</summary>
        private static string UsernameWithout(string name, string prefix) =>
            name[prefix.Length..].TrimStart(':') is { Length: > 0 } rest ? $"'{rest}'" : "'ci-deployer' (a name of your own)";

        /// <summary>
        /// Why <paramref name="role"/> may not trust <paramref name="principal"/>, a role of this stack, or null. IAM resolves a
        /// trust policy's principals when the policy is saved (CreateRole, UpdateAssumeRolePolicy) and refuses one that names
        /// no role ("Invalid principal in policy"), so a created role is named by its exact ARN, never by itself, and never
        /// in a loop. The cluster's own roles are held by EKS and by whatever runs on its nodes, so trusting one would hand
        /// this role's Kubernetes access to every pod that reaches a node's instance metadata (this tool's rule).
        /// </summary>
        private string? TrustOfStackRole(CreatedRoleSettings role, string principal)
        {
            if (RoleOfThisAccount(principal) is not { } arn)
            {
                return null;
            }

            if (StackComputeRole(arn) is { } what)
            {
                return $"'{principal}' is {what}: whatever holds it could assume '{role.Name}' and get its Kubernetes access (this tool's rule); trust the roles people or CI assume instead";
            }

            if (CreatedRoleNamed(arn) is not { } trusted)
            {
                return null;
            }

            if (trusted == role)
            {
                return $"'{role.Name}' cannot trust itself: IAM refuses a trust policy whose principal does not exist yet, and the role does not exist until it is created; trust the principals that assume it";
            }

            var exact = Arns.RoleArn(partition, config.Aws.AccountId, trusted.IamPath, trusted.Name);
            if (principal != exact)
            {
                return $"'{principal}' names the role '{trusted.Name}' this stack creates, whose ARN is '{exact}': IAM refuses a trust policy principal that names no role, so write that ARN exactly";
            }

            return TrustLoopsBack(trusted, role, [])
                ? $"'{trusted.Name}' trusts '{role.Name}' in turn (directly or through other roles of this stack): IAM needs a trusted role to exist before the role that trusts it, so neither can be created first; drop one direction"
                : null;
        }

        /// <summary>Whether <paramref name="from"/>, through the trust of the roles it trusts in turn, trusts <paramref name="target"/>.</summary>
        private bool TrustLoopsBack(CreatedRoleSettings from, CreatedRoleSettings target, HashSet<CreatedRoleSettings> seen)
        {
            if (!seen.Add(from))
            {
                return false;
            }

            foreach (var principal in from.AssumedBy)
            {
                if (RoleOfThisAccount(principal) is { } arn && CreatedRoleNamed(arn) is { } next
                    && next != from && (next == target || TrustLoopsBack(next, target, seen)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The role ARN <paramref name="principal"/> is, when it is one of the account this stack deploys into.</summary>
        private IamArn? RoleOfThisAccount(string principal) =>
            Arns.TryParse(principal, out var arn, out _) && arn.Kind == PrincipalKind.Role && arn.AccountId == config.Aws.AccountId ? arn : null;

        /// <summary>The role of <c>roles</c> that <paramref name="arn"/> names (by name: IAM role names are unique in an account, ignoring case).</summary>
        private CreatedRoleSettings? CreatedRoleNamed(IamArn arn) =>
            access.Roles.FirstOrDefault(r => string.Equals(r.Name, arn.Name, StringComparison.OrdinalIgnoreCase));

        /// <summary>What a role of the cluster itself is, when <paramref name="arn"/> names one (by name: IAM names are unique in an account).</summary>
        private string? StackComputeRole(IamArn arn)
        {
            var cluster = config.Cluster;
            bool Is(string name) => string.Equals(arn.Name, name, StringComparison.OrdinalIgnoreCase);
            if (Is(cluster.ServiceRoleName))
            {
                return "the cluster's service role, which EKS itself assumes";
            }

            if (Is(cluster.NodeRoleName) || cluster.Compute.ExtraNodeRoles.Any(r => Is(r.Name)) || access.NodeRoles.Any(r => Arns.TryParse(r.RoleArn, out var node, out _) && Is(node.Name)))
            {
                return "a node role of this cluster, which every node holds, and with it any pod that reaches the node's instance metadata";
            }

            return cluster.Compute.FargateProfiles.Any(p => Is(p.PodExecutionRoleName))
                ? "a Fargate pod execution role of this cluster, which EKS Fargate assumes for pods"
                : null;
        }

        private static bool IsUsernameTemplate(ReadOnlySpan<char> template)
        {
            var templates = KubernetesNames.UsernameTemplates;
            for (var i = 0; i < templates.Count; i++)
            {
                if (template.SequenceEqual(templates[i]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A rule of EKS access entries: an error where the mode has them, a warning in CONFIG_MAP (its migration will meet it).</summary>
        private void AccessEntryRule(string path, string problem)
        {
            if (mode.UsesAccessEntries())
            {
                Error(path, problem);
            }
            else
            {
                Warning(path, problem + " (this CONFIG_MAP stack accepts it, but its migration to access entries will not)");
            }
        }

        /// <summary>
        /// pulumi-eks writes aws-auth with js-yaml, which leaves plain what YAML 1.2 reads as text; the authenticator reads
        /// it with go-yaml (ParseMap, sigs.k8s.io/yaml), which takes some of that text ('1_000', '-_1') for a number, and
        /// its JSON decode then drops the field ("Only saving data that was good"). Where access entries exist, the entry wins.
        /// </summary>
        private bool ReadByGoYamlAsNumber(string value, int level) =>
            // The number test first: it looks at the first character of most names only, where js-yaml's choice costs more.
            mode != AuthenticationMode.Api && Rendering.Yaml.GoYamlReadsAsNumber(value) && Rendering.PulumiEksAwsAuth.Scalar(value, level) == value;

        private void AwsAuthReadsAsNumber(string path, string value, string what)
        {
            var message = $"'{value}' goes into aws-auth unquoted (pulumi-eks writes it with js-yaml), and the cluster's authenticator reads it with go-yaml, which drops the underscores and takes it for a number: the mapping would lose this {what}; choose a name that is no number to go-yaml, such as 'x{value}'";
            if (mode == AuthenticationMode.ConfigMap)
            {
                Error(path, message);
            }
            else
            {
                Warning(path, message + " (the access entry, which EKS uses over aws-auth, keeps it)");
            }
        }

        private void Groups(Identity identity, Dictionary<string, GroupSettings> declared, HashSet<string> used)
        {
            for (var i = 0; i < identity.Groups.Count; i++)
            {
                var group = identity.Groups[i];
                var index = i;
                string path() => $"{identity.Path}.groups[{index}]";
                // Kubernetes pkg/apis/rbac/validation validateRoleBindingSubject: "group name cannot be empty".
                if (group.Length == 0)
                {
                    Error(path(), "is empty; name a Kubernetes group");
                    continue;
                }

                if (ReadByGoYamlAsNumber(group, Rendering.PulumiEksAwsAuth.GroupLevel))
                {
                    AwsAuthReadsAsNumber(path(), group, "group");
                }

                // aws-iam-authenticator pkg/server/server.go renderTemplates renders every group as it renders the username,
                // and renderTemplate fails on {{EC2PrivateDNSName}} unless the session name is an EC2 instance id: the
                // whole mapping fails then, username and every group. Where access entries exist, the entry wins over aws-auth,
                // and EKS documents templates in entries for usernames only.
                if (group.Contains(Ec2PrivateDnsNameTemplate, StringComparison.Ordinal))
                {
                    const string fails = "which aws-iam-authenticator fills in an aws-auth group only for a node's session (an EC2 instance id) and, for anyone else, refuses the whole mapping";
                    if (mode == AuthenticationMode.ConfigMap)
                    {
                        Error(path(), $"'{group}' holds {Ec2PrivateDnsNameTemplate}, {fails}: this principal could not sign in at all; remove the template from the group");
                        used.Add(group);
                        continue;
                    }

                    Warning(path(), $"'{group}' holds {Ec2PrivateDnsNameTemplate}, {fails}; here the access entry, which wins over aws-auth, is what the principal signs in with, and EKS documents templates in entries for usernames only: if EKS fills this one as aws-auth does, the principal could not sign in; remove the template from the group");
                }

                if (group == KubernetesNames.SystemMasters)
                {
                    Warning(path(), mode.UsesAccessEntries()
                        ? $"'{identity.Username}' gets system:masters, which its access entry (used over aws-auth) carries as AmazonEKSClusterAdminPolicy at cluster scope: full cluster admin{(mode == AuthenticationMode.ApiAndConfigMap ? ", and aws-auth's system:masters, which bypasses RBAC, stays behind it until the mode moves to API" : "")}"
                        : $"'{identity.Username}' gets system:masters: full cluster admin that bypasses RBAC and cannot be trimmed later");
                    continue;
                }

                // EKS CreateAccessEntry answers InvalidParameterException "The kubernetes group name system:masters is invalid,
                // it cannot start with system:" (quoted in terraform-aws-modules/terraform-aws-eks#2915; the console says the same).
                if (KubernetesNames.IsSystemGroup(group))
                {
                    if (mode.UsesAccessEntries())
                    {
                        Error(path(), $"'{group}' is a Kubernetes system group; EKS access entries refuse groups starting with 'system:' (in {ModeText} every mapping is also an access entry); bind a group of your own under {access.Path}.groups instead");
                    }
                    else
                    {
                        Warning(path(), $"'{group}' is a Kubernetes system group: it grants what Kubernetes gives that group, outside this model's RBAC, and access entries will refuse it when the mode moves on");
                    }

                    continue;
                }

                // Kubernetes takes any non-empty group name; only a group this tool binds needs one fit for a binding's name.
                if (!access.ExternalGroupNames.Contains(group) && !KubernetesNames.IsValidGroupName(group))
                {
                    Error(path(), GroupNameMessage(group));
                    continue;
                }

                used.Add(group);
                // This tool's rule: Kubernetes and EKS accept a group nobody binds (EKS "doesn't confirm that any
                // Kubernetes RBAC objects ... include any of the group names"); it grants nothing, so it is refused
                // unless the config says another tool binds it.
                if (!declared.ContainsKey(group) && !access.ExternalGroupNames.Contains(group))
                {
                    Error(path(), $"the group '{group}' is mapped but bound to nothing, so it grants nothing (this tool's rule: Kubernetes would accept it silently); declare it under {access.Path}.groups.{group} with a clusterRole (and namespaces to scope it), or, if another tool (GitOps) binds it, list it under {access.Path}.externalGroups{BinderSuggest(group, declared.Keys)}");
                }
            }

            Duplicates(identity.Groups, new ListPath(identity.Item, "groups"), "group");
        }

        private static string BinderSuggest(string key, IEnumerable<string> known) => Config.StackBinder.Suggest(key, known);

        private static string GroupNameMessage(string group) =>
            $"'{group}' holds '/' or '%': this tool names the group's binding 'eks-infra:{group}', and Kubernetes refuses those characters in an object name (a path segment name); rename the group";

        private void AccessPolicies(Identity identity)
        {
            var policies = new ListPath(identity.Item, "accessPolicies");
            for (var i = 0; i < identity.AccessPolicies.Count; i++)
            {
                var policy = identity.AccessPolicies[i];
                var path = policies.Of(i);
                if (!mode.UsesAccessEntries())
                {
                    Error(path, $"access policies belong to EKS access entries, which a {ModeText} cluster does not have; move authenticationMode to API_AND_CONFIG_MAP (see `eksinfra migrate`) or grant through groups");
                    continue;
                }

                var use = AccessPolicyUse.People;
                if (policy.Policy.Length > 0 && !EksAccessPolicyTable.All.TryGetValue(policy.Policy, out use))
                {
                    Error($"{path}.policy", $"'{policy.Policy}' is not an EKS access policy (this tool's table of them, dated {EksAccessPolicyTable.TableDate:yyyy-MM-dd}){BinderSuggest(policy.Policy, EksAccessPolicyTable.All.Keys)}; use one of {string.Join(", ", EksAccessPolicies.Known)}, or, if `aws eks list-access-policies` lists it, add it to infra/EksInfra.Access/Platform/EksAccessPolicyTable.cs");
                }
                else if (use == AccessPolicyUse.ServiceLinkedRolesOnly)
                {
                    Error($"{path}.policy", $"'{policy.Policy}' is designated for AWS service-linked roles only, and EKS refuses it for any other principal; use one of {string.Join(", ", EksAccessPolicies.Known)}");
                }
                else if (use == AccessPolicyUse.EksComponents)
                {
                    Warning($"{path}.policy", $"'{policy.Policy}' is meant for the roles of EKS's own components and of other AWS services (Auto Mode, EKS Capabilities, EMR, SageMaker HyperPod), not for people or CI; EKS accepts it, but check this principal needs it");
                }

                if (policy.Policy == EksAccessPolicies.ClusterAdmin && identity.Groups.Contains(KubernetesNames.SystemMasters))
                {
                    Error($"{path}.policy", $"{EksAccessPolicies.ClusterAdmin} is already how system:masters is carried into the access entry; remove one of the two");
                }

                AccessScopeNamespaces(policy.Namespaces, new ListPath(path, "namespaces"));
                // A system:masters principal is cluster admin already; its policies add nothing to warn of.
                if (use == AccessPolicyUse.People && !identity.Groups.Contains(KubernetesNames.SystemMasters)
                    && RbacRules.AccessPolicyTakeover(policy.Policy) is { } takeover && RbacRules.KubeSystemCoverage(policy.Namespaces) is { } covering)
                {
                    var scope = covering.Length == 0 ? "at cluster scope" : covering == KubernetesValues.KubeSystem ? $"in {KubernetesValues.KubeSystem}" : $"in '{covering}', which covers {KubernetesValues.KubeSystem},";
                    Warning(policy.Namespaces.Count == 0 ? $"{path}.policy" : $"{path}.namespaces", $"{policy.Policy} {scope} lets the principal {takeover} (Kubernetes, \"RBAC good practices\"); list only the namespaces it works in{(policy.Namespaces.Count == 0 ? "" : $", not {KubernetesValues.KubeSystem}")}, or count it as holding what those accounts hold");
                }
            }

            var seen = identity.AccessPolicies.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            for (var i = 0; seen is not null && i < identity.AccessPolicies.Count; i++)
            {
                if (!seen.Add(identity.AccessPolicies[i].Policy))
                {
                    Error($"{identity.Path}.accessPolicies[{i}].policy", $"'{identity.AccessPolicies[i].Policy}' is associated twice; an access entry holds one association per policy, so merge their namespaces");
                }
            }
        }

        /// <summary>"partition P" or "account A" when the ARN is outside the stack's account, else null (or when no account is set).</summary>
        private string? OutsideStackAccount(IamArn arn) =>
            config.Aws.AccountId.Length == 0 ? null
            : arn.Partition != config.Aws.Partition ? $"partition {arn.Partition}"
            : arn.AccountId != config.Aws.AccountId ? $"account {arn.AccountId}"
            : null;

        /// <summary>
        /// The role of <c>aws:assumeRoles</c> makes every AWS call of the stack, CreateCluster included, so it is the
        /// cluster's creator, and the Kubernetes providers sign in as it (<c>--role</c>): it must be a role of the account.
        /// </summary>
        private void AssumedRole()
        {
            const string path = AwsSettings.AssumedRolePath;
            if (config.Aws.AssumedRoleArn is not { Length: > 0 } text)
            {
                return;
            }

            var parsed = Arns.TryParse(text, out var role, out var error);
            if (!parsed || role.Kind != PrincipalKind.Role)
            {
                Error(path, (parsed ? $"'{text}' is a user" : error) + "; name the IAM role the AWS provider assumes, as IAM shows it (arn:aws:iam::ACCOUNT:role/NAME)");
                return;
            }

            if (OutsideStackAccount(role) is { } elsewhere)
            {
                Error(path, $"'{text}' is in {elsewhere}, but the AWS provider works in the account of the role it assumes, and {AwsSettings.AllowedAccountIdsPath} allows only {config.Aws.AccountId} ({config.Aws.Partition}); name the role in {config.Aws.AccountId} that deploys the stack");
                return;
            }

            if (AssumedBesideAnotherCreator() is not null && config.Cluster.DeployerArn is { } deployer)
            {
                // The creator is whoever called CreateCluster: for a new cluster the assumed role, for an existing one
                // possibly a role CI deployed as before; only the first is an error the tool can tell, so it warns.
                Warning($"{config.Cluster.Path}.deployerArn", $"'{deployer}' is not the role {path} names ('{text}'), which calls CreateCluster and so creates a new cluster, whose creator entry a mapping of '{text}' in an access-entry mode would then duplicate (HTTP 409): set deployerArn to '{text}' unless '{deployer}' created this cluster before the stack assumed another role, which EKS's creator entry keeps");
            }
        }

        /// <summary>
        /// EKS gives the principal that creates the cluster an access entry of its own (pulumi-eks always asks it to);
        /// a second entry for that principal fails with HTTP 409, in the middle of an update.
        /// </summary>
        private void Deployer()
        {
            var path = config.CreatorPath;
            if (config.CreatorArn is not { } text)
            {
                return;
            }

            // The role of aws:assumeRoles has had its ARN and account judged by AssumedRole.
            var named = config.Cluster.DeployerArn is { Length: > 0 };
            if (!Arns.TryParse(text, out var deployer, out var error))
            {
                if (named)
                {
                    Error(path, error + "; deployerArn is the IAM role (or user) that runs `pulumi up`, as IAM shows it");
                }

                return;
            }

            // CreateCluster is signed with credentials of the cluster's own account and partition, and EKS makes that caller
            // admin: a principal elsewhere can never be the creator, and would stand in `who` for an admin that is not there.
            if (OutsideStackAccount(deployer) is { } elsewhere)
            {
                if (named)
                {
                    Error(path, $"'{text}' is in {elsewhere}, but the cluster is created in account {config.Aws.AccountId} ({config.Aws.Partition}), whose principal calls CreateCluster and becomes its creator; name the role in {config.Aws.AccountId} that runs `pulumi up` (the one a cross-account CI assumes)");
                }

                return;
            }

            var who = named ? $"the deployer ({path})," : $"the role the AWS provider assumes ({path}), which calls CreateCluster and so is the cluster's creator (if another role created this cluster, name that one as {config.Cluster.Path}.deployerArn),";

            // The deployer and the role the provider assumes exist before the stack does (they run `pulumi up`), and IAM
            // CreateRole: "names must be unique within the account. Names are not distinguished by case", so a created
            // role of either name fails with EntityAlreadyExists part-way through the first update, in every mode.
            var existing = new List<(IamArn Role, string What)>();
            if (deployer.Kind == PrincipalKind.Role)
            {
                existing.Add((deployer, named ? $"the deployer's role ({path})" : $"the role the AWS provider assumes ({path})"));
            }

            if (AssumedBesideAnotherCreator() is not null && Arns.TryParse(config.Aws.AssumedRoleArn!, out var assumed, out _)
                && !(deployer.Kind == PrincipalKind.Role && string.Equals(assumed.Name, deployer.Name, StringComparison.OrdinalIgnoreCase)))
            {
                existing.Add((assumed, $"the role the AWS provider assumes ({AwsSettings.AssumedRolePath})"));
            }

            foreach (var (role, what) in existing)
            {
                foreach (var (rolePath, name) in config.CreatedRoles().Where(r => string.Equals(r.Name, role.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    Error(rolePath, $"'{name}' is the name of {what}, which exists already: IAM role names are unique in an account whatever the path or case, so the stack's CreateRole fails with EntityAlreadyExists part-way through `pulumi up`; give the stack's role another name");
                }
            }

            var deployerKey = Arns.PrincipalKey(deployer.Full);
            if (!mode.UsesAccessEntries())
            {
                // The authenticator applies one matching mapping (server.go, doMapping), and EKS does not document whether its
                // hidden creator mapping or aws-auth's comes first: a mapping that reads as a limit on the creator may be none.
                foreach (var identity in identities.Where(i => i.Source != MappingSource.CreatedRole && i.Arn is { } arn && Arns.PrincipalKey(arn.Full) == deployerKey))
                {
                    Warning(identity.ArnPath, $"'{identity.Arn!.Full}' is the cluster creator ({path}), whom EKS makes {ModelAccess.HowEksMakesCreatorAdmin(mode)}: EKS applies either that or this mapping (not documented which), so the mapping cannot be relied on to limit it; remove the mapping unless something else needs it (in API_AND_CONFIG_MAP and API it is refused, as a second access entry for the creator)");
                }

                return;
            }

            // A created role of the deployer's name is refused above, before its entry could be.
            foreach (var identity in identities.Where(i => i.Source != MappingSource.CreatedRole))
            {
                if (identity.Arn is { } arn && Arns.PrincipalKey(arn.Full) == deployerKey)
                {
                    Error(identity.ArnPath, $"'{arn.Full}' is {who} which EKS already makes cluster admin through the cluster creator's access entry; a second access entry for it fails with HTTP 409, so remove this entry");
                }
            }

            // A Fargate role, or a managed node group's, gets its entry from EKS, not from the stack.
            foreach (var node in config.Access.NodeRoles.Where(n => n.Kind != NodeRoleKind.Fargate && !n.ManagedNodeGroup))
            {
                if (Arns.PrincipalKey(node.RoleArn) == deployerKey)
                {
                    Error($"{node.Path}.rolearn", $"'{node.RoleArn}' is {who} which EKS already makes cluster admin through the cluster creator's access entry; the {(node.Kind == NodeRoleKind.Windows ? "EC2_WINDOWS" : "EC2_LINUX")} entry this stack writes for the node role fails with HTTP 409, and nodes running as the role that deploys the cluster would be its admins; give the nodes a role of their own");
                }
            }
        }

        /// <summary>
        /// This tool's rule (EKS needs no admin in the model): a model with no admin leaves only the creator's bootstrap
        /// access, one lost laptop from a locked cluster. A declared deployerArn is that creator, named and kept in CI,
        /// so it counts; allowNoClusterAdmin says a team means it.
        /// </summary>
        private void ClusterAdmins(IReadOnlyList<Identity> identities, Dictionary<string, GroupSettings> groups)
        {
            // Judged once per group, not once per member: a ClusterRole's admin test probes its rules many times.
            var adminGroups = groups.Values.Where(access.BindsClusterAdmin).Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
            var anyAdmin = false;
            var combined = new CombinedGroups(access, name => groups.GetValueOrDefault(name));
            HashSet<string>? told = null;
            foreach (var identity in identities)
            {
                var policies = mode.UsesAccessEntries() ? identity.AccessPolicies : [];
                if (IsClusterAdmin(identity, adminGroups))
                {
                    anyAdmin = true;
                }
                else if (identity.Groups.Count + policies.Count > 1 && combined.MakeAdmin(identity.Groups, policies) is { } together)
                {
                    anyAdmin = true;
                    // Told once for each set of groups, at the first principal that holds it.
                    if ((told ??= new(StringComparer.Ordinal)).Add(string.Join('\n', together)))
                    {
                        Warning($"{identity.Path}.groups", $"{string.Join(" and ", together.Select(g => g.StartsWith("access policy ", StringComparison.Ordinal) ? g : $"group '{g}'"))} together let their holders make themselves cluster admin, though none does alone: Kubernetes RBAC, with EKS's access policies, grants a principal the union of its grants, and one grant's rules complete another's way up (bind on cluster-admin with the right to create or update a ClusterRoleBinding, impersonating a user or service account with system:masters, escalate with update on a bound role, or create and escalate on ClusterRoles with a cluster-wide binding to view, edit or admin, which aggregate a new role labelled for them); count the principals in all of them as cluster admins, or split the grants");
                    }
                }
            }

            // The Kubernetes providers write aws-auth in the ConfigMap modes, and RBAC, the namespaces the stack owns
            // (NamespacePlanner: declared or an access policy's scope, not a pattern, a system one or one managed
            // elsewhere) and the mapAccounts patch in any mode; a stack in API with none of those has nothing to write.
            var writesKubernetes = mode.UsesConfigMap() || access.Groups.Count > 0 || access.ClusterRoles.Count > 0 || access.MapAccounts.Count > 0
                || NamespacePlanner.OwnedNamespaces(access).Count > 0;
            if (writesKubernetes && AssumedBesideAnotherCreator() is { } assumedKey && !identities.Any(i => i.Arn is { } arn && Arns.PrincipalKey(arn.Full) == assumedKey && (IsClusterAdmin(i, adminGroups) || combined.MakeAdmin(i.Groups, mode.UsesAccessEntries() ? i.AccessPolicies : []) is not null)))
            {
                Error(AwsSettings.AssumedRolePath, $"'{config.Aws.AssumedRoleArn}' is the role the AWS provider and both Kubernetes providers work as, but {config.Cluster.Path}.deployerArn names another principal as the cluster's creator, so this role has only what the model grants it, and the model does not make it cluster admin: `pulumi up` could not write aws-auth or the RBAC bindings as it; for a cluster another principal created, map it with system:masters{(mode.UsesAccessEntries() ? $" (or {EksAccessPolicies.ClusterAdmin})" : "")}; for a new cluster, or one this role created, set deployerArn to it instead (a mapping would then duplicate its creator entry)");
            }

            var deployer = config.CreatorArn is { } text && Arns.TryParse(text, out _, out _);
            if (!anyAdmin && !deployer && access.Declared && !access.AllowNoClusterAdmin)
            {
                Error(access.Path, $"no principal gets cluster-admin rights, so only the cluster creator's bootstrap access would remain (this tool's rule, against a locked-out cluster); give one role the group system:masters{(mode.UsesAccessEntries() ? $" or the access policy {EksAccessPolicies.ClusterAdmin}" : "")}, name the creator as {config.Cluster.Path}.deployerArn, or set {access.Path}.allowNoClusterAdmin: true if the creator's access is all you want");
            }
        }

        /// <summary>The key of the role of aws:assumeRoles when deployerArn names another principal as the creator, else null.</summary>
        private string? AssumedBesideAnotherCreator() =>
            config.Aws.AssumedRoleArn is { Length: > 0 } assumed && config.Cluster.DeployerArn is { Length: > 0 } deployer
            && Arns.TryParse(assumed, out var role, out _) && Arns.TryParse(deployer, out var named, out _)
            && Arns.PrincipalKey(role.Full) is var key && key != Arns.PrincipalKey(named.Full)
                ? key
                : null;

        private bool IsClusterAdmin(Identity identity, HashSet<string> adminGroups)
        {
            for (var i = 0; i < identity.Groups.Count; i++)
            {
                var name = identity.Groups[i];
                if (name == KubernetesNames.SystemMasters || adminGroups.Contains(name))
                {
                    return true;
                }
            }

            if (mode.UsesAccessEntries())
            {
                for (var i = 0; i < identity.AccessPolicies.Count; i++)
                {
                    var policy = identity.AccessPolicies[i];
                    if (policy.Policy == EksAccessPolicies.ClusterAdmin && policy.Namespaces.Count == 0)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>Groups another tool binds: named only so that mapping to them is not "bound to nothing".</summary>
        private void ExternalGroups(HashSet<string> used)
        {
            var path = $"{access.Path}.externalGroups";
            var names = access.ExternalGroupNames;
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i].Length == 0)
                {
                    Error($"{path}[{i}]", "is empty; name the Kubernetes group the other tool binds");
                }
                else if (KubernetesNames.IsSystemGroup(names[i]))
                {
                    Error($"{path}[{i}]", $"'{names[i]}' is a Kubernetes system group, which no tool binds; list groups of your own");
                }
                else if (!used.Contains(names[i]))
                {
                    Warning($"{path}[{i}]", $"the group '{names[i]}' is listed as bound elsewhere, but no role or user is mapped to it");
                }

                // aws-iam-authenticator fills a group's templates per request (server.go renderTemplates); an access entry,
                // which EKS reads first for its principal (in API, alone), carries kubernetesGroups as written.
                if (mode.UsesAccessEntries() && KubernetesNames.TemplateIn(names[i]) is { } template)
                {
                    Warning($"{path}[{i}]", $"'{names[i]}' holds the template {template}, which aws-iam-authenticator fills in an aws-auth group on every request, but in {ModeText} each member's access entry{(mode == AuthenticationMode.ApiAndConfigMap ? ", which takes precedence over aws-auth," : "")} carries the group as written (EKS documents templates in access entries for usernames only), so whatever binds the filled-in names no longer reaches them: bind a group without a template instead");
                }
            }

            Duplicates(names, new ListPath(access.Path, "externalGroups"), "group");
        }

        /// <summary>
        /// aws-iam-authenticator pkg/mapper/configmap: mapAccounts is a list of account ids in aws-auth, and a principal of a
        /// listed account signs in with its ARN as username and no groups (pkg/server/server.go); EKS User Guide,
        /// "Migrating existing aws-auth ConfigMap entries to access entries": access entries have no account form.
        /// </summary>
        private void MapAccounts()
        {
            for (var i = 0; i < access.MapAccounts.Count; i++)
            {
                var account = access.MapAccounts[i];
                if (mode == AuthenticationMode.Api)
                {
                    Error(account.Path, "mapAccounts lives in aws-auth, which an API-mode cluster does not read; map the account's roles under mapRoles (they become access entries)");
                }
                else if (!Arns.IsAccountId(account.AccountId))
                {
                    Error(account.Path, $"'{account.AccountId}' is not an AWS account id; an account id is exactly 12 digits, quoted");
                }
                else
                {
                    var foreign = config.Aws.AllowedAccountIds.Contains(account.AccountId) ? "" : $" (an account outside {AwsSettings.AllowedAccountIdsPath})";
                    Warning(account.Path, $"mapAccounts lets every IAM principal of account {account.AccountId}{foreign} authenticate, as a username equal to its ARN with no groups; it grants nothing by itself and cannot become an access entry");
                }
            }

            Duplicates(access.MapAccounts.Select(a => a.AccountId).ToList(), new AccountPaths(access.MapAccounts), "account");
        }

        private void GroupDeclarations(HashSet<string> definedClusterRoles, HashSet<string> used)
        {
            var rolesWithUrls = access.ClusterRoles.Where(r => r.Rules.Any(rule => rule.NonResourceUrls.Count > 0)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            // rule.go VisitRulesFor reads RoleBindings only for a request with a namespace: a role of cluster-scoped
            // resources and URLs alone grants nothing through one.
            var rolesOutsideNamespaces = access.ClusterRoles
                .Where(r => r.Rules.Any(rule => rule.Resources.Count > 0) && r.Rules.All(rule => rule.NonResourceUrls.Count > 0 || (rule.Resources.Count > 0 && KubernetesResources.ClusterScoped(rule.AsRule()).Count == rule.Resources.Count)))
                .Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var group in access.Groups)
            {
                // This tool's rule: Kubernetes lets a binding name system:authenticated or system:serviceaccounts, which
                // would hand the role to every signed-in principal or every pod; no opt-in, as no stack here needs it.
                if (KubernetesNames.IsSystemGroup(group.Name))
                {
                    Error(group.Path, $"'{group.Name}' is a Kubernetes system group, whose permissions Kubernetes defines; binding more to it would grant them to everyone in it (this tool's rule), so bind a group of your own");
                    continue;
                }

                if (!KubernetesNames.IsValidGroupName(group.Name))
                {
                    Error(group.Path, GroupNameMessage(group.Name));
                }

                // aws-iam-authenticator pkg/server/server.go renderTemplates fills the templates of a mapping's groups as well
                // as its username, per request; the binding this stack makes names the group as written.
                if (KubernetesNames.TemplateIn(group.Name) is { } template)
                {
                    var problem = $"'{group.Name}' holds the template {template}, which aws-iam-authenticator fills in an aws-auth group on every request (so members arrive in a group named with the value, never in '{group.Name}'), while this stack binds the name as written";
                    if (mode == AuthenticationMode.ConfigMap)
                    {
                        Error(group.Path, $"{problem}: the binding would match nobody; name the group without a template");
                    }
                    else
                    {
                        Warning(group.Path, $"{problem}; EKS documents templates in access entries for usernames only, so check that a group so named is what its members get, or name it without a template");
                    }
                }

                if (access.ExternalGroupNames.Contains(group.Name))
                {
                    Error(group.Path, $"'{group.Name}' is also listed in {access.Path}.externalGroups, whose bindings another tool manages; keep it in one of the two");
                }

                var role = group.ClusterRole;
                if (role.Length > 0 && !KubernetesClusterRoles.IsProvided(role) && role != BuiltInRoles.ReadOnlyName && !definedClusterRoles.Contains(role))
                {
                    var offered = KubernetesNames.BuiltInClusterRoles.Append(BuiltInRoles.ReadOnlyName).Concat(definedClusterRoles);
                    Error($"{group.Path}.clusterRole", $"'{role}' is not a ClusterRole this stack knows; use one of {string.Join(", ", offered.Order(StringComparer.Ordinal))} (or another ClusterRole every cluster has, such as system:auth-delegator or an eks: one), or define it under {access.Path}.clusterRoles.{role}{BinderSuggest(role, offered.Concat(KubernetesClusterRoles.Bootstrap))}");
                }
                else if (KubernetesClusterRoles.IsEksRole(role))
                {
                    Warning($"{group.Path}.clusterRole", $"'{role}' is one of EKS's own ClusterRoles, which EKS defines and changes with its platform versions; this tool cannot check it exists on the cluster");
                }

                // Kubernetes API reference, PolicyRule.nonResourceURLs: "only applicable for ClusterRoles referenced from a ClusterRoleBinding".
                if (group.Namespaces.Count > 0 && rolesOutsideNamespaces.Contains(role))
                {
                    Warning($"{group.Path}.namespaces", $"the ClusterRole '{role}' names only cluster-scoped resources (such as nodes or persistentvolumes){(rolesWithUrls.Contains(role) ? " and non-resource URLs" : "")}, which a RoleBinding never grants (Kubernetes reads RoleBindings only for requests in their namespace): bound in namespaces, the group gets nothing from it; bind it cluster-wide if it needs them");
                }
                else if (group.Namespaces.Count > 0 && rolesWithUrls.Contains(role))
                {
                    Warning($"{group.Path}.namespaces", $"the ClusterRole '{role}' has nonResourceURLs rules, which grant nothing through a RoleBinding; bind the group cluster-wide if it needs them");
                }

                if (role == "cluster-admin")
                {
                    Warning($"{group.Path}.clusterRole", $"group '{group.Name}' is bound to cluster-admin: full admin through RBAC{(group.Namespaces.Count > 0 ? " in its namespaces" : "")}");
                }
                else if (access.BindsClusterAdmin(group))
                {
                    var wildcard = access.ClusterRoles.Any(r => r.Name == role && r.Rules.Any(rule => RbacRules.Allows(rule.AsRule(), AccessRequest.Everything)));
                    Warning($"{group.Path}.clusterRole", wildcard
                        ? $"group '{group.Name}' is bound cluster-wide to '{role}', whose rules allow every verb on every resource: full admin through RBAC, as with cluster-admin"
                        : $"group '{group.Name}' is bound cluster-wide to '{role}', whose rules let its members make themselves cluster admin (bind on cluster-admin with the right to create or update a ClusterRoleBinding, impersonating a user or service account with system:masters, or escalate with update on their own role): count them as cluster admins");
                }
                else if (access.SystemAccountTakeover(group) is { } takeover)
                {
                    Warning($"{group.Path}.clusterRole", $"group '{group.Name}' is bound {(group.Namespaces.Count == 0 ? "cluster-wide" : $"in {KubernetesValues.KubeSystem}")} to '{role}', which lets its members {takeover} (Kubernetes, \"RBAC good practices\"); bind it in the namespaces the group works in{(group.Namespaces.Count == 0 ? "" : $", not {KubernetesValues.KubeSystem}")}, or count its members as holding what those accounts hold");
                }

                Namespaces(group.Namespaces, new ListPath(group.Path, "namespaces"));
                if (!used.Contains(group.Name))
                {
                    Warning(group.Path, $"the group '{group.Name}' is declared but no role or user is mapped to it; its bindings grant nothing until someone is");
                }
            }
        }

        /// <summary>What the group's ClusterRole lets it do as kube-system's service accounts, where it holds it there (cluster-wide, or bound in kube-system).</summary>
        private void ClusterRoleDefinitions(IEnumerable<GroupSettings> groups)
        {
            var referenced = groups.Select(g => g.ClusterRole).ToHashSet(StringComparer.Ordinal);
            foreach (var role in access.ClusterRoles)
            {
                if (KubernetesClusterRoles.IsProvided(role.Name) || role.Name == BuiltInRoles.ReadOnlyName)
                {
                    Error(role.Path, $"'{role.Name}' is a ClusterRole {(role.Name == BuiltInRoles.ReadOnlyName ? "this tool defines" : "every cluster has (Kubernetes or EKS keeps it as it defines it)")}; give yours another name");
                    continue;
                }

                if (!KubernetesNames.IsValidClusterRoleName(role.Name))
                {
                    Error(role.Path, $"'{role.Name}' is not a valid ClusterRole name: Kubernetes refuses '.', '..' and any name holding '/' or '%' (a path segment name)");
                }
                // Kubernetes docs, "Using RBAC Authorization": system:-prefixed default roles are "directly managed by the
                // cluster control plane", which reconciles its own at every start; the API server accepts another such name.
                else if (KubernetesNames.HasSystemPrefix(role.Name))
                {
                    Warning(role.Path, $"'{role.Name}' starts with 'system:', the prefix of the ClusterRoles the control plane manages (a later Kubernetes may define one of that name and reconcile it over yours); give yours a name of your own");
                }

                if (!referenced.Contains(role.Name))
                {
                    Warning(role.Path, $"the ClusterRole '{role.Name}' is defined but no group is bound to it");
                }

                foreach (var rule in role.Rules)
                {
                    PolicyRule(rule);
                }
            }
        }

        private void AccessScopeNamespaces(IReadOnlyList<string> namespaces, ListPath pathOf)
        {
            for (var i = 0; i < namespaces.Count; i++)
            {
                if (!KubernetesNames.IsAccessScopeNamespace(namespaces[i]))
                {
                    Error(pathOf.Of(i), $"'{namespaces[i]}' is not a namespace an access policy can be scoped to: a namespace name (a DNS-1123 label: up to 63 lower-case letters, digits and '-', starting and ending with a letter or digit), or the start of one followed by '*', as in 'dev-*'");
                }
            }

            Duplicates(namespaces, pathOf, "namespace");
        }

        /// <summary>
        /// One warning per verb of <see cref="RbacRules.Escalations"/> the rule allows. A rule of wildcards is cluster admin
        /// already and warned where it is bound; resourceNames limit the escalation to the roles or subjects they name.
        /// </summary>
        private void EscalationWarnings(PolicyRuleSettings rule)
        {
            var asRule = rule.AsRule();
            if (RbacRules.Allows(asRule, AccessRequest.Everything))
            {
                return;
            }

            foreach (var verb in RbacRules.EscalationsAllowed(asRule).GroupBy(e => e.Verb, StringComparer.Ordinal))
            {
                var resources = string.Join(", ", verb.Select(e => e.Resource));
                var impersonate = verb.Key == "impersonate";
                // impersonation.go: a group (system:masters among them) is taken on only with impersonate on groups.
                var how = !impersonate ? "granting permissions they do not hold"
                    : verb.Any(e => e.Resource == "groups") ? "acting as another user, group or service account, system:masters included"
                    : "acting as another user or service account, with whatever it may do";
                Warning($"{rule.Path}.verbs", rule.ResourceNames.Count == 0
                    ? $"'{verb.Key}' on {resources} lets the members of the groups bound to this ClusterRole raise their own access ({how}): count them as cluster admins, or drop the verb"
                    : $"'{verb.Key}' on {resources} named {string.Join(", ", rule.ResourceNames)} lets the members of the groups bound to this ClusterRole {(impersonate ? "act as those subjects" : "grant what those roles hold without holding it")}: make sure none of them reaches more than these groups should");
            }
        }

        /// <summary>Kubernetes pkg/apis/rbac/validation/validation.go, validatePolicyRule (isNamespaced false: these are ClusterRoles).</summary>
        private void PolicyRule(PolicyRuleSettings rule)
        {
            if (rule.Verbs.Count == 0)
            {
                Error($"{rule.Path}.verbs", "required: a rule needs verbs, e.g. [get, list, watch]");
            }

            EscalationWarnings(rule);

            if (rule.NonResourceUrls.Count > 0)
            {
                if (rule.ApiGroups.Count > 0 || rule.Resources.Count > 0 || rule.ResourceNames.Count > 0)
                {
                    Error($"{rule.Path}.nonResourceURLs", "a rule cannot apply to both resources and non-resource URLs; Kubernetes refuses it, so put nonResourceURLs in a rule of their own, without apiGroups, resources or resourceNames");
                }

                // Kubernetes pkg/apis/rbac/v1/evaluation_helpers.go NonResourceURLMatches: "*" matches every path, and a URL ending in '*'
                // every path that starts with it once its trailing stars are trimmed ("/api/**" as "/api/*"). The API server
                // stores any string; one of another shape never matches a request, whose path starts with '/'.
                for (var i = 0; i < rule.NonResourceUrls.Count; i++)
                {
                    var url = rule.NonResourceUrls[i];
                    var prefix = url.TrimEnd('*');
                    if (url.Length == 0 || prefix.Contains('*', StringComparison.Ordinal) || (prefix.Length > 0 && prefix[0] != '/'))
                    {
                        Warning($"{rule.Path}.nonResourceURLs[{i}]", $"'{url}' matches no request: a non-resource URL is a path starting with '/', with '*' only at its end (e.g. /healthz, /metrics, /api/*)");
                    }
                    else if (RbacRules.IsResourcePath(prefix))
                    {
                        Warning($"{rule.Path}.nonResourceURLs[{i}]", $"'{url}' matches no request: the API server takes /api/VERSION/... and /apis/GROUP/VERSION/... paths as resource requests (apiserver requestinfo.go), which nonResourceURLs never match; grant them with apiGroups, resources and verbs");
                    }
                }

                // requestinfo.go: a non-resource request's verb is its HTTP method in lower case.
                for (var i = 0; i < rule.Verbs.Count; i++)
                {
                    if (!CanQuestion.NonResourceVerbs.Contains(rule.Verbs[i]))
                    {
                        Warning($"{rule.Path}.verbs[{i}]", $"'{rule.Verbs[i]}' matches no non-resource request: their verb is the HTTP method in lower case (get, post, put, patch, delete, head, options), as apiserver requestinfo.go gives it");
                    }
                }

                return;
            }

            if (rule.ApiGroups.Count == 0)
            {
                Error($"{rule.Path}.apiGroups", "required: a resource rule lists its API groups, with \"\" for the core group (pods, services, ...)");
            }

            if (rule.Resources.Count == 0)
            {
                Error($"{rule.Path}.resources", "required: a rule needs resources (or nonResourceURLs)");
            }

            UnmatchableRuleEntries(rule);
        }

        /// <summary>
        /// Kubernetes pkg/apis/rbac/v1/evaluation_helpers.go compares verbs, API groups and resources exactly, with "*" and
        /// "*/SUBRESOURCE" the only wildcards; the API server stores any string, so an entry of another shape is a grant that
        /// never applies. Request verbs, API groups and resources are lower case, and a resource is named without its group.
        /// </summary>
        private void UnmatchableRuleEntries(PolicyRuleSettings rule)
        {
            static bool HasUpper(string text) => text.Any(char.IsUpper);
            for (var i = 0; i < rule.Verbs.Count; i++)
            {
                if (rule.Verbs[i].Length == 0 || HasUpper(rule.Verbs[i]) || rule.Verbs[i].Contains(',', StringComparison.Ordinal) || rule.Verbs[i].Contains(' ', StringComparison.Ordinal))
                {
                    Warning($"{rule.Path}.verbs[{i}]", $"'{rule.Verbs[i]}' matches no request: Kubernetes compares verbs exactly, and every request's verb is lower case (get, list, watch, create, update, patch, delete, deletecollection, or a verb such as bind or impersonate)");
                }
            }

            for (var i = 0; i < rule.ApiGroups.Count; i++)
            {
                var group = rule.ApiGroups[i];
                if (HasUpper(group))
                {
                    Warning($"{rule.Path}.apiGroups[{i}]", $"'{group}' matches no request: API group names are lower case (apps, batch, rbac.authorization.k8s.io; \"\" for the core group)");
                }
                else if (group.Contains('/', StringComparison.Ordinal))
                {
                    // requestinfo.go: the group is one path segment; apiVersion's version is not part of it.
                    Warning($"{rule.Path}.apiGroups[{i}]", $"'{group}' matches no request: an API group has no version (an apiVersion is GROUP/VERSION), so write '{group[..group.IndexOf('/', StringComparison.Ordinal)]}'{(group.StartsWith("v1", StringComparison.Ordinal) ? ", or \"\" for the core group" : "")}");
                }
                else if (group is "core" or "v1")
                {
                    // k8s.io/api rbac/v1 PolicyRule.APIGroups: "\"\" represents the core API group".
                    Warning($"{rule.Path}.apiGroups[{i}]", $"'{group}' matches no request: the core API group (pods, services, secrets, ...) is \"\" in a rule");
                }
            }

            for (var i = 0; i < rule.Resources.Count; i++)
            {
                var resource = rule.Resources[i];
                static bool Name(string part) => part.Length > 0 && !part.Contains('*', StringComparison.Ordinal);
                var parts = resource.Split('/');
                var matchable = parts.Length switch
                {
                    1 => resource == "*" || Name(resource),
                    2 => (parts[0] == "*" || Name(parts[0])) && Name(parts[1]),
                    _ => false,
                };
                if (!matchable || HasUpper(resource) || resource.Contains('.', StringComparison.Ordinal))
                {
                    Warning($"{rule.Path}.resources[{i}]", $"'{resource}' matches no request: a resource is its lower-case plural without its API group (deployments, with apps under apiGroups), optionally with one subresource (pods/log); the only wildcards are * and */SUBRESOURCE");
                }
            }

            // evaluation_helpers.go ResourceNameMatches: `if ruleName == requestedName`, no patterns; object names hold no '*'.
            for (var i = 0; i < rule.ResourceNames.Count; i++)
            {
                if (rule.ResourceNames[i].Contains('*', StringComparison.Ordinal))
                {
                    Warning($"{rule.Path}.resourceNames[{i}]", $"'{rule.ResourceNames[i]}' matches no object: RBAC compares resourceNames exactly, with no wildcards (evaluation_helpers.go, ResourceNameMatches); list each name, or leave resourceNames out for every object");
                }
            }

            // A create of a subresource names its object (apiserver requestinfo.go: resource/NAME/subresource), as pods/exec
            // and serviceaccounts/token do; only a create of an object itself, or a deletecollection, carries no name.
            if (rule.ResourceNames.Count > 0)
            {
                var createsObjects = rule.Resources.Any(r => !r.Contains('/', StringComparison.Ordinal));
                for (var i = 0; i < rule.Verbs.Count; i++)
                {
                    if (rule.Verbs[i] is "deletecollection" || (rule.Verbs[i] is "create" && createsObjects))
                    {
                        Warning($"{rule.Path}.verbs[{i}]", $"'{rule.Verbs[i]}' is never allowed by a rule with resourceNames: a {rule.Verbs[i]} request names no object (Kubernetes docs, \"Using RBAC Authorization\": you cannot restrict create or deletecollection requests by their resource name); give it a rule without resourceNames");
                    }
                }
            }
        }

        private void Namespaces(IReadOnlyList<string> namespaces, ListPath pathOf)
        {
            for (var i = 0; i < namespaces.Count; i++)
            {
                if (!KubernetesNames.IsDns1123Label(namespaces[i]))
                {
                    Error(pathOf.Of(i), $"'{namespaces[i]}' is not a namespace name; {KubernetesNames.NamespaceNameRule}");
                }
            }

            Duplicates(namespaces, pathOf, "namespace");
        }

        /// <summary>The name at <c>owner.key</c>; the path is built only for a diagnostic.</summary>
        private void RoleName(ItemPath owner, string key, string name)
        {
            if (name.Length > 0 && !Arns.IsValidRoleName(name))
            {
                Error($"{owner}.{key}", $"'{name}' is not a valid IAM role name; use 1 to 64 ASCII letters, digits and +=,.@_-");
            }
        }

        private void Duplicates<TPaths>(IReadOnlyList<string> values, TPaths pathOf, string what)
            where TPaths : IItemPaths
        {
            // Lists here are short (groups, namespaces): a scan allocates nothing; long ones get an index.
            Dictionary<string, int>? seen = values.Count > 16 ? new(StringComparer.Ordinal) : null;
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i].Length == 0)
                {
                    continue;
                }

                var first = -1;
                if (seen is not null)
                {
                    if (!seen.TryAdd(values[i], i))
                    {
                        first = seen[values[i]];
                    }
                }
                else
                {
                    for (var j = 0; j < i && first < 0; j++)
                    {
                        first = values[j] == values[i] ? j : -1;
                    }
                }

                if (first >= 0)
                {
                    Error(pathOf.Of(i), $"the {what} '{values[i]}' is listed twice (first at {pathOf.Of(first)}); remove one");
                }
            }
        }
    }

    /// <summary>A config path as its parts (<c>Owner</c>, <c>Owner.Key</c> or <c>Owner.Key[Index]</c>), built only when a diagnostic names it.</summary>
    private readonly record struct ConfigRef(ItemPath Owner, string? Key = null, int Index = -1)
    {
        public string Path => Key is null ? Owner.ToString() : Index < 0 ? $"{Owner}.{Key}" : $"{Owner}.{Key}[{Index}]";
    }

    /// <summary>The config path of each item of a list, built only when a diagnostic names one.</summary>
    private interface IItemPaths
    {
        string Of(int index);
    }

    /// <summary>The items of the list at <c>Owner.Key</c>: <c>Owner.Key[i]</c>.</summary>
    private readonly record struct ListPath(ItemPath Owner, string Key) : IItemPaths
    {
        public string Of(int index) => $"{Owner}.{Key}[{index}]";
    }

    /// <summary>The mapAccounts entries, each at its own path.</summary>
    private readonly record struct AccountPaths(IReadOnlyList<AccountSettings> Accounts) : IItemPaths
    {
        public string Of(int index) => Accounts[index].Path;
    }
}
