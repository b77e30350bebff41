using EksInfra.Access.Planning;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the namespaces the stack creates: a Namespace, then its ResourceQuota and LimitRange, per namespace.</summary>
public static class NamespaceRenderer
{
    public static string Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var docs = new List<YamlNode>();
        foreach (var ns in plan.Namespaces)
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

        return docs.Count == 0 ? "" : Yaml.Emit([.. docs]);
    }

    private static YamlMappingNode Metadata(string name, NamespacePlan ns) => Yaml.Map(
        ("name", Yaml.Str(name)),
        ("namespace", Yaml.Str(ns.Name)),
        ("labels", Yaml.Map((Model.KubernetesNames.ManagedByLabel, Yaml.Str(Model.KubernetesNames.ManagedByValue)))));

    private static YamlMappingNode Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        Yaml.Map([.. pairs.Select(p => (p.Key, (YamlNode?)Yaml.Str(p.Value)))]);
}
