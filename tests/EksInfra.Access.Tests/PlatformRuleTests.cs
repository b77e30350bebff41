using EksInfra.Access.Platform;

namespace EksInfra.Access.Tests;

/// <summary>
/// Each validation rule against the platform's own rule, on both sides: a value just inside passes (no error at its
/// path), one just outside fails at its config path with the fix. Dates are fixed (<see cref="Stacks.Today"/>).
/// </summary>
public class PlatformRuleTests
{
    /// <summary>A valid stack to vary: <paramref name="cluster"/> and <paramref name="access"/> are lines under those keys.</summary>
    private static string Stack(string cluster = "", string access = "", string region = "us-west-2", string mode = "API_AND_CONFIG_MAP", string admin = "groups: [system:masters]") => $$"""
        config:
          aws:region: {{region}}
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
        {{cluster}}
          eks-infra:access:
            authenticationMode: {{mode}}
            roles:
              - name: eks-admin-role
                username: eks-admin
                {{admin}}
        {{access}}
        """;

    private const string Deployers = """
            groups:
              deployers: { clusterRole: edit }
        """;

    private static string MapRole(string arn = "arn:aws:iam::123456789012:role/ci/deployer", string username = "ci-deployer", string groups = "[deployers]", string extra = "") => $$"""
            mapRoles:
              - rolearn: "{{arn}}"
                username: "{{username}}"
                groups: {{groups}}
        {{extra}}
        """;

    private static StackEvaluation Eval(string yaml) => Stacks.EvaluateText(yaml);

    private static void Passes(StackEvaluation evaluation, string path)
    {
        Assert.DoesNotContain(evaluation.Errors, e => e.Path == path);
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
    }

    private static Diagnostic Fails(StackEvaluation evaluation, string path, params string[] gists)
    {
        var error = evaluation.Errors.FirstOrDefault(e => e.Path == path);
        Assert.True(error is not null, $"no error at {path}; got:\n{Stacks.Describe(evaluation)}");
        foreach (var gist in gists)
        {
            Assert.Contains(gist, error.Message, StringComparison.Ordinal);
        }

        return error;
    }

    private static void PassesOrFails(StackEvaluation evaluation, bool valid, string path, params string[] gists)
    {
        if (valid)
        {
            Passes(evaluation, path);
        }
        else
        {
            Fails(evaluation, path, gists);
        }
    }

    private static Diagnostic Warns(StackEvaluation evaluation, string path, params string[] gists)
    {
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = evaluation.Warnings.FirstOrDefault(w => w.Path == path);
        Assert.True(warning is not null, $"no warning at {path}; got:\n{Stacks.Describe(evaluation)}");
        foreach (var gist in gists)
        {
            Assert.Contains(gist, warning.Message, StringComparison.Ordinal);
        }

        return warning;
    }

    // --- aws:region: EksRegions (AWS General Reference, "Amazon Elastic Kubernetes Service endpoints and quotas")

    [Theory]
    [InlineData("us-west-2")]
    [InlineData("ap-southeast-5")]
    [InlineData("mx-central-1")]
    public void A_region_where_eks_runs_passes(string region) => Passes(Eval(Stack(region: region)), "aws:region");

