using System.Text.Json;
using CsCheck;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Tests;

/// <summary>
/// RBAC and namespace manifests are written from events, through the hand writer where it is certain; their bytes
/// must stay what the node trees gave YamlDotNet's emitter before, and any YAML the hand writer produces must be the
/// emitter's, byte for byte, for any document of nodes.
/// </summary>
public class RenderingYamlTests
{
    private const int Iterations = 2_000;

    private static string EmitterOnly(IEnumerable<YamlNode> documents) =>
        Yaml.EmitByEmitter(documents.ToArray(), static (yaml, docs) =>
        {
            foreach (var doc in docs)
            {
                yaml.Node(doc);
            }
        });

    /// <summary>The earlier namespace rendering, node trees through the emitter, kept here as the reference.</summary>
    private static string ReferenceNamespaces(IReadOnlyList<NamespacePlan> namespaces)
    {
        static YamlMappingNode Pairs(IEnumerable<KeyValuePair<string, string>> pairs) => Yaml.Map([.. pairs.Select(p => (p.Key, (YamlNode?)Yaml.Str(p.Value)))]);
        static YamlMappingNode Metadata(string name, NamespacePlan ns) => Yaml.Map(
            ("name", Yaml.Str(name)),
            ("namespace", Yaml.Str(ns.Name)),
            ("labels", Yaml.Map((KubernetesNames.ManagedByLabel, Yaml.Str(KubernetesNames.ManagedByValue)))));

        var docs = new List<YamlNode>();
        foreach (var ns in namespaces)
        {
            docs.Add(Yaml.Map(
                ("apiVersion", Yaml.Str("v1")),
                ("kind", Yaml.Str("Namespace")),
                ("metadata", Yaml.Map(("name", Yaml.Str(ns.Name)), ("labels", Pairs(ns.Labels))))));
            if (ns.Quota is { } quota)
            {
                docs.Add(Yaml.Map(
                    ("apiVersion", Yaml.Str("v1")),
                    ("kind", Yaml.Str("ResourceQuota")),
                    ("metadata", Metadata(quota.Name, ns)),
                    ("spec", Yaml.Map(("hard", Pairs(quota.Hard))))));
            }

            if (ns.LimitRange is { } range)
            {
                docs.Add(Yaml.Map(
                    ("apiVersion", Yaml.Str("v1")),
                    ("kind", Yaml.Str("LimitRange")),
                    ("metadata", Metadata(range.Name, ns)),
                    ("spec", Yaml.Map(("limits", Yaml.Seq([Yaml.Map(
                        ("type", Yaml.Str("Container")),
                        ("default", range.Default.Count > 0 ? Pairs(range.Default) : null),
                        ("defaultRequest", range.DefaultRequest.Count > 0 ? Pairs(range.DefaultRequest) : null))]))))));
            }
        }

        return docs.Count == 0 ? "" : EmitterOnly(docs);
    }

