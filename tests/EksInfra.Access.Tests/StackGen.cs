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

/// <summary>A managed node group; <see cref="Role"/> null runs it on the stack's node role.</summary>
public sealed record NodeGroupSpec(string Name, string? Role);

/// <summary>An existing node role under <c>access.nodeRoles</c>: linux, windows or fargate.</summary>
public sealed record ExistingNodeSpec(string Name, string IamPath, string Kind);

/// <summary>What runs pods: no groups means the one-group shorthand of today's stacks.</summary>
public sealed record ComputeSpec(NodeGroupSpec[] Groups, string[] Profiles, ExistingNodeSpec[] Existing)
{
    public static readonly ComputeSpec None = new([], [], []);

    public string[] ExtraRoles => [.. Groups.Select(g => g.Role).OfType<string>().Distinct(StringComparer.Ordinal)];
}

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

    public ComputeSpec Compute { get; init; } = ComputeSpec.None;

    private string Role(string iamPath, string name) => $"arn:{Partition}:iam::{Account}:role{iamPath}{name}";

    /// <summary>Every compute identity's aws-auth mapping, as AWS documents each kind; the stack's node role always.</summary>
    public IEnumerable<Mapping> ComputeMappings()
    {
        string[] node = ["system:bootstrappers", "system:nodes"];
        yield return new Mapping(NodeRoleArn, "system:node:{{EC2PrivateDNSName}}", node);
        foreach (var role in Compute.ExtraRoles)
        {
            yield return new Mapping(Role("/", role), "system:node:{{EC2PrivateDNSName}}", node);
        }

        foreach (var profile in Compute.Profiles)
        {
            yield return new Mapping(Role("/", $"{ClusterName}-fargate-{profile}"), "system:node:{{SessionName}}", ["system:bootstrappers", "system:node-proxier", "system:nodes"]);
        }

        foreach (var existing in Compute.Existing)
        {
            yield return existing.Kind switch
            {
                "fargate" => new Mapping(Role("/", existing.Name), "system:node:{{SessionName}}", ["system:bootstrappers", "system:node-proxier", "system:nodes"]),
                "windows" => new Mapping(Role("/", existing.Name), "system:node:{{EC2PrivateDNSName}}", ["eks:kube-proxy-windows", "system:bootstrappers", "system:nodes"]),
                _ => new Mapping(Role("/", existing.Name), "system:node:{{EC2PrivateDNSName}}", node),
            };
        }
    }

    /// <summary>The access entries the stack itself makes for compute: existing roles only (EKS makes the rest), full ARN, typed.</summary>
    public IEnumerable<(string Arn, string Type)> ComputeEntries() =>
        Compute.Existing.Select(e => (Role(e.IamPath, e.Name), e.Kind switch { "fargate" => "FARGATE_LINUX", "windows" => "EC2_WINDOWS", _ => "EC2_LINUX" }));

    /// <summary>Every compute identity's full ARN, each once.</summary>
    public IEnumerable<string> ComputeArns() =>
        ComputeMappings().Take(1 + Compute.ExtraRoles.Length + Compute.Profiles.Length).Select(m => m.Arn).Concat(ComputeEntries().Select(e => e.Arn));

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

        YamlNode? NodeGroups() => Compute.Groups.Length == 0 ? null
            : new YamlSequenceNode(Order(Compute.Groups).Select(g => (YamlNode)Map(("name", Quoted(g.Name)), ("nodeRole", g.Role is null ? null : Quoted(g.Role)), ("desiredSize", new YamlScalarNode("1")), ("minSize", new YamlScalarNode("0")), ("maxSize", new YamlScalarNode("2")))));

        YamlNode? Profiles() => Compute.Profiles.Length == 0 ? null
            : new YamlSequenceNode(Order(Compute.Profiles).Select(p => (YamlNode)Map(("name", Quoted(p)), ("selectors", new YamlSequenceNode(Map(("namespace", Quoted(p + "-ns"))))), ("subnetIds", Strings(["subnet-0a1b2c3d4e5f60001"])))));

        YamlNode? Existing() => Compute.Existing.Length == 0 ? null
            : new YamlSequenceNode(Order(Compute.Existing).Select(e => (YamlNode)Map(("rolearn", Quoted(Role(e.IamPath, e.Name))), ("kind", Quoted(e.Kind)))));

        var config = Map(
            ("aws:region", Quoted(Region)),
            ("aws:allowedAccountIds", Strings([Account])),
            ("eks-infra:cluster", Map(
                ("name", Quoted(ClusterName)),
                // A profile's subnets must be private ones of the cluster's own VPC, so a stack with profiles names its VPC.
                ("vpcId", Compute.Profiles.Length == 0 ? null : Quoted("vpc-0a1b2c3d4e5f60718")),
                ("privateSubnetIds", Compute.Profiles.Length == 0 ? null : Strings(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"])),
                ("nodeGroup", Compute.Groups.Length > 0 ? null : Map(("desiredSize", new YamlScalarNode("2")), ("minSize", new YamlScalarNode("1")), ("maxSize", new YamlScalarNode("3")))),
                ("nodeGroups", NodeGroups()),
                ("nodeRoles", Compute.ExtraRoles.Length == 0 ? null : Strings(Compute.ExtraRoles)),
                ("fargateProfiles", Profiles()))),
            ("eks-infra:access", Map(
                ("authenticationMode", Quoted(Mode)),
                ("nodeRoles", Existing()),
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
        IdentityKind.Role => Gen.OneOfConst("/", "/ci/", "/aws-reserved/sso.amazonaws.com/eu-west-1/"),
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

    private static Gen<ComputeSpec> Compute { get; } =
        Gen.Select(Gen.Int[0, 2].Array[Gen.Int[0, 3]], Gen.Int[0, 2], Gen.Select(Gen.OneOfConst("/", "/karpenter/"), Gen.OneOfConst("linux", "windows", "fargate")).Array[Gen.Int[0, 3]], (roles, profiles, existing) =>
            new ComputeSpec(
                [.. roles.Select((role, i) => new NodeGroupSpec($"ng{i}", role == 0 ? null : $"gen-extra-node-{role}"))],
                [.. Enumerable.Range(0, profiles).Select(i => $"fp{i}")],
                [.. existing.Select((e, i) => new ExistingNodeSpec($"NodeRole{i}", e.Item1, e.Item2))]));

    /// <summary>A valid stack with people and, in most samples, node groups, extra node roles, Fargate profiles and existing node roles.</summary>
    public static Gen<StackSpec> Stack => Gen.Select(PeopleStack, Compute, (stack, compute) => stack with { Compute = WithoutFargateIn(stack.Partition, compute) });

    /// <summary>EKS offers no Fargate in GovCloud, where a profile is an error and a fargate node role a warning.</summary>
    private static ComputeSpec WithoutFargateIn(string partition, ComputeSpec compute) =>
        partition != "aws-us-gov" ? compute : compute with { Profiles = [], Existing = [.. compute.Existing.Where(e => e.Kind != "fargate")] };

    public static Gen<StackSpec> PeopleStack { get; } =
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