    [Fact]
    public void A_region_of_the_right_shape_where_eks_does_not_run_fails_with_the_nearest_one()
    {
        var error = Fails(Eval(Stack(region: "us-west-3")), "aws:region", "'us-west-3' is not a region where EKS runs", "Platform/EksRegions.cs");
        Assert.Contains("did you mean 'us-west-1'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_china_region_plans_in_the_china_partition()
    {
        var plan = Stacks.ValidPlanOf(Stack(region: "cn-northwest-1"));
        Assert.StartsWith("arn:aws-cn:iam::123456789012:role/", plan.Roles[0].Arn, StringComparison.Ordinal);
    }

    // --- eks-infra:cluster.version: EksVersions (EKS User Guide, "Amazon EKS Kubernetes release calendar")

    private static string Version(string version) => Stack(cluster: $"    version: \"{version}\"");

    [Fact]
    public void A_version_in_standard_support_passes_without_a_warning()
    {
        var evaluation = Eval(Version("1.35"));
        Passes(evaluation, "eks-infra:cluster.version");
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path == "eks-infra:cluster.version");
    }

    [Fact]
    public void Standard_support_ends_at_the_start_of_its_end_date()
    {
        var yaml = Version("1.34");
        Assert.DoesNotContain(Stacks.EvaluateText(yaml, new DateOnly(2026, 12, 1)).Diagnostics, d => d.Path == "eks-infra:cluster.version");

        var onTheDay = Stacks.EvaluateText(yaml, new DateOnly(2026, 12, 2));
        Warns(onTheDay, "eks-infra:cluster.version", "in EKS extended support since 2026-12-02", "until 2027-12-02", "move to 1.35");
    }

    [Fact]
    public void Extended_support_ends_at_the_start_of_its_end_date_and_then_the_version_is_refused()
    {
        var yaml = Version("1.31");
        Warns(Stacks.EvaluateText(yaml, new DateOnly(2026, 11, 25)), "eks-infra:cluster.version", "extended support since 2025-11-26");

        var error = Fails(Stacks.EvaluateText(yaml, new DateOnly(2026, 11, 26)), "eks-infra:cluster.version", "reached the end of EKS extended support on 2026-11-26", "use 1.35 (standard support until 2027-03-27)");
        Assert.Equal(Severity.Error, error.Severity);
    }

    [Fact]
    public void The_version_to_move_to_is_the_newest_released_on_that_day()
    {
        // On 2026-01-01 EKS had not released 1.35 (2026-01-27): the advice is 1.34.
        Fails(Stacks.EvaluateText(Version("1.29"), new DateOnly(2026, 3, 23)), "eks-infra:cluster.version", "use 1.35");
        Warns(Stacks.EvaluateText(Version("1.30"), new DateOnly(2026, 1, 1)), "eks-infra:cluster.version", "move to 1.34");
    }

    [Fact]
    public void A_version_newer_than_the_table_is_a_warning_not_a_refusal()
    {
        Warns(Eval(Version("1.36")), "eks-infra:cluster.version", "not in this tool's table of EKS versions", "Platform/EksVersions.cs");
    }

    [Fact]
    public void A_version_older_than_the_table_is_refused()
    {
        Fails(Eval(Version("1.26")), "eks-infra:cluster.version", "no longer offered by EKS", "use 1.35");
    }

    [Theory]
    [InlineData("1.3")]
    [InlineData("1.35.2")]
    [InlineData("1.35\n")]
    public void A_version_that_is_not_a_minor_version_is_refused(string version) =>
        Fails(Eval(Stack(cluster: $"    version: \"{version.Replace("\n", "\\n", StringComparison.Ordinal)}\"")), "eks-infra:cluster.version", "is not a Kubernetes minor version");

    [Fact]
    public void Every_row_of_the_version_table_is_consistent()
    {
        // EKS User Guide: 14 months of standard support after release, then 12 of extended support.
        Assert.All(EksVersions.All, v =>
        {
            Assert.Equal(v.Released.AddMonths(14), v.EndOfStandardSupport);
            Assert.Equal(v.EndOfStandardSupport.AddYears(1), v.EndOfExtendedSupport);
        });
        Assert.Equal(EksVersions.All.OrderByDescending(v => v.Minor).Select(v => v.Version), EksVersions.All.Select(v => v.Version));
    }

    // --- IAM names (IAM API Reference, CreateRole: RoleName, Path, MaxSessionDuration)

    [Fact]
    public void A_role_name_of_64_ascii_characters_passes_and_65_fails()
    {
        var name64 = "a+=,.@_-" + new string('b', 56);
        Passes(Eval(Stack(access: $"      - {{ name: \"{name64}\", username: x, groups: [system:masters] }}")), "eks-infra:access.roles[1].name");
        Fails(Eval(Stack(access: $"      - {{ name: \"{name64}c\", username: x, groups: [system:masters] }}")), "eks-infra:access.roles[1].name", "is not a valid IAM role name", "1 to 64 ASCII letters");
    }

    [Theory]
    [InlineData("eks-\u00e4dmin")]
    [InlineData("eks-admin-\u0661")]
    [InlineData("eks-admin\\n")]
    public void A_role_name_with_a_non_ascii_letter_or_digit_or_a_newline_fails(string name) =>
        Fails(Eval(Stack(access: $"      - {{ name: \"{name}\", username: x, groups: [system:masters] }}")), "eks-infra:access.roles[1].name", "is not a valid IAM role name");

    [Fact]
    public void A_mapped_user_name_with_a_non_ascii_letter_fails_at_its_arn()
    {
        var access = "    mapUsers:\n      - { userarn: \"arn:aws:iam::123456789012:user/j\u00fcrgen\", username: juergen, groups: [system:masters] }";
        Fails(Eval(Stack(access: access)), "eks-infra:access.mapUsers[0].userarn", "has name 'j\u00fcrgen'", "ASCII letters");
    }

    [Fact]
    public void An_account_id_of_non_ascii_digits_fails()
    {
        var yaml = Stack().Replace("\"123456789012\"", "\"\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662\"", StringComparison.Ordinal);
        Fails(Eval(yaml), "aws:allowedAccountIds[0]", "is not an AWS account id", "exactly 12 digits");
    }

    [Fact]
    public void An_iam_path_of_printable_ascii_passes_and_one_with_a_space_fails()
    {
        Passes(Eval(Stack(access: "      - { name: r1, path: \"/team/a+b/\", username: x, groups: [system:masters] }")), "eks-infra:access.roles[1].path");
        Fails(Eval(Stack(access: "      - { name: r1, path: \"/team a/\", username: x, groups: [system:masters] }")), "eks-infra:access.roles[1].path", "is not an IAM path");
    }

    [Theory]
    [InlineData(3600, true)]
    [InlineData(43200, true)]
    [InlineData(3599, false)]
    [InlineData(43201, false)]
    public void Max_session_duration_is_3600_to_43200_seconds(int seconds, bool valid)
    {
        var evaluation = Eval(Stack(admin: $"groups: [system:masters]\n        maxSessionDuration: {seconds}"));
        PassesOrFails(evaluation, valid, "eks-infra:access.roles[0].maxSessionDuration", "IAM allows 3600 to 43200 seconds");
    }

    // --- Principals (EKS User Guide, "Create access entries")

    [Theory]
    [InlineData("API_AND_CONFIG_MAP")]
    [InlineData("API")]
    [InlineData("CONFIG_MAP")]
    public void A_principal_of_another_account_is_accepted_with_a_warning(string mode)
    {
        var evaluation = Eval(Stack(mode: mode, access: MapRole("arn:aws:iam::210987654321:role/deployer") + Deployers));
        var warning = Warns(evaluation, "eks-infra:access.mapRoles[0].rolearn", "is in account 210987654321, not the account this stack deploys into");
        Assert.Contains("check the account id", warning.Message, StringComparison.Ordinal);
        var plan = evaluation.Plan!;
        if (mode == "CONFIG_MAP")
        {
            Assert.Contains(plan.AwsAuth!.MapRoles, m => m.RoleArn == "arn:aws:iam::210987654321:role/deployer");
        }
        else
        {
            Assert.Contains(plan.AccessEntries, e => e.PrincipalArn == "arn:aws:iam::210987654321:role/deployer");
        }
    }

    [Fact]
    public void A_service_linked_role_is_refused_in_access_entry_modes_and_warned_in_config_map()
    {
        const string arn = "arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS";
        Fails(Eval(Stack(mode: "API", access: MapRole(arn) + Deployers)), "eks-infra:access.mapRoles[0].rolearn", "is a service-linked role", "map the role people or CI assume instead");
        Warns(Eval(Stack(mode: "CONFIG_MAP", access: MapRole(arn) + Deployers)), "eks-infra:access.mapRoles[0].rolearn", "is a service-linked role", "its migration to access entries will not");

        // A role under another AWS-reserved path (SSO) is an ordinary STANDARD principal.
        Passes(Eval(Stack(mode: "API", access: MapRole("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123456789abcdef") + Deployers)), "eks-infra:access.mapRoles[0].rolearn");
    }

    // --- Usernames (EKS User Guide, "Create access entries"; aws-iam-authenticator templates)

    [Theory]
    [InlineData("sso:{{SessionNameRaw}}")]
    [InlineData("sso:{{SessionName}}")]
    [InlineData(":dev{{SessionNameRaw}}")]
    public void A_session_template_with_a_colon_before_it_passes(string username) =>
        Passes(Eval(Stack(mode: "API", access: MapRole(username: username) + Deployers)), "eks-infra:access.mapRoles[0].username");

    [Theory]
    [InlineData("dev{{SessionNameRaw}}", "{{SessionNameRaw}}")]
    [InlineData("dev{{SessionName}}", "{{SessionName}}")]
    public void A_session_template_without_a_colon_before_it_fails_with_the_prefix_to_add(string username, string template) =>
        Fails(Eval(Stack(mode: "API", access: MapRole(username: username) + Deployers)), "eks-infra:access.mapRoles[0].username", $"uses {template} with no ':' before it", $"'sso:{username}'");

    // EKS documents only {{SessionName}} in an access entry's username; the other templates are aws-iam-authenticator's.
    [Theory]
    [InlineData("API", "ci:{{AccountID}}", "{{AccountID}}")]
    [InlineData("API_AND_CONFIG_MAP", "ci:{{AccessKeyID}}", "{{AccessKeyID}}")]
    [InlineData("API", "sso:{{SessionNameRaw}}", "{{SessionNameRaw}}")]
    public void An_aws_auth_template_in_an_access_entry_username_is_warned(string mode, string username, string template) =>
        Warns(Eval(Stack(mode: mode, access: MapRole(username: username) + Deployers)), "eks-infra:access.mapRoles[0].username", $"{template} is an aws-auth template", "documents only {{SessionName}}");

    [Theory]
    [InlineData("API", "sso:{{SessionName}}")]
    [InlineData("CONFIG_MAP", "ci:{{AccountID}}")]
    [InlineData("CONFIG_MAP", "sso:{{SessionNameRaw}}")]
    public void A_template_the_mode_documents_gets_no_warning(string mode, string username)
    {
        var evaluation = Eval(Stack(mode: mode, access: MapRole(username: username) + Deployers));

        Passes(evaluation, "eks-infra:access.mapRoles[0].username");
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path == "eks-infra:access.mapRoles[0].username");
    }

