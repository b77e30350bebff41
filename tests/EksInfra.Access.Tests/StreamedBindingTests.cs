using System.Text;
using System.Text.Json;
using CsCheck;
using EksInfra.Access.Config;

namespace EksInfra.Access.Tests;

/// <summary>
/// A stack file is bound straight from its parser events (<see cref="StackFileReader.Read"/>), item by item, with
/// positions kept in a table. The same file read as value trees (<see cref="StackFileReader.ReadValues"/>) and bound
/// through the same binder is the reference: both must give the same model and every diagnostic with the same text,
/// path and position, the validator's included, for every file a user can write.
/// </summary>
public class StreamedBindingTests
{
    public static TheoryData<string> CorpusAndShippedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.HostileDir).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        foreach (var stack in new[] { "dev", "staging", "prod" })
        {
            data.Add($"Pulumi.{stack}.yaml");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusAndShippedFiles))]
    public void Corpus_and_shipped_stacks_bind_the_same_streamed_as_from_trees(string name)
    {
        var path = name.StartsWith("Pulumi.", StringComparison.Ordinal) ? Path.Combine(Repo.Root, name) : Path.Combine(Repo.HostileDir, name);
        AssertSameBinding(File.ReadAllBytes(path), name);
    }

    /// <summary>YAML that reaches the streamed paths' edges: anchors, aliases and merge keys on the streamed maps and lists, duplicates, wrong shapes.</summary>
    public static TheoryData<string, string> EdgeFiles() => new()
    {
        { "alias-to-streamed-list", Stack("""
            mapRoles: &people
              - { rolearn: "arn:aws:iam::123456789012:role/a", username: a, groups: [team-a] }
            mapUsers: *people
            """) },
        { "merge-into-access-map", "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:cluster: { name: c, privateSubnetIds: [subnet-1, subnet-2] }\n  base: &base\n    authenticationMode: CONFIG_MAP\n    mapRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/m\", username: m, groups: [system:masters] }\n  eks-infra:access:\n    <<: *base\n    mapUsers:\n      - { userarn: \"arn:aws:iam::123456789012:user/u\", username: u, groups: [readers] }\n    groups: { readers: { clusterRole: view } }\n" },
        { "merge-own-key-wins", "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:cluster: { name: c }\n  eks-infra:access:\n    mapRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/own\", username: own, groups: [system:masters] }\n    <<: [ { mapRoles: [ { rolearn: bad } ], authenticationMode: API }, { authenticationMode: NOPE, mapUsers: 3 } ]\n" },
        { "merge-not-a-map", Stack("<<: [1, 2]\nmapRoles: []\n") },
        { "anchored-groups-map", Stack("""
            groups: &g
              readers: { clusterRole: view, extra: 1 }
              writers: { clusterRole: edit }
            clusterRoles: *g
            """) },
        { "duplicate-access-keys", Stack("""
            mapRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/a", username: a, groups: [system:masters] }
            mapRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/b", username: b, groups: [system:masters] }
            groups: { x: { clusterRole: view }, x: { clusterRole: edit } }
            """) },
        { "duplicate-config-keys", "config:\n  aws:region: us-west-2\n  aws:region: eu-west-1\n  eks-infra:access: { mapRoles: [] }\n  eks-infra:access: 7\n" },
        { "created-roles-bound-simple-or-from-nodes", Stack("""
            authenticationMode: CONFIG_MAP
            roles:
              - name: simple
                path: /teams/
                username: simple
                groups: [system:masters]
                assumedBy: ["arn:aws:iam::123456789012:root"]
              - name: no-path-no-lists
                username: plain
              - name: with-duration
                username: d
                maxSessionDuration: 7200
              - name: with-policies
                username: p
                accessPolicies:
                  - policy: AmazonEKSViewPolicy
              - name: numeric-path
                path: 123
                username: n
              - name: null-path
                path: ~
                username: "n2"
              - username: no-name
              - name: blank-username
                username: "  "
              - name: groups-not-a-list
                username: g
                groups: readers
              - name: number-in-groups
                username: g2
                groups: [readers, 5]
              - name: unknown-key
                username: u
                assumdBy: []
              - name: dup
                name: dup2
                username: x
            """) },
        { "wrong-shapes", Stack("""
            roles: { a: 1 }
            mapRoles: a-string
            mapUsers: ~
            mapAccounts: [ 123456789012, "210987654321" ]
            groups: [ readers ]
            clusterRoles: 5
            namespaces: ~
            nodeRoles: [ 1, { rolearn: x, kind: mac } ]
            authenticationMode: [API]
            unknownKey: 1
            authenticatonMode: API
            """) },
        { "access-is-a-list", "config:\n  aws:region: us-west-2\n  eks-infra:cluster: { name: c }\n  eks-infra:access: [1, 2]\n" },
        { "access-is-null", "config:\n  aws:region: us-west-2\n  eks-infra:cluster: { name: c }\n  eks-infra:access:\n" },
        { "config-is-a-list", "config: [1]\n" },
        { "root-is-a-scalar", "just text\n" },
        { "empty-file", "" },
        { "only-a-comment", "# nothing\n" },
        { "no-config-block", "secretsprovider: passphrase\nencryptionsalt: x\n" },
        { "esc-environments-listed", "environment: [aws-dev, shared/base]\n" + Stack("mapRoles: []\n") },
        { "esc-environment-inline", "environment:\n  imports: [aws-dev]\n  values:\n    pulumiConfig: { aws:region: eu-west-1 }\n" + Stack("mapRoles: []\n") },
        { "unknown-top-level-keys", "confg: {}\nconfig:\n  aws:region: us-west-2\n" },
        { "two-documents", Stack("mapRoles: []\n") + "---\nconfig: {}\n" },
        { "syntax-error-after-many-entries", Stack(string.Concat(Enumerable.Range(0, 50).Select(i => $"mapRoles:\n" + (i == 0 ? "" : "")).Take(1)) + string.Concat(Enumerable.Range(0, 50).Select(i => $"  - {{ rolearn: \"arn:aws:iam::123456789012:role/r{i}\", username: r{i}, groups: [system:masters] }}\n")) + "  - { rolearn: [unclosed\n") },
        { "truncated-flow", Stack("mapRoles: [ { rolearn: \"arn:aws:iam::123456789012:role/a\"") },
        { "alias-to-nothing", Stack("mapRoles: *nothing\n") },
        { "flow-map-username", Stack("mapRoles:\n  - rolearn: \"arn:aws:iam::123456789012:role/a\"\n    username: {{SessionName}}\n    groups: [system:masters]\n") },
        { "keys-with-dots", Stack("namespaces:\n  team.a: { labels: { app.kubernetes.io/name: x, \"bad label\": y } }\ngroups:\n  g.1: { clusterRole: view, namespaces: [team.a] }\n") },
        { "tab-indent", "config:\n\taws:region: us-west-2\n" },
        { "alias-glued-to-a-quoted-value", "config:\n  aws:region: us-west-2\n  eks-infra:cluster:\n    name: c\n    version: \"1.35\"*a\n    serviceRoleName: r\n  eks-infra:access: { mapRoles: [] }\n" },
        { "aliases-where-a-key-should-be", "config:\n  aws:region: us-west-2\n  eks-infra:cluster:\n    name: c\n    serviceRoleName: r\n    *a*anodeRoleName: n\n  eks-infra:access: { mapRoles: [] }\n" },
        { "alias-glued-to-the-last-value", "config:\n  aws:region: us-west-2\n  eks-infra:cluster:\n    name: c\n    version: \"1.35\"*a\n  eks-infra:access: { mapRoles: [] }\n" },
        { "mapping-items-bound-without-nodes-and-declined", Stack("""
            mapRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/simple", username: simple, groups: [system:masters, readers] }
              - { rolearn: "arn:aws:iam::123456789012:role/no-groups", username: no-groups }
              - { rolearn: "arn:aws:iam::123456789012:role/empty-groups", username: e, groups: [] }
              - { rolearn: "arn:aws:iam::123456789012:role/unknown", username: u, group: [readers] }
              - { rolearn: "arn:aws:iam::123456789012:role/no-username", groups: [readers] }
              - { rolearn: "arn:aws:iam::123456789012:role/blank", username: "  ", groups: [readers] }
              - { rolearn: "arn:aws:iam::123456789012:role/scalar-groups", username: s, groups: readers }
              - { rolearn: "arn:aws:iam::123456789012:role/null-groups", username: n, groups: ~ }
              - { rolearn: "arn:aws:iam::123456789012:role/number-group", username: g, groups: [readers, 42, true] }
              - { rolearn: "arn:aws:iam::123456789012:role/dup", username: a, username: b }
              - { rolearn: "arn:aws:iam::123456789012:role/quoted-merge", username: q, "<<": x }
              - { rolearn: "arn:aws:iam::123456789012:role/tagged", username: !!str 123, groups: [!!str 7] }
              - { rolearn: 123456789012, username: number-arn }
              - { rolearn: "arn:aws:iam::123456789012:role/anchored", username: &who anchored, groups: [&g readers] }
              - { rolearn: "arn:aws:iam::123456789012:role/aliased", username: *who, groups: [*g] }
              - { rolearn: "arn:aws:iam::123456789012:role/policies", username: p, accessPolicies: [ { policy: AmazonEKSViewPolicy } ] }
              - { rolearn: "arn:aws:iam::123456789012:role/nested", username: { a: b }, groups: [[x]] }
              - rolearn: "arn:aws:iam::123456789012:role/block"
                username: "block-{{SessionName}}"
                groups:
                  - readers
              - "not a map"
              - ~
              - [ "a", "list" ]
            mapUsers:
              - { userarn: "arn:aws:iam::123456789012:user/alice", username: alice, groups: [readers] }
              - { rolearn: "arn:aws:iam::123456789012:user/bob", username: bob }
            groups: { readers: { clusterRole: view } }
            """) },
        { "mapping-item-longer-than-the-buffer", Stack("mapRoles:\n  - { rolearn: \"arn:aws:iam::123456789012:role/many\", username: many, groups: [" + string.Join(", ", Enumerable.Range(0, 100).Select(i => $"g{i}")) + "] }\n  - { rolearn: \"arn:aws:iam::123456789012:role/after\", username: after, groups: [g1] }\n") },
        { "syntax-error-inside-a-simple-item", Stack("mapRoles:\n  - { rolearn: \"arn:aws:iam::123456789012:role/a\", username: a, groups: [readers }\n") },
        { "alias-to-nothing-inside-an-item", Stack("mapRoles:\n  - { rolearn: \"arn:aws:iam::123456789012:role/a\", username: *nothing, groups: [readers] }\n") },
    };

    [Theory]
    [MemberData(nameof(EdgeFiles))]
    public void Edge_files_bind_the_same_streamed_as_from_trees(string name, string yaml) =>
        AssertSameBinding(Encoding.UTF8.GetBytes(yaml), $"Pulumi.{name}.yaml");

    /// <summary>Bytes the streamed read decodes as it parses: byte order marks (one or several), bad UTF-8 early and late, a tab with a BOM.</summary>
    public static TheoryData<string, byte[]> EdgeBytes()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var valid = Encoding.UTF8.GetBytes(Stack("mapRoles:\n  - { rolearn: \"arn:aws:iam::123456789012:role/a\", username: a, groups: [system:masters] }\n"));
        return new()
        {
            { "one-bom", [.. bom, .. valid] },
            { "two-boms", [.. bom, .. bom, .. valid] },
            { "bom-only", bom },
            { "bad-utf8-first-byte", [0xFF, .. valid] },
            { "bad-utf8-late", [.. valid, 0x23, 0x20, 0xC3, 0x28, 0x0A] },
            { "overlong-slash", [.. valid, 0x23, 0xC0, 0xAF, 0x0A] },
            { "lone-surrogate", [.. valid, 0x23, 0xED, 0xA0, 0x80, 0x0A] },
            { "bom-then-tab", [.. bom, .. Encoding.UTF8.GetBytes("config:\n\taws:region: x\n")] },
            { "bom-in-the-middle", [.. valid[..20], .. bom, .. valid[20..]] },
        };
    }

    [Theory]
    [MemberData(nameof(EdgeBytes))]
    public void Edge_bytes_bind_the_same_streamed_as_from_trees(string name, byte[] bytes) =>
        AssertSameBinding(bytes, $"Pulumi.{name}.yaml");

    [Fact]
    public void Generated_stacks_bind_the_same_streamed_as_from_trees() =>
        StackGen.Stack.Sample(spec => AssertSameBinding(Encoding.UTF8.GetBytes(spec.ToYaml()), "Pulumi.gen.yaml"), iter: 60);

    /// <summary>The position table answers every path of a file exactly as the tree it replaces, and nothing where no node stands.</summary>
    [Theory]
    [InlineData("Pulumi.dev.yaml")]
    [InlineData("Pulumi.staging.yaml")]
    [InlineData("Pulumi.prod.yaml")]
    public void Position_table_finds_every_path_where_the_tree_does(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Repo.Root, name));
        var streamed = StackFileReader.Read("s", name, bytes).Bound!.Value.Config;
        var tree = StackFileReader.ReadValues("s", name, bytes);
        var paths = tree.Values.Values.SelectMany(AllPaths).ToList();
        Assert.True(paths.Count > 30, $"only {paths.Count} paths in {name}");
        var trees = SourceLocations.Of([.. tree.Values.Values]);
        foreach (var path in paths.Concat(paths.Select(p => p + "[99]")).Concat(paths.Select(p => p + ".nope")).Append("eks-infra").Append("nope:key"))
        {
            Assert.Equal(trees.Find(path), streamed.LocationOf(path));
        }

        Assert.All(paths, p => Assert.NotNull(streamed.LocationOf(p)));
    }

    [Fact]
    public void Each_mapping_and_created_role_names_its_own_item_path_from_either_entry_point()
    {
        // Item 1 of each list is simple (bound without a node), item 2 is not (an access policy, a session length).
        var yaml = Stack("""
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - { name: r0, username: r0, groups: [g] }
              - { name: r1, username: r1, groups: [g] }
              - { name: r2, username: r2, maxSessionDuration: 7200 }
            mapRoles:
              - { rolearn: "arn:aws:iam::123456789012:role/a", username: a, groups: [g] }
              - { rolearn: "arn:aws:iam::123456789012:role/b", username: b, groups: [g] }
              - { rolearn: "arn:aws:iam::123456789012:role/c", username: c, accessPolicies: [{ policy: AmazonEKSViewPolicy }] }
            mapUsers:
              - { userarn: "arn:aws:iam::123456789012:user/d", username: d, groups: [g] }
            groups:
              g: { clusterRole: view }
            """);
        var fromYaml = StackFileReader.Read("s", "Pulumi.s.yaml", Encoding.UTF8.GetBytes(yaml)).Bound!.Value.Config.Access;
        var fromJson = StackBinder.Bind(JsonConfigReader.FromPulumiValues("s", PulumiConfig.FromStackYaml(yaml))).Config.Access;
        foreach (var access in new[] { fromYaml, fromJson })
        {
            Assert.Equal(["eks-infra:access.roles[0]", "eks-infra:access.roles[1]", "eks-infra:access.roles[2]"], access.Roles.Select(r => r.Path));
            Assert.Equal(["eks-infra:access.mapRoles[0]", "eks-infra:access.mapRoles[1]", "eks-infra:access.mapRoles[2]"], access.MapRoles.Select(m => m.Path));
            Assert.Equal(["eks-infra:access.mapUsers[0]"], access.MapUsers.Select(m => m.Path));

            // One string for a list's path, shared by its items, rather than a path string per item.
            Assert.Single(access.MapRoles.Select(m => m.Item.List).Distinct(ReferenceEqualityComparer.Instance));
            Assert.Single(access.Roles.Select(r => r.Item.List).Distinct(ReferenceEqualityComparer.Instance));
        }

        Assert.Equal(fromJson.MapRoles.Select(m => m.Item), fromYaml.MapRoles.Select(m => m.Item));
        Assert.Contains(StackEvaluator.Evaluate(StackFileReader.Read("s", "Pulumi.s.yaml", Encoding.UTF8.GetBytes(yaml.Replace("username: b,", "username: \"\",", StringComparison.Ordinal))), Stacks.Today).Errors,
            d => d.Path == "eks-infra:access.mapRoles[1].username");
    }

    [Fact]
    public void A_stack_file_read_for_binding_keeps_no_value_tree()
    {
        var source = StackFileReader.Read("dev", "Pulumi.dev.yaml", File.ReadAllBytes(Repo.StackFile("dev")));
        Assert.Empty(source.Values);
        Assert.NotNull(source.Bound);
        Assert.IsType<PositionTable>(source.Bound!.Value.Config.Locations);
    }

    private static IEnumerable<string> AllPaths(ConfigNode node) => node switch
    {
        ConfigList list => list.Items.SelectMany(AllPaths).Prepend(node.Path),
        ConfigMap map => map.Entries.SelectMany(e => AllPaths(e.Value)).Prepend(node.Path),
        _ => [node.Path],
    };

    private static string Stack(string access) =>
        "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:cluster: { name: my-cluster, privateSubnetIds: [subnet-1, subnet-2] }\n  eks-infra:access:\n"
        + string.Concat(access.Split('\n').Select(line => line.Length == 0 ? "" : "    " + line + "\n"));

    private static void AssertSameBinding(byte[] bytes, string fileName)
    {
        var streamedSource = StackFileReader.Read("s", fileName, bytes);
        var treeSource = StackFileReader.ReadValues("s", fileName, bytes);
        Assert.Empty(streamedSource.Values);

        var (streamed, streamedDiagnostics) = StackBinder.Bind(streamedSource);
        var (tree, treeDiagnostics) = StackBinder.Bind(treeSource);
        Assert.Equal(Describe(treeDiagnostics), Describe(streamedDiagnostics));
        Assert.Equal(Model(tree), Model(streamed));

        // The validator and the planner name paths the binder never saw: their positions come from the table.
        var streamedEvaluation = StackEvaluator.Evaluate(streamedSource, Stacks.Today);
        var treeEvaluation = StackEvaluator.Evaluate(treeSource, Stacks.Today);
        Assert.Equal(Describe(treeEvaluation.Diagnostics), Describe(streamedEvaluation.Diagnostics));
        Assert.Equal(treeEvaluation.IsValid, streamedEvaluation.IsValid);
    }

    private static List<string> Describe(IEnumerable<Diagnostic> diagnostics) =>
        [.. diagnostics.Select(d => $"{d.Severity} {d.ToStringWithLocation()}")];

    private static readonly JsonSerializerOptions ModelJson = new() { WriteIndented = false };

    /// <summary>The bound model as JSON, positions left out (they are compared through the diagnostics).</summary>
    private static string Model(Model.StackConfig config) =>
        JsonSerializer.Serialize(config with { Locations = SourceLocations.None }, ModelJson);
}
