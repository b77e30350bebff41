using System.Text;
using System.Text.Json;
using EksInfra.Access.Authorization;
using EksInfra.Access.Config;
using EksInfra.Access.Import;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Audit;

/// <summary>An input file that is not what the export command writes: the file, the place in it, and what is wrong.</summary>
public sealed class AuditInputException : Exception
{
    public AuditInputException(string file, string place, string message)
        : base($"{file}: {place}: {message}")
    {
        File = file;
        Place = place;
    }

    public AuditInputException()
    {
        File = Place = "";
    }

    public AuditInputException(string message)
        : base(message)
    {
        File = Place = "";
    }

    public AuditInputException(string message, Exception inner)
        : base(message, inner)
    {
        File = Place = "";
    }

    public string File { get; }

    public string Place { get; }
}

/// <summary>One live aws-auth entry. <see cref="Where"/> is its place in the file, for the report.</summary>
public sealed record LiveMapping(PrincipalKind Kind, string Arn, string Username, IReadOnlyList<string> Groups, string Where);

/// <summary>One live access entry with its associated policies, as describe-access-entry and list-associated-access-policies print them.</summary>
public sealed record LiveAccessEntry(string PrincipalArn, string Type, string Username, IReadOnlyList<string> Groups, IReadOnlyList<PolicyAssociation> Policies, string Where);

/// <summary>An aws-auth export: its mapRoles and mapUsers entries, its mapAccounts, and the entries the authenticator drops.</summary>
public sealed record LiveAwsAuth(IReadOnlyList<LiveMapping> Mappings, IReadOnlyList<string> Accounts)
{
    public IReadOnlyList<DroppedMapping> Dropped { get; init; } = [];
}

/// <summary>An aws-auth list item that grants nothing: one the authenticator decodes to no ARN and drops, reading the rest of the list, or one it keeps that matches no caller.</summary>
public sealed record DroppedMapping(string Where, string Why, string Title = "an entry the authenticator drops");

/// <summary>What a live cluster grants, from the files a user exported; a part not given is null (its comparison is skipped).</summary>
public sealed record LiveCluster(IReadOnlyList<LiveMapping>? AwsAuth, IReadOnlyList<LiveAccessEntry>? AccessEntries, ClusterRbac? Rbac)
{
    /// <summary>aws-auth's mapAccounts: every IAM principal of these accounts authenticates, as its own ARN.</summary>
    public IReadOnlyList<string>? AwsAuthAccounts { get; init; }

    /// <summary>
    /// The cluster's own mode (DescribeCluster accessConfig.authenticationMode), when known: what EKS reads, which the
    /// stack file need not say yet (a deploy lags its merge) or any longer (a mode moved by hand never moves back).
    /// </summary>
    public AuthenticationMode? Mode { get; init; }

    /// <summary>aws-auth entries the authenticator drops (ParseMap keeps "data that was good").</summary>
    public IReadOnlyList<DroppedMapping> AwsAuthDropped { get; init; } = [];
}

/// <summary>Reads the three exports. Every reader takes the whole file or throws: a half-read input never reaches the report.</summary>
public static class LiveInputs
{
    public const string AccessPolicyArnPrefix = ":eks::aws:cluster-access-policy/";

    private const string RbacExport = "kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json";

    private const string AccessEntriesExport = "bash docs/export-access-entries.sh CLUSTER";

    /// <summary>The fix for a value kubectl never writes: the file was edited, or is not kubectl's output.</summary>
    private const string ExportRbacAgain = $"; kubectl never writes that, so the file was edited by hand or is not its output: correct it, or export it again with `{RbacExport}`";

    private const string ExportEntriesAgain = "; EKS never returns that, so the file was edited by hand: correct it, or export it again with docs/export-access-entries.sh";

