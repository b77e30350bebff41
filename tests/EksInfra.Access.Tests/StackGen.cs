using CsCheck;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Tests;

public enum IdentityKind
{
    Created,
    Role,
    User,
}

public sealed record GroupSpec(string Name, string ClusterRole, string[] Namespaces);

public sealed record PolicySpec(string Policy, string[] Namespaces);

public sealed record IdentitySpec(IdentityKind Kind, string Name, string IamPath, string Username, string[] Groups, PolicySpec[] Policies);

/// <summary>A stack that is valid by construction: unique names, declared groups, rules of its mode respected.</summary>
public sealed record StackSpec(string Mode, string Region, string Partition, string Account, string ClusterName, GroupSpec[] Groups, IdentitySpec[] Identities, string[] MapAccounts)
{
    public bool UsesConfigMap => Mode != "API";

    public bool UsesAccessEntries => Mode != "CONFIG_MAP";

    public string Arn(IdentitySpec identity) =>
        $"arn:{Partition}:iam::{Account}:{(identity.Kind == IdentityKind.User ? "user" : "role")}{identity.IamPath}{identity.Name}";

    public string AwsAuthArn(IdentitySpec identity) =>
        identity.Kind == IdentityKind.User ? Arn(identity) : $"arn:{Partition}:iam::{Account}:role/{identity.Name}";

    public string NodeRoleArn => $"arn:{Partition}:iam::{Account}:role/eks-node-role";

    /// <summary>The stack file, with every list and map in the order a <paramref name="random"/> picks (none: as generated).</summary>
    public string ToYaml(Random? random = null)
    {
        T[] Order<T>(IEnumerable<T> items) => random is null ? [.. items] : [.. items.OrderBy(_ => random.Next())];

        YamlMappingNode Map(params (string Key, YamlNode? Value)[] entries)
        {
            var map = new YamlMappingNode();
            foreach (var (key, value) in Order(entries.Where(e => e.Value is not null)))
            {
                map.Add(key, value!);
            }

            return map;
        }

        YamlSequenceNode Strings(IEnumerable<string> values) => new(Order(values).Select(v => (YamlNode)Quoted(v)));

        YamlNode? Policies(PolicySpec[] policies) => policies.Length == 0 ? null
            : new YamlSequenceNode(Order(policies).Select(p => (YamlNode)Map(("policy", Quoted(p.Policy)), ("namespaces", p.Namespaces.Length == 0 ? null : Strings(p.Namespaces)))));

        YamlNode Identity(IdentitySpec i) => i.Kind switch
        {
            IdentityKind.Created => Map(("name", Quoted(i.Name)), ("path", i.IamPath == "/" ? null : Quoted(i.IamPath)), ("username", Quoted(i.Username)), ("groups", Strings(i.Groups)), ("accessPolicies", Policies(i.Policies))),
            IdentityKind.Role => Map(("rolearn", Quoted(Arn(i))), ("username", Quoted(i.Username)), ("groups", Strings(i.Groups)), ("accessPolicies", Policies(i.Policies))),
            _ => Map(("userarn", Quoted(Arn(i))), ("username", Quoted(i.Username)), ("groups", Strings(i.Groups)), ("accessPolicies", Policies(i.Policies))),
        };

        YamlNode? List(IdentityKind kind)
        {
            var items = Identities.Where(i => i.Kind == kind).ToList();
            return items.Count == 0 ? null : new YamlSequenceNode(Order(items).Select(Identity));
        }

        var groups = new YamlMappingNode();
        foreach (var g in Order(Groups))
        {
            groups.Add(g.Name, Map(("clusterRole", Quoted(g.ClusterRole)), ("namespaces", g.Namespaces.Length == 0 ? null : Strings(g.Namespaces))));
        }

        var config = Map(
            ("aws:region", Quoted(Region)),
            ("aws:allowedAccountIds", Strings([Account])),
            ("eks-infra:cluster", Map(("name", Quoted(ClusterName)), ("nodeGroup", Map(("desiredSize", new YamlScalarNode("2")), ("minSize", new YamlScalarNode("1")), ("maxSize", new YamlScalarNode("3")))))),
            ("eks-infra:access", Map(
                ("authenticationMode", Quoted(Mode)),
                ("roles", List(IdentityKind.Created)),
                ("mapRoles", List(IdentityKind.Role)),
                ("mapUsers", List(IdentityKind.User)),
                ("mapAccounts", MapAccounts.Length == 0 ? null : Strings(MapAccounts)),
                ("groups", groups))));
        using var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(new YamlMappingNode { { "config", config } })).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}

public static class StackGen
{
    private static readonly string[] GroupPool = ["team-a", "team-b", "readers", "deployers", "ops.oncall", "qa_leads", "Auditors"];
    private static readonly string[] NamespacePool = ["apps", "jobs", "payments", "web-1", "default"];
    private static readonly string[] ClusterRoles = ["view", "edit", "admin", "read-only", "cluster-admin"];
    private static readonly string[] Policies = ["AmazonEKSViewPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSAdminPolicy"];
    private static readonly (string Region, string Partition)[] Regions = [("us-west-2", "aws"), ("eu-central-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")];

