using System.Text;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

/// <summary>
/// Regressions: behaviour the core once got wrong, found by the hostile corpus and the fuzzer.
/// Each states what a user would see and what is right.
/// </summary>
public class RegressionTests
{
    /// <summary>
    /// YamlDotNet reads <c>version: "1.35"*a</c> as a value followed by an alias where the next key should be; the reader
    /// used to skip past the map's end and throw EndOfStreamException (found by Mutated_stack_files_never_throw).
    /// </summary>
    [Theory]
    [InlineData("    version: \"1.35\"*a\n    serviceRoleName: r\n")]
    [InlineData("    version: \"1.35\"*a\n")]
    public void An_alias_glued_to_a_value_is_an_error_at_its_map(string clusterTail)
    {
        var yaml = "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:cluster:\n    name: c\n" + clusterTail + "  eks-infra:access: { mapRoles: [] }\n";
        foreach (var evaluation in new[] { Stacks.EvaluateText(yaml), Stacks.EvaluateBytes(System.Text.Encoding.UTF8.GetBytes(yaml)) })
        {
            Assert.False(evaluation.IsValid);
            var error = Assert.Single(evaluation.Errors, e => e.Path == "eks-infra:cluster" && e.Message.StartsWith("'*a' stands where a key should be", StringComparison.Ordinal));
            Assert.Equal(6, error.Location!.Line);
        }
    }

    [Theory]
    [InlineData("config:\n  eks-infra:access:\n    groups: [deployers\n    mapRoles: []\n")]
    [InlineData("config:\n  eks-infra:cluster:\n    nodeGroup: {minSize: 1\n    name: x\n")]
    [InlineData("config:\n  a:\n    b: [x\n  c: d\n")]
    public void Malformed_yaml_is_a_diagnostic_not_an_exception(string yaml)
    {
        // YamlDotNet's scanner throws InvalidOperationException (not YamlException) on an unclosed flow
        // collection at end of input; YamlConfigReader.ReadText catches only YamlException.
        var evaluation = Stacks.EvaluateText(yaml);
        Assert.False(evaluation.IsValid);
        Assert.Contains(evaluation.Errors, e => e.Path == "(file)" && e.Message.Contains("not valid YAML", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("config:\n  eks-infra:access:\n    groups: [deployers\n    mapRoles: []\n", '[', 3, 13)]
    [InlineData("config:\n  eks-infra:cluster:\n    nodeGroup: {minSize: 1\n    name: x\n", '{', 3, 16)]
    public void An_unclosed_bracket_is_reported_where_it_opens(string yaml, char opener, int line, int column)
    {
        var error = Assert.Single(Stacks.EvaluateText(yaml).Errors);

        Assert.Equal("(file)", error.Path);
        Assert.Contains($"the '{opener}' at line {line}, column {column} is never closed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("current state of the object", error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Location!.Line, error.Location.Column));
    }

    [Fact]
    public void A_duplicate_key_error_names_the_config_path_without_the_config_prefix()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal().Replace("    name: my-cluster\n", "    name: my-cluster\n    name: other\n", StringComparison.Ordinal));
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:cluster.name" && e.Message.Contains("appears twice", StringComparison.Ordinal));
        Assert.DoesNotContain(evaluation.Errors, e => e.Path.StartsWith("config.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_that_is_not_a_map_reports_a_file_path_not_an_empty_one()
    {
        var evaluation = Stacks.EvaluateText("just some text\n");
        Assert.DoesNotContain(evaluation.Errors, e => e.Path.Length == 0);
    }

    [Theory]
    [InlineData("74-tab-indentation.yaml")]
    [InlineData("77-empty-file.yaml")]
    [InlineData("79-non-utf8.bin")]
    [InlineData("80-alias-bomb.yaml")]
    [InlineData("81-undefined-alias.yaml")]
    public void A_file_that_cannot_be_read_reports_only_that(string name)
    {
        // Today a read failure also yields "required: ..." for aws:allowedAccountIds, eks-infra:cluster and
        // eks-infra:access (BindAws suppresses only aws:region), and those location-less errors sort first.
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, name));
        var error = Assert.Single(evaluation.Errors);
        Assert.Equal(HostileCorpusTests.Expected[name].Path, error.Path);
    }

    [Fact]
    public void The_first_error_is_the_one_a_reader_fixes_first()
    {
        // DiagnosticBag.ToSortedList orders by Location.File with "" for no location, so every location-less
        // error (a missing key, a derived "given no groups") sorts before all located ones, against the
        // `Line ?? int.MaxValue` intent. Here the typo 'group:' must come before its consequence.
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, "61-unknown-key-typo.yaml"));
        var first = evaluation.Errors.First();
        Assert.Equal("eks-infra:access.mapRoles[0].group", first.Path);
    }

    [Fact]
    public void Two_created_roles_with_one_name_are_not_told_to_remove_a_mapRoles_entry()
    {
        var evaluation = Stacks.EvaluateFile(Path.Combine(Repo.HostileDir, "17-duplicate-created-role-name.yaml"));
        Assert.DoesNotContain(evaluation.Errors, e => e.Message.Contains("remove the mapRoles entry", StringComparison.Ordinal));
    }

