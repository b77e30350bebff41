using System.Text.Json.Nodes;

namespace EksInfra.Cli.Tests;

/// <summary>What audit and can report against what Kubernetes RBAC and EKS would decide, where they once differed.</summary>
public sealed class AuditReviewTests
{
    private const string ConfigMapStack = """
config:
  aws:region: us-west-2
  aws:allowedAccountIds: ["123456789012"]
  eks-infra:cluster:
    name: my-cluster
    version: "1.35"
  eks-infra:access:
    authenticationMode: CONFIG_MAP
    mapRoles:
      - rolearn: arn:aws:iam::123456789012:role/admin
        username: admin
        groups: [system:masters]
      - rolearn: arn:aws:iam::123456789012:role/dev
        username: dev
        groups: [devs]
    groups:
      devs: { clusterRole: view, namespaces: [apps] }
""";

    /// <summary>The CONFIG_MAP stack with its admin role in a group bound to cluster-admin instead of in system:masters.</summary>
    private static readonly string ClusterAdminGroupStack = ConfigMapStack
        .Replace("groups: [system:masters]", "groups: [admins]", StringComparison.Ordinal)
        .Replace("    groups:\n      devs:", "    groups:\n      admins: { clusterRole: cluster-admin }\n      devs:", StringComparison.Ordinal);

    private const string KarpenterStack = """
config:
  aws:region: us-west-2
  aws:allowedAccountIds: ["123456789012"]
  eks-infra:cluster:
    name: my-cluster
    version: "1.35"
    deployerArn: arn:aws:iam::123456789012:role/deployer
  eks-infra:access:
    authenticationMode: API
    nodeRoles:
      - rolearn: arn:aws:iam::123456789012:role/karpenter-node
        kind: linux
    mapRoles:
      - rolearn: arn:aws:iam::123456789012:role/ops
        username: ops
        groups: [devs]
    groups:
      devs: { clusterRole: edit }
""";

    private const string ExternalGroupStack = """
config:
  aws:region: us-west-2
  aws:allowedAccountIds: ["123456789012"]
  eks-infra:cluster:
    name: my-cluster
    version: "1.35"
  eks-infra:access:
    authenticationMode: CONFIG_MAP
    externalGroups: [gitops-admins]
    mapRoles:
      - rolearn: arn:aws:iam::123456789012:role/admin
        username: admin
        groups: [system:masters]
      - rolearn: arn:aws:iam::123456789012:role/ops
        username: ops
        groups: [gitops-admins]
""";

    /// <summary>The CONFIG_MAP stack with its mapped admin role named as the deployer, as IAM shows it (under /ci/).</summary>
    private static readonly string DeployerWithPathStack = ConfigMapStack.Replace("    version: \"1.35\"\n", "    version: \"1.35\"\n    deployerArn: arn:aws:iam::123456789012:role/ci/admin\n", StringComparison.Ordinal);

    private const string KarpenterEntries = """
{"clusterName":"my-cluster","accessEntries":[
 {"clusterName":"my-cluster","principalArn":"arn:aws:iam::123456789012:role/karpenter-node","kubernetesGroups":[],"username":"karp","type":"STANDARD","associatedAccessPolicies":[{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy","accessScope":{"type":"cluster","namespaces":[]}}]},
 {"clusterName":"my-cluster","principalArn":"arn:aws:iam::123456789012:role/ops","kubernetesGroups":["devs"],"username":"ops","type":"STANDARD","associatedAccessPolicies":[]},
 {"clusterName":"my-cluster","principalArn":"arn:aws:iam::123456789012:role/deployer","kubernetesGroups":[],"username":"arn:aws:sts::123456789012:assumed-role/deployer/{{SessionName}}","type":"STANDARD","associatedAccessPolicies":[{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy","accessScope":{"type":"cluster","namespaces":[]}}]}
]}
""";

    private const string RbacManagedAdminBindingEdited = """
{"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "cluster-admin"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "view"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "eks-infra:devs", "namespace": "apps", "labels": {"app.kubernetes.io/managed-by": "eks-infra"}}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "devs"}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "eks-infra:admins", "labels": {"app.kubernetes.io/managed-by": "eks-infra"}}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "admins"}, {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "devs"}]}]}
""";

    private const string RbacMastersView = """
{"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "cluster-admin"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "view"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "eks-infra:devs", "namespace": "apps", "labels": {"app.kubernetes.io/managed-by": "eks-infra"}}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "devs"}]}, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "masters-view", "namespace": "apps"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]}]}
""";

    private static string Write(TestProject project, string name, string text)
    {
        File.WriteAllText(Path.Combine(project.Directory, name), text);
        return name;
    }

    /// <summary>The stack's own render of aws-auth, as the live export.</summary>
    private static string RenderedAwsAuth(TestProject project, string stack)
    {
        var plan = LiveFixtures.PlanOf(project, stack);
        return Write(project, "aws-auth.yaml", LiveFixtures.AwsAuth(plan));
    }

    [Fact]
    public void Audit_fails_when_a_hand_edit_adds_a_mapped_group_to_the_managed_cluster_admin_binding()
    {
        using var project = new TestProject(withShippedStacks: false);
        project.WriteStack("ca", ClusterAdminGroupStack);
        var result = project.Run("audit", "ca", "--aws-auth", RenderedAwsAuth(project, "ca"), "--rbac", Write(project, "rbac.json", RbacManagedAdminBindingEdited), "--format", "json");

        // ClusterRoleBinding eks-infra:admins now binds Group devs to cluster-admin too: role/dev is cluster admin.
        var json = JsonNode.Parse(result.Out)!;
        Assert.True(json["failed"]!.GetValue<bool>(), result.ToString());
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Audit_reports_a_cluster_admin_entry_on_a_declared_node_role_instead_of_crashing()
    {
        using var project = new TestProject(withShippedStacks: false);
        project.WriteStack("kp", KarpenterStack);
        var result = project.Run("audit", "kp", "--access-entries", Write(project, "access-entries.json", KarpenterEntries));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("karpenter-node", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_does_not_crash_when_the_deployer_and_a_mapping_name_one_role_with_and_without_its_path()
    {
        using var project = new TestProject(withShippedStacks: false);
        project.WriteStack("cm2", DeployerWithPathStack);
        Assert.Equal(0, project.Run("check", "cm2").ExitCode);
        var result = project.Run("audit", "cm2", "--aws-auth", RenderedAwsAuth(project, "cm2"));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Can_does_not_leave_out_a_principal_whose_external_group_it_cannot_evaluate()
    {
        using var project = new TestProject(withShippedStacks: false);
        project.WriteStack("ext", ExternalGroupStack);
        var result = project.Run("can", "ext", "delete", "secrets", "--namespace", "prod");

        // role/ops holds gitops-admins, bound by another tool: may or may not delete secrets, so it must not vanish silently.
        Assert.Contains("Note: arn:aws:iam::123456789012:role/ops is in gitops-admins, which another tool binds (externalGroups), so what it allows is not evaluated here.", result.Out, StringComparison.Ordinal);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Audit_does_not_call_a_namespaced_view_binding_of_system_masters_cluster_admin()
    {
        using var project = new TestProject(withShippedStacks: false);
        project.WriteStack("cm", ConfigMapStack);
        var result = project.Run("audit", "cm", "--aws-auth", RenderedAwsAuth(project, "cm"), "--rbac", Write(project, "rbac.json", RbacMastersView));

        // view in apps, to a group whose members bypass RBAC anyway: it makes no one admin.
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
