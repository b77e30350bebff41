using System.Runtime.CompilerServices;
using System.Text;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the aws-auth ConfigMap as aws-iam-authenticator reads it: data values that are YAML strings.</summary>
public static class AwsAuthRenderer
{
    public const string Name = "aws-auth";
    public const string Namespace = "kube-system";
    public const string MapAccountsKey = "mapAccounts";

    private const string ApiVersion = "v1";
    private const string Kind = "ConfigMap";
    private const string RoleArnKey = "rolearn";
    private const string UserArnKey = "userarn";
    private const string UsernameKey = "username";
    private const string GroupsKey = "groups";

    /// <summary>The emitter writes an empty sequence in flow style.</summary>
    private const string EmptySequence = "[]\n";

    /// <summary>A key of the manifest's <c>data</c> is indented by two spaces, its literal block's lines by four.</summary>
    private const string DataKeyIndent = "  ";

    private const int DataValueIndent = 4;

    /// <summary>The YAML text of <c>data.mapRoles</c>.</summary>
    public static string MapRoles(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return MapRolesByHand(awsAuth) ?? MapRolesByEmitter(awsAuth);
    }

    /// <summary>The YAML text of <c>data.mapUsers</c>.</summary>
    public static string MapUsers(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return MapUsersByHand(awsAuth) ?? MapUsersByEmitter(awsAuth);
    }

    internal static string? MapRolesByHand(AwsAuthPlan awsAuth) => MappingsByHand(awsAuth.MapRoles, RoleArnKey, RoleParts);

    internal static string MapRolesByEmitter(AwsAuthPlan awsAuth) => MappingsByEmitter(awsAuth.MapRoles, RoleArnKey, RoleParts);

    internal static string? MapUsersByHand(AwsAuthPlan awsAuth) => MappingsByHand(awsAuth.MapUsers, UserArnKey, UserParts);

    internal static string MapUsersByEmitter(AwsAuthPlan awsAuth) => MappingsByEmitter(awsAuth.MapUsers, UserArnKey, UserParts);

    private static (string Arn, string Username, IReadOnlyList<string> Groups) RoleParts(RoleMappingPlan role) => (role.RoleArn, role.Username, role.Groups);

    private static (string Arn, string Username, IReadOnlyList<string> Groups) UserParts(UserMappingPlan user) => (user.UserArn, user.Username, user.Groups);

    /// <summary>The mappings through YamlDotNet's emitter: the reference the hand-written form must match, and its fallback.</summary>
    internal static string MappingsByEmitter<T>(IReadOnlyList<T> mappings, string arnKey, Func<T, (string Arn, string Username, IReadOnlyList<string> Groups)> parts) =>
        Yaml.EmitWith(yaml =>
        {
            yaml.BeginSequence();
            foreach (var mapping in mappings)
            {
                var (arn, username, groups) = parts(mapping);
                yaml.BeginMap();
                yaml.Text(arnKey);
                yaml.Text(arn);
                yaml.Text(UsernameKey);
                yaml.Text(username);
                yaml.Text(GroupsKey);
                yaml.Strings(groups);
                yaml.EndMap();
            }

            yaml.EndSequence();
        });

