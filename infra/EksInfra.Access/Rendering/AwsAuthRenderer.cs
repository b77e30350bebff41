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
        return Yaml.Emit(Yaml.Seq(awsAuth.MapRoles.Select(r => Yaml.Map(
            ("rolearn", Yaml.Str(r.RoleArn)),
            ("username", Yaml.Str(r.Username)),
            ("groups", Yaml.Strings(r.Groups))))));
    }

    /// <summary>The YAML text of <c>data.mapUsers</c>.</summary>
    public static string MapUsers(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        return Yaml.Emit(Yaml.Seq(awsAuth.MapUsers.Select(u => Yaml.Map(
            ("userarn", Yaml.Str(u.UserArn)),
            ("username", Yaml.Str(u.Username)),
            ("groups", Yaml.Strings(u.Groups))))));
    }

    /// <summary>The YAML text of <c>data.mapAccounts</c>: account ids always quoted, or the authenticator reads numbers.</summary>
    public static string MapAccounts(IReadOnlyList<string> accounts) => Yaml.Emit(Yaml.Strings(accounts));

    /// <summary>The whole ConfigMap manifest, or null when the mode has no aws-auth.</summary>
    public static string? Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.AwsAuth is not { } awsAuth)
        {
            return null;
        }

        var data = new YamlMappingNode
        {
            { "mapRoles", Yaml.Block(MapRoles(awsAuth)) },
        };
        if (awsAuth.MapUsers.Count > 0)
        {
            data.Add("mapUsers", Yaml.Block(MapUsers(awsAuth)));
        }

        if (awsAuth.MapAccounts.Count > 0)
        {
            data.Add(MapAccountsKey, Yaml.Block(MapAccounts(awsAuth.MapAccounts)));
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
}
