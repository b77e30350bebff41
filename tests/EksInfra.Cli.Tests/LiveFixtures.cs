using System.Text.Json.Nodes;
using EksInfra.Access;
using EksInfra.Access.Authorization;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Cli.Tests;

/// <summary>
/// What a cluster made by a stack would export, in the shapes of the real commands: aws-auth as
/// <c>kubectl get configmap -o yaml</c> prints it, access entries as describe-access-entry and
/// list-associated-access-policies print them (in docs/export-access-entries.sh's file), RBAC as
/// <c>kubectl get ... -o json</c>. Built from the stack's own render, so they stay true as the model changes.
/// </summary>
internal static class LiveFixtures
{
    public static AccessPlan Plan(string stack) =>
        StackEvaluator.Evaluate(StackFileReader.Read(stack, $"Pulumi.{stack}.yaml", File.ReadAllBytes(Path.Combine(TestProject.RepoRoot, $"Pulumi.{stack}.yaml")))).RequirePlan();

    public static AccessPlan PlanOf(TestProject project, string stack) =>
        StackEvaluator.Evaluate(StackFileReader.Read(stack, $"Pulumi.{stack}.yaml", File.ReadAllBytes(project.StackFile(stack)))).RequirePlan();

    /// <summary>The rendered ConfigMap with the metadata the API server adds.</summary>
    public static string AwsAuth(AccessPlan plan)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(AwsAuthRenderer.Render(plan)!));
        var metadata = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["metadata"];
        metadata.Add("creationTimestamp", "2026-03-02T09:14:07Z");
        metadata.Add("resourceVersion", "48211");
        metadata.Add("uid", "6f1d2c3b-9a8e-4f70-b1c2-d3e4f5a6b7c8");
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    public static JsonObject Entry(AccessPlan plan, string principalArn, string type, string username, IEnumerable<string> groups, params (string Policy, string[] Namespaces)[] policies)
    {
        var name = principalArn[(principalArn.LastIndexOf('/') + 1)..];
        return new JsonObject
        {
            ["clusterName"] = plan.Cluster.Name,
            ["principalArn"] = principalArn,
            ["kubernetesGroups"] = new JsonArray([.. groups.Select(g => (JsonNode)g)]),
            ["accessEntryArn"] = $"arn:aws:eks:{plan.Cluster.Region}:{plan.Cluster.AccountId}:access-entry/{plan.Cluster.Name}/role/{plan.Cluster.AccountId}/{name}/a6c8f1e2-0b3d-4e5f-8a9b-1c2d3e4f5a6b",
            ["createdAt"] = "2026-03-02T09:20:31.118000+00:00",
            ["modifiedAt"] = "2026-03-02T09:20:31.118000+00:00",
            ["tags"] = new JsonObject(),
            ["username"] = username,
            ["type"] = type,
            ["associatedAccessPolicies"] = new JsonArray([.. policies.Select(p => (JsonNode)new JsonObject
            {
                ["policyArn"] = $"arn:{plan.Cluster.Partition}:eks::aws:cluster-access-policy/{p.Policy}",
                ["accessScope"] = new JsonObject
                {
                    ["type"] = p.Namespaces.Length == 0 ? "cluster" : "namespace",
                    ["namespaces"] = new JsonArray([.. p.Namespaces.Select(n => (JsonNode)n)]),
                },
                ["associatedAt"] = "2026-03-02T09:20:32.407000+00:00",
                ["modifiedAt"] = "2026-03-02T09:20:32.407000+00:00",
            })]),
        };
    }

    /// <summary>The plan's entries, and those EKS makes itself: the node group's role and the cluster creator.</summary>
    public static JsonObject AccessEntries(AccessPlan plan, params JsonObject[] extra)
    {
        var entries = plan.AccessEntries
            // EKS sets a node entry's username and groups itself, which the plan leaves out (EKS User Guide, "Create access entries").
            .Select(e => e.Type is "EC2_LINUX" or "EC2_WINDOWS"
                ? Entry(plan, e.PrincipalArn, e.Type, "system:node:{{EC2PrivateDNSName}}", ["system:nodes"])
                : Entry(plan, e.PrincipalArn, e.Type, e.Username, e.KubernetesGroups, [.. e.AccessPolicies.Select(p => (p.PolicyName, p.Scope.Namespaces.ToArray()))]))
            .Append(Entry(plan, plan.NodeRole.Arn, "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}", ["system:nodes"]))
            .ToList();
        if (plan.Cluster.DeployerArn is { } deployer && Arns.TryParse(deployer, out var arn, out _))
        {
            entries.Add(Entry(plan, deployer, "STANDARD", $"arn:aws:sts::{arn.AccountId}:assumed-role/{arn.Name}/{{{{SessionName}}}}", [], ("AmazonEKSClusterAdminPolicy", [])));
        }

        entries.AddRange(extra);
        return new JsonObject { ["clusterName"] = plan.Cluster.Name, ["accessEntries"] = new JsonArray([.. entries]) };
    }

    /// <summary>The rendered RBAC, the bootstrap ClusterRoles and binding, and bindings EKS installs.</summary>
    public static JsonObject Rbac(AccessPlan plan, params JsonObject[] extra)
    {
        var bootstrap = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        var items = new List<JsonNode>();
        foreach (var (name, rules) in RbacData.BuiltInClusterRoles)
        {
            items.Add(new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "ClusterRole",
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = bootstrap.DeepClone(), ["resourceVersion"] = "72" },
                ["rules"] = new JsonArray([.. rules.Select(Rule)]),
            });
        }

        items.Add(Binding("cluster-admin", null, "cluster-admin", bootstrap, ("Group", "system:masters")));
        items.Add(Binding("eks:node-bootstrapper", null, "eks:node-bootstrapper", new JsonObject { ["eks.amazonaws.com/component"] = "node" }, ("Group", "system:bootstrappers"), ("Group", "system:nodes")));
        items.Add(Binding("aws-node", null, "aws-node", new JsonObject { ["app.kubernetes.io/name"] = "aws-node" }, ("ServiceAccount", "kube-system/aws-node")));
        var rendered = RbacRenderer.Render(plan);
        if (rendered.Length > 0)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(rendered));
            items.AddRange(stream.Documents.Select(d => ToJson(d.RootNode)));
        }

        items.AddRange(extra);
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. items]), ["metadata"] = new JsonObject { ["resourceVersion"] = "" } };
    }

    public static JsonObject Binding(string name, string? ns, string clusterRole, JsonObject? labels, params (string Kind, string Name)[] subjects)
    {
        var metadata = new JsonObject { ["name"] = name, ["resourceVersion"] = "913", ["uid"] = "0c7e9f4a-55d1-4b8e-9f3a-2b1c0d9e8f7a" };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is not null)
        {
            metadata["labels"] = labels.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = ns is null ? "ClusterRoleBinding" : "RoleBinding",
            ["metadata"] = metadata,
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = clusterRole },
            ["subjects"] = new JsonArray([.. subjects.Select(s => (JsonNode)(s.Kind == "ServiceAccount"
                ? new JsonObject { ["kind"] = s.Kind, ["name"] = s.Name.Split('/')[1], ["namespace"] = s.Name.Split('/')[0] }
                : new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = s.Kind, ["name"] = s.Name }))]),
        };
    }

    private static JsonNode Rule(PolicyRulePlan rule)
    {
        var o = new JsonObject();
        void Add(string key, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                o[key] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
            }
        }

        Add("apiGroups", rule.ApiGroups);
        Add("resources", rule.Resources);
        Add("resourceNames", rule.ResourceNames);
        Add("nonResourceURLs", rule.NonResourceUrls);
        Add("verbs", rule.Verbs);
        return o;
    }

    private static JsonNode ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, (JsonNode?)ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        _ => JsonValue.Create(((YamlScalarNode)node).Value ?? ""),
    };
}
