using EksInfra.Access.Model;

namespace EksInfra.Access.Rendering;

/// <summary>The <c>metadata</c> of every object the stack writes: name, namespace when it has one, and the label that marks it as the stack's.</summary>
internal static class ObjectMetadata
{
    public static void Write(Yaml.EventWriter yaml, string name, string? ns)
    {
        yaml.Key("metadata");
        yaml.BeginMap();
        yaml.Pair("name", name);
        if (ns is not null)
        {
            yaml.Pair("namespace", ns);
        }

        yaml.Key("labels");
        yaml.BeginMap();
        yaml.Pair(KubernetesNames.ManagedByLabel, KubernetesNames.ManagedByValue);
        yaml.EndMap();
        yaml.EndMap();
    }
}
