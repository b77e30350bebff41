using EksInfra.Access.Authorization;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

public sealed class RbacRuleTests
{
    private static PolicyRulePlan Rule(string[] groups, string[] resources, string[] verbs, string[]? names = null, string[]? urls = null) =>
        new(groups, resources, verbs, names ?? [], urls ?? []);

    private static bool AnyAllows(IReadOnlyList<PolicyRulePlan> rules, AccessRequest request) => rules.Any(rule => RbacRules.Allows(rule, request));

    private static AccessRequest Req(string verb, string group, string resource, string sub = "", string name = "", string ns = "default") =>
        new(verb, group, resource, sub, name, ns);

    [Fact]
    public void Verb_group_and_resource_must_all_match_and_star_matches_any()
    {
        var rule = Rule(["apps"], ["deployments"], ["get"]);
        Assert.True(RbacRules.Allows(rule, Req("get", "apps", "deployments")));
        Assert.False(RbacRules.Allows(rule, Req("delete", "apps", "deployments")));
        Assert.False(RbacRules.Allows(rule, Req("get", "", "deployments")));
        Assert.False(RbacRules.Allows(rule, Req("get", "apps", "statefulsets")));
        Assert.True(RbacRules.Allows(Rule(["*"], ["*"], ["*"]), Req("escalate", "rbac.authorization.k8s.io", "clusterroles")));
    }

    [Fact]
    public void A_resource_does_not_grant_its_subresources_but_star_slash_sub_grants_one_subresource_of_all()
    {
        Assert.False(RbacRules.Allows(Rule([""], ["pods"], ["create"]), Req("create", "", "pods", "exec")));
        Assert.True(RbacRules.Allows(Rule([""], ["pods/exec"], ["create"]), Req("create", "", "pods", "exec")));
        Assert.True(RbacRules.Allows(Rule(["*"], ["*/scale"], ["update"]), Req("update", "apps", "deployments", "scale")));
        Assert.False(RbacRules.Allows(Rule(["*"], ["*/scale"], ["update"]), Req("update", "apps", "deployments")));
        Assert.False(RbacRules.Allows(Rule(["*"], ["*/scale"], ["update"]), Req("update", "apps", "deployments", "status")));
        Assert.True(RbacRules.Allows(Rule(["*"], ["*"], ["get"]), Req("get", "", "pods", "log")));
    }

    [Fact]
    public void ResourceNames_narrow_a_rule_to_named_requests_so_list_and_create_are_not_allowed()
    {
        var rule = Rule([""], ["configmaps"], ["get", "list", "create", "update"], names: ["aws-auth"]);
        Assert.True(RbacRules.Allows(rule, Req("get", "", "configmaps", name: "aws-auth")));
        Assert.True(RbacRules.Allows(rule, Req("update", "", "configmaps", name: "aws-auth")));
        Assert.False(RbacRules.Allows(rule, Req("get", "", "configmaps", name: "other")));
        Assert.False(RbacRules.Allows(rule, Req("list", "", "configmaps")));
        Assert.False(RbacRules.Allows(rule, Req("create", "", "configmaps")));
    }

    [Fact]
    public void NonResourceUrls_match_exactly_or_by_a_trailing_star_and_never_a_resource_request()
    {
        var rule = Rule([], [], ["get"], urls: ["/healthz", "/metrics/*"]);
        Assert.True(RbacRules.Allows(rule, AccessRequest.NonResource("get", "/healthz")));
        Assert.True(RbacRules.Allows(rule, AccessRequest.NonResource("get", "/metrics/slis")));
        Assert.False(RbacRules.Allows(rule, AccessRequest.NonResource("get", "/healthz/etcd")));
        Assert.False(RbacRules.Allows(rule, AccessRequest.NonResource("post", "/healthz")));
        Assert.False(RbacRules.Allows(Rule(["*"], ["*"], ["*"]), AccessRequest.NonResource("get", "/healthz")));
    }

