using EksInfra.Access.Config;

namespace EksInfra.Access.Import;

/// <summary>
/// How aws-iam-authenticator reads aws-auth's mapRoles and mapUsers (pkg/mapper/configmap/configmap.go, ParseMap and
/// saveMap): a value that is empty, <c>``</c>, <c>""</c> or <c>''</c> once trimmed holds no mappings; otherwise the YAML
/// is turned into JSON and decoded with Go's encoding/json into RoleMapping and UserMapping, whose field names
/// (<c>rolearn</c>, <c>userarn</c>, <c>username</c>, <c>groups</c>) match keys whatever their case; and a caller is
/// answered as <see cref="Read{T}"/> says. The importer and the audit both read aws-auth through this, so both see what
/// the cluster grants.
/// The YAML becomes JSON through a Go map (sigs.k8s.io/yaml, yamlToJSONTarget, then json.Marshal, which writes map
/// keys in byte order), so of two keys that differ only in case (<c>RoleArn</c>, <c>rolearn</c>) the decoder reads the
/// one later in byte order last, and that one's value is the field's.
/// </summary>
public static partial class AuthenticatorEntries
{
    /// <summary>RoleMapping's and UserMapping's fields (pkg/config/types.go): only RoleMapping has <c>sso</c>, so encoding/json ignores it in mapUsers.</summary>
    private static readonly IReadOnlyList<string> RoleFields = ["rolearn", "sso", "username", "groups"];
    private static readonly IReadOnlyList<string> UserFields = ["userarn", "username", "groups"];

    /// <summary>
    /// A value whose YAML is null: a comment-only value (every entry commented out), <c>null</c> or <c>~</c>. YAMLToJSON
    /// makes it <c>null</c>, and encoding/json decodes that into a slice as no mappings, with no error.
    /// </summary>
    public static bool HoldsNoMappings(YamlConfigReader.ReadResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return !parsed.Diagnostics.Any(d => d.IsError) && parsed.Root is null or ConfigScalar { Kind: ScalarKind.Null } or ConfigScalar { Value: "" };
    }

    public static bool IsSkippable(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var trimmed = data.Trim();
        return trimmed.Length == 0 || trimmed is "``" or "\"\"" or "''";
    }

    /// <summary>The value of field <paramref name="name"/> as the authenticator decodes it: of the keys equal to it ignoring case, the greatest in byte order.</summary>
    public static ConfigNode? Field(ConfigMap entry, string name)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string? foundKey = null;
        ConfigNode? found = null;
        foreach (var (key, value) in entry.Entries)
        {
            if (GoJsonNamesMatch(key, name) && (foundKey is null || string.CompareOrdinal(key, foundKey) > 0))
            {
                foundKey = key;
                found = value;
            }
        }