    /// <summary>
    /// The mappings written by hand, exactly as <see cref="MappingsByEmitter"/> writes them, or null when a scalar's
    /// emitted form is not certain (see <see cref="FastYaml"/>). Measured first, so the text is allocated once.
    /// </summary>
    internal static string? MappingsByHand<T>(IReadOnlyList<T> mappings, string arnKey, Func<T, (string Arn, string Username, IReadOnlyList<string> Groups)> parts)
    {
        if (!FastYaml.IsPlainString(arnKey) || !FastYaml.IsPlainString(UsernameKey) || !FastYaml.IsPlainString(GroupsKey))
        {
            return null;
        }

        if (mappings.Count == 0)
        {
            return EmptySequence;
        }

        // Per mapping: "- KEY: ARN\n  username: NAME\n" then "  groups: []\n" or "  groups:\n" and "  - GROUP\n" per group.
        long length = 0;
        foreach (var mapping in mappings)
        {
            var (arn, username, groups) = parts(mapping);
            var arnLength = FastYaml.StringLength(arn);
            var usernameLength = FastYaml.StringLength(username);
            if (arnLength < 0 || usernameLength < 0)
            {
                return null;
            }

            length += "- ".Length + arnKey.Length + ": ".Length + arnLength + "\n".Length
                + "  ".Length + UsernameKey.Length + ": ".Length + usernameLength + "\n".Length
                + "  ".Length + GroupsKey.Length + (groups.Count == 0 ? ": []\n".Length : ":\n".Length);
            foreach (var group in groups)
            {
                var groupLength = FastYaml.StringLength(group);
                if (groupLength < 0)
                {
                    return null;
                }

                length += "  - ".Length + groupLength + "\n".Length;
            }
        }

        return length > int.MaxValue ? null : string.Create((int)length, (mappings, arnKey, parts), static (span, state) =>
        {
            var writer = new CharWriter(span);
            foreach (var mapping in state.mappings)
            {
                var (arn, username, groups) = state.parts(mapping);
                writer.Append("- ");
                writer.Append(state.arnKey);
                writer.Append(": ");
                FastYaml.AppendString(ref writer, arn);
                writer.Append("\n  ");
                writer.Append(UsernameKey);
                writer.Append(": ");
                FastYaml.AppendString(ref writer, username);
                writer.Append("\n  ");
                writer.Append(GroupsKey);
                if (groups.Count == 0)
                {
                    // The emitter writes an empty sequence in flow style.
                    writer.Append(": []\n");
                    continue;
                }

                // A sequence that is a mapping's value is not indented further ("indentless").
                writer.Append(":\n");
                foreach (var group in groups)
                {
                    writer.Append("  - ");
                    FastYaml.AppendString(ref writer, group);
                    writer.Append('\n');
                }
            }

            writer.EnsureFull();
        });
    }

    /// <summary>The YAML text of <c>data.mapAccounts</c>: account ids always quoted, or the authenticator reads numbers.</summary>
    public static string MapAccounts(IReadOnlyList<string> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return MapAccountsByHand(accounts) ?? MapAccountsByEmitter(accounts);
    }

    internal static string MapAccountsByEmitter(IReadOnlyList<string> accounts) => Yaml.Emit(Yaml.Strings(accounts));

    /// <summary>The accounts as <see cref="MapAccountsByEmitter"/> writes them ("- ACCOUNT\n" each), or null when uncertain.</summary>
    internal static string? MapAccountsByHand(IReadOnlyList<string> accounts)
    {
        if (accounts.Count == 0)
        {
            return EmptySequence;
        }

        long length = 0;
        foreach (var account in accounts)
        {
            var accountLength = FastYaml.StringLength(account);
            if (accountLength < 0)
            {
                return null;
            }

            length += "- ".Length + accountLength + "\n".Length;
        }

        return length > int.MaxValue ? null : string.Create((int)length, accounts, static (span, accounts) =>
        {
            var writer = new CharWriter(span);
            foreach (var account in accounts)
            {
                writer.Append("- ");
                FastYaml.AppendString(ref writer, account);
                writer.Append('\n');
            }

            writer.EnsureFull();
        });
    }