    /// <summary>The earlier RBAC rendering, kept here as the reference.</summary>
    private static string ReferenceRbac(RbacPlan rbac)
    {
        static YamlMappingNode Metadata(string name, string? ns) => Yaml.Map(
            ("name", Yaml.Str(name)),
            ("namespace", ns is null ? null : Yaml.Str(ns)),
            ("labels", Yaml.Map((KubernetesNames.ManagedByLabel, Yaml.Str(KubernetesNames.ManagedByValue)))));
        static YamlMappingNode ClusterRole(ClusterRolePlan role) => Yaml.Map(
            ("apiVersion", Yaml.Str(RbacRenderer.ApiVersion)),
            ("kind", Yaml.Str("ClusterRole")),
            ("metadata", Metadata(role.Name, null)),
            ("rules", Yaml.Seq(role.Rules.Select(rule => Yaml.Map(
                ("apiGroups", rule.ApiGroups.Count > 0 ? Yaml.Strings(rule.ApiGroups) : null),
                ("resources", rule.Resources.Count > 0 ? Yaml.Strings(rule.Resources) : null),
                ("resourceNames", rule.ResourceNames.Count > 0 ? Yaml.Strings(rule.ResourceNames) : null),
                ("nonResourceURLs", rule.NonResourceUrls.Count > 0 ? Yaml.Strings(rule.NonResourceUrls) : null),
                ("verbs", Yaml.Strings(rule.Verbs)))))));
        static YamlMappingNode Binding(string kind, string name, string? ns, string clusterRole, string group) => Yaml.Map(
            ("apiVersion", Yaml.Str(RbacRenderer.ApiVersion)),
            ("kind", Yaml.Str(kind)),
            ("metadata", Metadata(name, ns)),
            ("roleRef", Yaml.Map(("apiGroup", Yaml.Str(RbacRenderer.ApiGroup)), ("kind", Yaml.Str("ClusterRole")), ("name", Yaml.Str(clusterRole)))),
            ("subjects", Yaml.Seq([Yaml.Map(("kind", Yaml.Str("Group")), ("apiGroup", Yaml.Str(RbacRenderer.ApiGroup)), ("name", Yaml.Str(group)))])));

        var docs = new List<YamlNode>();
        docs.AddRange(rbac.ClusterRoles.Select(ClusterRole));
        docs.AddRange(rbac.ClusterRoleBindings.Select(b => Binding("ClusterRoleBinding", b.Name, null, b.ClusterRole, b.Group)));
        docs.AddRange(rbac.RoleBindings.Select(b => Binding("RoleBinding", b.Name, b.Namespace, b.ClusterRole, b.Group)));
        return docs.Count == 0 ? "" : EmitterOnly(docs);
    }

    /// <summary>Mostly names as a stack holds them, sometimes text YAML must quote, escape or cannot write plainly.</summary>
    private static readonly Gen<string> Name = Gen.Frequency(
        (40, Gen.OneOfConst("apps", "team-a", "eks-infra", "edit", "view", "cluster-admin", "example.com/cost-center", "4711", "8Gi", "250m", "1", "true", "on", "no")),
        (1, Gen.OneOfConst(FastYamlTests.Tricky)),
        (1, FastYamlTests.RandomText));

    private static readonly Gen<KeyValuePair<string, string>[]> Pairs =
        Gen.Select(Name, Name, KeyValuePair.Create).Array[0, 4].Select(pairs => pairs.DistinctBy(p => p.Key, StringComparer.Ordinal).ToArray());

    private static readonly Gen<NamespacePlan> Namespace = Gen.Select(Name, Pairs, Gen.Select(Name, Pairs).Nullable(), Gen.Select(Name, Pairs, Pairs).Nullable(),
        (name, labels, quota, range) => new NamespacePlan(
            "ns", name, labels,
            quota is { } q ? new ResourceQuotaPlan("q", q.Item1, q.Item2) : null,
            range is { } r ? new LimitRangePlan("r", r.Item1, r.Item2, r.Item3) : null));

    private static readonly Gen<RbacPlan> Rbac = Gen.Select(
        Gen.Select(Name, Gen.Select(Name.Array[0, 2], Name.Array[0, 2], Name.Array[0, 3], Name.Array[0, 1], Name.Array[0, 1],
            (groups, resources, verbs, names, urls) => new PolicyRulePlan(groups, resources, verbs, names, urls)).Array[0, 3],
            (name, rules) => new ClusterRolePlan("cr", name, rules)).Array[0, 2],
        Gen.Select(Name, Name, Name, (name, role, group) => new ClusterRoleBindingPlan("crb", name, role, group)).Array[0, 3],
        Gen.Select(Name, Name, Name, Name, (name, ns, role, group) => new RoleBindingPlan("rb", name, ns, role, group)).Array[0, 3],
        (roles, clusterBindings, bindings) => new RbacPlan(roles, clusterBindings, bindings));

    [Fact]
    public void Namespaces_render_the_bytes_the_node_trees_rendered()
    {
        var byHand = 0;
        Namespace.Array[0, 3].Sample(namespaces =>
        {
            var plan = WithNamespaces(namespaces);
            var rendered = NamespaceRenderer.Render(plan);
            Assert.Equal(ReferenceNamespaces(namespaces), rendered);
            if (namespaces.Length > 0 && Yaml.EmitByHand(namespaces, NamespaceRenderer.Write) is { } written)
            {
                byHand++;
                Assert.Equal(rendered, written);
                if (ReadBack(written) is { } stream)
                {
                    var kinds = stream.Documents.Select(d => d.RootNode).Where(d => Reparse.Str(d, "kind") == "Namespace");
                    Assert.Equal(namespaces.Select(n => n.Name), kinds.Select(d => Reparse.Str(d["metadata"], "name")));
                }
            }
        }, iter: Iterations, threads: 1, print: n => JsonSerializer.Serialize(n));
        Assert.InRange(byHand, Iterations / 10, Iterations);
    }

