using System.Text.RegularExpressions;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Validation;

/// <summary>
/// Every rule about what a stack's config means, checked before anything is planned or rendered.
/// All findings are reported at once, each with its config path, what is wrong and what would be right.
/// </summary>
public static partial class StackValidator
{
    public static IReadOnlyList<Diagnostic> Validate(StackConfig config) => Validate(config, Identity.All(config));

    /// <summary>Validates with the identities already derived from <paramref name="config"/>, so each ARN is parsed once.</summary>
    public static IReadOnlyList<Diagnostic> Validate(StackConfig config, IReadOnlyList<Identity> identities)
    {
        ArgumentNullException.ThrowIfNull(config);
        var v = new Run(config, identities);
        v.Aws();
        v.Cluster();
        v.Access();
        v.Bag.AddRange(ComputeValidator.Validate(config, identities));
        return v.Bag.ToSortedList();
    }

    [GeneratedRegex(@"^[a-z]{2}(-gov)?-[a-z]+-\d+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[a-z]{2}-iso[a-z]?-")]
    private static partial Regex IsoRegionPattern();

    [GeneratedRegex(@"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")]
    private static partial Regex ClusterNamePattern();

    [GeneratedRegex(@"^1\.\d{2}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex VpcIdPattern();

    [GeneratedRegex(@"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$")]
    internal static partial Regex SubnetIdPattern();

    private sealed class Run(StackConfig config, IReadOnlyList<Identity> identities)
    {
        private readonly AccessSettings access = config.Access;
        private readonly AuthenticationMode mode = config.Access.Mode;

        public DiagnosticBag Bag { get; } = new();

        private string ModeText => mode.ToConfigValue();

        private void Error(string path, string message) => Bag.Error(path, message, config.LocationOf(path));

        private void Warning(string path, string message) => Bag.Warning(path, message, config.LocationOf(path));

        public void Aws()
        {
            var aws = config.Aws;
            if (IsoRegionPattern().IsMatch(aws.Region))
            {
                Error(AwsSettings.RegionPath, $"'{aws.Region}' is in an ISO partition, which this tool does not plan ARNs for (it knows {string.Join(", ", Arns.Partitions)})");
            }
            else if (aws.Region.Length > 0 && !RegionPattern().IsMatch(aws.Region))
            {
                Error(AwsSettings.RegionPath, $"'{aws.Region}' is not an AWS region name; expected one like us-west-2 or eu-central-1");
            }

            if (aws.AllowedAccountIds.Count != 1 && aws.AllowedAccountIds.Count > 0)
            {
                Error(AwsSettings.AllowedAccountIdsPath, $"lists {aws.AllowedAccountIds.Count} accounts; list exactly the one account this stack deploys into, since the plan names its role ARNs there");
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
                Error($"{c.Path}.version", $"'{version}' is not a Kubernetes minor version; write it quoted as EKS names it, e.g. \"1.31\"");
            }

            RoleName($"{c.Path}.serviceRoleName", c.ServiceRoleName);
            RoleName($"{c.Path}.nodeRoleName", c.NodeRoleName);
            if (c.ServiceRoleName == c.NodeRoleName && c.NodeRoleName.Length > 0)
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

                Duplicates(ids, i => $"{c.Path}.{key}[{i}]", "subnet");
            }

            if (net.VpcId is null && (net.PrivateSubnetIds.Count > 0 || net.PublicSubnetIds.Count > 0))
            {
                Error($"{c.Path}.vpcId", "required when subnets are given: set the VPC the subnets belong to");
            }
            else if (net.VpcId is not null && net.PrivateSubnetIds.Count + net.PublicSubnetIds.Count == 0)
            {
                Error($"{c.Path}.privateSubnetIds", "a cluster in your own VPC needs its subnets: set privateSubnetIds (and publicSubnetIds for public load balancers)");
            }

            if (!net.EndpointPublicAccess && !net.EndpointPrivateAccess)
            {
                Error($"{c.Path}.endpointPublicAccess", "both endpointPublicAccess and endpointPrivateAccess are false, so nothing could reach the API server; enable at least one");
            }
            else if (!net.EndpointPublicAccess && net.VpcId is null)
            {
                Warning($"{c.Path}.endpointPublicAccess", "a private-only endpoint in the default VPC is reachable only from inside that VPC, including by `pulumi up`; make sure the deployer runs there");
            }
        }

        public void Access()
        {
            var aws = config.Aws;
            var declaredGroups = access.Groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
            var definedClusterRoles = access.ClusterRoles.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var usedGroups = new HashSet<string>(StringComparer.Ordinal);
            var createdRoleNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [config.Cluster.ServiceRoleName] = $"{config.Cluster.Path}.serviceRoleName",
                [config.Cluster.NodeRoleName] = $"{config.Cluster.Path}.nodeRoleName",
            };

            foreach (var role in access.Roles)
            {
                RoleName($"{role.Path}.name", role.Name);
                if (role.Name.Length > 0 && !createdRoleNames.TryAdd(role.Name, $"{role.Path}.name"))
                {
                    Error($"{role.Path}.name", $"the IAM role name '{role.Name}' is already used by {createdRoleNames[role.Name]}; IAM role names are unique in an account (case-insensitively), so pick another");
                }

                if (!Arns.IsValidIamPath(role.IamPath))
                {
                    Error($"{role.Path}.path", $"'{role.IamPath}' is not an IAM path; write '/' or '/segment/.../' (starting and ending with '/')");
                }

                for (var i = 0; i < role.AssumedBy.Count; i++)
                {
                    var principal = role.AssumedBy[i];
                    if (!Arns.IsTrustPrincipal(principal, out var error))
                    {
                        Error($"{role.Path}.assumedBy[{i}]", error + "; assumedBy lists who may assume the role: an account root (arn:aws:iam::ACCOUNT:root), a role or a user");
                    }
                    else if (!principal.StartsWith($"arn:{aws.Partition}:", StringComparison.Ordinal) && aws.Region.Length > 0)
                    {
                        Error($"{role.Path}.assumedBy[{i}]", $"'{principal}' is in another partition than region {aws.Region} ({aws.Partition}), and IAM refuses such a trust policy; use arn:{aws.Partition}:iam::...");
                    }
                    else if (Arns.AccountOf(principal) is { } account && !aws.AllowedAccountIds.Contains(account))
                    {
                        Warning($"{role.Path}.assumedBy[{i}]", $"'{principal}' is in account {account}, outside {AwsSettings.AllowedAccountIdsPath}: principals of that account may assume '{role.Name}' and get its Kubernetes access");
                    }
                }

                Duplicates(role.AssumedBy, i => $"{role.Path}.assumedBy[{i}]", "principal");
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

            var seenPrincipals = new Dictionary<string, Identity>(StringComparer.OrdinalIgnoreCase);
            var seenNames = new Dictionary<string, Identity>(StringComparer.OrdinalIgnoreCase);
            var nodeArn = Arns.StripPath(Arns.RoleArn(aws.Partition, aws.AccountId, "/", config.Cluster.NodeRoleName));
            var serviceArn = Arns.StripPath(Arns.RoleArn(aws.Partition, aws.AccountId, "/", config.Cluster.ServiceRoleName));
            foreach (var identity in identities)
            {
                if (identity.Arn is { } arn)
                {
                    // IAM names are unique per kind in an account whatever the path, so the path-free ARN names the principal.
                    var byName = arn.WithoutPath;
                    if (identity.Source == MappingSource.Existing && string.Equals(byName, nodeArn, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(identity.ArnPath, $"'{arn.Full}' is the stack's node role ({config.Cluster.Path}.nodeRoleName), which the stack maps itself with username {KubernetesNames.NodeUsername}; remove this entry");
                    }
                    else if (identity.Source == MappingSource.Existing && string.Equals(byName, serviceArn, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(identity.ArnPath, $"'{arn.Full}' is the cluster's service role, which EKS itself assumes; it must not be mapped to a Kubernetes identity");
                    }
                    else if (seenPrincipals.TryGetValue(arn.Full, out var first))
                    {
                        // Two created roles with one name are reported once, by the role-name rule above.
                        if (first.Source != MappingSource.CreatedRole || identity.Source != MappingSource.CreatedRole)
                        {
                            Error(identity.ArnPath, DuplicateMessage(arn.Full, first, identity));
                        }
                    }
                    else if (seenNames.TryGetValue(byName, out var firstByName))
                    {
                        Error(identity.ArnPath, identity.Kind == PrincipalKind.Role
                            ? $"'{arn.Full}' and {firstByName.ArnPath} ('{firstByName.Arn!.Full}') name the same role: IAM role names are unique whatever the path, and aws-auth keys both as '{byName}'; keep one"
                            : $"'{arn.Full}' and {firstByName.ArnPath} ('{firstByName.Arn!.Full}') name the same user: IAM user names are unique whatever the path; keep one");
                    }

                    seenPrincipals.TryAdd(arn.Full, identity);
                    seenNames.TryAdd(byName, identity);
                }

                Username(identity);
                Groups(identity, declaredGroups, usedGroups);
                AccessPolicies(identity);
                if (identity.Groups.Count == 0 && identity.AccessPolicies.Count == 0)
                {
                    Error($"{identity.Path}.groups", $"the {identity.KindName} is mapped to username '{identity.Username}' but given no groups{(mode.UsesAccessEntries() ? " and no accessPolicies" : "")}, so it could sign in and do nothing; add groups (declared under {access.Path}.groups) or remove the entry");
                }
            }

            Deployer();
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
            Clashes(
                "IAM role",
                new[] { ($"{c.Path}.serviceRoleName", c.ServiceRoleName), ($"{c.Path}.nodeRoleName", c.NodeRoleName) }
                    .Concat(access.Roles.Select(r => ($"{r.Path}.name", r.Name)))
                    .Where(x => x.Item2.Length > 0)
                    .Select(x => (x.Item1, x.Item2, LogicalNames.Role(x.Item2))),
                namesFoldCase: true);
            Clashes(
                "ClusterRole",
                access.ClusterRoles.Select(r => (r.Path, r.Name, LogicalNames.ClusterRole(r.Name)))
                    .Append(($"{access.Path}.clusterRoles", BuiltInRoles.ReadOnlyName, LogicalNames.ClusterRole(BuiltInRoles.ReadOnlyName))));
            Clashes(
                "group binding",
                access.Groups.Where(g => g.Namespaces.Count == 0).Select(g => (g.Path, g.Name, LogicalNames.ClusterRoleBinding(g.Name))));
            Clashes(
                "namespace binding",
                access.Groups.SelectMany(g => g.Namespaces.Select((ns, i) => ($"{g.Path}.namespaces[{i}]", $"{g.Name} in {ns}", LogicalNames.RoleBinding(ns, g.Name)))));
        }

        /// <summary><paramref name="namesFoldCase"/>: names equal but for case are one name (IAM), reported by its own rule.</summary>
        private void Clashes(string what, IEnumerable<(string Path, string Name, string Logical)> items, bool namesFoldCase = false)
        {
            var first = new Dictionary<string, (string Path, string Name)>(StringComparer.Ordinal);
            foreach (var (path, name, logical) in items)
            {
                if (!first.TryAdd(logical, (path, name)) && !string.Equals(first[logical].Name, name, namesFoldCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                {
                    Error(path, $"the {what} '{name}' and '{first[logical].Name}' ({first[logical].Path}) would both be the Pulumi resource '{logical}': names that differ only in case or punctuation fold together; rename one");
                }
            }
        }

        private static string DuplicateMessage(string arn, Identity first, Identity again) =>
            first.Source == MappingSource.CreatedRole || again.Source == MappingSource.CreatedRole
                ? $"'{arn}' is both created by this stack ({(first.Source == MappingSource.CreatedRole ? first.Path : again.Path)}) and mapped again; a created role is mapped already, so remove the mapRoles entry"
                : $"'{arn}' is mapped twice (first at {first.ArnPath}); a principal gets one username and one set of groups, so merge the two entries";

        /// <summary>Checks a mapping's ARN with the parse <see cref="Identity.All"/> made; only a failed one is parsed again, for its message.</summary>
        private void MappingArn(Identity mapping, AwsSettings aws)
        {
            var path = mapping.ArnPath;
            var text = mapping.ArnText;
            if (text.Length == 0)
            {
                return;
            }

            if (mapping.Arn is not { } arn)
            {
                if (!Arns.TryParse(text, out var parsed, out var error))
                {
                    Error(path, error);
                }
                else if (parsed.Kind != mapping.Kind)
                {
                    Error(path, mapping.Kind == PrincipalKind.Role
                        ? $"'{text}' is a user ARN; IAM users go under {access.Path}.mapUsers with 'userarn'"
                        : $"'{text}' is a role ARN; IAM roles go under {access.Path}.mapRoles with 'rolearn'");
                }

                return;
            }

            if (aws.AccountId.Length > 0 && arn.AccountId != aws.AccountId && !aws.AllowedAccountIds.Contains(arn.AccountId))
            {
                Error(path, $"'{text}' is in account {arn.AccountId}, which is not in {AwsSettings.AllowedAccountIdsPath} ({string.Join(", ", aws.AllowedAccountIds)}); map principals of the cluster's own account, or fix the account id");
            }

            if (arn.Partition != aws.Partition && config.Aws.Region.Length > 0)
            {
                Error(path, $"'{text}' is in partition {arn.Partition}, but region {config.Aws.Region} is in partition {aws.Partition}; use arn:{aws.Partition}:...");
            }
        }

        private void Username(Identity identity)
        {
            var name = identity.Username;
            if (name.Length == 0)
            {
                return;
            }

            string path = "";
            foreach (var template in name.Contains("{{", StringComparison.Ordinal) ? KubernetesNames.TemplatesIn(name) : [])
            {
                path = $"{identity.Path}.username";
                if (!KubernetesNames.UsernameTemplates.Contains(template))
                {
                    Error(path, $"'{template}' is not a username template; the templates are {string.Join(", ", KubernetesNames.UsernameTemplates)} (names are case-sensitive)");
                }
                else if (template == "{{EC2PrivateDNSName}}")
                {
                    Error(path, "{{EC2PrivateDNSName}} is for node roles only, and the stack maps its node role itself; list a Karpenter or self-managed node role under eks-infra:access.nodeRoles (kind linux or windows), and use {{SessionName}} for people and CI");
                }
                else if (template is "{{SessionName}}" or "{{SessionNameRaw}}" && identity.Kind == PrincipalKind.User)
                {
                    Error(path, $"{template} is set only when a role is assumed; an IAM user has no session name, so use a fixed username or {{{{AccessKeyID}}}}");
                }
            }

            List<string>? accessEntryProblems = null;
            string? reserved = null;
            foreach (var prefix in KubernetesNames.ReservedUsernamePrefixes)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    reserved = prefix;
                    break;
                }
            }

            if (reserved is not null)
            {
                (accessEntryProblems ??= []).Add($"'{name}' starts with '{reserved}', a prefix EKS access entries refuse ({string.Join(", ", KubernetesNames.ReservedUsernamePrefixes)}); choose a username such as '{name[reserved.Length..].TrimStart(':')}'");
            }

            var session = name.IndexOf("{{SessionName}}", StringComparison.Ordinal);
            if (session >= 0 && name.LastIndexOf(':', session) < 0)
            {
                (accessEntryProblems ??= []).Add($"'{name}' uses {{{{SessionName}}}} with no ':' before it, which EKS access entries refuse; prefix it, e.g. 'sso:{name}'");
            }

            if (accessEntryProblems is null)
            {
                return;
            }

            path = $"{identity.Path}.username";
            foreach (var problem in accessEntryProblems)
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
        }

        private void Groups(Identity identity, Dictionary<string, GroupSettings> declared, HashSet<string> used)
        {
            for (var i = 0; i < identity.Groups.Count; i++)
            {
                var group = identity.Groups[i];
                var index = i;
                string path() => $"{identity.Path}.groups[{index}]";
                if (group.Length == 0)
                {
                    Error(path(), "is empty; name a Kubernetes group");
                    continue;
                }

                if (group == KubernetesNames.SystemMasters)
                {
                    Warning(path(), $"'{identity.Username}' gets system:masters: full cluster admin that bypasses RBAC and cannot be trimmed later{(mode.UsesAccessEntries() ? "; its access entry carries it as AmazonEKSClusterAdminPolicy" : "")}");
                    continue;
                }

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

                if (!KubernetesNames.IsValidGroupName(group))
                {
                    Error(path(), $"'{group}' is not a usable group name; use letters, digits and : . _ @ -");
                    continue;
                }

                used.Add(group);
                if (!declared.ContainsKey(group))
                {
                    Error(path(), $"the group '{group}' is mapped but bound to nothing, so it grants nothing; declare it under {access.Path}.groups.{group} with a clusterRole (and namespaces to scope it){BinderSuggest(group, declared.Keys)}");
                }
            }

            Duplicates(identity.Groups, i => $"{identity.Path}.groups[{i}]", "group");
        }

        private static string BinderSuggest(string key, IEnumerable<string> known) => Config.StackBinder.Suggest(key, known);

        private void AccessPolicies(Identity identity)
        {
            for (var i = 0; i < identity.AccessPolicies.Count; i++)
            {
                var policy = identity.AccessPolicies[i];
                var path = $"{identity.Path}.accessPolicies[{i}]";
                if (!mode.UsesAccessEntries())
                {
                    Error(path, $"access policies belong to EKS access entries, which a {ModeText} cluster does not have; move authenticationMode to API_AND_CONFIG_MAP (see `eksinfra migrate`) or grant through groups");
                    continue;
                }

                if (policy.Policy.Length > 0 && !EksAccessPolicies.Known.Contains(policy.Policy))
                {
                    Error($"{path}.policy", $"'{policy.Policy}' is not an EKS access policy; use one of {string.Join(", ", EksAccessPolicies.Known)}");
                }

                if (policy.Policy == EksAccessPolicies.ClusterAdmin && identity.Groups.Contains(KubernetesNames.SystemMasters))
                {
                    Error($"{path}.policy", $"{EksAccessPolicies.ClusterAdmin} is already how system:masters is carried into the access entry; remove one of the two");
                }

                Namespaces(policy.Namespaces, i => $"{path}.namespaces[{i}]");
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

        /// <summary>
        /// EKS gives the principal that creates the cluster an access entry of its own (pulumi-eks always asks it to);
        /// a second entry for that principal fails with HTTP 409, in the middle of an update.
        /// </summary>
        private void Deployer()
        {
            var path = $"{config.Cluster.Path}.deployerArn";
            if (config.Cluster.DeployerArn is not { Length: > 0 } text)
            {
                return;
            }

            if (!Arns.TryParse(text, out var deployer, out var error))
            {
                Error(path, error + "; deployerArn is the IAM role (or user) that runs `pulumi up`, as IAM shows it");
                return;
            }

            if (!mode.UsesAccessEntries())
            {
                return;
            }

            foreach (var identity in identities)
            {
                if (identity.Arn is { } arn && arn.Kind == deployer.Kind && string.Equals(arn.WithoutPath, deployer.WithoutPath, StringComparison.OrdinalIgnoreCase))
                {
                    Error(identity.ArnPath, $"'{arn.Full}' is the deployer ({path}), which EKS already makes cluster admin through the cluster creator's access entry; a second access entry for it fails with HTTP 409, so remove this entry");
                }
            }
        }

        /// <summary>A model with no admin leaves only the creator's bootstrap access: one lost laptop from a locked cluster.</summary>
        private void ClusterAdmins(IReadOnlyList<Identity> identities, Dictionary<string, GroupSettings> groups)
        {
            var anyAdmin = identities.Any(i =>
                i.Groups.Contains(KubernetesNames.SystemMasters)
                || i.Groups.Any(g => groups.TryGetValue(g, out var group) && group.ClusterRole == "cluster-admin" && group.Namespaces.Count == 0)
                || (mode.UsesAccessEntries() && i.AccessPolicies.Any(p => p.Policy == EksAccessPolicies.ClusterAdmin && p.Namespaces.Count == 0)));
            if (!anyAdmin && access.Declared)
            {
                Error(access.Path, $"no principal gets cluster-admin rights, so only the cluster creator's bootstrap access would remain; give one role the group system:masters{(mode.UsesAccessEntries() ? $" or the access policy {EksAccessPolicies.ClusterAdmin}" : "")}");
            }
        }

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

            Duplicates(access.MapAccounts.Select(a => a.AccountId).ToList(), i => access.MapAccounts[i].Path, "account");
        }

        private void GroupDeclarations(HashSet<string> definedClusterRoles, HashSet<string> used)
        {
            foreach (var group in access.Groups)
            {
                if (KubernetesNames.IsSystemGroup(group.Name))
                {
                    Error(group.Path, $"'{group.Name}' is a Kubernetes system group, whose permissions Kubernetes defines; bind a group of your own");
                    continue;
                }

                if (!KubernetesNames.IsValidGroupName(group.Name))
                {
                    Error(group.Path, $"'{group.Name}' is not a usable group name; use letters, digits and : . _ @ -");
                }

                var role = group.ClusterRole;
                if (role.Length > 0 && !KubernetesNames.BuiltInClusterRoles.Contains(role) && role != BuiltInRoles.ReadOnlyName && !definedClusterRoles.Contains(role))
                {
                    Error($"{group.Path}.clusterRole", $"'{role}' is not a ClusterRole this stack knows; use one of {string.Join(", ", KubernetesNames.BuiltInClusterRoles.Append(BuiltInRoles.ReadOnlyName).Concat(definedClusterRoles).Order(StringComparer.Ordinal))}, or define it under {access.Path}.clusterRoles.{role}{BinderSuggest(role, KubernetesNames.BuiltInClusterRoles.Append(BuiltInRoles.ReadOnlyName).Concat(definedClusterRoles))}");
                }

                if (role == "cluster-admin")
                {
                    Warning($"{group.Path}.clusterRole", $"group '{group.Name}' is bound to cluster-admin: full admin through RBAC{(group.Namespaces.Count > 0 ? " in its namespaces" : "")}");
                }

                Namespaces(group.Namespaces, i => $"{group.Path}.namespaces[{i}]");
                if (!used.Contains(group.Name))
                {
                    Warning(group.Path, $"the group '{group.Name}' is declared but no role or user is mapped to it; its bindings grant nothing until someone is");
                }
            }
        }

        private void ClusterRoleDefinitions(IEnumerable<GroupSettings> groups)
        {
            var referenced = groups.Select(g => g.ClusterRole).ToHashSet(StringComparer.Ordinal);
            foreach (var role in access.ClusterRoles)
            {
                if (KubernetesNames.BuiltInClusterRoles.Contains(role.Name) || role.Name == BuiltInRoles.ReadOnlyName)
                {
                    Error(role.Path, $"'{role.Name}' is a ClusterRole {(role.Name == BuiltInRoles.ReadOnlyName ? "this tool defines" : "every cluster has")}; give yours another name");
                    continue;
                }

                if (!KubernetesNames.IsValidClusterRoleName(role.Name))
                {
                    Error(role.Path, $"'{role.Name}' is not a valid ClusterRole name; use lower-case letters, digits, '-', '.' and ':'");
                }

                if (!referenced.Contains(role.Name))
                {
                    Warning(role.Path, $"the ClusterRole '{role.Name}' is defined but no group is bound to it");
                }

                foreach (var rule in role.Rules)
                {
                    if (rule.Verbs.Count == 0)
                    {
                        Error($"{rule.Path}.verbs", "required: a rule needs verbs, e.g. [get, list, watch]");
                    }

                    if (rule.Resources.Count == 0 && rule.NonResourceUrls.Count == 0)
                    {
                        Error($"{rule.Path}.resources", "required: a rule needs resources (or nonResourceURLs)");
                    }

                    if (rule.Resources.Count > 0 && rule.ApiGroups.Count == 0)
                    {
                        Error($"{rule.Path}.apiGroups", "required with resources: list the API groups, with \"\" for the core group (pods, services, ...)");
                    }
                }
            }
        }

        private void Namespaces(IReadOnlyList<string> namespaces, Func<int, string> pathOf)
        {
            for (var i = 0; i < namespaces.Count; i++)
            {
                if (!KubernetesNames.IsDns1123Label(namespaces[i]))
                {
                    Error(pathOf(i), $"'{namespaces[i]}' is not a namespace name; a namespace is a DNS-1123 label: up to 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
                }
            }

            Duplicates(namespaces, pathOf, "namespace");
        }

        private void RoleName(string path, string name)
        {
            if (name.Length > 0 && !Arns.IsValidRoleName(name))
            {
                Error(path, $"'{name}' is not a valid IAM role name; use 1 to 64 letters, digits and +=,.@_-");
            }
        }

        private void Duplicates(IReadOnlyList<string> values, Func<int, string> pathOf, string what)
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
                    Error(pathOf(i), $"the {what} '{values[i]}' is listed twice (first at {pathOf(first)}); remove one");
                }
            }
        }
    }
}
