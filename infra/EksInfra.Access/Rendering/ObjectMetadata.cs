using EksInfra.Access.Model;

namespace EksInfra.Access.Rendering;

/// <summary>The <c>metadata</c> of every object the stack writes: name, namespace when it has one, and the label that marks it as the stack's.</summary>
internal static class ObjectMetadata
{
    public static void Write(Yaml.EventWriter yaml, string name, string? ns)
    {
        Open(yaml, name, ns);
        yaml.Key("labels");
        yaml.BeginMap();
        yaml.Pair(KubernetesNames.ManagedByLabel, KubernetesNames.ManagedByValue);
        yaml.EndMap();
        yaml.EndMap();
    }

    /// <summary>
    /// aws-auth's metadata as pulumi-eks v4.3.0 writes it (nodejs/eks/cluster/cluster.ts, the nodeAccess ConfigMap): no
    /// label, only the annotation that lets it take the object over; the program's mapAccounts patch adds none.
    /// </summary>
    public static void WriteAwsAuth(Yaml.EventWriter yaml, string name, string ns)
    {
        Open(yaml, name, ns);
        yaml.Key("annotations");
        yaml.BeginMap();
        yaml.Pair("pulumi.com/patchForce", "true");
        yaml.EndMap();
        yaml.EndMap();
    }

    private static void Open(Yaml.EventWriter yaml, string name, string? ns)
    {
        yaml.Key("metadata");
        yaml.BeginMap();
        yaml.Pair("name", name);
        if (ns is not null)
        {
            yaml.Pair("namespace", ns);
        }
    }
}