    [Fact]
    public void Rbac_renders_the_bytes_the_node_trees_rendered()
    {
        var byHand = 0;
        Rbac.Sample(rbac =>
        {
            var rendered = RbacRenderer.Render(WithRbac(rbac));
            Assert.Equal(ReferenceRbac(rbac), rendered);
            if (rendered.Length > 0 && Yaml.EmitByHand(rbac, RbacRenderer.Write) is { } written)
            {
                byHand++;
                Assert.Equal(rendered, written);
                var names = rbac.ClusterRoles.Select(r => r.Name).Concat(rbac.ClusterRoleBindings.Select(b => b.Name)).Concat(rbac.RoleBindings.Select(b => b.Name));
                if (ReadBack(written) is { } stream)
                {
                    Assert.Equal(names, stream.Documents.Select(d => Reparse.Str(d.RootNode["metadata"], "name")));
                }
            }
        }, iter: Iterations, threads: 1, print: r => JsonSerializer.Serialize(r));
        Assert.InRange(byHand, Iterations / 20, Iterations);
    }

    [Fact]
    public void Generated_stacks_render_rbac_and_namespaces_as_the_node_trees_did()
    {
        StackGen.Stack.Sample(spec =>
        {
            var evaluation = Stacks.EvaluateText(spec.ToYaml());
            Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
            var plan = evaluation.Plan!;
            Assert.Equal(ReferenceRbac(plan.Rbac), RbacRenderer.Render(plan));
            Assert.Equal(ReferenceNamespaces(plan.Namespaces), NamespaceRenderer.Render(plan));

            // Stack names and the core API group ("") are written by hand: a fallback here would go unnoticed but slow.
            Assert.NotNull(Yaml.EmitByHand(plan.Rbac, RbacRenderer.Write));
            Assert.NotNull(Yaml.EmitByHand(plan.Namespaces, NamespaceRenderer.Write));
        }, iter: 150, threads: 1, print: s => s.ToYaml());
    }

    /// <summary>
    /// The emitter quotes an empty plain-style scalar by what the scalar before it held, so the hand writer never writes
    /// one. (A key written with <see cref="Yaml.EventWriter.Key"/> is double-quoted when empty; a block value is not.)
    /// </summary>
    [Theory]
    [InlineData("plain")]
    [InlineData("it's")]
    public void An_empty_key_goes_through_the_emitter(string before)
    {
        static void Write(Yaml.EventWriter yaml, string before)
        {
            yaml.BeginMap();
            yaml.Pair("a", before);
            yaml.Block("");
            yaml.Text("v");
            yaml.EndMap();
        }

        Assert.Null(Yaml.EmitByHand(before, Write));
        var written = Yaml.EmitWith(before, Write);
        Assert.Equal(Yaml.EmitByEmitter(before, Write), written);
        Assert.Equal("v", Reparse.Str(Reparse.Root(written), ""));
    }

    private static readonly Gen<ScalarStyle> ScalarStyles = Gen.FrequencyConst(
        (6, ScalarStyle.Any), (2, ScalarStyle.DoubleQuoted), (2, ScalarStyle.Literal), (1, ScalarStyle.SingleQuoted), (1, ScalarStyle.Folded), (1, ScalarStyle.Plain));

    private static readonly Gen<string> ScalarText = Gen.Frequency(
        (4, Name),
        (2, Gen.Select(Name.Array[1, 4], Gen.OneOfConst("\n", "\n\n", ""), (lines, end) => string.Join('\n', lines) + end)),
        (1, Gen.Char["ab :#\n \t\u00e9"].Array[0, 10].Select(chars => new string(chars))));

