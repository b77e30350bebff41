using EksInfra.Access.Config;

namespace EksInfra.Access.Import;

/// <summary>
/// How aws-iam-authenticator reads aws-auth's mapRoles and mapUsers (pkg/mapper/configmap/configmap.go, ParseMap and
/// saveMap): a value that is empty, <c>``</c> or <c>""</c> once trimmed holds no mappings; otherwise the YAML is turned
/// into JSON and decoded with Go's encoding/json into RoleMapping and UserMapping, whose field names
/// (<c>rolearn</c>, <c>userarn</c>, <c>username</c>, <c>groups</c>) match keys whatever their case; and each ARN keeps
/// only its last mapping (the store is keyed by the lower-cased ARN). The importer and the audit both read aws-auth
/// through this, so both see what the cluster grants.
/// </summary>
public static class AuthenticatorEntries
{
    public static readonly IReadOnlyList<string> Fields = ["rolearn", "userarn", "username", "groups"];

    public static bool IsSkippable(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var trimmed = data.Trim();
        return trimmed.Length == 0 || trimmed is "``" or "\"\"";
    }

    /// <summary>The value of field <paramref name="name"/> as encoding/json finds it: the last key equal to it ignoring case.</summary>
    public static ConfigNode? Field(ConfigMap entry, string name)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ConfigNode? found = null;
        foreach (var (key, value) in entry.Entries)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                found = value;
            }
        }

        return found;
    }

    public static string Text(ConfigMap entry, string name) => (Field(entry, name) as ConfigScalar)?.Value ?? "";

    /// <summary>The groups of an entry; a value that is not a list is skipped by the decoder, as if absent.</summary>
    public static List<string> Groups(ConfigMap entry) =>
        Field(entry, "groups") is ConfigList list ? [.. list.Items.OfType<ConfigScalar>().Select(s => s.Value)] : [];

    public static bool IsField(string key) => Fields.Contains(key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The key under which the authenticator stores a mapping of <paramref name="arn"/>: a later mapping of the same key replaces it.</summary>
    public static string StoreKey(string arn) => arn.ToLowerInvariant();
}