    [Theory]
    [InlineData("iamdeployer", true)]
    [InlineData("iam:deployer", false)]
    [InlineData("amazon-deployer", true)]
    [InlineData("amazon:deployer", false)]
    public void Reserved_username_prefixes_are_the_five_eks_names(string username, bool valid)
    {
        var evaluation = Eval(Stack(mode: "API", access: MapRole(username: username) + Deployers));
        PassesOrFails(evaluation, valid, "eks-infra:access.mapRoles[0].username", "a prefix EKS access entries refuse", "choose a username such as 'deployer'");
    }

    // --- Access-policy scopes (EKS User Guide, "Associate access policies with access entries")

    private static string ScopedPolicy(string ns) =>
        MapRole(groups: "[]", extra: $"        accessPolicies:\n          - {{ policy: AmazonEKSEditPolicy, namespaces: [\"{ns}\"] }}");

    private static string Policy(string policy) =>
        MapRole(groups: "[]", extra: $"        accessPolicies:\n          - {{ policy: {policy} }}");

    [Theory]
    [InlineData("AmazonEKSSecretReaderPolicy")]
    [InlineData("AmazonEKSAdminViewPolicy")]
    public void An_access_policy_for_people_passes(string policy)
    {
        var evaluation = Eval(Stack(mode: "API", access: Policy(policy)));
        Passes(evaluation, "eks-infra:access.mapRoles[0].accessPolicies[0].policy");
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path == "eks-infra:access.mapRoles[0].accessPolicies[0].policy");
    }

    [Theory]
    [InlineData("AmazonEKSAutoNodePolicy")]
    [InlineData("AmazonEKSArgoCDPolicy")] // EKS Capabilities associate these with a capability's role (capabilities-security.html)
    [InlineData("AmazonEKSACKPolicy")]
    [InlineData("AmazonEKSKROPolicy")]
    [InlineData("AmazonSagemakerHyperpodClusterPolicy")]
    public void An_access_policy_for_eks_components_or_aws_services_passes_with_a_warning(string policy) =>
        Warns(Eval(Stack(mode: "API", access: Policy(policy))), "eks-infra:access.mapRoles[0].accessPolicies[0].policy", "meant for the roles of EKS's own components and of other AWS services");

    [Fact]
    public void An_access_policy_for_service_linked_roles_only_fails() =>
        Fails(Eval(Stack(mode: "API", access: Policy("AmazonEKSComputePolicy"))), "eks-infra:access.mapRoles[0].accessPolicies[0].policy", "designated for AWS service-linked roles only", "AmazonEKSViewPolicy");

    [Fact]
    public void An_unknown_access_policy_fails_with_the_nearest_name() =>
        Fails(Eval(Stack(mode: "API", access: Policy("AmazonEKSSecretsReaderPolicy"))), "eks-infra:access.mapRoles[0].accessPolicies[0].policy", "is not an EKS access policy", "did you mean 'AmazonEKSSecretReaderPolicy'?", "if `aws eks list-access-policies` lists it, add it to infra/EksInfra.Access/Platform/EksAccessPolicyTable.cs");

    [Theory]
    [InlineData("dev-*")]
    [InlineData("d*")]
    [InlineData("payments")]
    public void An_access_policy_namespace_may_end_in_a_wildcard(string ns) =>
        Passes(Eval(Stack(mode: "API", access: ScopedPolicy(ns))), "eks-infra:access.mapRoles[0].accessPolicies[0].namespaces[0]");

    [Theory]
    [InlineData("*")]
    [InlineData("dev-*-jobs")]
    [InlineData("Dev-*")]
    [InlineData("-dev*")]
    public void An_access_policy_namespace_with_a_wildcard_elsewhere_fails(string ns) =>
        Fails(Eval(Stack(mode: "API", access: ScopedPolicy(ns))), "eks-infra:access.mapRoles[0].accessPolicies[0].namespaces[0]", "is not a namespace an access policy can be scoped to", "as in 'dev-*'");

    [Fact]
    public void A_group_binding_namespace_takes_no_wildcard()
    {
        // RoleBindings need a real namespace (a DNS-1123 label): the wildcard is EKS's, not Kubernetes'.
        var access = MapRole() + "    groups:\n      deployers: { clusterRole: edit, namespaces: [\"dev-*\"] }";
        Fails(Eval(Stack(access: access)), "eks-infra:access.groups.deployers.namespaces[0]", "is not a namespace name");
    }

    // --- Group and RBAC names (Kubernetes pkg/apis/rbac/validation: path segment names; group names free)

    [Theory]
    [InlineData("Team.Payments@corp")]
    [InlineData("team payments")]
    [InlineData("oidc:Платформа")]
    public void A_group_name_kubernetes_accepts_passes(string group)
    {
        var access = MapRole(groups: $"[\"{group}\"]") + $"    groups:\n      \"{group}\": {{ clusterRole: edit }}";
        var plan = Stacks.ValidPlanOf(Stack(access: access));
        Assert.Contains(plan.Rbac.ClusterRoleBindings, b => b.Name == $"eks-infra:{group}");
    }

    [Theory]
    [InlineData("team/payments")]
    [InlineData("team%payments")]
    public void A_group_name_that_would_make_an_invalid_binding_name_fails(string group)
    {
        var access = MapRole(groups: $"[\"{group}\"]") + $"    groups:\n      \"{group}\": {{ clusterRole: edit }}";
        Fails(Eval(Stack(access: access)), "eks-infra:access.mapRoles[0].groups[0]", "this tool names the group's binding", "rename the group");
    }

    [Theory]
    [InlineData("{ clusterRole: edit }", "{ clusterRole: view }", "binding eks-infra:deployers")]
    [InlineData("{ clusterRole: edit, namespaces: [apps] }", "{ clusterRole: view, namespaces: [apps] }", "binding apps/eks-infra:deployers")]
    public void A_group_moved_to_another_cluster_role_shows_its_binding_is_replaced(string was, string now, string subject)
    {
        var before = Stacks.ValidPlanOf(Stack(access: MapRole() + Deployers.Replace("{ clusterRole: edit }", was, StringComparison.Ordinal)));
        var after = Stacks.ValidPlanOf(Stack(access: MapRole() + Deployers.Replace("{ clusterRole: edit }", now, StringComparison.Ordinal)));

        var finding = Assert.Single(Reports.AccessDiff.Compare(before, after, "main").Findings, f => f.Subject == subject);
        Assert.Equal(Reports.FindingLevel.Changed, finding.Level);
        Assert.Contains("from ClusterRole edit to view", finding.Title, StringComparison.Ordinal);
        Assert.Contains("roleRef cannot change", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Reports.AccessDiff.Compare(before, before, "main").Findings, f => f.Subject.StartsWith("binding ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_group_another_tool_binds_may_hold_a_slash()
    {
        // validateRoleBindingSubject checks a group only for being non-empty; this stack makes no binding for it.
        var evaluation = Eval(Stack(access: MapRole(groups: "[\"org/platform\"]") + "    externalGroups: [\"org/platform\"]"));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var plan = evaluation.RequirePlan();
        Assert.Contains(plan.AwsAuth!.MapRoles, m => m.Groups.Contains("org/platform"));
        Assert.DoesNotContain(plan.Rbac.ClusterRoleBindings, b => b.Name.Contains("org/platform", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("PodReader", true)]
    [InlineData("pods:reader.v2", true)]
    [InlineData("pods/reader", false)]
    [InlineData("..", false)]
    public void A_cluster_role_name_is_a_path_segment_name(string name, bool valid)
    {
        var access = MapRole() + $$"""
                groups:
                  deployers: { clusterRole: "{{name}}" }
                clusterRoles:
                  "{{name}}":
                    rules:
                      - { apiGroups: [""], resources: [pods], verbs: [get] }
            """;
        var evaluation = Eval(Stack(access: access));
        PassesOrFails(evaluation, valid, $"eks-infra:access.clusterRoles.{name}", "is not a valid ClusterRole name", "'/' or '%'");
    }

    // --- ClusterRoles every cluster has (Kubernetes bootstrappolicy; EKS's eks: roles)

    [Theory]
    [InlineData("system:auth-delegator")]
    [InlineData("system:controller:job-controller")]
    [InlineData("view")]
    public void A_group_may_bind_a_cluster_role_kubernetes_provides(string role) =>
        Passes(Eval(Stack(access: MapRole() + $"    groups:\n      deployers: {{ clusterRole: \"{role}\" }}")), "eks-infra:access.groups.deployers.clusterRole");

    [Fact]
    public void A_group_bound_to_an_eks_cluster_role_passes_with_a_warning() =>
        Warns(Eval(Stack(access: MapRole() + "    groups:\n      deployers: { clusterRole: \"eks:node-manager\" }")), "eks-infra:access.groups.deployers.clusterRole", "one of EKS's own ClusterRoles");

    [Fact]
    public void A_misspelt_bootstrap_cluster_role_fails_with_a_suggestion() =>
        Fails(Eval(Stack(access: MapRole() + "    groups:\n      deployers: { clusterRole: \"system:auth-delegater\" }")), "eks-infra:access.groups.deployers.clusterRole", "is not a ClusterRole this stack knows", "did you mean 'system:auth-delegator'?");

    [Fact]
    public void A_stack_may_not_define_a_bootstrap_cluster_role()
    {
        var access = MapRole() + """
                groups:
                  deployers: { clusterRole: edit }
                clusterRoles:
                  "system:discovery":
                    rules:
                      - { nonResourceURLs: ["/api"], verbs: [get] }
            """;
        Fails(Eval(Stack(access: access)), "eks-infra:access.clusterRoles.system:discovery", "is a ClusterRole every cluster has", "give yours another name");
    }

    [Fact]
    public void A_stack_defined_cluster_role_with_the_system_prefix_passes_with_a_warning()
    {
        var access = MapRole() + """
                groups:
                  deployers: { clusterRole: "system:team-reader" }
                clusterRoles:
                  "system:team-reader":
                    rules:
                      - { apiGroups: [""], resources: [pods], verbs: [get] }
            """;
        Warns(Eval(Stack(access: access)), "eks-infra:access.clusterRoles.system:team-reader", "starts with 'system:'", "give yours a name of your own");
    }

    // aws-iam-authenticator pkg/server/server.go renderTemplates: a mapping's groups get their templates filled per request.
    private static string TemplatedGroup(string group) => MapRole(groups: $"[\"{group}\"]") + $"    groups:\n      \"{group}\": {{ clusterRole: view }}";

    [Theory]
    [InlineData("team-{{AccountID}}")]
    [InlineData("dev:{{SessionName}}")]
    public void A_bound_group_holding_a_template_fails_in_config_map_mode(string group) =>
        Fails(Eval(Stack(mode: "CONFIG_MAP", access: TemplatedGroup(group))), $"eks-infra:access.groups.{group}", "aws-iam-authenticator fills", "the binding would match nobody");

    [Fact]
    public void A_bound_group_holding_a_template_warns_in_the_access_entry_modes() =>
        Warns(Eval(Stack(mode: "API_AND_CONFIG_MAP", access: TemplatedGroup("team-{{AccountID}}"))), "eks-infra:access.groups.team-{{AccountID}}", "aws-iam-authenticator fills", "for usernames only");

    // --- Policy rules (Kubernetes pkg/apis/rbac/validation/validation.go, validatePolicyRule)

    private static string WithRule(string rule) => Stack(access: MapRole() + $$"""
            groups:
              deployers: { clusterRole: custom }
            clusterRoles:
              custom:
                rules:
                  - {{rule}}
        """);

    [Theory]
    [InlineData("{ nonResourceURLs: [\"/healthz\", \"/metrics\"], verbs: [get] }")]
    [InlineData("{ apiGroups: [\"\"], resources: [configmaps], resourceNames: [app-config], verbs: [get] }")]
    [InlineData("{ apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, patch] }")]
    // validatePolicyRule checks no pairing of resourceNames with resources: the names apply to each resource listed.
    [InlineData("{ apiGroups: [\"\"], resources: [configmaps, secrets], resourceNames: [app], verbs: [get] }")]
    public void A_rule_kubernetes_accepts_passes(string rule) => Passes(Eval(WithRule(rule)), "eks-infra:access.clusterRoles.custom.rules[0]");

    [Theory]
    [InlineData("{ apiGroups: [\"\"], nonResourceURLs: [\"/metrics\"], verbs: [get] }", "nonResourceURLs", "cannot apply to both resources and non-resource URLs")]
    [InlineData("{ resources: [pods], nonResourceURLs: [\"/metrics\"], verbs: [get] }", "nonResourceURLs", "cannot apply to both resources and non-resource URLs")]
    [InlineData("{ resourceNames: [x], nonResourceURLs: [\"/metrics\"], verbs: [get] }", "nonResourceURLs", "cannot apply to both resources and non-resource URLs")]
    [InlineData("{ resources: [pods], verbs: [get] }", "apiGroups", "required: a resource rule lists its API groups")]
    [InlineData("{ apiGroups: [\"\"], verbs: [get] }", "resources", "required: a rule needs resources")]
    [InlineData("{ apiGroups: [\"\"], resources: [pods] }", "verbs", "required: a rule needs verbs")]
    public void A_rule_kubernetes_refuses_fails_at_its_field(string rule, string field, string gist) =>
        Fails(Eval(WithRule(rule)), $"eks-infra:access.clusterRoles.custom.rules[0].{field}", gist);

    [Theory]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update] }", "'escalate' on clusterroles lets the members", "granting permissions they do not hold")]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind] }", "'bind' on clusterroles lets the members", "granting permissions they do not hold")]
    [InlineData("{ apiGroups: [\"\"], resources: [groups, users], verbs: [impersonate] }", "'impersonate' on users, groups lets the members", "system:masters included")]
    [InlineData("{ apiGroups: [\"\"], resources: [\"*\"], verbs: [\"*\"] }", "'impersonate' on users, groups, serviceaccounts lets the members", "count them as cluster admins")]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [\"*\"], verbs: [create, bind] }", "'bind' on roles, clusterroles lets the members", "count them as cluster admins")]
    [InlineData("{ apiGroups: [\"\"], resources: [serviceaccounts], verbs: [impersonate] }", "'impersonate' on serviceaccounts lets the members", "acting as another user or service account, with whatever it may do")]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view] }", "'bind' on clusterroles named view lets the members", "make sure none of them reaches more")]
    public void A_rule_with_an_escalation_verb_is_warned_as_a_way_to_admin(string rule, string gist, string why)
    {
        var evaluation = Eval(WithRule(rule));
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Path == "eks-infra:access.clusterRoles.custom.rules[0].verbs");
        Assert.Contains(gist, warning.Message, StringComparison.Ordinal);
        Assert.Contains(why, warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [get, update] }")]
    [InlineData("{ apiGroups: [\"\"], resources: [pods, secrets], verbs: [bind, escalate, impersonate] }")]
    [InlineData("{ apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"] }")]
    public void A_rule_that_cannot_escalate_or_is_admin_already_gets_no_escalation_warning(string rule) =>
        Assert.DoesNotContain(Eval(WithRule(rule)).Warnings, w => w.Path == "eks-infra:access.clusterRoles.custom.rules[0].verbs");

    [Theory]
    [InlineData("/api/*", true)]
    [InlineData("*", true)]
    [InlineData("healthz", false)]
    [InlineData("/api/*/v1", false)]
    [InlineData("/api/**", true)]
    [InlineData("**", true)]
    [InlineData("*healthz", false)]
    [InlineData("", false)]
    // requestinfo.go: /api/VERSION/... (three parts or more) and /apis/GROUP/VERSION/... (four) are resource requests.
    [InlineData("/api/v1/namespaces/*", false)]
    [InlineData("/api/v1/pods", false)]
    [InlineData("/apis/apps/v1/deployments", false)]
    [InlineData("/apis/apps/v1", true)]
    [InlineData("/api/v1/*", true)]
    [InlineData("/apis/*", true)]
    public void A_non_resource_url_matches_requests_only_as_a_path_with_a_final_star(string url, bool matches)
    {
        var evaluation = Eval(WithRule($"{{ nonResourceURLs: [\"{url}\"], verbs: [get] }}"));
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Equal(!matches, evaluation.Warnings.Any(w => w.Path == "eks-infra:access.clusterRoles.custom.rules[0].nonResourceURLs[0]" && w.Message.Contains("matches no request", StringComparison.Ordinal)));
    }

    /// <summary>
    /// evaluation_helpers.go matches verbs, groups and resources as exact strings, with "*" and "*/SUBRESOURCE" the only
    /// wildcards; the API server stores the rest, and `can` finds they allow nothing, so `check` says so.
    /// </summary>
    [Theory]
    [InlineData("{ apiGroups: [\"\"], resources: [pods], verbs: [GET, list] }", "verbs[0]", "'GET' matches no request")]
    [InlineData("{ apiGroups: [\"\"], resources: [pods], verbs: [\"\", list] }", "verbs[0]", "'' matches no request")]
    [InlineData("{ apiGroups: [Apps], resources: [deployments], verbs: [get] }", "apiGroups[0]", "'Apps' matches no request")]
    [InlineData("{ apiGroups: [apps], resources: [Deployments], verbs: [get] }", "resources[0]", "'Deployments' matches no request")]
    [InlineData("{ apiGroups: [apps], resources: [deployments.apps], verbs: [get] }", "resources[0]", "without its API group")]
    [InlineData("{ apiGroups: [\"\"], resources: [\"pods/*\"], verbs: [get] }", "resources[0]", "the only wildcards are * and */SUBRESOURCE")]
    [InlineData("{ apiGroups: [\"\"], resources: [\"pod*\"], verbs: [get] }", "resources[0]", "matches no request")]
    [InlineData("{ apiGroups: [\"\"], resources: [\"\"], verbs: [get] }", "resources[0]", "matches no request")]
    [InlineData("{ apiGroups: [\"\"], resources: [configmaps], verbs: [get, create], resourceNames: [settings] }", "verbs[1]", "'create' is never allowed by a rule with resourceNames")]
    [InlineData("{ apiGroups: [\"\"], resources: [configmaps], verbs: [get], resourceNames: [\"app-*\"] }", "resourceNames[0]", "RBAC compares resourceNames exactly, with no wildcards")]
    [InlineData("{ apiGroups: [\"apps/v1\"], resources: [deployments], verbs: [get] }", "apiGroups[0]", "so write 'apps'")]
    [InlineData("{ apiGroups: [core], resources: [pods], verbs: [get] }", "apiGroups[0]", "the core API group (pods, services, secrets, ...) is \"\" in a rule")]
    [InlineData("{ apiGroups: [v1], resources: [pods], verbs: [get] }", "apiGroups[0]", "is \"\" in a rule")]
    [InlineData("{ apiGroups: [\"\"], resources: [pods], verbs: [\"get,list\"] }", "verbs[0]", "compares verbs exactly")]
    [InlineData("{ nonResourceURLs: [\"/metrics\"], verbs: [GET] }", "verbs[0]", "matches no non-resource request: their verb is the HTTP method in lower case")]
    [InlineData("{ nonResourceURLs: [\"/metrics\"], verbs: [get, list] }", "verbs[1]", "matches no non-resource request")]
    public void A_rule_entry_kubernetes_stores_but_never_matches_is_warned(string rule, string entry, string gist)
    {
        var evaluation = Eval(WithRule(rule));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == $"eks-infra:access.clusterRoles.custom.rules[0].{entry}" && w.Message.Contains(gist, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ apiGroups: [\"\"], resources: [pods, pods/log, \"*/scale\"], verbs: [get, list, watch] }")]
    [InlineData("{ apiGroups: [\"*\"], resources: [\"*\"], verbs: [\"*\"] }")]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [get, update], resourceNames: [view] }")]
    [InlineData("{ apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use] }")]
    // requestinfo.go: resource/NAME/subresource, so a create of pods/exec names its pod.
    [InlineData("{ apiGroups: [\"\"], resources: [pods/exec, serviceaccounts/token], resourceNames: [my-pod, my-sa], verbs: [create] }")]
    [InlineData("{ nonResourceURLs: [\"/healthz\", \"/api/*\"], verbs: [get, head, options, post, put, patch, delete] }")]
    [InlineData("{ nonResourceURLs: [\"/metrics\"], verbs: [\"*\"] }")]
    public void A_rule_kubernetes_can_match_gets_no_such_warning(string rule) =>
        Assert.DoesNotContain(Eval(WithRule(rule)).Warnings, w => w.Message.Contains("matches no", StringComparison.Ordinal) || w.Message.Contains("never allowed by a rule with resourceNames", StringComparison.Ordinal));

    /// <summary>rule.go VisitRulesFor reads RoleBindings only for a request in their namespace: cluster-scoped resources need a ClusterRoleBinding.</summary>
    [Theory]
    [InlineData("{ apiGroups: [\"\"], resources: [nodes, persistentvolumes], verbs: [get] }", true)]
    [InlineData("{ apiGroups: [storage.k8s.io], resources: [storageclasses], verbs: [get] }", true)]
    [InlineData("{ apiGroups: [\"\"], resources: [nodes, pods], verbs: [get] }", false)]
    [InlineData("{ apiGroups: [\"*\"], resources: [nodes], verbs: [get] }", false)]
    [InlineData("{ apiGroups: [example.com], resources: [widgets], verbs: [get] }", false)]
    public void A_role_of_cluster_scoped_resources_bound_in_namespaces_is_a_warning(string rule, bool warned)
    {
        var yaml = WithRule(rule).Replace("{ clusterRole: custom }", "{ clusterRole: custom, namespaces: [apps] }", StringComparison.Ordinal);
        Assert.Contains("namespaces: [apps]", yaml, StringComparison.Ordinal);

        var evaluation = Eval(yaml);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Equal(warned, evaluation.Warnings.Any(w => w.Path == "eks-infra:access.groups.deployers.namespaces" && w.Message.Contains("which a RoleBinding never grants", StringComparison.Ordinal)));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains("and non-resource URLs, which a RoleBinding never grants", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cluster_role_with_no_rules_is_an_error()
    {
        var evaluation = Eval(Stack(access: MapRole() + """
                groups:
                  deployers: { clusterRole: custom }
                clusterRoles:
                  custom:
                    rules: []
            """));

        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.clusterRoles.custom.rules" && e.Message.Contains("grants nothing", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_resource_urls_bound_in_namespaces_are_a_warning()
    {
        var yaml = WithRule("{ nonResourceURLs: [\"/metrics\"], verbs: [get] }").Replace("{ clusterRole: custom }", "{ clusterRole: custom, namespaces: [apps] }", StringComparison.Ordinal);
        Warns(Eval(yaml), "eks-infra:access.groups.deployers.namespaces", "grant nothing through a RoleBinding");
    }

    // --- Network (EKS API Reference, CreateCluster; EKS User Guide, networking requirements)

    [Fact]
    public void Two_subnets_pass_and_one_fails()
    {
        const string vpc = "    vpcId: vpc-0a1b2c3d4e5f60718\n";
        Passes(Eval(Stack(cluster: vpc + "    privateSubnetIds: [subnet-0a1b2c3d4e5f60001]\n    publicSubnetIds: [subnet-0a1b2c3d4e5f60002]")), "eks-infra:cluster.privateSubnetIds");
        Fails(Eval(Stack(cluster: vpc + "    publicSubnetIds: [subnet-0a1b2c3d4e5f60002]")), "eks-infra:cluster.publicSubnetIds", "lists one subnet", "add a subnet of another zone");
    }

    [Theory]
    [InlineData("vpc-0a1b2c3d", true)]
    [InlineData("vpc-0a1b2c3d4e5f60718", true)]
    [InlineData("vpc-0a1b2c3d4e", false)]
    [InlineData("vpc-0A1B2C3D", false)]
    public void A_vpc_id_is_vpc_and_8_or_17_lower_case_hex_digits(string id, bool valid)
    {
        var evaluation = Eval(Stack(cluster: $"    vpcId: {id}\n    privateSubnetIds: [subnet-0a1b2c3d, subnet-0a1b2c3e]"));
        PassesOrFails(evaluation, valid, "eks-infra:cluster.vpcId", "is not a VPC id", "8 or 17 hex digits");
    }

    // --- Tool-only rules and their opt-ins

    [Fact]
    public void A_group_another_tool_binds_may_be_mapped_when_declared_external()
    {
        var without = Eval(Stack(access: MapRole(groups: "[platform-team]")));
        Fails(without, "eks-infra:access.mapRoles[0].groups[0]", "bound to nothing", "this tool's rule", "list it under eks-infra:access.externalGroups");

        var with = Eval(Stack(access: MapRole(groups: "[platform-team]") + "    externalGroups: [platform-team]"));
        Passes(with, "eks-infra:access.mapRoles[0].groups[0]");
        var plan = with.Plan!;
        Assert.DoesNotContain(plan.Rbac.ClusterRoleBindings, b => b.Group == "platform-team");
        Assert.Contains(plan.AccessEntries, e => e.KubernetesGroups.Contains("platform-team"));
        var report = Reports.WhoReport.Render(plan, Reports.ReportFormat.Table);
        Assert.Contains("group platform-team: bound by another tool (externalGroups), not by this stack", report, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_group_may_not_also_be_declared_nor_be_a_system_group()
    {
        var both = Eval(Stack(access: MapRole() + Deployers + "\n    externalGroups: [deployers]"));
        Fails(both, "eks-infra:access.groups.deployers", "is also listed in eks-infra:access.externalGroups");

        var system = Eval(Stack(access: MapRole() + Deployers + "\n    externalGroups: [\"system:nodes\"]"));
        Fails(system, "eks-infra:access.externalGroups[0]", "is a Kubernetes system group");

        var unused = Eval(Stack(access: MapRole() + Deployers + "\n    externalGroups: [nobody-maps-this]"));
        Warns(unused, "eks-infra:access.externalGroups[0]", "no role or user is mapped to it");
    }

    [Fact]
    public void The_deployer_counts_as_the_cluster_admin()
    {
        const string access = "    mapRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/viewer\", username: viewer, groups: [viewers] }\n    groups:\n      viewers: { clusterRole: view }";
        var noAdmin = Stack(admin: "groups: [viewers]", access: access);
        Fails(Eval(noAdmin), "eks-infra:access", "no principal gets cluster-admin rights", "this tool's rule", "deployerArn", "allowNoClusterAdmin: true");

        var withDeployer = noAdmin.Replace("    name: my-cluster\n", "    name: my-cluster\n    deployerArn: arn:aws:iam::123456789012:role/ci/deploy\n", StringComparison.Ordinal);
        Passes(Eval(withDeployer), "eks-infra:access");
    }

    [Fact]
    public void Allow_no_cluster_admin_is_the_opt_in_for_a_model_without_one()
    {
        const string access = "    allowNoClusterAdmin: true\n    groups:\n      viewers: { clusterRole: view }";
        Passes(Eval(Stack(admin: "groups: [viewers]", access: access)), "eks-infra:access");
    }

    [Theory]
    [InlineData("    externalGroups: platform-team", "eks-infra:access.externalGroups", "expected a list of strings")]
    [InlineData("    allowNoClusterAdmin: \"yes\"", "eks-infra:access.allowNoClusterAdmin", "expected true or false")]
    public void The_opt_in_keys_are_typed_in_both_entry_points(string line, string path, string gist)
    {
        var yaml = Stack(access: line);
        Fails(Eval(yaml), path, gist);
        Fails(PulumiConfig.Evaluate(yaml), path, gist);
    }
}