    /// <summary>
    /// The ConfigMap's <c>data</c>, key by key, in the order it is written. A pure function of the plan, so it is
    /// rendered once per plan: the limit check and the manifest share it.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Data(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return DataCache.GetValue(awsAuth, plan =>
        {
            var data = new List<KeyValuePair<string, string>> { new("mapRoles", MapRoles(plan)) };
            if (plan.MapUsers.Count > 0)
            {
                data.Add(new("mapUsers", MapUsers(plan)));
            }

            if (plan.MapAccounts.Count > 0)
            {
                data.Add(new(MapAccountsKey, MapAccounts(plan.MapAccounts)));
            }

            return data;
        });
    }

    /// <summary>The size Kubernetes holds to its 1 MiB ConfigMap limit: every data key and value, in bytes.</summary>
    public static long DataBytes(AwsAuthPlan awsAuth) =>
        Data(awsAuth).Sum(e => (long)Encoding.UTF8.GetByteCount(e.Key) + Encoding.UTF8.GetByteCount(e.Value));

    /// <summary>The whole ConfigMap manifest, or null when the mode has no aws-auth.</summary>
    public static string? Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.AwsAuth is not { } awsAuth)
        {
            return null;
        }

        var data = Data(awsAuth);
        return ManifestByHand(data) ?? ManifestByEmitter(data);
    }

    /// <summary>The manifest through YamlDotNet's emitter: the reference the hand-written form must match, and its fallback.</summary>
    internal static string ManifestByEmitter(IReadOnlyList<KeyValuePair<string, string>> data)
    {
        var dataNode = new YamlMappingNode();
        foreach (var (key, value) in data)
        {
            dataNode.Add(key, Yaml.Block(value));
        }

        return Yaml.Emit(Yaml.Map(
            ("apiVersion", Yaml.Str(ApiVersion)),
            ("kind", Yaml.Str(Kind)),
            ("metadata", Yaml.Map(
                ("name", Yaml.Str(Name)),
                ("namespace", Yaml.Str(Namespace)),
                ("labels", Yaml.Map((KubernetesNames.ManagedByLabel, Yaml.Str(KubernetesNames.ManagedByValue)))))),
            ("data", dataNode)));
    }

    /// <summary>
    /// The manifest written by hand, exactly as <see cref="ManifestByEmitter"/> writes it, or null when uncertain: the
    /// fixed header, then each data value as a literal block under its key (the values are about 1 MiB at 10,000
    /// identities, which the emitter would analyse character by character once more).
    /// </summary>
    internal static string? ManifestByHand(IReadOnlyList<KeyValuePair<string, string>> data)
    {
        if (ManifestHeader is not { } header || data.Count == 0)
        {
            return null;
        }

        long length = header.Length;
        foreach (var (key, value) in data)
        {
            var keyLength = FastYaml.KeyLength(key);
            var blockLength = FastYaml.LiteralBlockLength(value, DataValueIndent);
            if (keyLength < 0 || blockLength < 0)
            {
                return null;
            }

            length += DataKeyIndent.Length + keyLength + ":".Length + blockLength;
        }

        return length > int.MaxValue ? null : string.Create((int)length, (header, data), static (span, state) =>
        {
            var writer = new CharWriter(span);
            writer.Append(state.header);
            foreach (var (key, value) in state.data)
            {
                writer.Append(DataKeyIndent);
                writer.Append(key);
                writer.Append(':');
                FastYaml.AppendLiteralBlock(ref writer, value, DataValueIndent);
            }

            writer.EnsureFull();
        });
    }

    /// <summary>Everything before the data values, as the emitter writes it, or null if any of it were not certain.</summary>
    private static string? BuildManifestHeader()
    {
        string?[] parts =
        [
            FastYaml.StringText(ApiVersion), FastYaml.StringText(Kind), FastYaml.StringText(Name), FastYaml.StringText(Namespace),
            FastYaml.KeyText(KubernetesNames.ManagedByLabel), FastYaml.StringText(KubernetesNames.ManagedByValue),
        ];
        string[] keys = ["apiVersion", "kind", "metadata", "name", "namespace", "labels", "data"];
        if (parts.Contains(null) || keys.Any(k => FastYaml.KeyText(k) != k))
        {
            return null;
        }

        return $"apiVersion: {parts[0]}\nkind: {parts[1]}\nmetadata:\n  name: {parts[2]}\n  namespace: {parts[3]}\n  labels:\n    {parts[4]}: {parts[5]}\ndata:\n";
    }

    private static readonly ConditionalWeakTable<AwsAuthPlan, IReadOnlyList<KeyValuePair<string, string>>> DataCache = new();

    private static readonly string? ManifestHeader = BuildManifestHeader();
}
