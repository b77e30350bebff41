using EksInfra.Access.Config;

namespace EksInfra.Access.Import;

/// <summary>
/// How aws-iam-authenticator reads aws-auth's mapRoles and mapUsers (pkg/mapper/configmap/configmap.go, ParseMap and
/// saveMap): a value that is empty, <c>``</c> or <c>""</c> once trimmed holds no mappings; otherwise the YAML is turned
/// into JSON and decoded with Go's encoding/json into RoleMapping and UserMapping, whose field names
/// (<c>rolearn</c>, <c>userarn</c>, <c>username</c>, <c>groups</c>) match keys whatever their case; and each ARN keeps
/// only its last mapping (the store is keyed by the lower-cased ARN). The importer and the audit both read aws-auth
/// through this, so both see what the cluster grants.
/// The YAML becomes JSON through a Go map (sigs.k8s.io/yaml, yamlToJSONTarget, then json.Marshal, which writes map
/// keys in byte order), so of two keys that differ only in case (<c>RoleArn</c>, <c>rolearn</c>) the decoder reads the
/// one later in byte order last, and that one's value is the field's.
/// </summary>
public static class AuthenticatorEntries
{
    public static readonly IReadOnlyList<string> Fields = ["rolearn", "userarn", "username", "groups", "sso"];

    public static bool IsSkippable(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var trimmed = data.Trim();
        return trimmed.Length == 0 || trimmed is "``" or "\"\"";
    }

    /// <summary>The value of field <paramref name="name"/> as the authenticator decodes it: of the keys equal to it ignoring case, the greatest in byte order.</summary>
    public static ConfigNode? Field(ConfigMap entry, string name)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string? foundKey = null;
        ConfigNode? found = null;
        foreach (var (key, value) in entry.Entries)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && (foundKey is null || string.CompareOrdinal(key, foundKey) > 0))
            {
                foundKey = key;
                found = value;
            }
        }

        return found;
    }

    /// <summary>The last item of each ARN, by the authenticator's store key: the one mapping of that ARN it keeps.</summary>
    public static Dictionary<string, T> LastOfArn<T>(IEnumerable<T> items, Func<T, string> arn)
        where T : class
    {
        var last = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            last[StoreKey(arn(item))] = item;
        }

        return last;
    }

    /// <summary>
    /// The accounts of a mapAccounts value (yaml.v2 into a list of strings), sorted and distinct; or why the
    /// authenticator maps no account from it.
    /// </summary>
    public static (IReadOnlyList<string> Accounts, string? Problem) Accounts(ConfigNode? value, string file)
    {
        if (value is null)
        {
            return ([], null);
        }

        if (value is not ConfigScalar { Kind: ScalarKind.Text } text)
        {
            return ([], $"expected a string holding YAML, found {value.KindName}");
        }

        if (IsSkippable(text.Value))
        {
            return ([], null);
        }

        var parsed = Parse(text.Value, file, "data.mapAccounts");
        if (parsed.Diagnostics.Any(d => d.IsError) || parsed.Root is not ConfigList list || list.Items.Any(i => i is not ConfigScalar))
        {
            return ([], "is not a YAML list of account ids, so the cluster's authenticator maps no account from it");
        }

        return ([.. list.Items.Cast<ConfigScalar>().Select(s => s.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], null);
    }

    /// <summary>
    /// RoleMapping's <c>sso</c> matcher (pkg/config/types.go, SSOARNMatcher): an entry with no ARN that names an IAM
    /// Identity Center permission set and its account instead, standing for every role of that permission set.
    /// </summary>
    public static (string PermissionSet, string Account)? SsoMatcher(ConfigMap entry, string arnKey) =>
        Text(entry, arnKey).Length == 0 && Field(entry, "sso") is ConfigMap sso
            ? (Text(sso, "permissionSetName"), Text(sso, "accountID"))
            : null;

    /// <summary>
    /// Why a mapRoles or mapUsers value was refused for passing one of the reader's limits (its nesting, its node count),
    /// with the place in it; null when it was not. Such a value may well be YAML to the authenticator, so the message
    /// says nothing of what the cluster makes of it.
    /// </summary>
    public static string? OverLimit(YamlConfigReader.ReadResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return parsed.OverLimit && parsed.Diagnostics.FirstOrDefault(d => d.IsError) is { } bad ? $"is refused at {bad.Path}: {bad.Message}" : null;
    }

    /// <summary>
    /// A data value of aws-auth read as the authenticator reads it: pkg/mapper/configmap ParseMap turns it into JSON with
    /// sigs.k8s.io/yaml (go-yaml v2, not strict), which keeps the last of a key given twice in one entry.
    /// </summary>
    public static YamlConfigReader.ReadResult Parse(string data, string file, string path) =>
        YamlConfigReader.ReadTextLastKeyWins(data, file, path, "the cluster's authenticator (sigs.k8s.io/yaml)");

    public static string Text(ConfigMap entry, string name) => (Field(entry, name) as ConfigScalar)?.Value ?? "";

    /// <summary>The groups of an entry; a value that is not a list is skipped by the decoder, as if absent.</summary>
    public static List<string> Groups(ConfigMap entry) =>
        Field(entry, "groups") is ConfigList list ? [.. list.Items.OfType<ConfigScalar>().Select(s => s.Value)] : [];

    public static bool IsField(string key) => Fields.Contains(key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The key under which the authenticator stores a mapping of <paramref name="arn"/>: a later mapping of the same key replaces it.</summary>
    public static string StoreKey(string arn) => arn.ToLowerInvariant();
}
