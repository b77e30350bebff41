using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Renders the namespaces the stack creates: a Namespace, then its ResourceQuota and LimitRange, per namespace.</summary>
public static class NamespaceRenderer
{
    public static string Render(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Namespaces.Count == 0 ? "" : Yaml.EmitWith(plan.Namespaces, Write);
    }

    internal static void Write(Yaml.EventWriter yaml, IReadOnlyList<NamespacePlan> namespaces)
    {
        foreach (var ns in namespaces)
        {
            yaml.BeginMap();
            yaml.Pair("apiVersion", "v1");
            yaml.Pair("kind", "Namespace");
            yaml.Key("metadata");
            yaml.BeginMap();
            yaml.Pair("name", ns.Name);
            yaml.Key("labels");
            WritePairs(yaml, ns.Labels);
            yaml.EndMap();
            yaml.EndMap();

            if (ns.Quota is { } quota)
            {
                yaml.BeginMap();
                yaml.Pair("apiVersion", "v1");
                yaml.Pair("kind", "ResourceQuota");
                ObjectMetadata.Write(yaml, quota.Name, ns.Name);
                yaml.Key("spec");
                yaml.BeginMap();
                yaml.Key("hard");
                WritePairs(yaml, quota.Hard);
                yaml.EndMap();
                yaml.EndMap();
            }

            if (ns.LimitRange is { } range)
            {
                yaml.BeginMap();
                yaml.Pair("apiVersion", "v1");
                yaml.Pair("kind", "LimitRange");
                ObjectMetadata.Write(yaml, range.Name, ns.Name);
                yaml.Key("spec");
                yaml.BeginMap();
                yaml.Key("limits");
                yaml.BeginSequence();
                yaml.BeginMap();
                yaml.Pair("type", "Container");
                WritePairsIfAny(yaml, "default", range.Default);
                WritePairsIfAny(yaml, "defaultRequest", range.DefaultRequest);
                yaml.EndMap();
                yaml.EndSequence();
                yaml.EndMap();
                yaml.EndMap();
            }
        }
    }

    private static void WritePairsIfAny(Yaml.EventWriter yaml, string key, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count > 0)
        {
            yaml.Key(key);
            WritePairs(yaml, pairs);
        }
    }

    private static void WritePairs(Yaml.EventWriter yaml, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        yaml.BeginMap();
        foreach (var (key, value) in pairs)
        {
            yaml.Pair(key, value);
        }

        yaml.EndMap();
    }
}
