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

    /// <summary>The YAML text of <c>data.mapRoles</c>.</summary>
    public static string MapRoles(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return Mappings(awsAuth.MapRoles, "rolearn", r => (r.RoleArn, r.Username, r.Groups));
    }

    /// <summary>The YAML text of <c>data.mapUsers</c>.</summary>
    public static string MapUsers(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return Mappings(awsAuth.MapUsers, "userarn", u => (u.UserArn, u.Username, u.Groups));
    }

    private static string Mappings<T>(IReadOnlyList<T> mappings, string arnKey, Func<T, (string Arn, string Username, IReadOnlyList<string> Groups)> parts) =>
        Yaml.EmitWith(yaml =>
        {
            yaml.BeginSequence();
            foreach (var mapping in mappings)
            {
                var (arn, username, groups) = parts(mapping);
                yaml.BeginMap();
                yaml.Text(arnKey);
                yaml.Text(arn);
                yaml.Text("username");
                yaml.Text(username);
                yaml.Text("groups");
                yaml.Strings(groups);
                yaml.EndMap();
            }

            yaml.EndSequence();
        });

    /// <summary>The YAML text of <c>data.mapAccounts</c>: account ids always quoted, or the authenticator reads numbers.</summary>
    public static string MapAccounts(IReadOnlyList<string> accounts) => Yaml.Emit(Yaml.Strings(accounts));

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

        var data = new YamlMappingNode();
        foreach (var (key, value) in Data(awsAuth))
        {
            data.Add(key, Yaml.Block(value));
        }

        return Yaml.Emit(Yaml.Map(
            ("apiVersion", Yaml.Str("v1")),
            ("kind", Yaml.Str("ConfigMap")),
            ("metadata", Yaml.Map(
                ("name", Yaml.Str(Name)),
                ("namespace", Yaml.Str(Namespace)),
                ("labels", Yaml.Map((KubernetesNames.ManagedByLabel, Yaml.Str(KubernetesNames.ManagedByValue)))))),
            ("data", data)));
    }

    private static readonly ConditionalWeakTable<AwsAuthPlan, IReadOnlyList<KeyValuePair<string, string>>> DataCache = new();
}