    [Fact]
    public void Built_in_roles_are_aggregated_as_the_bootstrap_policy_defines_them()
    {
        var roles = RbacData.BuiltInClusterRoles;
        Assert.Equal(Platform.KubernetesClusterRoles.Bootstrap.Order(StringComparer.Ordinal), roles.Keys);
        bool Can(string role, AccessRequest r) => AnyAllows(roles[role], r);
        Assert.True(Can("view", Req("get", "", "pods", "log")));
        Assert.False(Can("view", Req("get", "", "secrets")));
        Assert.True(Can("edit", Req("get", "", "secrets")));
        Assert.True(Can("edit", Req("delete", "", "pods")));
        Assert.True(Can("edit", Req("list", "apps", "deployments")));
        Assert.False(Can("edit", Req("create", "rbac.authorization.k8s.io", "rolebindings")));
        Assert.True(Can("admin", Req("create", "rbac.authorization.k8s.io", "rolebindings")));
        Assert.True(Can("admin", Req("get", "", "pods")));
        Assert.False(Can("admin", Req("get", "", "nodes", ns: "")));
        Assert.True(Can("cluster-admin", AccessRequest.Everything));
        Assert.True(Can("cluster-admin", AccessRequest.NonResource("get", "/metrics")));
        Assert.Contains("kubernetes/kubernetes", RbacData.BuiltInClusterRolesSource, StringComparison.Ordinal);
        Assert.Contains("docs.aws.amazon.com", RbacData.AccessPoliciesSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Access_policies_hold_AWSs_documented_rules()
    {
        var policies = RbacData.AccessPolicies;
        Assert.Equal(Model.EksAccessPolicies.Known.Order(StringComparer.Ordinal), policies.Keys);
        bool Can(string policy, AccessRequest r) => AnyAllows(policies[policy], r);
        Assert.False(Can("AmazonEKSViewPolicy", Req("get", "", "secrets")));
        Assert.True(Can("AmazonEKSAdminViewPolicy", Req("get", "", "secrets")));
        Assert.False(Can("AmazonEKSAdminViewPolicy", Req("delete", "", "pods")));
        Assert.True(Can("AmazonEKSEditPolicy", Req("delete", "", "pods")));
        Assert.False(Can("AmazonEKSEditPolicy", Req("create", "rbac.authorization.k8s.io", "roles")));
        Assert.True(Can("AmazonEKSAdminPolicy", Req("create", "rbac.authorization.k8s.io", "roles")));
        Assert.True(Can("AmazonEKSClusterAdminPolicy", AccessRequest.Everything));
        Assert.True(Can("AmazonEKSSecretReaderPolicy", Req("list", "", "secrets")));
        Assert.False(Can("AmazonEKSSecretReaderPolicy", Req("get", "", "pods")));
        Assert.False(Can("AmazonEKSSecretReaderPolicy", Req("update", "", "secrets")));
    }
}

public sealed class CanTests
{
    private const string Readonly = "arn:aws:iam::123456789012:role/eks-readonly-role";
    private const string Admin = "arn:aws:iam::123456789012:role/eks-admin-role";

    private static IReadOnlyList<CanAnswer> Ask(AccessPlan plan, string verb, string resource, string? ns = null)
    {
        var question = CanQuestion.Parse(verb, resource, ns, null, out var error);
        Assert.True(question is not null, error);
        return CanReport.Who(ModelAccess.Of(plan), question);
    }

    private static List<string> Who(AccessPlan plan, string verb, string resource, string? ns = null) =>
        [.. Ask(plan, verb, resource, ns).Select(a => a.Principal)];

    [Theory]
    [InlineData(null)]
    [InlineData("payments")]
    public void The_seeds_read_only_group_gets_nodes_and_lists_pods_everywhere_but_no_secrets_and_no_deletes(string? ns)
    {
        var dev = Stacks.ValidPlan(Stacks.Shipped("dev"));
        Assert.Contains(Readonly, Who(dev, "get", "nodes", ns));
        Assert.Contains(Readonly, Who(dev, "list", "pods", ns));
        Assert.DoesNotContain(Readonly, Who(dev, "get", "secrets", ns));
        Assert.DoesNotContain(Readonly, Who(dev, "delete", "pods", ns));
        var path = Assert.Single(Ask(dev, "get", "nodes", ns), a => a.Principal == Readonly).Paths;
        Assert.Equal(["ClusterRole read-only via ClusterRoleBinding eks-infra:read-only"], path);
    }

    private static string EditorStack(string mode = "API_AND_CONFIG_MAP", string scopedPolicies = "[]") => $$$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
          eks-infra:access:
            authenticationMode: {{{mode}}}
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/team/payments-dev
                username: "payments:{{SessionName}}"
                groups: [payments-editors]
              - rolearn: arn:aws:iam::123456789012:role/scoped
                username: scoped
                groups: [payments-editors]
                accessPolicies: {{{scopedPolicies}}}
            groups:
              payments-editors:
                clusterRole: edit
                namespaces: [payments]
        """;

    private const string PaymentsDev = "arn:aws:iam::123456789012:role/team/payments-dev";

    [Theory]
    [InlineData("create", "events.events.k8s.io")]
    [InlineData("list", "events.events.k8s.io")]
    [InlineData("create", "resourceclaims.resource.k8s.io")]
    [InlineData("update", "resourceclaimtemplates.resource.k8s.io")]
    public void Edit_holds_what_kubernetes_1_35_gives_it(string verb, string resource)
    {
        // bootstrappolicy testdata of 1.35: events.k8s.io events in view and edit (kubernetes#133740), DRA claims in
        // edit (kubernetes#130738, default-on with DynamicResourceAllocation from 1.34).
        var plan = Stacks.ValidPlanOf(EditorStack());
        Assert.Contains(PaymentsDev, Who(plan, verb, resource, "payments"));
        Assert.DoesNotContain(PaymentsDev, Who(plan, verb, resource, "jobs"));
    }

    [Fact]
    public void A_stack_on_an_older_kubernetes_is_told_the_built_in_roles_are_1_35s()
    {
        static IReadOnlyList<string> Notes(string version) =>
            ModelAccess.Of(Stacks.ValidPlanOf(EditorStack().Replace("    name: my-cluster\n", $"    name: my-cluster\n    version: \"{version}\"\n", StringComparison.Ordinal))).Notes;

        Assert.Contains(Notes("1.33"), n => n.StartsWith("Kubernetes' built-in roles (admin, edit, view, system:*) are evaluated as of Kubernetes 1.35; on 1.33 they grant less", StringComparison.Ordinal));
        Assert.DoesNotContain(Notes("1.35"), n => n.Contains("built-in roles", StringComparison.Ordinal));
    }

    [Fact]
    public void In_config_map_mode_the_named_creator_is_system_masters_outside_aws_auth()
    {
        var stack = EditorStack("CONFIG_MAP").Replace("    name: my-cluster\n", "    name: my-cluster\n    deployerArn: arn:aws:iam::123456789012:role/ci-deploy\n", StringComparison.Ordinal);
        var plan = Stacks.ValidPlanOf(stack);

        var creator = Assert.Single(Ask(plan, "delete", "nodes"), a => a.Principal == "arn:aws:iam::123456789012:role/ci-deploy");
        Assert.Equal(("cluster creator", ModelAccess.ConfigMapCreatorNote), (creator.Kind, creator.Note));
        Assert.DoesNotContain(ModelAccess.Of(plan).Notes, n => n.Contains("creator is not listed", StringComparison.Ordinal));
        Assert.Contains(ModelAccess.CreatorNotListed(AuthenticationMode.ConfigMap), ModelAccess.Of(Stacks.ValidPlanOf(EditorStack("CONFIG_MAP"))).Notes);
    }

    [Fact]
    public void Edit_bound_in_payments_deletes_pods_there_and_nowhere_else()
    {
        var plan = Stacks.ValidPlanOf(EditorStack());
        var answer = Assert.Single(Ask(plan, "delete", "pods", "payments"), a => a.Principal == PaymentsDev);
        Assert.Equal(["ClusterRole edit via RoleBinding payments/eks-infra:payments-editors"], answer.Paths);
        Assert.DoesNotContain(PaymentsDev, Who(plan, "delete", "pods", "default"));
        Assert.DoesNotContain(PaymentsDev, Who(plan, "delete", "pods"));
        Assert.Contains(PaymentsDev, Who(plan, "create", "pods/exec", "payments"));
        Assert.Contains(PaymentsDev, Who(plan, "patch", "deployments.apps", "payments"));
        // A RoleBinding never reaches cluster-scoped resources, whatever its role holds.
        Assert.DoesNotContain(PaymentsDev, Who(plan, "get", "nodes", "payments"));
        Assert.DoesNotContain(PaymentsDev, Who(plan, "create", "rolebindings.rbac.authorization.k8s.io", "payments"));
    }

    [Theory]
    [InlineData("get", "nodes", null)]
    [InlineData("escalate", "clusterroles.rbac.authorization.k8s.io", null)]
    [InlineData("delete", "secrets", "kube-system")]
    [InlineData("get", "/metrics", null)]
    [InlineData("*", "*", null)]
    public void System_masters_can_do_anything(string verb, string resource, string? ns)
    {
        var plan = Stacks.ValidPlanOf(EditorStack("CONFIG_MAP"));
        var admin = Assert.Single(Ask(plan, verb, resource, ns), a => a.Principal == Admin);
        Assert.Equal(["system:masters (bypasses RBAC)"], admin.Paths);
        Assert.DoesNotContain(PaymentsDev, Who(plan, verb, resource, ns));
    }

    [Fact]
    public void An_access_policy_scoped_to_namespaces_grants_only_there_and_only_namespaced_resources()
    {
        var plan = Stacks.ValidPlanOf(EditorStack("API", "[{ policy: AmazonEKSEditPolicy, namespaces: [jobs] }]"));
        const string scoped = "arn:aws:iam::123456789012:role/scoped";
        var answer = Assert.Single(Ask(plan, "delete", "pods", "jobs"), a => a.Principal == scoped);
        Assert.Equal(["access policy AmazonEKSEditPolicy (namespaces jobs)"], answer.Paths);
        Assert.DoesNotContain(scoped, Who(plan, "delete", "pods", "default"));
        Assert.DoesNotContain(scoped, Who(plan, "delete", "pods"));
        Assert.DoesNotContain(scoped, Who(plan, "list", "namespaces"));
        Assert.Contains(scoped, Who(plan, "delete", "pods", "payments"));
    }

    [Fact]
    public void An_access_policy_scoped_to_a_namespace_prefix_grants_in_every_namespace_it_covers()
    {
        // EKS, "Associate access policies": a scope of dev-* covers every namespace whose name starts with dev-.
        var plan = Stacks.ValidPlanOf(EditorStack("API", "[{ policy: AmazonEKSEditPolicy, namespaces: [\"jobs-*\"] }]"));
        const string scoped = "arn:aws:iam::123456789012:role/scoped";
        var answer = Assert.Single(Ask(plan, "delete", "pods", "jobs-nightly"), a => a.Principal == scoped);
        Assert.Equal(["access policy AmazonEKSEditPolicy (namespaces jobs-*)"], answer.Paths);
        Assert.DoesNotContain(scoped, Who(plan, "delete", "pods", "jobs"));
        Assert.DoesNotContain(scoped, Who(plan, "delete", "pods", "default"));
        Assert.DoesNotContain(scoped, Who(plan, "delete", "pods"));
    }

    [Theory]
    [InlineData("servicecidrs.networking.k8s.io")]
    [InlineData("ipaddresses.networking.k8s.io")]
    [InlineData("volumeattributesclasses.storage.k8s.io")]
    [InlineData("deviceclasses.resource.k8s.io")]
    [InlineData("resourceslices.resource.k8s.io")]
    public void A_namespace_scoped_grant_never_reaches_a_cluster_scoped_resource_added_after_1_31(string resource)
    {
        // api/discovery/apis__GROUP__v1.json: these are "namespaced": false, so a request on them carries no namespace.
        var plan = Stacks.ValidPlanOf(EditorStack("API", "[{ policy: AmazonEKSAdminViewPolicy, namespaces: [jobs] }]"));
        const string scoped = "arn:aws:iam::123456789012:role/scoped";
        Assert.DoesNotContain(scoped, Who(plan, "get", resource, "jobs"));
        var question = CanQuestion.Parse("get", resource, "jobs", null, out _)!;
        Assert.Equal("cluster-scoped", question.Scope);
        Assert.Contains(scoped, Who(plan, "get", "resourceclaims.resource.k8s.io", "jobs"));
    }

    [Fact]
    public void A_resource_of_unknown_scope_asked_in_a_namespace_gets_a_note_and_its_namespace_only_grants_are_not_certain()
    {
        var plan = Stacks.ValidPlanOf(EditorStack("API", "[{ policy: AmazonEKSAdminViewPolicy, namespaces: [jobs] }]"));
        const string scoped = "arn:aws:iam::123456789012:role/scoped";
        var question = CanQuestion.Parse("get", "widgets.example.com", "jobs", null, out _)!;
        Assert.Contains(question.Notes, n => n.StartsWith("widgets.example.com is not in this tool's table", StringComparison.Ordinal) && n.Contains("scope is not known", StringComparison.Ordinal));
        var answers = CanReport.Who(ModelAccess.Of(plan), question);
        Assert.Equal(["access policy AmazonEKSAdminViewPolicy (namespaces jobs)" + CanQuestion.OnlyIfNamespaced], Assert.Single(answers, a => a.Principal == scoped).Paths);
        // A cluster-wide grant holds whatever the scope.
        Assert.Equal(["access policy AmazonEKSClusterAdminPolicy (cluster-wide)"], Assert.Single(answers, a => a.Principal == Admin).Paths);
        Assert.Null(CanQuestion.Parse("get", "widgets.example.com", null, null, out _)!.IfClusterScoped);
        Assert.Null(CanQuestion.Parse("get", "pods", "jobs", null, out _)!.IfClusterScoped);
    }

    [Fact]
    public void A_principal_holding_a_policy_whose_rules_the_tool_lacks_is_flagged_not_reported_as_holding_nothing()
    {
        var plan = Stacks.ValidPlanOf(EditorStack("API", "[{ policy: AmazonEKSArgoCDClusterPolicy }]"));
        const string scoped = "arn:aws:iam::123456789012:role/scoped";
        var access = ModelAccess.Of(plan);
        Assert.Contains(access.Notes, n => n.StartsWith(scoped, StringComparison.Ordinal) && n.Contains("AmazonEKSArgoCDClusterPolicy", StringComparison.Ordinal) && n.Contains("not evaluated", StringComparison.Ordinal));
        var rows = CanReport.Everything(access.Authorizer, access.Subjects.Single(s => s.Principal == scoped));
        Assert.Contains(rows, r => r[0] == "access policy AmazonEKSArgoCDClusterPolicy" && r[1] == "cluster-wide" && r[3].Contains("not evaluated", StringComparison.Ordinal));
    }

    [Fact]
    public void The_principal_view_lists_every_rule_of_every_path()
    {
        var dev = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var access = ModelAccess.Of(dev);
        var subject = access.Subjects.Single(s => s.Principal == Readonly);
        var rows = CanReport.Everything(access.Authorizer, subject).Where(r => !r[0].Contains("Kubernetes' own binding", StringComparison.Ordinal)).ToList();
        Assert.Equal(BuiltInRoles.ReadOnly.Rules.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal("cluster-wide", r[1]));
        Assert.Contains(rows, r => r[2] == "core" && r[3].Split(',').Contains("nodes") && r[4] == "get,list,watch");
        var admin = CanReport.Everything(access.Authorizer, access.Subjects.Single(s => s.Principal == Admin));
        Assert.Contains(admin, r => r[0] == "access policy AmazonEKSClusterAdminPolicy" && r[3] == "*" && r[4] == "*");
    }

    [Fact]
    public void The_principal_view_marks_cluster_scoped_resources_a_role_binding_cannot_reach()
    {
        var plan = Stacks.ValidPlanOf(EditorStack().Replace("clusterRole: edit\n        namespaces: [payments]", "clusterRole: read-only\n        namespaces: [payments]", StringComparison.Ordinal));
        var access = ModelAccess.Of(plan);
        var rows = CanReport.Everything(access.Authorizer, access.Subjects.Single(s => s.Principal == PaymentsDev))
            .Where(r => r[1] == "namespace payments").ToList();

        var core = Assert.Single(rows, r => r[2] == "core" && r[3].Split(" (")[0].Split(',').Contains("nodes"));
        Assert.Contains("cluster-scoped: nothing in a namespace)", core[3], StringComparison.Ordinal);
        Assert.DoesNotContain("namespaces", core[3][core[3].IndexOf(" (", StringComparison.Ordinal)..], StringComparison.Ordinal);
        var dev = ModelAccess.Of(Stacks.ValidPlan(Stacks.Shipped("dev")));
        Assert.DoesNotContain(CanReport.Everything(dev.Authorizer, dev.Subjects.Single(s => s.Principal == Readonly)), r => r[3].Contains("cluster-scoped", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("create", "selfsubjectaccessreviews", "ClusterRoleBinding system:basic-user")]
    [InlineData("create", "selfsubjectrulesreviews", "ClusterRoleBinding system:basic-user")]
    [InlineData("create", "selfsubjectreviews", "ClusterRoleBinding system:basic-user")]
    [InlineData("get", "/apis/apps", "ClusterRoleBinding system:discovery")]
    [InlineData("get", "/openapi/v2", "ClusterRoleBinding system:discovery")]
    [InlineData("get", "/version", "ClusterRoleBinding system:public-info-viewer")]
    [InlineData("get", "/livez", "ClusterRoleBinding system:public-info-viewer")]
    public void Every_principal_holds_what_the_bootstrap_bindings_give_system_authenticated(string verb, string resource, string binding)
    {
        // bootstrappolicy/testdata/cluster-role-bindings.yaml: system:basic-user, system:discovery and
        // system:public-info-viewer are bound to the group system:authenticated, which every authenticated user is in.
        var plan = Stacks.ValidPlanOf(EditorStack("API", "[]").Replace("name: my-cluster", "name: my-cluster\n    deployerArn: arn:aws:iam::123456789012:role/creator", StringComparison.Ordinal));
        var access = ModelAccess.Of(plan);
        var answers = Ask(plan, verb, resource);
        Assert.Equal(access.Subjects.Select(s => s.Principal).Order(StringComparer.Ordinal), answers.Select(a => a.Principal).Order(StringComparer.Ordinal));
        var editor = Assert.Single(answers, a => a.Principal == PaymentsDev);
        Assert.Contains(editor.Paths, p => p.Contains($"via {binding} ", StringComparison.Ordinal));
        Assert.All(editor.Paths, p => Assert.EndsWith("(Kubernetes' own binding, not the stack's)", p, StringComparison.Ordinal));
    }

    private static string BoundTo(string clusterRole) =>
        EditorStack().Replace("clusterRole: edit\n        namespaces: [payments]", $"clusterRole: {clusterRole}", StringComparison.Ordinal);

    [Theory]
    [InlineData("system:auth-delegator", "create", "tokenreviews")]
    [InlineData("system:auth-delegator", "create", "subjectaccessreviews")]
    [InlineData("system:monitoring", "get", "/metrics")]
    [InlineData("system:kubelet-api-admin", "get", "nodes/proxy")]
    [InlineData("system:aggregate-to-view", "list", "deployments.apps")]
    public void A_group_bound_to_another_bootstrap_role_gets_that_roles_rules(string clusterRole, string verb, string resource)
    {
        // bootstrappolicy/testdata/cluster-roles.yaml@025f2834: e.g. system:auth-delegator creates tokenreviews and subjectaccessreviews.
        var plan = Stacks.ValidPlanOf(BoundTo(clusterRole));
        var answer = Assert.Single(Ask(plan, verb, resource), a => a.Principal == PaymentsDev);
        Assert.Contains($"ClusterRole {clusterRole} via ClusterRoleBinding eks-infra:payments-editors", answer.Paths);
        Assert.DoesNotContain(PaymentsDev, Who(plan, "delete", "pods"));
        var access = ModelAccess.Of(plan);
        var rows = CanReport.Everything(access.Authorizer, access.Subjects.Single(s => s.Principal == PaymentsDev));
        Assert.DoesNotContain(rows, r => r[3].Contains("does not exist", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eks:addon-manager")]
    [InlineData("system:controller:job-controller")]
    public void A_binding_to_a_role_whose_rules_the_tool_cannot_know_is_flagged_not_evaluated_not_reported_as_nothing(string clusterRole)
    {
        var plan = Stacks.ValidPlanOf(BoundTo(clusterRole));
        var access = ModelAccess.Of(plan);
        Assert.Contains(access.Notes, n => n.StartsWith(PaymentsDev, StringComparison.Ordinal) && n.Contains($"ClusterRole {clusterRole}", StringComparison.Ordinal) && n.Contains("not evaluated", StringComparison.Ordinal));
        var rows = CanReport.Everything(access.Authorizer, access.Subjects.Single(s => s.Principal == PaymentsDev));
        var row = Assert.Single(rows, r => r[0] == $"ClusterRole {clusterRole} via ClusterRoleBinding eks-infra:payments-editors");
        Assert.Equal(("cluster-wide", CanReport.NotEvaluated), (row[1], row[3]));
        Assert.DoesNotContain(rows, r => r[3].Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void A_binding_to_a_role_no_cluster_has_still_grants_nothing()
    {
        // ClusterRbac.RulesOf: RBAC resolves a roleRef to a role that does not exist to no rules.
        var rbac = new ClusterRbac(RbacData.BuiltInClusterRoles, new Dictionary<(string, string), IReadOnlyList<PolicyRulePlan>>(), [new RbacBinding("b", "", "ClusterRole", "eks:gone", [new RbacSubject("Group", "g")], new Dictionary<string, string>())]);
        var subject = new AccessSubject("arn:aws:iam::123456789012:role/r", "role", "r", ["g"], []);
        Assert.Equal("(the role does not exist: nothing)", Assert.Single(CanReport.Everything(new Authorizer(rbac), subject))[3]);
    }

    [Fact]
    public void The_bootstrap_bindings_grant_no_more_than_their_roles()
    {
        var plan = Stacks.ValidPlanOf(EditorStack());
        Assert.DoesNotContain(PaymentsDev, Who(plan, "get", "/metrics"));
        Assert.DoesNotContain(PaymentsDev, Who(plan, "create", "subjectaccessreviews.authorization.k8s.io"));
        Assert.DoesNotContain(PaymentsDev, Who(plan, "list", "selfsubjectaccessreviews.authorization.k8s.io"));
    }

    [Theory]
    [InlineData("deployments", "apps", "deployments", "")]
    [InlineData("deployments.apps", "apps", "deployments", "")]
    [InlineData("pods/exec", "", "pods", "exec")]
    [InlineData("deployments.apps/scale", "apps", "deployments", "scale")]
    [InlineData("widgets.example.com", "example.com", "widgets", "")]
    public void Resources_parse_as_kubectl_names_them(string text, string group, string resource, string sub)
    {
        var q = CanQuestion.Parse("get", text, "default", null, out _)!;
        Assert.Equal((group, resource, sub), (q.Request.ApiGroup, q.Request.Resource, q.Request.Subresource));
    }

    [Theory]
    [InlineData("get", "jobs")]
    [InlineData("delete", "jobs")]
    [InlineData("list", "")]
    [InlineData("watch", "")]
    [InlineData("create", "")]
    public void A_namespace_request_names_the_namespace_only_when_it_acts_on_that_one_object(string verb, string name)
    {
        var q = CanQuestion.Parse(verb, "namespaces", "jobs", null, out _)!;
        // The collection (/api/v1/namespaces) has no namespace, so no RoleBinding in 'jobs' can grant list, watch or create.
        Assert.Equal((name, name), (q.Request.Namespace, q.Request.Name));
        // So a rule naming the namespace does not allow listing every namespace.
        var rule = new PolicyRulePlan([""], ["namespaces"], ["get", "delete", "list", "watch", "create"], ["jobs"], []);
        Assert.Equal(name.Length > 0, RbacRules.Allows(rule, q.Request));
    }

    [Theory]
    [InlineData("sso:{{SessionName}}", "sso:alice-example.com", true)]
    [InlineData("sso:{{SessionName}}", "sso:alice@example.com", false)]
    [InlineData("sso:{{SessionNameRaw}}", "sso:alice@example.com", true)]
    [InlineData("ci:{{AccountID}}:{{SessionName}}", "ci:123456789012:run-42", true)]
    [InlineData("ci:{{AccountID}}:{{SessionName}}", "ci:prod:run-42", false)]
    [InlineData("team:{{Unknown}}", "team:{{Unknown}}", true)]
    [InlineData("team:{{Unknown}}", "team:x", false)]
    [InlineData("plain", "plain", true)]
    public void A_username_template_matches_only_what_the_authenticator_can_render_from_it(string username, string name, bool matches) =>
        Assert.Equal(matches, ClusterRbac.CanRenderAs(username, name));

    [Theory]
    [InlineData("get", "namespaces")]
    [InlineData("delete", "namespaces")]
    [InlineData("update", "namespaces/finalize")]
    public void A_request_on_one_namespace_named_by_name_is_authorized_in_that_namespace(string verb, string resource)
    {
        var plan = Stacks.ValidPlanOf(EditorStack());

        // edit, bound by a RoleBinding in payments, holds view's get on namespaces: in payments, that is payments itself.
        var byName = CanQuestion.Parse(verb, resource, null, "payments", out var error)!;
        Assert.Equal("", error);
        Assert.Equal(("payments", "payments"), (byName.Request.Namespace, byName.Request.Name));
        Assert.Equal(verb == "get", CanReport.Who(ModelAccess.Of(plan), byName).Any(a => a.Principal == PaymentsDev));

        var other = CanQuestion.Parse(verb, resource, null, "kube-system", out _)!;
        Assert.DoesNotContain(CanReport.Who(ModelAccess.Of(plan), other), a => a.Principal == PaymentsDev);

        Assert.Null(CanQuestion.Parse(verb, resource, "payments", "kube-system", out var twoNamespaces));
        Assert.Contains("--namespace payments and --name kube-system name two namespaces", twoNamespaces, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create", "configmaps", true)]
    [InlineData("deletecollection", "configmaps", true)]
    [InlineData("create", "pods/eviction", false)]
    [InlineData("get", "configmaps", false)]
    [InlineData("list", "configmaps", false)]
    public void A_request_on_the_collection_carries_no_name_so_resource_names_never_allow_it(string verb, string resource, bool nameDropped)
    {
        var question = CanQuestion.Parse(verb, resource, "payments", "app-config", out _)!;
        var rule = new PolicyRulePlan([""], ["configmaps", "pods/eviction"], [verb], ["app-config"], []);

        Assert.Equal(nameDropped ? "" : "app-config", question.Request.Name);
        Assert.Equal(!nameDropped, RbacRules.Allows(rule, question.Request));
        Assert.Equal(nameDropped, question.Notes.Any(n => n.Contains("--name app-config is ignored", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("get", "Pods")]
    [InlineData("get", "pods/exec/x")]
    [InlineData("Get", "pods")]
    [InlineData("get", "")]
    public void Requests_that_are_not_Kubernetes_names_are_refused(string verb, string resource)
    {
        Assert.Null(CanQuestion.Parse(verb, resource, null, null, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("delet", "pods", "did you mean 'delete'?")]
    [InlineData("craete", "pods", "did you mean 'create'?")]
    [InlineData("lst", "deployments.apps", "did you mean 'list'?")]
    [InlineData("deletecolection", "pods", "did you mean 'deletecollection'?")]
    [InlineData("impersonat", "users", "did you mean 'impersonate'?")]
    [InlineData("gte", "/healthz", "did you mean 'get'?")]
    [InlineData("put", "pods", "on a resource the API server asks for update")]
    [InlineData("post", "pods", "on a resource the API server asks for create")]
    public void A_misspelt_verb_is_refused_with_the_verb_it_resembles_and_the_valid_set(string verb, string resource, string hint)
    {
        // Asked as written, delet would be answered by the wildcard holders alone: a misleading short list.
        Assert.Null(CanQuestion.Parse(verb, resource, "payments", null, out var error));

        Assert.StartsWith($"VERB '{verb}' ", error, StringComparison.Ordinal);
        Assert.Contains(hint, error, StringComparison.Ordinal);
        Assert.Contains(resource.StartsWith('/') ? "get, put, post, head, options, delete, patch" : "get, list, watch, create, update, patch, delete, deletecollection", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bind", "clusterroles")]
    [InlineData("escalate", "roles.rbac.authorization.k8s.io")]
    [InlineData("impersonate", "serviceaccounts")]
    [InlineData("use", "podsecuritypolicies.policy")]
    [InlineData("approve", "signers.certificates.k8s.io")]
    [InlineData("sign", "signers.certificates.k8s.io")]
    [InlineData("attest", "signers.certificates.k8s.io")]
    [InlineData("proxy", "nodes")]
    [InlineData("post", "/api")]
    [InlineData("*", "*")]
    public void The_verbs_Kubernetes_asks_for_are_taken_without_a_note(string verb, string resource)
    {
        var question = CanQuestion.Parse(verb, resource, null, null, out var error);

        Assert.True(question is not null, error);
        Assert.DoesNotContain(question.Notes, n => n.Contains("custom verb", StringComparison.Ordinal));
    }

    [Fact]
    public void A_verb_of_its_own_is_asked_as_written_and_granted_only_by_a_rule_naming_it()
    {
        // RBAC takes any verb (ValidatePolicyRule asks only for one), and a webhook or an aggregated API may check its own.
        var question = CanQuestion.Parse("frobnicate", "widgets.example.com", "jobs", null, out var error);

        Assert.True(question is not null, error);
        Assert.Equal("frobnicate", question.Request.Verb);
        Assert.Contains(question.Notes, n => n.StartsWith("'frobnicate' is not a verb Kubernetes asks for", StringComparison.Ordinal) && n.Contains("only a rule naming it or * grants", StringComparison.Ordinal));
        Assert.True(RbacRules.Allows(new PolicyRulePlan(["example.com"], ["widgets"], ["frobnicate"], [], []), question.Request));
        Assert.False(RbacRules.Allows(new PolicyRulePlan(["example.com"], ["widgets"], ["get", "update"], [], []), question.Request));
    }

    [Theory]
    [InlineData("Bad_NS")]
    [InlineData("payments-")]
    [InlineData("-payments")]
    [InlineData("pay.ments")]
    [InlineData("")]
    [InlineData("a123456789b123456789c123456789d123456789e123456789f123456789g123")]
    public void A_namespace_that_is_no_DNS_1123_label_is_refused(string ns)
    {
        Assert.Null(CanQuestion.Parse("delete", "pods", ns, null, out var error));

        Assert.Equal($"--namespace '{ns}' is not a namespace name; {KubernetesNames.NamespaceNameRule}", error);
        Assert.NotNull(CanQuestion.Parse("delete", "pods", "a1-" + new string('b', 60), null, out _));
    }
}

/// <summary>
/// apiserver requestinfo.go: /api/VERSION/... (three parts or more) and /apis/GROUP/VERSION/... (four) are resource
/// requests, which no nonResourceURLs rule matches: `can` refuses to ask them as URLs, where system:discovery's /api/*
/// would have answered for everyone.
/// </summary>
public class ResourcePathQuestionTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/kube-system/secrets", true)]
    [InlineData("/apis/apps/v1/deployments", true)]
    [InlineData("/api/v1/pods", true)]
    [InlineData("/api/v1", false)]
    [InlineData("/apis/apps/v1", false)]
    [InlineData("/api", false)]
    [InlineData("/healthz", false)]
    public void A_resource_path_is_refused_with_the_resource_to_ask_for(string path, bool refused)
    {
        var question = CanQuestion.Parse("get", path, null, null, out var error);

        Assert.Equal(refused, question is null);
        Assert.Equal(refused, error.Contains("is a resource path", StringComparison.Ordinal));
        Assert.Equal(refused, RbacRules.IsResourcePath(path));
    }
}

/// <summary>apiserver impersonation.go authorizes users and groups in the core group, a user's extras and UID in authentication.k8s.io.</summary>
public class ImpersonationQuestionTests
{
    [Theory]
    [InlineData("userextras/scopes", "authentication.k8s.io")]
    [InlineData("uids", "authentication.k8s.io")]
    [InlineData("users", "")]
    [InlineData("groups", "")]
    public void Impersonation_is_asked_in_the_group_the_api_server_authorizes_it_in(string resource, string group)
    {
        var question = CanQuestion.Parse("impersonate", resource, null, "someone", out var error);

        Assert.True(question is not null, error);
        Assert.Equal(group, question.Request.ApiGroup);
        Assert.Equal("", question.Request.Namespace);
        Assert.DoesNotContain(question.Notes, n => n.Contains("not a built-in resource", StringComparison.Ordinal));
    }
}