    /// <summary>A scalar as the renderers make them (<see cref="Yaml.Str"/>, <see cref="Yaml.Block"/>) or with any style at all.</summary>
    private static readonly Gen<YamlNode> Scalar = Gen.Frequency(
        (12, Name.Select(t => (YamlNode)Yaml.Str(t))),
        (3, ScalarText.Select(t => (YamlNode)Yaml.Block(t))),
        (1, Gen.Select(ScalarText, ScalarStyles, (t, style) => (YamlNode)new YamlScalarNode(t) { Style = style })));

    private static Gen<YamlNode> Node(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (3, Scalar),
            (1, Gen.Select(Node(depth - 1).Array[0, 3], Gen.Int[0, 29], (items, flow) => (YamlNode)new YamlSequenceNode(items) { Style = flow == 0 ? YamlDotNet.Core.Events.SequenceStyle.Flow : YamlDotNet.Core.Events.SequenceStyle.Any })),
            (2, Gen.Select(Gen.Select(Key, Node(depth - 1)).Array[0, 4], Gen.Int[0, 29], (entries, flow) =>
            {
                var map = new YamlMappingNode { Style = flow == 0 ? YamlDotNet.Core.Events.MappingStyle.Flow : YamlDotNet.Core.Events.MappingStyle.Any };
                foreach (var (key, value) in entries.DistinctBy(e => Canonical(e.Item1), StringComparer.Ordinal))
                {
                    map.Add(key, value);
                }

                return (YamlNode)map;
            })));

    /// <summary>Keys as made from strings, sometimes quoted, multi-line, long, or not a scalar at all.</summary>
    private static readonly Gen<YamlNode> Key = Gen.Frequency(
        (30, Name.Select(k => (YamlNode)new YamlScalarNode(k))),
        (1, ScalarText.Select(k => (YamlNode)Yaml.Str(k))),
        (1, Gen.OneOfConst<YamlNode>(new YamlScalarNode(new string('k', 1025)), new YamlScalarNode(new string('k', 1024)), new YamlSequenceNode(new YamlScalarNode("a")), new YamlSequenceNode())));

    private static readonly Gen<YamlNode[]> Documents = Gen.OneOf(Node(1), Node(2), Node(3)).Array[1, 3];

    [Fact]
    public void Any_document_written_by_hand_is_the_emitters_bytes_and_reads_back_the_same()
    {
        var byHand = 0;
        Documents.Sample(documents =>
        {
            var emitted = EmitterOnly(documents);
            Assert.Equal(emitted, Yaml.Emit(documents));
            if (Yaml.EmitByHand(documents, static (yaml, docs) => Array.ForEach(docs, yaml.Node)) is not { } written)
            {
                return;
            }

            byHand++;
            Assert.Equal(emitted, written);
            if (ReadBack(written) is { } stream)
            {
                Assert.Equal(documents.Select(Canonical), stream.Documents.Select(d => Canonical(d.RootNode)));
            }
        }, iter: Iterations * 5, threads: 1, print: docs => string.Join(" --- ", docs.Select(Canonical)));

        Assert.InRange(byHand, Iterations / 2, Iterations * 5);
    }

    /// <summary>
    /// The text parsed again, or null for text holding " *": YamlDotNet's parser misreads some plain keys its own
    /// emitter writes with one (it fails on, or folds into one scalar, a key holding " *" and the next key). Such text
    /// is still the emitter's byte for byte (asserted before), so it says nothing about the hand writer.
    /// </summary>
    private static YamlStream? ReadBack(string text) => text.Contains(" *", StringComparison.Ordinal) ? null : Reparse.Yaml(text);

    /// <summary>A node's content, without its styles: what a reader of the YAML gets.</summary>
    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode scalar => JsonSerializer.Serialize(scalar.Value),
        YamlSequenceNode sequence => "[" + string.Join(", ", sequence.Children.Select(Canonical)) + "]",
        YamlMappingNode mapping => "{" + string.Join(", ", mapping.Children.Select(c => Canonical(c.Key) + ": " + Canonical(c.Value))) + "}",
        _ => throw new InvalidOperationException(),
    };

    private static AccessPlan WithNamespaces(IReadOnlyList<NamespacePlan> namespaces) => Template with { Namespaces = namespaces };

    private static AccessPlan WithRbac(RbacPlan rbac) => Template with { Rbac = rbac };

    private static readonly AccessPlan Template = Stacks.ValidPlanOf(Stacks.Minimal());
}
