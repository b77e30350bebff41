using System.Runtime.CompilerServices;
using System.Text;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the aws-auth ConfigMap as aws-iam-authenticator reads it: data values that are YAML strings.</summary>
public static class AwsAuthRenderer
{
    public const string Name = "aws-auth";
    public const string Namespace = Model.KubernetesValues.KubeSystem;
    public const string MapAccountsKey = "mapAccounts";

    /// <summary>The YAML text of <c>data.mapRoles</c>.</summary>
    public static string MapRoles(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return Yaml.EmitWith(awsAuth, WriteMapRoles);
    }

    /// <summary>The YAML text of <c>data.mapUsers</c>.</summary>
    public static string MapUsers(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return Yaml.EmitWith(awsAuth, WriteMapUsers);
    }

    /// <summary>The YAML text of <c>data.mapAccounts</c>: account ids always quoted. The authenticator's go-yaml v2 keeps an unquoted id's text for its []string, but other YAML 1.1 readers of the ConfigMap (PyYAML, say) take a zero-led <c>012345670123</c> for an octal number.</summary>
    public static string MapAccounts(IReadOnlyList<string> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        return Yaml.EmitWith(accounts, WriteMapAccounts);
    }

    internal static void WriteMapRoles(Yaml.EventWriter yaml, AwsAuthPlan awsAuth)
    {
        yaml.BeginSequence();
        foreach (var role in awsAuth.MapRoles)
        {
            WriteMapping(yaml, "rolearn", role.RoleArn, role.Username, role.Groups);
        }

        yaml.EndSequence();
    }

    internal static void WriteMapUsers(Yaml.EventWriter yaml, AwsAuthPlan awsAuth)
    {
        yaml.BeginSequence();
        foreach (var user in awsAuth.MapUsers)
        {
            WriteMapping(yaml, "userarn", user.UserArn, user.Username, user.Groups);
        }

        yaml.EndSequence();
    }

    internal static void WriteMapAccounts(Yaml.EventWriter yaml, IReadOnlyList<string> accounts) => yaml.Strings(accounts);

    private static void WriteMapping(Yaml.EventWriter yaml, string arnKey, string arn, string username, IReadOnlyList<string> groups)
    {
        yaml.BeginMap();
        yaml.Pair(arnKey, arn);
        yaml.Pair("username", username);
        yaml.Key("groups");
        yaml.Strings(groups);
        yaml.EndMap();
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

    /// <summary>
    /// What Kubernetes holds to its 1 MiB limit in this rendering (aws-auth.yaml): the bytes of every data value.
    /// pkg/apis/core/validation ValidateConfigMap sums <c>len(value)</c> over data and binaryData; keys are not counted.
    /// </summary>
    public static long DataBytes(AwsAuthPlan awsAuth)
    {
        long bytes = 0;
        foreach (var (_, value) in Data(awsAuth))
        {
            bytes += Encoding.UTF8.GetByteCount(value);
        }

        return bytes;
    }

    /// <summary>The whole ConfigMap manifest, or null when the mode has no aws-auth.</summary>
    public static string? Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.AwsAuth is { } awsAuth ? Yaml.EmitWith(Data(awsAuth), WriteManifest) : null;
    }

    /// <summary>The manifest around the data values, each a literal block (about 1 MiB at 10,000 identities).</summary>
    internal static void WriteManifest(Yaml.EventWriter yaml, IReadOnlyList<KeyValuePair<string, string>> data)
    {
        yaml.BeginMap();
        yaml.Pair("apiVersion", "v1");
        yaml.Pair("kind", "ConfigMap");
        ObjectMetadata.WriteAwsAuth(yaml, Name, Namespace);
        yaml.Key("data");
        yaml.BeginMap();
        foreach (var (key, value) in data)
        {
            yaml.Key(key);
            yaml.Block(value);
        }

        yaml.EndMap();
        yaml.EndMap();
    }

    private static readonly ConditionalWeakTable<AwsAuthPlan, IReadOnlyList<KeyValuePair<string, string>>> DataCache = new();
}
