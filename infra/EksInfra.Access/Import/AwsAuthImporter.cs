using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Rendering;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Import;

/// <summary>An aws-auth entry the importer could not carry over, and why.</summary>
public sealed record SkippedEntry(string Where, string Why);

public sealed record ImportResult(string? AccessBlockYaml, IReadOnlyList<SkippedEntry> Skipped, IReadOnlyList<Diagnostic> Errors);

/// <summary>
/// Turns an existing aws-auth ConfigMap (as <c>kubectl -n kube-system get configmap aws-auth -o yaml</c> prints it)
/// into an <c>eks-infra:access</c> block, so a team can adopt the tool on a cluster it already has.
/// </summary>
public static class AwsAuthImporter
{
    public const string GroupPlaceholder = "REPLACE-ME";

    public static ImportResult Import(byte[] bytes, string fileName)
    {
        var read = YamlConfigReader.ReadBytes(bytes, fileName, YamlFileKind.AwsAuthExport);
        var bag = new DiagnosticBag();
        bag.AddRange(read.Diagnostics);
        if (bag.HasErrors)
        {
            return new ImportResult(null, [], bag.ToSortedList());
        }

        var skipped = new List<SkippedEntry>();
        // kubectl prints no data for an emptied ConfigMap (core/v1 ConfigMap.Data is `json:"data,omitempty"`), and
        // ParseMap reads a missing mapRoles, mapUsers or mapAccounts as no mappings: so does the import, for aws-auth.
        var emptied = read.Root is ConfigMap map && map["kind"] is ConfigScalar { Value: "ConfigMap" } && map["data"] is null
            && map["metadata"] is ConfigMap named && named["name"] is ConfigScalar { Value: AwsAuthRenderer.Name };
        if (emptied)
        {
            skipped.Add(new("data", "is not in the ConfigMap, as kubectl prints an emptied one; the authenticator reads that as no mappings, so aws-auth grants no one anything today: imported as empty"));
        }

        if (read.Root is not ConfigMap top || top["kind"] is not ConfigScalar { Value: "ConfigMap" } || (emptied ? new ConfigMap(ConfigPlace.Entry(top, "data")) : top["data"]) is not ConfigMap data)
        {
            bag.Error("(file)", "this is not a ConfigMap with a 'data' map; pass the output of `kubectl -n kube-system get configmap aws-auth -o yaml`", new SourceLocation(fileName, 1, 1));
            return new ImportResult(null, [], bag.ToSortedList());
        }

        if (top["metadata"] is ConfigMap meta && meta["name"] is ConfigScalar { Value: var name } && name != AwsAuthRenderer.Name)
        {
            bag.Warning("metadata.name", $"the ConfigMap is named '{name}', not aws-auth; importing it anyway");
        }

        var nodeRoles = new List<ImportedNode>();
        var rolesList = Parsed(data, "mapRoles", fileName, bag);
        var usersList = Parsed(data, "mapUsers", fileName, bag);
        var readings = AuthenticatorEntries.Read(Items(rolesList, "rolearn"), Items(usersList, "userarn"), i => i.Arn)
            .ToDictionary(r => (object)r.Item.Node, r => (r.Reading, Other: r.Other?.Node.Path), ReferenceEqualityComparer.Instance);
        var mapRoles = Entries(rolesList, "rolearn", readings, skipped, nodeRoles);
        // A node role under mapUsers maps its nodes too: the authenticator looks each ARN up in both lists.
        var mapUsers = Entries(usersList, "userarn", readings, skipped, nodeRoles);

        // The authenticator looks a caller's ARN up in mapRoles, then mapUsers, whatever the ARN's kind (ConfigMapMapper.Map),
        // so a user under mapRoles grants today; the model keeps each kind in its own list. A same ARN in the other list was
        // skipped above as answered first here, so the move shadows nothing.
        foreach (var (from, to, list) in new[] { (mapRoles, mapUsers, "mapUsers"), (mapUsers, mapRoles, "mapRoles") })
        {
            foreach (var misplaced in from.Where(m => m.Kind == (list == "mapUsers" ? PrincipalKind.User : PrincipalKind.Role)).ToList())
            {
                from.Remove(misplaced);
                to.Add(misplaced);
                skipped.Add(new(misplaced.Path, $"'{misplaced.Arn}' is an IAM {(misplaced.Kind == PrincipalKind.User ? "user" : "role")} listed under {(list == "mapUsers" ? "mapRoles" : "mapUsers")}, where the authenticator matches it all the same; carried over under {list}, where the model keeps {(misplaced.Kind == PrincipalKind.User ? "users" : "roles")}"));
            }
        }
        var (accounts, accountsProblem, droppedAccounts, accountsNote) = AuthenticatorEntries.Accounts(data["mapAccounts"], fileName);
        if ((accountsProblem ?? accountsNote) is { } accountsWhy)
        {
            skipped.Add(new("data.mapAccounts", accountsWhy));
        }

        skipped.AddRange(droppedAccounts.Select(item => new SkippedEntry(item.Path, AuthenticatorEntries.DroppedAccountWhy(item) + "; not carried over")));

        foreach (var (key, _) in data.Entries.Where(e => e.Key is not ("mapRoles" or "mapUsers" or "mapAccounts")))
        {
            skipped.Add(new($"data.{key}", "is not a key aws-iam-authenticator reads from aws-auth; dropped"));
        }

        if (bag.HasErrors)
        {
            return new ImportResult(null, skipped, bag.ToSortedList());
        }

        var mappedGroups = mapRoles.Concat(mapUsers)
            .SelectMany(m => m.Groups)
            .Where(g => !KubernetesNames.IsSystemGroup(g))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        // A group the authenticator names per request cannot be bound by name, and `check` refuses it under groups; listed
        // as bound elsewhere, the stack writes it into aws-auth as it is, so the bindings that grant it today keep working.
        var externalGroups = mappedGroups.Where(g => KubernetesNames.TemplateIn(g) is not null).ToList();
        var groups = mappedGroups.Except(externalGroups, StringComparer.Ordinal).ToList();
        // EKS User Guide: in API the cluster sources principals "only from EKS access entry APIs"; in API_AND_CONFIG_MAP
        // "Access entries take precedence over ConfigMap entries for the same IAM principal" (migrating-access-entries).
        skipped.Add(new("authenticationMode", "set to CONFIG_MAP, the mode of a cluster that reads only aws-auth. Check the cluster's mode first (`aws eks describe-cluster --name NAME --query cluster.accessConfig.authenticationMode`; it never moves back) and its access entries (`aws eks list-access-entries --cluster-name NAME`). In API, EKS ignores aws-auth: these mappings grant nothing today, and setting API here would make each a new access entry (system:masters as AmazonEKSClusterAdminPolicy), so keep only what the entries grant. In API_AND_CONFIG_MAP, a principal's access entry takes precedence over its mapping, and the stack's entry for it would be refused (ResourceInUseException: one entry per principal): for each principal listed, carry what its entry grants, or remove its mapping"));
        foreach (var group in externalGroups)
        {
            var template = KubernetesNames.TemplateIn(group);
            skipped.Add(new("externalGroups", $"'{group}' holds {template}, which the authenticator fills in on every request, so callers get a group named with each request's value and no binding of this stack can name it; listed under externalGroups, so the stack writes it into aws-auth as it is and whatever RBAC binds those names today keeps granting while the mode is CONFIG_MAP (in the access-entry modes each member's entry carries it as written, which `eksinfra check` warns of); the model does not see what it allows{(group.Contains("{{EC2PrivateDNSName}}", StringComparison.Ordinal) ? ", and `eksinfra check` refuses {{EC2PrivateDNSName}} in a group (the authenticator fills it only for an EC2 instance's session and refuses the mapping for anyone else)" : "")}"));
        }

        foreach (var group in groups)
        {
            skipped.Add(new($"groups.{group}", $"aws-auth does not say what '{group}' may do (that lives in RBAC); set its clusterRole (now '{GroupPlaceholder}', which `eksinfra check` refuses) and namespaces"));
        }

        // The live ConfigMap's order is whoever edited it last; the block is sorted so two clusters' imports compare line by line.
        mapRoles = [.. mapRoles.OrderBy(m => m.Arn, StringComparer.Ordinal)];
        mapUsers = [.. mapUsers.OrderBy(m => m.Arn, StringComparer.Ordinal)];
        nodeRoles = [.. nodeRoles.OrderBy(n => n.Arn, StringComparer.Ordinal)];
        var access = Yaml.Map(
            ("authenticationMode", Yaml.Str("CONFIG_MAP")),
            ("mapRoles", mapRoles.Count > 0 ? Yaml.Seq(mapRoles.Select(m => Mapping("rolearn", m))) : null),
            ("mapUsers", mapUsers.Count > 0 ? Yaml.Seq(mapUsers.Select(m => Mapping("userarn", m))) : null),
            ("nodeRoles", nodeRoles.Count > 0
                ? Yaml.Seq(nodeRoles.DistinctBy(n => n.Arn, StringComparer.OrdinalIgnoreCase).Select(n => (YamlNode)Yaml.Map(("rolearn", Yaml.Str(n.Arn)), ("kind", Yaml.Str(n.Kind)))))
                : null),
            ("mapAccounts", accounts.Count > 0 ? Yaml.Strings(accounts) : null),
            ("groups", groups.Count > 0 ? Yaml.Map([.. groups.Select(g => (g, (YamlNode?)Yaml.Map(("clusterRole", Yaml.Str(GroupPlaceholder)))))]) : null),
            ("externalGroups", externalGroups.Count > 0 ? Yaml.Strings(externalGroups) : null));
        var yaml = Yaml.Emit(Yaml.Map(("config", Yaml.Map(("eks-infra:access", access)))));
        return new ImportResult(yaml, skipped, bag.ToSortedList());
    }

    /// <summary>The authenticator compares ARNs ignoring case; the stack writes the form IAM shows.</summary>
    private static string OtherCase(string arn, IamArn parsed) =>
        $"'{arn}' has its fixed parts in another case, which the authenticator matches ignoring case; carried over as {parsed.Full}";

    /// <summary>
    /// Why a role mapping written with its IAM path is not carried over, or null: the authenticator matches a role mapping
    /// against the caller's canonical ARN (pkg/arn Canonicalize turns assumed-role/NAME/SESSION into role/NAME, no path)
    /// with strings.EqualFold, so it grants nothing today, and the stack, which writes role ARNs without their path, would
    /// make it grant.
    /// </summary>
    private static string? WithPathMatchesNothing(string arn, IamArn parsed, string list) =>
        parsed.Kind == PrincipalKind.Role && parsed.HasPath
            ? $"'{arn}' has an IAM path, so the live authenticator never matches it and it grants nothing today; not carried over, since the stack writes role ARNs without their path and would make it work: add it under {list} yourself if it should have this access"
            : null;

    private sealed record Imported(string Path, string Arn, PrincipalKind Kind, string Username, IReadOnlyList<string> Groups);

    /// <summary>Why the authenticator's decoder takes a plain scalar for no string: go-yaml v2 resolves it by YAML 1.1.</summary>
    private static string NotTextToTheAuthenticator(ConfigScalar value) => value.Kind == ScalarKind.Null
        ? $"'{value.Value}' is null to the authenticator (go-yaml v2), which encoding/json decodes into a string as an empty one"
        : $"'{value.Value}' is {value.KindName} to the authenticator (go-yaml v2 reads YAML 1.1, where yes, no, on, off and y are booleans, and 0x1F or 1_000 numbers), which encoding/json does not decode into a string";

    /// <summary>A node or Fargate mapping, carried into <c>access.nodeRoles</c> with its kind.</summary>
    private sealed record ImportedNode(string Arn, string Kind);

    private static YamlMappingNode Mapping(string arnKey, Imported m) => Yaml.Map(
        (arnKey, Yaml.Str(m.Arn)),
        ("username", Yaml.Str(m.Username)),
        ("groups", Yaml.Strings(m.Groups)));

    /// <summary>A mapRoles or mapUsers value parsed as the authenticator parses it; null when it holds no mappings or is refused (an error in <paramref name="bag"/>).</summary>
    private static YamlConfigReader.ReadResult? Parsed(ConfigMap data, string key, string fileName, DiagnosticBag bag)
    {
        if (data[key] is not { } node)
        {
            return null;
        }

        if (node is not ConfigScalar { Kind: ScalarKind.Text } text)
        {
            bag.Error($"data.{key}", $"expected a string holding YAML, found {node.KindName}", node.Location);
            return null;
        }

        if (AuthenticatorEntries.IsSkippable(text.Value))
        {
            return null;
        }

        var parsed = AuthenticatorEntries.Parse(text.Value, fileName, $"data.{key}");
        if (AuthenticatorEntries.HoldsNoMappings(parsed))
        {
            return null;
        }

        if (parsed.Diagnostics.Any(d => d.IsError) || parsed.Root is not ConfigList)
        {
            // This is exactly the failure that makes the authenticator drop every mapping; say so.
            bag.Error($"data.{key}", AuthenticatorEntries.OverLimit(parsed) ?? $"does not parse as a YAML list, so the cluster's authenticator is ignoring all of it right now: {string.Join("; ", parsed.Diagnostics.Select(d => d.Message))}", node.Location);
            return null;
        }

        // A second document, which the authenticator never reads, is told where the value starts.
        foreach (var warning in parsed.Diagnostics.Where(d => !d.IsError && d.Path == $"data.{key}"))
        {
            bag.Warning(warning.Path, warning.Message, node.Location);
        }

        return parsed;
    }

    private sealed record Item(ConfigNode Node, string Arn);

    /// <summary>Each item with the ARN the authenticator stores it under; none for an entry RoleMapping.Validate refuses.</summary>
    private static List<Item> Items(YamlConfigReader.ReadResult? parsed, string arnKey) =>
        parsed?.Root is ConfigList list
            ? [.. list.Items.Select(i => new Item(i, i is ConfigMap entry && AuthenticatorEntries.Refused(i, arnKey) is null ? AuthenticatorEntries.Text(entry, arnKey) : ""))]
            : [];

    private static List<Imported> Entries(YamlConfigReader.ReadResult? parsed, string arnKey, Dictionary<object, (MappingReading Reading, string? Other)> readings, List<SkippedEntry> skipped, List<ImportedNode> nodeRoles)
    {
        var result = new List<Imported>();
        if (parsed?.Root is not ConfigList list)
        {
            return result;
        }

        foreach (var item in list.Items)
        {
            if (item is not ConfigMap entry)
            {
                skipped.Add(new(item.Path, $"is {item.KindName}, not a mapping entry"));
                continue;
            }

            var arn = AuthenticatorEntries.Text(entry, arnKey);
            if (AuthenticatorEntries.Refused(item, arnKey) is { } refused)
            {
                skipped.Add(new(item.Path, $"{refused} and it grants nothing today; not carried over"));
                continue;
            }

            var (reading, other) = readings[item];
            if (reading == MappingReading.MappedAgain)
            {
                skipped.Add(new(item.Path, $"'{arn}' is mapped again at {other}; the authenticator keeps only the last mapping of an ARN ({(arnKey == "rolearn" ? "ignoring case" : "as written")}), so this one grants nothing today; not carried over"));
                continue;
            }

            if (reading == MappingReading.InMapRoles)
            {
                skipped.Add(new(item.Path, $"'{arn}' is mapped in mapRoles too ({other}); the authenticator looks a caller up in mapRoles before mapUsers (ignoring case), so this one grants nothing today; not carried over"));
                continue;
            }

            if (reading == MappingReading.EitherAnswers)
            {
                skipped.Add(new(item.Path, $"'{arn}' is mapped at {other} too, in other case; the authenticator keeps both user mappings and answers a caller with either, request by request; both are carried over and `eksinfra check` refuses the pair: keep the one you mean"));
            }

            var username = AuthenticatorEntries.Text(entry, "username");
            var groups = AuthenticatorEntries.Groups(entry);
            if (AuthenticatorEntries.NotAString(entry, "username") is ConfigScalar notText)
            {
                skipped.Add(new($"{item.Path}.username", $"{NotTextToTheAuthenticator(notText)}, so the cluster gives this principal no username today; carried over with none: quote it (\"{notText.Value}\") if that name is meant"));
            }

            List<ConfigNode> notGroupNames = AuthenticatorEntries.Field(entry, "groups") is ConfigList groupList ? [.. groupList.Items.Where(g => g is not ConfigScalar { Kind: ScalarKind.Text })] : [];
            foreach (var group in notGroupNames)
            {
                skipped.Add(new(group.Path, $"{(group is ConfigScalar s ? NotTextToTheAuthenticator(s) : $"is {group.KindName}, which does not decode into a group name")}, so it grants no group today; not carried over: quote it if that group is meant"));
            }

            if (notGroupNames.Count > 0)
            {
                groups = [.. groups.Where(g => g.Length > 0)];
            }

            if (AuthenticatorEntries.Field(entry, "groups") is { } groupsValue and not ConfigList)
            {
                skipped.Add(new(item.Path, $"its groups are {groupsValue.KindName}, not a list, which the authenticator skips: the entry grants no group today and is carried over with none"));
            }

            var unknown = entry.Entries.Select(e => e.Key).Where(k => !AuthenticatorEntries.IsField(k, arnKey)).ToList();
            if (unknown.Count > 0)
            {
                skipped.Add(new(item.Path, $"has keys the model does not carry ({string.Join(", ", unknown)}); the rest of the entry is kept"));
            }

            // EKS Hybrid Nodes' role is mapped as system:node:{{SessionName}} too, but without system:node-proxier, which only
            // Fargate's mapping carries (EKS User Guide, "Prepare cluster access for hybrid nodes"); its access entry type,
            // HYBRID_LINUX, is one the model does not offer, so it is not taken for a Fargate role.
            var fargate = groups.Contains("system:node-proxier");
            if (!fargate && username == KubernetesNames.FargateUsername)
            {
                skipped.Add(new(item.Path, $"'{arn}' is mapped as {KubernetesNames.FargateUsername} without system:node-proxier, as an EKS Hybrid Nodes role is; the model has no hybrid node kind, so it is not carried over, and pulumi-eks rewrites aws-auth whole: before applying this stack, give the role a HYBRID_LINUX access entry (API_AND_CONFIG_MAP or API) outside it, or hybrid nodes stop registering"));
                continue;
            }

            if (fargate || username == KubernetesNames.NodeUsername || groups.Contains("system:nodes"))
            {
                // Nodes and Fargate pods register through these mappings; dropping one strands them once pulumi-eks rewrites aws-auth.
                // The authenticator compares ARNs ignoring case (strings.EqualFold), so `Role/` maps these nodes today too.
                var nodeArn = Arns.TryParse(arn, out var exact, out _) ? exact : Arns.TryParseIgnoringCase(arn, out var folded) ? folded : null;
                if (nodeArn is null || nodeArn.Kind != PrincipalKind.Role)
                {
                    skipped.Add(new(item.Path, $"'{arn}' is mapped as a node, but only an IAM role can be a node role; not carried over"));
                    continue;
                }

                if (WithPathMatchesNothing(arn, nodeArn, "nodeRoles") is { } nodeWithPath)
                {
                    skipped.Add(new(item.Path, nodeWithPath));
                    continue;
                }

                if (exact is null)
                {
                    skipped.Add(new(item.Path, OtherCase(arn, nodeArn)));
                    arn = nodeArn.Full;
                }

                var kind = fargate ? "fargate" : groups.Contains(KubernetesNames.KubeProxyWindows) ? "windows" : "linux";
                if (groups.Where(g => !Audit.AccessAudit.NodeRoleGroups.Contains(g)).ToList() is { Count: > 0 } others)
                {
                    // The model maps a node role with the node groups only, so these are not carried: said, never silent.
                    skipped.Add(new(item.Path, $"'{arn}' is mapped as a node and also gets {string.Join(", ", others)}, which the cluster grants it today; a node role in the model holds the node groups only, so {(others.Count == 1 ? "that group is" : "those groups are")} not carried over and the role loses {(others.Count == 1 ? "it" : "them")} at the next pulumi up: give whoever needs that access a role of its own under mapRoles"));
                }

                NoteRepeatedKeys(item);
                nodeRoles.Add(new ImportedNode(arn, kind));
                skipped.Add(new(item.Path, fargate
                    ? $"'{arn}' is a Fargate pod execution role: carried into nodeRoles with kind fargate, which the stack maps as {KubernetesNames.FargateUsername} in aws-auth (where access entries exist, EKS makes the profile's FARGATE_LINUX entry itself). If this stack creates the profile, declare it under eks-infra:cluster.fargateProfiles instead and remove this entry"
                    : $"'{arn}' is a node role: carried into nodeRoles with kind {kind} (Karpenter or self-managed nodes; the stack maps it as {KubernetesNames.NodeUsername}{(kind == "windows" ? $" with {KubernetesNames.KubeProxyWindows}" : "")}). If it is the role of a managed node group this stack creates, set eks-infra:cluster.nodeRoleName (or cluster.nodeRoles) to its name instead and remove this entry; aws-auth shows it without its IAM path, so write the ARN as IAM shows it; before moving to access entries: {Migration.ModeMigration.NodeEntriesMadeByEks}"));
                continue;
            }

            if (AuthenticatorEntries.SsoMatcher(entry, arnKey) is var (permissionSet, account))
            {
                skipped.Add(new(item.Path, $"is an IAM Identity Center matcher (sso: permission set '{permissionSet}' in account {account}), which names no role ARN; the model maps roles by ARN, so it is not carried over: add the permission set's role under mapRoles as IAM shows it (arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/REGION/AWSReservedSSO_{permissionSet}_SUFFIX)"));
                continue;
            }

            if (Arns.IsFederatedUser(arn))
            {
                skipped.Add(new(item.Path, $"'{arn}' is an STS federated user (GetFederationToken), which the authenticator matches as written, so it has this access today; the model maps IAM roles and users only, so it is not carried over, and it loses the access when the stack writes aws-auth: map the people behind it by an IAM or Identity Center role they assume with their own credentials (a federation session cannot call AssumeRole: STS GetFederationToken, \"You cannot call any STS operations except GetCallerIdentity\"), since the stack writes aws-auth whole and a mapping added by hand does not last"));
                continue;
            }

            var otherCase = false;
            if (!Arns.TryParse(arn, out var parsedArn, out var error))
            {
                if (!Arns.TryParseIgnoringCase(arn, out parsedArn))
                {
                    skipped.Add(new(item.Path, error));
                    continue;
                }

                otherCase = true;
            }

            // A path makes the mapping match nothing whatever its case, so it is said first, and the case note not at all.
            if (WithPathMatchesNothing(arn, parsedArn, "mapRoles") is { } withPath)
            {
                skipped.Add(new(item.Path, withPath));
                continue;
            }

            if (otherCase)
            {
                skipped.Add(new(item.Path, OtherCase(arn, parsedArn)));
                arn = parsedArn.Full;
            }

            if (Arns.IsIdentityCenterRoleWithoutPath(parsedArn))
            {
                skipped.Add(new(item.Path, $"'{arn}' is an IAM Identity Center role, kept; aws-auth shows it without its IAM path, so write the ARN as IAM shows it ({Arns.IdentityCenterRoleArnText(parsedArn)}) before access entries are used"));
            }

            if (groups.Any(g => g.Contains(KubernetesNames.AccountIdTemplate, StringComparison.Ordinal)))
            {
                var callerAccount = parsedArn.AccountId;
                foreach (var templated in groups.Where(g => g.Contains(KubernetesNames.AccountIdTemplate, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
                {
                    skipped.Add(new(item.Path, $"its group '{templated}' holds {KubernetesNames.AccountIdTemplate}, which the authenticator fills with the caller's account, {callerAccount} for '{arn}'; carried over as '{KubernetesNames.WithAccountId(templated, callerAccount)}', the group it gets today, since `eksinfra check` refuses a template in a group the stack binds"));
                }

                groups = [.. groups.Select(g => KubernetesNames.WithAccountId(g, callerAccount))];
            }

            if (groups.Count == 0)
            {
                skipped.Add(new(item.Path, $"'{arn}' has no groups in aws-auth, so the cluster gives it only what RBAC binds to its username '{username}'; carried over with none, which `eksinfra check` refuses by this tool's rule (a mapping needs groups): give it a group declared under groups, bound to what it should do, or drop it"));
            }

            NoteRepeatedKeys(item);
            result.Add(new Imported(item.Path, arn, parsedArn.Kind, username, groups));
        }

        return result;

        // Only of an entry carried over: one dropped for another reason grants nothing the note could describe.
        void NoteRepeatedKeys(ConfigNode item)
        {
            foreach (var repeated in parsed.Diagnostics.Where(d => d.Path.StartsWith(item.Path + ".", StringComparison.Ordinal)))
            {
                skipped.Add(new(repeated.Path, $"{repeated.Message}: carried over as the authenticator reads it"));
            }
        }
    }
}