    /// <summary><c>kubectl -n kube-system get configmap aws-auth -o yaml</c>: its mappings and accounts, from one read of the file.</summary>
    public static LiveAwsAuth ReadAwsAuthExport(byte[] bytes, string file)
    {
        var data = AwsAuthData(bytes, file);
        var result = new List<LiveMapping>();
        var dropped = new List<DroppedMapping>();
        result.AddRange(Mappings(data, "mapRoles", "rolearn", PrincipalKind.Role, file, dropped));
        result.AddRange(Mappings(data, "mapUsers", "userarn", PrincipalKind.User, file, dropped));
        return new LiveAwsAuth(result, Accounts(data, file, dropped)) { Dropped = dropped };
    }

    private static IReadOnlyList<string> Accounts(ConfigMap data, string file, List<DroppedMapping> dropped)
    {
        var (accounts, problem, droppedItems, _) = AuthenticatorEntries.Accounts(data["mapAccounts"], file);
        if (problem is not null)
        {
            throw new AuditInputException(file, Place("data.mapAccounts", data["mapAccounts"]!.Location), problem);
        }

        dropped.AddRange(droppedItems.Select(item => new DroppedMapping($"aws-auth {item.Path}", AuthenticatorEntries.DroppedAccountWhy(item))));
        return accounts;
    }

    private static ConfigMap AwsAuthData(byte[] bytes, string file)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var read = YamlConfigReader.ReadBytes(bytes, file, YamlFileKind.AwsAuthExport);
        if (read.Diagnostics.FirstOrDefault(d => d.IsError) is { } bad)
        {
            throw new AuditInputException(file, Place(bad.Path, bad.Location), bad.Message);
        }

        if (read.Root is not ConfigMap top || top["kind"] is not ConfigScalar { Value: "ConfigMap" })
        {
            throw new AuditInputException(file, "line 1", "not a ConfigMap; pass the output of `kubectl -n kube-system get configmap aws-auth -o yaml`");
        }

        if (top["data"] is not ConfigMap data)
        {
            throw new AuditInputException(file, Place("data", top.Location), "the ConfigMap has no data map (a truncated export?); aws-auth keeps its mappings under data.mapRoles and data.mapUsers");
        }