        return found;
    }

    /// <summary>
    /// Which mappings answer a caller, as ConfigMapMapper.Map and MapStore do: each list is a store keyed by
    /// RoleMapping.Key (the lower-cased ARN) or UserMapping.Key (the ARN as written), so a later mapping of the same key
    /// replaces an earlier one; the caller's lower-cased canonical ARN is looked up in mapRoles first and in mapUsers
    /// only when no role mapping matches it (ignoring case); and two user mappings whose ARNs differ only in case are
    /// both kept, and the store answers with whichever its map's iteration meets first, request by request. Items whose
    /// ARN is empty (sso matchers, entries the decoder refuses) are <see cref="MappingReading.Read"/>.
    /// </summary>
    public static IReadOnlyList<(T Item, MappingReading Reading, T? Other)> Read<T>(IReadOnlyList<T> mapRoles, IReadOnlyList<T> mapUsers, Func<T, string> arn)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(mapRoles);
        ArgumentNullException.ThrowIfNull(mapUsers);
        ArgumentNullException.ThrowIfNull(arn);
        var lastRole = LastOf(mapRoles, a => a.ToLowerInvariant());
        var lastUser = LastOf(mapUsers, a => a);
        var usersByLookup = lastUser.Values.ToLookup(u => arn(u).ToLowerInvariant(), StringComparer.Ordinal);
        var result = new List<(T, MappingReading, T?)>(mapRoles.Count + mapUsers.Count);
        foreach (var role in mapRoles)
        {
            var key = arn(role);
            result.Add(key.Length > 0 && lastRole[key.ToLowerInvariant()] is var winner && !ReferenceEquals(winner, role) ? (role, MappingReading.MappedAgain, winner) : (role, MappingReading.Read, null));
        }

        foreach (var user in mapUsers)
        {
            var key = arn(user);
            if (key.Length == 0)
            {
                result.Add((user, MappingReading.Read, null));
            }
            else if (lastUser[key] is var winner && !ReferenceEquals(winner, user))
            {
                result.Add((user, MappingReading.MappedAgain, winner));
            }
            else if (lastRole.TryGetValue(key.ToLowerInvariant(), out var role))
            {
                result.Add((user, MappingReading.InMapRoles, role));
            }
            else if (usersByLookup[key.ToLowerInvariant()].FirstOrDefault(u => !ReferenceEquals(u, user)) is { } other)
            {
                result.Add((user, MappingReading.EitherAnswers, other));
            }
            else
            {
                result.Add((user, MappingReading.Read, null));
            }
        }

        return result;

        Dictionary<string, T> LastOf(IReadOnlyList<T> items, Func<string, string> storeKey)
        {
            var last = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (arn(item) is { Length: > 0 } a)
                {
                    last[storeKey(a)] = item;
                }
            }

            return last;
        }
    }

    /// <summary>
    /// The accounts of a mapAccounts value as ParseMap reads it (yaml.v2 into a list of strings), sorted and distinct, and
    /// the items it drops, and a Note on what it never reads (a second YAML document); or, as Problem, why the
    /// authenticator maps no account from it. yaml.v2's decoder keeps every
    /// item that decodes into a string (any scalar, as written) and drops the others (<c>if ok := d.unmarshal(...); ok</c>
    /// in decoder.sequence), and ParseMap saves the accounts it got beside the error. A null item is an empty account,
    /// which no caller has, so it is left out.
    /// </summary>
    public static (IReadOnlyList<string> Accounts, string? Problem, IReadOnlyList<ConfigNode> DroppedItems, string? Note) Accounts(ConfigNode? value, string file)
    {
        if (value is null)
        {
            return ([], null, [], null);
        }

        if (value is not ConfigScalar { Kind: ScalarKind.Text } text)
        {
            return ([], $"expected a string holding YAML, found {value.KindName}", [], null);
        }

        if (IsSkippable(text.Value))
        {
            return ([], null, [], null);
        }

        var parsed = ReadAsGoYaml(text.Value, file, "data.mapAccounts");
        if (HoldsNoMappings(parsed))
        {
            return ([], null, [], null);
        }

        if (parsed.Diagnostics.Any(d => d.IsError) || parsed.Root is not ConfigList list)
        {
            return ([], "is not a YAML list of account ids, so the cluster's authenticator maps no account from it", [], null);
        }

        var accounts = list.Items.OfType<ConfigScalar>().Where(s => s.Kind != ScalarKind.Null).Select(s => s.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return (accounts, null, [.. list.Items.Where(i => i is not ConfigScalar)], parsed.Diagnostics.FirstOrDefault(d => !d.IsError && d.Path == "data.mapAccounts")?.Message);
    }

    /// <summary>Why yaml.v2 drops a mapAccounts item, in the words the audit and the import both use.</summary>
    public static string DroppedAccountWhy(ConfigNode item) =>
        $"is {item.KindName}, not an account id: yaml.v2 cannot decode it into a string, so the authenticator drops it and reads the rest of mapAccounts";

    /// <summary>
    /// Why the authenticator refuses a mapRoles (<paramref name="arnKey"/> <c>rolearn</c>) or mapUsers item, which
    /// ParseMap then drops, reading the rest, naming the Validate that refuses it; null when it keeps it. An item that is
    /// not a map decodes to an entry with no ARN (encoding/json records the type error and decodes past it). A mapUsers
    /// item needs only its userarn (UserMapping.Validate): UserMapping has no sso field, so an sso key there is ignored.
    /// </summary>
    public static string? Refused(ConfigNode item, string arnKey)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Refusal(item, arnKey) is { } refused ? $"{refused}, so the authenticator refuses the entry ({(arnKey == "rolearn" ? "RoleMapping" : "UserMapping")} Validate)" : null;
    }

    private static string? Refusal(ConfigNode item, string arnKey)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item switch
        {
            not ConfigMap => $"is {item.KindName}, not a mapping: it decodes to an entry with no {arnKey}",
            ConfigMap entry when arnKey == "rolearn" => RoleMappingRefused(entry),
            ConfigMap entry => Text(entry, arnKey).Length == 0 ? $"has no {arnKey}" : null,
        };
    }

    /// <summary>
    /// Why RoleMapping.Validate (pkg/config/mapper.go) refuses a mapRoles entry, which ParseMap then drops; null when it
    /// passes: exactly one of rolearn and sso, and an sso matcher's accountID twelve digits (a plain one is a number to
    /// go-yaml, which encoding/json leaves empty), its permissionSetName <c>[\w+=,.@-]{1,32}</c> and its partition, if
    /// given, a known one.
    /// </summary>
    private static string? RoleMappingRefused(ConfigMap entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var arn = Text(entry, "rolearn");
        if (Field(entry, "sso") is not ConfigMap sso)
        {
            return arn.Length == 0 ? "has no rolearn and no sso matcher" : null;
        }

        if (arn.Length > 0)
        {
            return "has both a rolearn and an sso matcher (\"only one of rolearn or SSO can be supplied\")";
        }

        var account = Text(sso, "accountID");
        if (account.Length != 12 || !account.All(char.IsAsciiDigit))
        {
            return NotAString(sso, "accountID") is ConfigScalar { Kind: ScalarKind.Number } number
                ? $"has an sso accountID written unquoted ({number.Value}), which go-yaml reads as a number and encoding/json leaves empty (\"AccountID '' is not a valid AWS Account ID\"): quote it"
                : $"has an sso accountID '{account}' that is not twelve digits";
        }

        var permissionSet = Text(sso, "permissionSetName");
        if (!PermissionSetName().IsMatch(permissionSet))
        {
            return $"has an sso permissionSetName '{permissionSet}' that is not 1 to 32 of letters, digits and _+=,.@-";
        }

        var partition = Text(sso, "partition");
        return partition.Length > 0 && !Arns.Partitions.Contains(partition) ? $"has an sso partition '{partition}' that is not an AWS partition" : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9A-Za-z_+=,.@-]{1,32}\z")]
    private static partial System.Text.RegularExpressions.Regex PermissionSetName();

    /// <summary>
    /// RoleMapping's <c>sso</c> matcher (pkg/config/types.go, SSOARNMatcher): an entry with no ARN that names an IAM
    /// Identity Center permission set and its account instead, standing for every role of that permission set.
    /// </summary>
    public static (string PermissionSet, string Account)? SsoMatcher(ConfigMap entry, string arnKey) =>
        Text(entry, arnKey).Length == 0 && Field(entry, "sso") is ConfigMap sso
            ? (Text(sso, "permissionSetName"), Text(sso, "accountID"))
            : null;

    /// <summary>
    /// Why an sso matcher that Validate passes still matches no caller, or null: SSOArnLike (pkg/config/mapper.go) sets
    /// the pattern's partition only when none is given (<c>var partition string; if m.SSO.Partition == "" { partition =
    /// "aws" }</c>), so a given one, even <c>aws</c>, leaves <c>arn::iam::...</c>, whose empty partition ArnLike never matches.
    /// </summary>
    public static string? SsoNeverMatches(ConfigMap entry) =>
        Field(entry, "sso") is ConfigMap sso && Text(sso, "partition") is { Length: > 0 } partition
            ? $"has an sso matcher with partition '{partition}', which the authenticator never puts into its pattern (SSOArnLike fills the partition in only when none is given, leaving arn::iam::...), so it matches no caller; remove partition (aws is the default)"
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
    public static YamlConfigReader.ReadResult Parse(string data, string file, string path)
    {
        var read = ReadAsGoYaml(data, file, path);
        // sigs.k8s.io/yaml's YAMLToJSON keeps go-yaml's values as they are and hands them to json.Marshal, which
        // refuses a NaN or an infinity ("unsupported value"), and convertToJSONableObject refuses a null map key
        // ("unsupported map key"): ParseMap then gets an error for the whole list.
        return read.Root is { } root && FirstNotJsonEncodable(root) is var (bad, why)
            ? read with { Diagnostics = [.. read.Diagnostics, new Diagnostic(Severity.Error, bad.Path, $"{why}: sigs.k8s.io/yaml fails to convert the list to JSON", bad.Location)] }
            : read;
    }

    private static (ConfigNode Node, string Why)? FirstNotJsonEncodable(ConfigNode node)
    {
        switch (node)
        {
            case ConfigScalar { Kind: ScalarKind.Number } scalar when Rendering.Yaml.GoYamlReadsAsNanOrInfinity(scalar.Value):
                return (scalar, $"'{scalar.Value}' is a float go-yaml reads as NaN or an infinity, which JSON cannot hold");
            case ConfigList list:
                foreach (var item in list.Items)
                {
                    if (FirstNotJsonEncodable(item) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case ConfigMap map:
                foreach (var (key, value) in map.Entries)
                {
                    // The map keeps keys as text: a quoted "null" would pass, but no aws-auth has one.
                    if (key is "" or "~" or "null" or "Null" or "NULL")
                    {
                        return (value, $"the key '{key}' is null to go-yaml, which no JSON object key can be");
                    }

                    if (FirstNotJsonEncodable(value) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>mapAccounts goes to yaml.Unmarshal into a list of strings directly (no JSON), which takes any scalar's text.</summary>
    private static YamlConfigReader.ReadResult ReadAsGoYaml(string data, string file, string path) =>
        YamlConfigReader.ReadTextLastKeyWins(data, file, path, "the cluster's authenticator (sigs.k8s.io/yaml)");


    /// <summary>
    /// A string field as encoding/json decodes it: a value go-yaml v2 resolved to something else (a boolean such as
    /// <c>yes</c>, a number, null, a list) fails the decode into the string, which stays empty.
    /// </summary>
    public static string Text(ConfigMap entry, string name) => AsString(Field(entry, name));

    /// <summary>The field's value where encoding/json would not decode it into a string; null where it would, or is absent.</summary>
    public static ConfigNode? NotAString(ConfigMap entry, string name) =>
        Field(entry, name) is { } value and not ConfigScalar { Kind: ScalarKind.Text } ? value : null;

    private static string AsString(ConfigNode? value) => value is ConfigScalar { Kind: ScalarKind.Text } text ? text.Value : "";

    /// <summary>The groups of an entry; a value that is not a list is skipped by the decoder, as if absent, and an item that is not a string decodes to "".</summary>
    public static List<string> Groups(ConfigMap entry) =>
        Field(entry, "groups") is ConfigList list ? [.. list.Items.Select(AsString)] : [];

    /// <summary>Whether the mapRoles (<paramref name="arnKey"/> <c>rolearn</c>) or mapUsers entry type decodes <paramref name="key"/> into a field.</summary>
    public static bool IsField(string key, string arnKey) => (arnKey == "rolearn" ? RoleFields : UserFields).Any(field => GoJsonNamesMatch(key, field));

    /// <summary>
    /// Whether encoding/json decodes object key <paramref name="key"/> into the field named <paramref name="field"/>
    /// (ASCII): it compares names by foldName (encoding/json fold.go), ASCII letters ignoring case and any other letter
    /// as the smallest letter of its Unicode simple-fold orbit, so U+017F (long s) reads as s and U+212A (Kelvin sign)
    /// as k; no other non-ASCII letter folds to an ASCII one. .NET's OrdinalIgnoreCase folds neither.
    /// </summary>
    public static bool GoJsonNamesMatch(string key, string field)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(field);
        if (key.Length != field.Length)
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i] switch { '\u017F' => 's', '\u212A' => 'k', var other => other };
            if (!char.IsAscii(c) || char.ToUpperInvariant(c) != char.ToUpperInvariant(field[i]))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What the authenticator makes of one aws-auth mapping (<see cref="AuthenticatorEntries.Read{T}"/>).</summary>
public enum MappingReading
{
    /// <summary>The mapping answers its callers.</summary>
    Read,

    /// <summary>A later mapping of the same store key replaced it: it grants nothing.</summary>
    MappedAgain,

    /// <summary>A mapUsers mapping whose ARN mapRoles maps too (ignoring case): the role mapping answers, this grants nothing.</summary>
    InMapRoles,

    /// <summary>A mapUsers mapping kept beside another whose ARN differs only in case: either may answer a request.</summary>
    EitherAnswers,
}