    [Fact]
    public void One_user_name_under_two_iam_paths_is_refused()
    {
        // IAM user names are unique in an account whatever the path, like role names; today both pass and the
        // plan holds two access entries with the same Key ("user-bob"), i.e. two Pulumi resources with one name.
        var evaluation = Stacks.EvaluateText(Stacks.Minimal(access: """
                mapUsers:
                  - userarn: arn:aws:iam::123456789012:user/a/bob
                    username: bob-a
                    groups: [deployers]
                  - userarn: arn:aws:iam::123456789012:user/b/bob
                    username: bob-b
                    groups: [deployers]
            """));
        if (evaluation.Plan is { } plan)
        {
            Assert.Equal(plan.AccessEntries.Count, plan.AccessEntries.Select(e => e.Key).Distinct(StringComparer.Ordinal).Count());
        }

        Assert.False(evaluation.IsValid, "two users named bob were accepted");
    }

    [Fact]
    public void Created_roles_whose_names_differ_only_in_punctuation_do_not_share_a_logical_name()
    {
        var evaluation = Stacks.EvaluateText("""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
              eks-infra:access:
                roles:
                  - name: team_role
                    username: a
                    groups: [system:masters]
                  - name: team-role
                    username: b
                    groups: [system:masters]
            """);
        AssertUniqueLogicalNamesOrInvalid(evaluation);
    }

    [Fact]
    public void Cluster_roles_whose_names_differ_only_in_punctuation_do_not_share_a_logical_name()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal(access: """
                clusterRoles:
                  pod.reader: { rules: [ { apiGroups: [""], resources: [pods], verbs: [get] } ] }
                  pod-reader: { rules: [ { apiGroups: [""], resources: [pods], verbs: [list] } ] }
            """).Replace("clusterRole: edit", "clusterRole: pod.reader", StringComparison.Ordinal));
        AssertUniqueLogicalNamesOrInvalid(evaluation);
    }

    [Fact]
    public void Role_bindings_of_different_groups_and_namespaces_do_not_share_a_logical_name()
    {
        // role-binding-{ns}-{group}: ns "c" + group "a-b" and ns "c-a" + group "b" are both "role-binding-c-a-b".
        var evaluation = Stacks.EvaluateText(Stacks.Minimal(access: """
                  a-b: { clusterRole: view, namespaces: [c] }
                  b: { clusterRole: view, namespaces: [c-a] }
            """).Replace("groups: [deployers]", "groups: [deployers, a-b, b]", StringComparison.Ordinal));
        AssertUniqueLogicalNamesOrInvalid(evaluation);
    }

    [Fact]
    public void Reordering_a_cluster_role_rules_and_verbs_leaves_the_bytes_unchanged()
    {
        // AccessPlanner.Rbac copies rules, verbs, resources and apiGroups of stack-defined ClusterRoles in config order.
        var yaml = Stacks.Minimal(access: """
                clusterRoles:
                  pod-reader:
                    rules:
                      - { apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list, watch] }
                      - { apiGroups: [batch], resources: [jobs], verbs: [get] }
            """).Replace("clusterRole: edit", "clusterRole: pod-reader", StringComparison.Ordinal);
        Assert.Equal(Stacks.Render(Stacks.ValidPlanOf(yaml)), Stacks.Render(Stacks.ValidPlanOf(YamlReorder.Reverse(yaml))));
    }

    private static void AssertUniqueLogicalNamesOrInvalid(StackEvaluation evaluation)
    {
        if (evaluation.Plan is not { } plan)
        {
            return;
        }

        Assert.Empty(PlanInvariants.DuplicateLogicalNames(plan));
    }
}

public static class PlanInvariants
{
    /// <summary>Logical names the Pulumi program would register twice under one resource type.</summary>
    public static IReadOnlyList<string> DuplicateLogicalNames(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var names = new List<string>();
        names.AddRange(plan.Roles.Select(r => "iam-role " + r.LogicalName));
        names.AddRange(plan.Roles.SelectMany(r => r.ManagedPolicies).Select(p => "attachment " + p.LogicalName));
        names.AddRange(plan.Roles.Where(r => r.InlinePolicy is not null).Select(r => "inline " + r.InlinePolicy!.LogicalName));
        names.AddRange(plan.AccessEntries.Select(e => "access-entry " + e.Key));
        names.AddRange(plan.AccessEntries.SelectMany(e => e.AccessPolicies.Select(p => $"association {e.Key}-{p.Key}")));
        names.AddRange(plan.Rbac.ClusterRoles.Select(r => "cluster-role " + r.LogicalName));
        names.AddRange(plan.Rbac.ClusterRoleBindings.Select(b => "cluster-role-binding " + b.LogicalName));
        names.AddRange(plan.Rbac.RoleBindings.Select(b => "role-binding " + b.LogicalName));
        names.AddRange(plan.Cluster.NodeGroups.Select(g => "node-group " + g.LogicalName));
        names.AddRange(plan.Cluster.FargateProfiles.Select(p => "fargate-profile " + p.LogicalName));
        return [.. names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];
    }
}