        return data;
    }

    private static List<LiveMapping> Mappings(ConfigMap data, string key, string arnKey, PrincipalKind kind, string file, List<DroppedMapping> dropped)
    {
        if (data[key] is not { } node)
        {
            return [];
        }

        if (node is not ConfigScalar { Kind: ScalarKind.Text } text)
        {
            throw new AuditInputException(file, Place($"data.{key}", node.Location), $"expected a string holding YAML, found {node.KindName}");
        }

        if (AuthenticatorEntries.IsSkippable(text.Value))
        {
            return [];
        }

        var parsed = AuthenticatorEntries.Parse(text.Value, file, $"data.{key}");
        if (AuthenticatorEntries.HoldsNoMappings(parsed))
        {
            return [];
        }

        if (parsed.Diagnostics.FirstOrDefault(d => d.IsError) is { } bad)
        {
            // The authenticator drops every mapping of a key that does not parse; the audit cannot guess either.
            throw new AuditInputException(file, Place($"data.{key}", node.Location), AuthenticatorEntries.OverLimit(parsed) ?? $"does not parse as YAML ({bad.Message}), so the cluster's authenticator is ignoring every entry of it");
        }

        if (parsed.Root is not ConfigList list)
        {
            throw new AuditInputException(file, Place($"data.{key}", node.Location), $"is {parsed.Root?.KindName}, not a YAML list of mappings");
        }

        var result = new List<LiveMapping>();
        foreach (var item in list.Items)
        {
            // ParseMap drops an entry Validate refuses and keeps the rest ("Only saving data that was good").
            if (AuthenticatorEntries.Refused(item, arnKey) is { } refused)
            {
                dropped.Add(new DroppedMapping($"aws-auth {item.Path}", $"{refused} and reads the rest of {key}"));
                continue;
            }

            var entry = (ConfigMap)item; // Refused keeps maps only

            if (kind == PrincipalKind.Role && AuthenticatorEntries.SsoMatcher(entry, arnKey) is var (permissionSet, account))
            {
                if (AuthenticatorEntries.SsoNeverMatches(entry) is { } never)
                {
                    dropped.Add(new DroppedMapping($"aws-auth {item.Path}", never, "an entry that matches no caller"));
                    continue;
                }

                // The audit cannot see whether the cluster's authenticator matches sso entries, so it counts one as live.
                result.Add(new LiveMapping(
                    kind,
                    $"sso:{permissionSet}@{account}",
                    AuthenticatorEntries.Text(entry, "username"),
                    AuthenticatorEntries.Groups(entry).Order(StringComparer.Ordinal).ToList(),
                    $"aws-auth {item.Path}: an IAM Identity Center matcher for every role of permission set {permissionSet} in account {account}, and of every permission set named {permissionSet}_... (its pattern is AWSReservedSSO_{permissionSet}_*), live where the cluster's authenticator matches sso entries"));
                continue;
            }

            var arn = AuthenticatorEntries.Text(entry, arnKey);
            var username = AuthenticatorEntries.Text(entry, "username");
            var groups = AuthenticatorEntries.Groups(entry).Order(StringComparer.Ordinal).ToList();
            var repeated = parsed.Diagnostics.Where(d => d.Path.StartsWith(item.Path + ".", StringComparison.Ordinal)).Select(d => d.Path[(item.Path.Length + 1)..]).ToList();
            var where = repeated.Count == 0 ? $"aws-auth {item.Path}" : $"aws-auth {item.Path}, where {string.Join(", ", repeated)} {(repeated.Count == 1 ? "is" : "are")} given twice and the authenticator keeps the last";
            result.Add(new LiveMapping(kind, arn, username, groups, where));
        }

        return result;
    }

    private static void OfCluster(JsonElement element, string place, string? cluster, string file)
    {
        if (cluster is not null && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("clusterName", out var name)
            && name.ValueKind == JsonValueKind.String && name.GetString() != cluster)
        {
            throw new AuditInputException(file, place, $"the entries are cluster '{name.GetString()}'s, and the stack's cluster is '{cluster}'; export this cluster's: bash docs/export-access-entries.sh {cluster} > access-entries.json");
        }
    }

    /// <summary>
    /// The access-entries file docs/export-access-entries.sh writes: <c>{"clusterName", "accessEntries": [ENTRY]}</c>,
    /// each ENTRY the <c>accessEntry</c> object of <c>aws eks describe-access-entry</c> with the
    /// <c>associatedAccessPolicies</c> list of <c>aws eks list-associated-access-policies</c> added.
    /// </summary>
    /// <param name="cluster">The stack's cluster: a file whose clusterName (the script's, or an entry's, as DescribeAccessEntry
    /// gives it) names another cluster is refused, rather than audited as that cluster's principals.</param>
    public static IReadOnlyList<LiveAccessEntry> ReadAccessEntries(byte[] bytes, string file, string? cluster = null)
    {
        using var doc = ParseJson(bytes, file, AccessEntriesExport, ExportEntriesAgain);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("accessEntries", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new AuditInputException(file, "(top level)", "expected an object with an accessEntries list, as docs/export-access-entries.sh writes it");
        }

        OfCluster(root, "clusterName", cluster, file);
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            OfCluster(entry, $"accessEntries[{index++}].clusterName", cluster, file);
        }

        var result = new List<LiveAccessEntry>();
        var placeOfArn = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var place = $"accessEntries[{i++}]";
            var arn = RequiredString(entry, "principalArn", place, file);
            if (!placeOfArn.TryAdd(arn, place))
            {
                throw new AuditInputException(file, $"{place}.principalArn", $"'{arn}' has an access entry already, at {placeOfArn[arn]}: EKS holds one access entry per principal ARN" + ExportEntriesAgain);
            }

            var type = RequiredString(entry, "type", place, file);
            var username = entry.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
            var groups = StringList(entry, "kubernetesGroups", place, file);
            if (!entry.TryGetProperty("associatedAccessPolicies", out var policies) || policies.ValueKind != JsonValueKind.Array)
            {
                throw new AuditInputException(file, $"{place}.associatedAccessPolicies", "missing: each entry carries the list `aws eks list-associated-access-policies` prints for it (empty when it has none)");
            }

            var associations = new List<PolicyAssociation>();
            var j = 0;
            foreach (var policy in policies.EnumerateArray())
            {
                var at = $"{place}.associatedAccessPolicies[{j++}]";
                var policyArn = RequiredString(policy, "policyArn", at, file);
                var slash = policyArn.IndexOf(AccessPolicyArnPrefix, StringComparison.Ordinal);
                if (slash < 0)
                {
                    throw new AuditInputException(file, $"{at}.policyArn", $"'{policyArn}' is not an EKS access policy ARN (arn:PARTITION:eks::aws:cluster-access-policy/NAME)");
                }

                if (!policy.TryGetProperty("accessScope", out var scope) || scope.ValueKind != JsonValueKind.Object)
                {
                    throw new AuditInputException(file, $"{at}.accessScope", "missing");
                }

                associations.Add(new PolicyAssociation(policyArn[(slash + AccessPolicyArnPrefix.Length)..], Scope(scope, $"{at}.accessScope", file)));
            }

            result.Add(new LiveAccessEntry(arn, type, username, groups, associations, $"access entry {place}"));
        }

        return result;
    }

    /// <summary>
    /// An association's accessScope: EKS's AccessScope has the types cluster and namespace only, and a namespace scope
    /// needs a namespace. Any other is not what EKS returns; read as something it is not, it would misstate what the
    /// policy grants.
    /// </summary>
    private static AccessScopePlan Scope(JsonElement scope, string place, string file)
    {
        var type = RequiredString(scope, "type", place, file);
        var namespaces = StringList(scope, "namespaces", place, file);
        return type switch
        {
            "cluster" => AccessScopePlan.Cluster,
            "namespace" when namespaces.Count > 0 => new AccessScopePlan(type, namespaces),
            "namespace" => throw new AuditInputException(file, $"{place}.namespaces", "a namespace scope with no namespace" + ExportEntriesAgain),
            _ => throw new AuditInputException(file, $"{place}.type", $"'{type}' is not an access scope type: EKS has only cluster and namespace" + ExportEntriesAgain),
        };
    }

    /// <summary><c>kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json</c>: a v1 List.</summary>
    public static ClusterRbac ReadRbac(byte[] bytes, string file)
    {
        using var doc = ParseJson(bytes, file, RbacExport, ExportRbacAgain);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new AuditInputException(file, "(top level)", $"expected a List with items, as `{RbacExport}` prints it");
        }

        var clusterRoles = new SortedDictionary<string, IReadOnlyList<PolicyRulePlan>>(StringComparer.Ordinal);
        var roles = new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>();
        var bindings = new List<RbacBinding>();
        var aggregated = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var place = $"items[{i++}]";
            var kind = RequiredString(item, "kind", place, file);
            if (!item.TryGetProperty("metadata", out var meta) || meta.ValueKind != JsonValueKind.Object)
            {
                throw new AuditInputException(file, $"{place}.metadata", "missing");
            }

            var name = RequiredString(meta, "name", $"{place}.metadata", file);
            var ns = meta.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            var labels = Labels(meta, $"{place}.metadata", file);
            switch (kind)
            {
                case "ClusterRole":
                    clusterRoles[name] = Rules(item, place, file);
                    if (HasAggregationRule(item, place, file))
                    {
                        aggregated.Add(name);
                    }

                    break;
                case "Role":
                    roles[(RequireNamespace(ns, place, file), name)] = Rules(item, place, file);
                    break;
                case "ClusterRoleBinding" or "RoleBinding":
                    if (!item.TryGetProperty("roleRef", out var roleRef) || roleRef.ValueKind != JsonValueKind.Object)
                    {
                        throw new AuditInputException(file, $"{place}.roleRef", $"missing: a {kind} always has one");
                    }

                    var subjects = List(item, "subjects", place, file).Select((subject, k) => new RbacSubject(
                        RequiredString(subject, "kind", $"{place}.subjects[{k}]", file),
                        RequiredString(subject, "name", $"{place}.subjects[{k}]", file),
                        subject.TryGetProperty("namespace", out var sn) && sn.ValueKind == JsonValueKind.String ? sn.GetString()! : "")).ToList();
                    bindings.Add(new RbacBinding(
                        name,
                        kind == "RoleBinding" ? RequireNamespace(ns, place, file) : "",
                        RequiredString(roleRef, "kind", $"{place}.roleRef", file),
                        RequiredString(roleRef, "name", $"{place}.roleRef", file),
                        subjects,
                        labels));
                    break;
                default:
                    throw new AuditInputException(file, $"{place}.kind", $"'{kind}' is not an RBAC object; expected ClusterRole, ClusterRoleBinding, Role or RoleBinding");
            }
        }

        // kubectl get prints what it read and exits 1 when one kind fails (get.go collects the errors and prints the List
        // first), so an export missing a kind is well-formed; the bootstrap policy's cluster-admin ClusterRole and its
        // binding are in every cluster, so a file without them is partial, and would audit as no grant at all.
        var missing = new[] { ("ClusterRole", clusterRoles.ContainsKey(ClusterAdmin)), ("ClusterRoleBinding", bindings.Any(b => b.IsClusterRoleBinding && b.Name == ClusterAdmin)) }
            .Where(k => !k.Item2).Select(k => k.Item1).ToList();
        if (missing.Count > 0)
        {
            throw new AuditInputException(file, "(top level)", $"holds no {string.Join(" and no ", missing)} {ClusterAdmin}, which Kubernetes' bootstrap policy puts in every cluster, so the export is partial (kubectl prints what it could read and exits 1 when one kind is refused); export again with `{RbacExport}` and keep the file only when kubectl exits 0");
        }

        return new ClusterRbac(clusterRoles, roles, bindings) { AggregatedClusterRoles = aggregated };
    }

    /// <summary>
    /// Whether a ClusterRole aggregates: Kubernetes' clusterrole storage (policybased/storage.go, hasAggregationRule) counts
    /// an aggregationRule with at least one clusterRoleSelector, and the aggregation controller gathers by those.
    /// </summary>
    private static bool HasAggregationRule(JsonElement item, string place, string file)
    {
        if (!item.TryGetProperty("aggregationRule", out var rule) || rule.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return rule.ValueKind == JsonValueKind.Object
            ? List(rule, "clusterRoleSelectors", $"{place}.aggregationRule", file).Count > 0
            : throw new AuditInputException(file, $"{place}.aggregationRule", $"expected an object, found {RbacData.Found(rule)}" + ExportRbacAgain);
    }

    private const string ClusterAdmin = "cluster-admin";

    private static List<PolicyRulePlan> Rules(JsonElement item, string place, string file) =>
        [.. List(item, "rules", place, file).Select((rule, k) => RbacData.ParseRule(rule, (at, problem) =>
            new AuditInputException(file, $"{place}.rules[{k}]{at}", problem + ExportRbacAgain)))];

    private static List<JsonElement> List(JsonElement item, string name, string place, string file) =>
        RbacData.Items(item, name, list =>
            new AuditInputException(file, $"{place}.{name}", $"expected a list, found {RbacData.Found(list)}" + ExportRbacAgain));

    private static Dictionary<string, string> Labels(JsonElement meta, string place, string file)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!meta.TryGetProperty("labels", out var all) || all.ValueKind != JsonValueKind.Object)
        {
            return labels;
        }

        foreach (var label in all.EnumerateObject())
        {
            var at = $"{place}.labels[{Quoted(label.Name)}]";
            if (label.Value.ValueKind != JsonValueKind.String)
            {
                throw new AuditInputException(file, at, $"expected a string, found {RbacData.Found(label.Value)}: label values are strings" + ExportRbacAgain);
            }

            labels.Add(label.Name, label.Value.GetString()!);
        }

        return labels;
    }

    private static string RequireNamespace(string ns, string place, string file) =>
        ns.Length > 0 ? ns : throw new AuditInputException(file, $"{place}.metadata.namespace", "missing: Roles and RoleBindings live in a namespace");

    /// <summary>
    /// The file as JSON; a UTF-8 byte order mark is skipped, and a UTF-16 file is told to be exported again as UTF-8.
    /// A key given twice in one object is refused with its place: kubectl and the AWS CLI never write one, and which of
    /// the two a reader keeps is its own choice, so an edited grant could hide behind the other.
    /// </summary>
    private static JsonDocument ParseJson(byte[] bytes, string file, string exportCommand, string editedTail)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (TextEncoding.IsUtf16(bytes))
        {
            throw new AuditInputException(file, "(file)", TextEncoding.Utf16Export(exportCommand, file));
        }

        var json = bytes.AsMemory(TextEncoding.Utf8BomLength(bytes));
        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            try
            {
                RefuseRepeatedKeys(document.RootElement, [], file, editedTail);
                return document;
            }
            catch
            {
                document.Dispose();
                throw;
            }
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "(file)";
            var why = json.Length == 0 ? "the file is empty" : e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            throw new AuditInputException(file, where, $"not valid JSON ({why}); a truncated or hand-edited export? Export it again");
        }
    }

    /// <summary>
    /// Walks every member once. The place string is built only for the error, but each member's name is read as a string
    /// and each object gets a set: on a 100 MB RBAC export that is a few hundred MB of short-lived garbage.
    /// </summary>
    private static void RefuseRepeatedKeys(JsonElement element, List<object> path, string file, string editedTail)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    path.Add(property.Name);
                    if (!(seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(property.Name))
                    {
                        throw new AuditInputException(file, KeyPlace(path), $"the key '{Printable.Of(property.Name)}' appears twice in one object; keep one" + editedTail);
                    }

                    RefuseRepeatedKeys(property.Value, path, file, editedTail);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Add(index++);
                    RefuseRepeatedKeys(item, path, file, editedTail);
                    path.RemoveAt(path.Count - 1);
                }

                break;
        }
    }

    /// <summary>A place as the audit names places: <c>items[0].metadata.labels["app.kubernetes.io/name"]</c>.</summary>
    private static string KeyPlace(List<object> path)
    {
        var place = new StringBuilder();
        foreach (var segment in path)
        {
            _ = segment switch
            {
                int index => place.Append('[').Append(index).Append(']'),
                string name when name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') =>
                    (place.Length == 0 ? place : place.Append('.')).Append(name),
                var name => place.Append('[').Append(Quoted((string)name)).Append(']'),
            };
        }

        return place.ToString();
    }

    /// <summary>A key of the file as a JSON string, so one that holds a quote or a line break cannot forge the rest of the message.</summary>
    private static string Quoted(string key) =>
        '"' + Printable.Of(key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)) + '"';

    private static string RequiredString(JsonElement parent, string name, string place, string file) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()!
            : throw new AuditInputException(file, $"{place}.{name}", "missing or not a string");

    private static List<string> StringList(JsonElement parent, string name, string place, string file)
    {
        var notStrings = () => new AuditInputException(file, $"{place}.{name}", "expected a list of strings");
        var items = RbacData.Items(parent, name, _ => notStrings());
        return items.Any(e => e.ValueKind != JsonValueKind.String)
            ? throw notStrings()
            : [.. items.Select(e => e.GetString()!).Order(StringComparer.Ordinal)];
    }

    private static string Place(string path, SourceLocation? location) =>
        location is null ? path : $"{path} (line {location.Line}, column {location.Column})";
}
