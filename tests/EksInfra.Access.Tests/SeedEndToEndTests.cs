using System.Text.Json;
using EksInfra.Access.Rendering;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Tests;

/// <summary>The seed article's example (Pulumi.dev.yaml), from stack file to every rendered file, read back.</summary>
public class SeedEndToEndTests
{
    private static readonly StackEvaluation Dev = Stacks.Shipped("dev");
    private static readonly IReadOnlyDictionary<string, string> Files = Stacks.Render(Stacks.ValidPlan(Dev));

    [Fact]
    public void Dev_stack_is_valid_with_only_system_masters_warnings()
    {
        Assert.True(Dev.IsValid, Stacks.Describe(Dev));
        Assert.Empty(Dev.Errors);
        var warnings = Dev.Warnings.ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("system:masters", w.Message));
        Assert.Equal(["eks-infra:access.mapUsers[0].groups[0]", "eks-infra:access.roles[0].groups[0]"], warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dev_renders_the_expected_files()
    {
        Assert.Equal(
            ["access-entries.json", "aws-auth.yaml", "iam/eks-admin-role.json", "iam/eks-cluster-role.json", "iam/eks-node-role.json", "iam/eks-readonly-role.json", "rbac.yaml"],
            Files.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Aws_auth_holds_exactly_the_seed_mappings_plus_the_node_role()
    {
        var awsAuth = Reparse.AwsAuth(Files[StackRenderer.AwsAuthFile]);
        Assert.Equal(
            new[]
            {
                new Mapping("arn:aws:iam::123456789012:role/eks-node-role", "system:node:{{EC2PrivateDNSName}}", ["system:bootstrappers", "system:nodes"]).Key,
                new Mapping("arn:aws:iam::123456789012:role/eks-admin-role", "eks-admin", ["system:masters"]).Key,
                new Mapping("arn:aws:iam::123456789012:role/eks-readonly-role", "eks-readonly", ["read-only"]).Key,
            }.Order(StringComparer.Ordinal),
            awsAuth.Roles.Select(m => m.Key).Order(StringComparer.Ordinal));
        var user = Assert.Single(awsAuth.Users);
        Assert.Equal(new Mapping("arn:aws:iam::123456789012:user/username", "kubernetes-user", ["system:masters"]).Key, user.Key);
        Assert.Empty(awsAuth.Accounts);
        Assert.Null(Reparse.Get(awsAuth.Manifest["data"], "mapAccounts"));
    }

    [Fact]
    public void Rbac_binds_read_only_group_to_read_only_cluster_role_cluster_wide()
    {
        var docs = Reparse.Documents(Files[StackRenderer.RbacFile]);
        Assert.All(docs, d => Assert.Equal("rbac.authorization.k8s.io/v1", Reparse.Str(d, "apiVersion")));
        var binding = Assert.Single(docs, d => Reparse.Str(d, "kind") == "ClusterRoleBinding");
        var roleRef = binding["roleRef"];
        Assert.Equal("rbac.authorization.k8s.io", Reparse.Str(roleRef, "apiGroup"));
        Assert.Equal("ClusterRole", Reparse.Str(roleRef, "kind"));
        Assert.Equal("read-only", Reparse.Str(roleRef, "name"));
        var subject = Assert.Single(Assert.IsType<YamlSequenceNode>(binding["subjects"]).Children);
        Assert.Equal("Group", Reparse.Str(subject, "kind"));
        Assert.Equal("read-only", Reparse.Str(subject, "name"));
        Assert.DoesNotContain(docs, d => Reparse.Str(d, "kind") == "RoleBinding");
        Assert.Single(docs, d => Reparse.Str(d, "kind") == "ClusterRole" && Reparse.Str(d["metadata"], "name") == "read-only");
    }

    [Fact]
    public void Read_only_cluster_role_reads_nodes_and_namespaces_but_no_secrets_and_writes_nothing()
    {
        var role = Reparse.Documents(Files[StackRenderer.RbacFile]).Single(d => Reparse.Str(d, "kind") == "ClusterRole" && Reparse.Str(d["metadata"], "name") == "read-only");
        var rules = Assert.IsType<YamlSequenceNode>(role["rules"]).Children
            .Select(r => (ApiGroups: Reparse.Strings(Reparse.Get(r, "apiGroups")), Resources: Reparse.Strings(Reparse.Get(r, "resources")), Verbs: Reparse.Strings(Reparse.Get(r, "verbs")), Names: Reparse.Strings(Reparse.Get(r, "resourceNames"))))
            .ToList();

        bool Can(string apiGroup, string resource, string verb) =>
            rules.Any(r => (r.ApiGroups.Contains(apiGroup) || r.ApiGroups.Contains("*")) && (r.Resources.Contains(resource) || r.Resources.Contains("*")) && (r.Verbs.Contains(verb) || r.Verbs.Contains("*")) && r.Names.Count == 0);

        foreach (var verb in new[] { "get", "list", "watch" })
        {
            Assert.True(Can("", "nodes", verb), $"read-only cannot {verb} nodes (kubectl get nodes)");
            Assert.True(Can("", "namespaces", verb), $"read-only cannot {verb} namespaces");
            Assert.True(Can("", "pods", verb), $"read-only cannot {verb} pods");
            Assert.True(Can("apps", "deployments", verb), $"read-only cannot {verb} deployments");
        }

        Assert.DoesNotContain(rules, r => r.Resources.Contains("secrets") || r.Resources.Contains("*"));
        Assert.DoesNotContain(rules, r => r.ApiGroups.Contains("*"));
        var writeVerbs = new[] { "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate", "*" };
        Assert.All(rules, r => Assert.Empty(r.Verbs.Intersect(writeVerbs)));
        Assert.All(rules, r => Assert.Empty(r.Verbs.Except(["get", "list", "watch"])));
    }

    [Fact]
    public void Cluster_role_trust_policy_is_the_seed_document_with_the_cluster_policy()
    {
        var doc = Reparse.Json(Files["iam/eks-cluster-role.json"]);
        Assert.Equal("eks-cluster-role", doc.GetProperty("roleName").GetString());
        Assert.Equal("arn:aws:iam::123456789012:role/eks-cluster-role", doc.GetProperty("arn").GetString());
        var trust = doc.GetProperty("assumeRolePolicy");
        Assert.Equal("2012-10-17", trust.GetProperty("Version").GetString());
        var statement = Assert.Single(trust.GetProperty("Statement").EnumerateArray());
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal("sts:AssumeRole", statement.GetProperty("Action").GetString());
        var principal = statement.GetProperty("Principal");
        Assert.Equal("eks.amazonaws.com", principal.GetProperty("Service").GetString());
        Assert.Single(principal.EnumerateObject());
        Assert.Equal(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"], doc.GetProperty("managedPolicyArns").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Node_role_trusts_ec2_with_the_worker_policies()
    {
        var doc = Reparse.Json(Files["iam/eks-node-role.json"]);
        var statement = Assert.Single(doc.GetProperty("assumeRolePolicy").GetProperty("Statement").EnumerateArray());
        Assert.Equal("ec2.amazonaws.com", statement.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal(
            ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"],
            doc.GetProperty("managedPolicyArns").EnumerateArray().Select(e => e.GetString()!.Split('/')[^1]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Access_roles_trust_the_account_and_may_describe_only_this_cluster()
    {
        foreach (var name in new[] { "eks-admin-role", "eks-readonly-role" })
        {
            var doc = Reparse.Json(Files[$"iam/{name}.json"]);
            var statement = Assert.Single(doc.GetProperty("assumeRolePolicy").GetProperty("Statement").EnumerateArray());
            Assert.Equal("arn:aws:iam::123456789012:root", statement.GetProperty("Principal").GetProperty("AWS").GetString());
            var inline = Assert.Single(doc.GetProperty("inlinePolicies").EnumerateObject());
            var permission = Assert.Single(inline.Value.GetProperty("Statement").EnumerateArray());
            Assert.Equal("eks:DescribeCluster", permission.GetProperty("Action").GetString());
            Assert.Equal("arn:aws:eks:us-west-2:123456789012:cluster/my-cluster", permission.GetProperty("Resource").GetString());
        }
    }

    [Fact]
    public void Access_entries_use_eks_api_names_and_carry_system_masters_as_cluster_admin_policy()
    {
        var doc = Reparse.Json(Files[StackRenderer.AccessEntriesFile]);
        Assert.Equal("my-cluster", doc.GetProperty("clusterName").GetString());
        Assert.Equal("API_AND_CONFIG_MAP", doc.GetProperty("authenticationMode").GetString());
        var entries = doc.GetProperty("accessEntries").EnumerateArray().ToDictionary(e => e.GetProperty("principalArn").GetString()!);
        Assert.Equal(
            ["arn:aws:iam::123456789012:role/eks-admin-role", "arn:aws:iam::123456789012:role/eks-readonly-role", "arn:aws:iam::123456789012:user/username"],
            entries.Keys.Order(StringComparer.Ordinal));
        foreach (var entry in entries.Values)
        {
            Assert.Equal(["principalArn", "type", "username", "kubernetesGroups", "associatedAccessPolicies"], entry.EnumerateObject().Select(p => p.Name));
            Assert.Equal("STANDARD", entry.GetProperty("type").GetString());
            Assert.DoesNotContain(entry.GetProperty("kubernetesGroups").EnumerateArray(), g => g.GetString()!.StartsWith("system:", StringComparison.Ordinal));
        }

        foreach (var (arn, username) in new[] { ("arn:aws:iam::123456789012:role/eks-admin-role", "eks-admin"), ("arn:aws:iam::123456789012:user/username", "kubernetes-user") })
        {
            var entry = entries[arn];
            Assert.Equal(username, entry.GetProperty("username").GetString());
            Assert.Empty(entry.GetProperty("kubernetesGroups").EnumerateArray());
            var policy = Assert.Single(entry.GetProperty("associatedAccessPolicies").EnumerateArray());
            Assert.Equal("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", policy.GetProperty("policyArn").GetString());
            var scope = policy.GetProperty("accessScope");
            Assert.Equal("cluster", scope.GetProperty("type").GetString());
            Assert.False(scope.TryGetProperty("namespaces", out var ns) && ns.GetArrayLength() > 0);
        }

        var readonlyEntry = entries["arn:aws:iam::123456789012:role/eks-readonly-role"];
        Assert.Equal(["read-only"], readonlyEntry.GetProperty("kubernetesGroups").EnumerateArray().Select(g => g.GetString()));
        Assert.Empty(readonlyEntry.GetProperty("associatedAccessPolicies").EnumerateArray());
    }

    [Fact]
    public void Rendered_json_files_are_valid_json_and_end_with_a_newline()
    {
        foreach (var (path, content) in Files.Where(f => f.Key.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var doc = JsonDocument.Parse(content);
            Assert.EndsWith("\n", content, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", content, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(path));
        }
    }
}

/// <summary>kubectl refuses an empty manifest file ("no objects passed to apply"): a render leaves out what would be empty.</summary>
public class EmptyManifestTests
{
    [Fact]
    public void A_stack_with_no_rbac_objects_renders_no_rbac_file()
    {
        var plan = Stacks.ValidPlanOf("""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
                deployerArn: arn:aws:iam::123456789012:role/ci-deploy
              eks-infra:access:
                authenticationMode: API
                mapRoles:
                  - rolearn: arn:aws:iam::123456789012:role/admins
                    username: admins
                    accessPolicies: [{ policy: AmazonEKSClusterAdminPolicy }]
            """);

        var files = Stacks.Render(plan);

        Assert.Empty(plan.Rbac.ClusterRoles.Concat<object>(plan.Rbac.ClusterRoleBindings).Concat(plan.Rbac.RoleBindings));
        Assert.DoesNotContain(StackRenderer.RbacFile, files.Keys);
        Assert.All(files.Values, content => Assert.NotEqual("", content));
    }
}
