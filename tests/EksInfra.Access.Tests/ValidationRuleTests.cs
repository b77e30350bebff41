namespace EksInfra.Access.Tests;

/// <summary>Rules whose outcome depends on the mode: errors where access entries exist, warnings in CONFIG_MAP.</summary>
public class ValidationRuleTests
{
    private static string WithMapping(string mode, string username, string groups) => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
          eks-infra:access:
            authenticationMode: {{mode}}
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/deployer
                username: "{{username}}"
                groups: {{groups}}
            groups:
              deployers: { clusterRole: edit }
        """;

    [Theory]
    [InlineData("aws:deployer", "[deployers]", "eks-infra:access.mapRoles[0].username", "a prefix EKS access entries refuse")]
    [InlineData("{{SessionName}}", "[deployers]", "eks-infra:access.mapRoles[0].username", "with no ':' before it")]
    [InlineData("ci{{SessionNameRaw}}", "[deployers]", "eks-infra:access.mapRoles[0].username", "uses {{SessionNameRaw}} with no ':' before it")]
    [InlineData("deployer", "[system:authenticated, deployers]", "eks-infra:access.mapRoles[0].groups[0]", "system group")]
    public void Access_entry_rules_are_errors_in_api_modes_and_warnings_in_config_map(string username, string groups, string path, string gist)
    {
        foreach (var mode in new[] { "API_AND_CONFIG_MAP", "API" })
        {
            var evaluation = Stacks.EvaluateText(WithMapping(mode, username, groups));
            Assert.False(evaluation.IsValid, mode);
            Assert.Contains(evaluation.Errors, e => e.Path == path && e.Message.Contains(gist, StringComparison.Ordinal));
        }

        var configMap = Stacks.EvaluateText(WithMapping("CONFIG_MAP", username, groups));
        Assert.True(configMap.IsValid, Stacks.Describe(configMap));
        Assert.Contains(configMap.Warnings, w => w.Path == path && w.Message.Contains(gist, StringComparison.Ordinal));
    }

    /// <summary>Through aws-auth any username is taken, and the cluster binds its components' names: in every mode, an error.</summary>
    [Theory]
    [InlineData("system:kube-controller-manager", "system:", "'kube-controller-manager'")]
    [InlineData("system:serviceaccount:kube-system:clusterrole-aggregation-controller", "system:", "'serviceaccount:kube-system:clusterrole-aggregation-controller'")]
    [InlineData("eks:addon-manager", "eks:", "'addon-manager'")]
    [InlineData("system:", "system:", "'ci-deployer' (a name of your own)")]
    public void A_username_in_the_namespace_of_cluster_components_is_an_error_in_every_mode(string username, string prefix, string suggestion)
    {
        foreach (var mode in new[] { "CONFIG_MAP", "API_AND_CONFIG_MAP", "API" })
        {
            var evaluation = Stacks.EvaluateText(WithMapping(mode, username, "[deployers]"));
            Assert.False(evaluation.IsValid, mode);
            var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:access.mapRoles[0].username");
            Assert.Contains($"starts with '{prefix}'", error.Message, StringComparison.Ordinal);
            Assert.Contains("the principal would get whatever the cluster binds to that name", error.Message, StringComparison.Ordinal);
            Assert.Contains($"choose a username such as {suggestion}", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The authenticator renders groups as it renders usernames: {{EC2PrivateDNSName}} fails every session but a node's, and with it the whole mapping.</summary>
    [Theory]
    [InlineData("CONFIG_MAP", true)]
    [InlineData("API_AND_CONFIG_MAP", false)]
    [InlineData("API", false)]
    public void A_group_holding_the_node_dns_template_is_refused_where_aws_auth_signs_people_in_and_warned_elsewhere(string mode, bool refused)
    {
        var yaml = WithMapping(mode, "deployer", "[deployers, \"ci-{{EC2PrivateDNSName}}\"]") + "\n    externalGroups: [\"ci-{{EC2PrivateDNSName}}\"]\n";

        var evaluation = Stacks.EvaluateText(yaml);

        const string path = "eks-infra:access.mapRoles[0].groups[1]";
        Assert.DoesNotContain(evaluation.Warnings, w => w.Message.Contains("no role or user is mapped to it", StringComparison.Ordinal));
        if (refused)
        {
            var error = Assert.Single(evaluation.Errors);
            Assert.Equal(path, error.Path);
            Assert.Contains("this principal could not sign in at all", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
            Assert.Contains(evaluation.Warnings, w => w.Path == path && w.Message.Contains("EKS documents templates in entries for usernames only", StringComparison.Ordinal));
        }

        Assert.True(Stacks.EvaluateText(yaml.Replace("{{EC2PrivateDNSName}}", "{{AccountID}}", StringComparison.Ordinal)).IsValid);
    }

    [Theory]
    [InlineData("CONFIG_MAP", "full cluster admin that bypasses RBAC and cannot be trimmed later")]
    [InlineData("API_AND_CONFIG_MAP", "carries as AmazonEKSClusterAdminPolicy at cluster scope: full cluster admin, and aws-auth's system:masters, which bypasses RBAC, stays behind it")]
    [InlineData("API", "carries as AmazonEKSClusterAdminPolicy at cluster scope: full cluster admin")]
    public void System_masters_is_allowed_and_reported_as_what_the_mode_makes_it(string mode, string gist)
    {
        var evaluation = Stacks.EvaluateText(WithMapping(mode, "deployer", "[system:masters]"));
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Path == "eks-infra:access.mapRoles[0].groups[0]");
        Assert.Contains(gist, warning.Message, StringComparison.Ordinal);
        Assert.Equal(mode != "API", warning.Message.Contains("bypasses RBAC", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_bindings_whose_logical_names_run_together_are_refused_with_the_reason()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal(access: """
                mapUsers:
                  - { userarn: "arn:aws:iam::123456789012:user/ops", username: ops, groups: [admins, jobs-admins] }
            """).Replace("    groups:\n      deployers:", "    groups:\n      admins: { clusterRole: admin, namespaces: [payments, payments-jobs] }\n      jobs-admins: { clusterRole: edit, namespaces: [payments] }\n      deployers:", StringComparison.Ordinal));

        var error = Assert.Single(evaluation.Errors, e => e.Message.Contains("role-binding-payments-jobs-admins", StringComparison.Ordinal));
        Assert.Contains("a namespace runs into a group with '-' between them", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_group_nobody_uses_is_a_warning()
    {
        var evaluation = Stacks.EvaluateText(WithMapping("API", "deployer", "[system:masters]"));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.groups.deployers" && w.Message.Contains("declared but no role or user is mapped to it", StringComparison.Ordinal));
    }

    [Fact]
    public void Map_accounts_is_a_warning_in_config_map_modes()
    {
        var yaml = WithMapping("CONFIG_MAP", "deployer", "[deployers]").Replace("    groups:\n      deployers", "    mapAccounts: [\"111122223333\"]\n    groups:\n      deployers", StringComparison.Ordinal);
        var evaluation = Stacks.EvaluateText(yaml);
        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.mapAccounts[0]" && w.Message.Contains("111122223333", StringComparison.Ordinal));
        Assert.Equal(["111122223333"], Reparse.AwsAuth(Stacks.Render(evaluation.Plan!)["aws-auth.yaml"]).Accounts);
    }

    [Fact]
    public void Require_plan_throws_with_every_error()
    {
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, "12-duplicate-principal.yaml"));
        var exception = Assert.Throws<InvalidStackConfigException>(evaluation.RequirePlan);
        Assert.Equal(evaluation.Diagnostics, exception.Diagnostics);
        Assert.Contains("eks-infra:access.mapRoles[1].rolearn", exception.Message, StringComparison.Ordinal);
    }
}