    /// <summary>Usernames that stress the YAML emitter (a plain scalar would read back as a bool, number, null or a map).</summary>
    private static readonly string[] OddUsernames = ["yes", "007", "null", "a: b", "x #y", "@ci", "-dash", "'q'", "\"dq\"", "*star", "100%", "tab\tname"];

    private static Gen<string[]> Subset(string[] pool) =>
        Gen.Bool.Array[pool.Length].Select(mask => pool.Where((_, i) => mask[i]).ToArray());

    private static Gen<string> Username(IdentityKind kind, string name) => kind == IdentityKind.User
        ? Gen.OneOf(Gen.Const(name), Gen.Const("u-{{AccessKeyID}}"), Gen.OneOfConst(OddUsernames))
        : Gen.OneOf(Gen.Const(name + "-user"), Gen.Const("sso:{{SessionName}}"), Gen.Const("ci:{{SessionNameRaw}}"), Gen.Const("acct-{{AccountID}}"), Gen.OneOfConst(OddUsernames));

    private static Gen<string> IamPath(IdentityKind kind) => kind switch
    {
        IdentityKind.Created => Gen.OneOfConst("/", "/teams/"),
        IdentityKind.Role => Gen.OneOfConst("/", "/ci/", "/aws-reserved/sso.amazonaws.com/us-east-1/"),
        _ => Gen.OneOfConst("/", "/people/"),
    };

    private static Gen<IdentitySpec> Identity(IdentityKind kind, int index, string[] groupNames, bool accessEntries)
    {
        var name = kind switch
        {
            IdentityKind.Created => $"team{index}-role",
            IdentityKind.Role => $"Role{index}_Ext",
            _ => $"user{index}",
        };
        var policies = accessEntries
            ? Subset(Policies).SelectMany(ps => Subset(NamespacePool).Array[ps.Length].Select(nss => ps.Select((p, i) => new PolicySpec(p, nss[i])).ToArray()))
            : Gen.Const(Array.Empty<PolicySpec>());
        return Gen.Select(IamPath(kind), Username(kind, name), Subset(groupNames), Gen.Int[0, 5], policies, (path, username, groups, masters, ps) =>
        {
            var all = masters == 0 ? groups.Append("system:masters").ToArray() : groups;
            if (all.Length == 0 && ps.Length == 0)
            {
                all = [groupNames[0]];
            }

            return new IdentitySpec(kind, name, path, username, all, ps);
        });
    }

    private static Gen<IdentitySpec[]> Identities(IdentityKind kind, int count, string[] groupNames, bool accessEntries)
    {
        var all = Gen.Const(Array.Empty<IdentitySpec>());
        for (var i = 0; i < count; i++)
        {
            all = Gen.Select(all, Identity(kind, i, groupNames, accessEntries), (list, item) => (IdentitySpec[])[.. list, item]);
        }

        return all;
    }

    private static Gen<GroupSpec[]> Groups =>
        Subset(GroupPool).Where(g => g.Length > 0).SelectMany(names =>
            Gen.Select(Gen.OneOfConst(ClusterRoles).Array[names.Length], Subset(NamespacePool).Array[names.Length], (roles, nss) =>
                names.Select((n, i) => new GroupSpec(n, roles[i], roles[i] == "cluster-admin" ? [] : nss[i])).ToArray()));

    public static Gen<StackSpec> Stack { get; } =
        Gen.Select(Gen.OneOfConst("CONFIG_MAP", "API_AND_CONFIG_MAP", "API"), Gen.OneOfConst(Regions), Gen.Long[100_000_000_000, 999_999_999_999], Groups)
            .SelectMany((mode, region, account, groups) =>
            {
                var names = groups.Select(g => g.Name).ToArray();
                var accessEntries = mode != "CONFIG_MAP";
                return Gen.Select(Gen.Int[0, 2], Gen.Int[0, 4], Gen.Int[0, 2])
                    .SelectMany((created, roles, users) => Gen.Select(
                        Identities(IdentityKind.Created, created, names, accessEntries),
                        Identities(IdentityKind.Role, created + roles + users == 0 ? 1 : roles, names, accessEntries),
                        Identities(IdentityKind.User, users, names, accessEntries),
                        mode == "API" ? Gen.Const(Array.Empty<string>()) : Subset(["111122223333", "444455556666"]),
                        (c, r, u, accounts) =>
                        {
                            var identities = c.Concat(r).Concat(u).ToArray();
                            if (!identities.Any(i => i.Groups.Contains("system:masters")))
                            {
                                identities[0] = identities[0] with { Groups = [.. identities[0].Groups, "system:masters"], Policies = [.. identities[0].Policies.Where(p => p.Policy != "AmazonEKSClusterAdminPolicy")] };
                            }

                            var acct = account.ToString(System.Globalization.CultureInfo.InvariantCulture);
                            return new StackSpec(mode, region.Region, region.Partition, acct, "gen-cluster", groups, identities, accounts);
                        }));
            });
}
