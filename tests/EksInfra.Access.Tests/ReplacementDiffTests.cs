using EksInfra.Access.Planning;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// Edits that `pulumi up` turns into deleting and re-creating a stack-level resource (terraform-provider-aws ForceNew
/// inputs) or into an update EKS refuses half-way: `diff` names each, on the shipped stacks edited one value at a time.
/// </summary>
public class ReplacementDiffTests
{
    private static readonly string Staging = File.ReadAllText(Repo.StackFile("staging"));

    private static readonly string Prod = File.ReadAllText(Repo.StackFile("prod"));

    /// <summary>Pulumi: "it will be an error to do a Pulumi deployment which tries to delete a protected resource for any reason".</summary>
    [Fact]
    public void Renaming_the_protected_node_role_in_api_mode_is_an_error()
    {
        var renamed = Prod.Replace("nodeRoleName: prod-eks-node-role\n", "nodeRoleName: prod-eks-node-role-v2\n", StringComparison.Ordinal);
        Assert.NotEqual(Prod, renamed);

        var finding = Assert.Single(Stacks.DiffFindings(Prod, renamed), f => f.Subject == "cluster.nodeRoleName");

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("Set protect: false and apply first", finding.Detail, StringComparison.Ordinal);
        var unprotected = Prod.Replace("    protect: true\n", "", StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(unprotected, unprotected.Replace("nodeRoleName: prod-eks-node-role\n", "nodeRoleName: prod-eks-node-role-v2\n", StringComparison.Ordinal)), f => f.Subject == "cluster.nodeRoleName");
    }

    private static DiffFinding Single(IReadOnlyList<DiffFinding> findings, string subject, FindingLevel level)
    {
        var finding = Assert.Single(findings, f => f.Subject == subject);
        Assert.Equal(level, finding.Level);
        return finding;
    }

    [Theory]
    [InlineData("serviceRoleName: staging-eks-cluster-role", "serviceRoleName: Staging-EKS-Cluster-Role", "cluster.serviceRoleName", "cluster would be replaced")]
    [InlineData("nodeRoleName: staging-eks-node-role", "nodeRoleName: Staging-EKS-Node-Role", "staging-eks-node-role", "every node group on it is replaced")]
    public void A_stack_role_respelled_in_another_case_blocks_since_the_role_is_re_created(string from, string to, string subject, string consequence)
    {
        var finding = Single(Stacks.DiffFindings(Staging, Stacks.Edit(Staging, from, to)), subject, FindingLevel.Error);

        Assert.Contains($"{from.Split(' ')[1]} → {to.Split(' ')[1]}", finding.Title, StringComparison.Ordinal);
        Assert.Contains("change of case only", finding.Title, StringComparison.Ordinal);
        Assert.Contains(consequence, finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(Staging, Staging), f => f.Subject == subject);
    }

    [Theory]
    [InlineData("kind: linux", "kind: fargate", "Karpenter/self-managed node role (linux) becomes a Fargate pod execution role (existing profile)")]
    [InlineData("kind: linux", "kind: windows", null)]
    public void A_node_role_turned_into_a_fargate_role_blocks_since_its_nodes_stop_authenticating(string from, string to, string? title)
    {
        const string karpenter = "arn:aws:iam::123456789012:role/KarpenterNodeRole-staging-cluster";
        var edited = Stacks.Edit(Staging, "role/KarpenterNodeRole-staging-cluster\n        " + from, "role/KarpenterNodeRole-staging-cluster\n        " + to);
        var findings = Stacks.DiffFindings(Staging, edited);

        if (title is null)
        {
            // Linux to Windows changes the access entry's type, which its own guard reports.
            Assert.Contains("the access entry's type changes: EC2_LINUX → EC2_WINDOWS", Assert.Single(findings, f => f.Subject == karpenter && f.Level == FindingLevel.Error).Title, StringComparison.Ordinal);
            return;
        }

        var finding = Assert.Single(findings, f => f.Subject == karpenter && f.Level == FindingLevel.Error);
        Assert.Contains(title, finding.Title, StringComparison.Ordinal);
        Assert.Contains("system:node:{{EC2PrivateDNSName}} → system:node:{{SessionName}}", finding.Detail, StringComparison.Ordinal);
        Assert.Single(Stacks.DiffFindings(edited, Staging), f => f.Subject == karpenter && f.Level == FindingLevel.Error);
    }

    [Fact]
    public void A_node_role_arn_respelled_in_another_case_blocks_since_its_entry_is_replaced_delete_first()
    {
        var edited = Stacks.Edit(Staging, "role/KarpenterNodeRole-staging-cluster", "role/karpenternoderole-staging-cluster");

        var finding = Assert.Single(Stacks.DiffFindings(Staging, edited), f => f.Level == FindingLevel.Error);
        Assert.Equal("arn:aws:iam::123456789012:role/karpenternoderole-staging-cluster", finding.Subject);
        Assert.Equal("the node role's access entry is replaced", finding.Title);
        Assert.Contains("deletes the EC2_LINUX entry and creates it again", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>Entry keys leave the IAM path out, so another path is the same entry resource with a new principal: replaced.</summary>
    [Theory]
    [InlineData("role/ci/github-actions-deployer", "role/cd/github-actions-deployer", FindingLevel.Danger, "the principal is without its access in between")]
    [InlineData("role/KarpenterNodeRole-staging-cluster", "role/karpenter/KarpenterNodeRole-staging-cluster", FindingLevel.Error, "the nodes running with the role cannot authenticate in between")]
    // IAM's UpdateUser takes a NewPath, so a user (unlike a role) may be the same one on its new path.
    [InlineData("user/qa-lead", "user/qa/qa-lead", FindingLevel.Danger, "IAM moves a user to another path in place (UpdateUser --new-path), so this may be the same user: set the ARN IAM now shows")]
    public void A_role_arn_on_another_path_is_flagged_since_its_entry_is_replaced(string from, string to, FindingLevel level, string consequence)
    {
        var findings = Stacks.DiffFindings(Staging, Stacks.Edit(Staging, from, to));

        var finding = Assert.Single(findings, f => f.Title == "the access entry is replaced with another principal");
        Assert.Equal($"arn:aws:iam::123456789012:{to}", finding.Subject);
        Assert.Equal(level, finding.Level);
        Assert.Contains($"'arn:aws:iam::123456789012:{from}' becomes '{finding.Subject}' under the same entry", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(consequence, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapped_role_moved_under_roles_blocks_since_iam_refuses_to_create_an_existing_name()
    {
        const string mapped = "      - rolearn: arn:aws:iam::123456789012:role/ci/github-actions-deployer\n        username: ci-deployer\n        groups: [app-deployers]\n";
        const string created = "      - name: github-actions-deployer\n        path: /ci/\n        username: ci-deployer\n        groups: [app-deployers]\n";
        var moved = Stacks.Edit(Stacks.Edit(Staging, "    mapRoles:\n      # CI deploys applications; the role lives under an IAM path, as IAM shows it.\n" + mapped, ""), "    roles:\n", "    roles:\n" + created);

        var finding = Assert.Single(Stacks.DiffFindings(Staging, moved), f => f.Level == FindingLevel.Error);
        Assert.Equal("arn:aws:iam::123456789012:role/ci/github-actions-deployer", finding.Subject);
        Assert.Contains("was mapped as an existing role and is now created by the stack", finding.Title, StringComparison.Ordinal);
        Assert.Contains("EntityAlreadyExists", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(moved, moved), f => f.Level == FindingLevel.Error);
    }

    [Fact]
    public void A_region_or_account_change_blocks()
    {
        var region = Single(Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "aws:region: us-west-2", "aws:region: us-east-2")), "aws:region", FindingLevel.Error);
        Assert.Contains("us-west-2 → us-east-2", region.Title, StringComparison.Ordinal);
        Assert.Contains("create a new stack", region.Detail, StringComparison.Ordinal);

        var moved = Stacks.Edit(Stacks.Edit(Staging, "- \"123456789012\"", "- \"210987654321\""), "arn:aws:iam::123456789012:", "arn:aws:iam::210987654321:");
        var account = Single(Stacks.DiffFindings(Staging, moved), "aws:allowedAccountIds", FindingLevel.Error);
        Assert.Contains("123456789012 → 210987654321", account.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_vpc_blocks_and_naming_or_dropping_the_vpc_is_flagged()
    {
        var other = Single(Stacks.DiffFindings(Prod, Stacks.Edit(Prod, "vpcId: vpc-0a1b2c3d4e5f60718", "vpcId: vpc-0fedcba987654321f")), "cluster.vpcId", FindingLevel.Error);
        Assert.Contains("vpc-0a1b2c3d4e5f60718 → vpc-0fedcba987654321f", other.Title, StringComparison.Ordinal);
        Assert.Contains("cannot move a cluster to another VPC", other.Detail, StringComparison.Ordinal);

        var named = Single(Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "    name: staging-cluster\n", "    name: staging-cluster\n    vpcId: vpc-0fedcba987654321f\n    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n")), "cluster.vpcId", FindingLevel.Danger);
        Assert.Contains("default VPC", named.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(Prod, Prod), f => f.Subject == "cluster.vpcId");
    }

    [Fact]
    public void A_changed_deployer_is_flagged_since_the_creators_entry_does_not_move()
    {
        var finding = Single(Stacks.DiffFindings(Staging, Stacks.Edit(Staging, "role/eks-infra-ci-deploy-staging", "role/eks-infra-ci-deploy-staging-v2")), "cluster.deployerArn", FindingLevel.Danger);
        Assert.Contains("eks-infra-ci-deploy-staging → arn:aws:iam::123456789012:role/eks-infra-ci-deploy-staging-v2", finding.Title, StringComparison.Ordinal);
        Assert.Contains("does not move", finding.Detail, StringComparison.Ordinal);

        // Naming the creator for the first time changes nothing EKS holds.
        var unnamed = Stacks.Edit(Staging, "    deployerArn: arn:aws:iam::123456789012:role/eks-infra-ci-deploy-staging\n", "");
        Assert.DoesNotContain(Stacks.DiffFindings(unnamed, Staging), f => f.Subject == "cluster.deployerArn");
    }

    [Theory]
    [InlineData("      - name: staging-eks-readonly-role\n", "      - name: staging-eks-readonly-role\n        path: /platform/\n", "its path changes from / to /platform/", false)]
    [InlineData("      - name: staging-eks-readonly-role\n", "      - name: Staging-EKS-Readonly-Role\n", "change of case only", true)]
    public void An_access_role_whose_name_case_or_path_changes_is_flagged_as_re_created(string from, string to, string why, bool caseOnly)
    {
        var after = Stacks.Edit(Staging, from, to);
        var role = Stacks.ValidPlanOf(after).AccessRoles.Single(r => r.Name.Equals("staging-eks-readonly-role", StringComparison.OrdinalIgnoreCase));

        var findings = Stacks.DiffFindings(Staging, after);

        var finding = Assert.Single(findings, f => f.Subject == role.Arn && f.Title.StartsWith("IAM role", StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("is deleted and created again", finding.Title, StringComparison.Ordinal);
        Assert.Contains(why, finding.Title, StringComparison.Ordinal);
        Assert.Equal(caseOnly, finding.Title.Contains("change of case only", StringComparison.Ordinal));
        Assert.Contains("arn:aws:iam::123456789012:role/staging-eks-readonly-role", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(role.Arn, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_access_policy_whose_scope_changes_says_the_association_is_removed_and_added_again()
    {
        const string Policy = "        accessPolicies:\n          - { policy: AmazonEKSEditPolicy, namespaces: [apps] }\n";
        var before = Stacks.Edit(Staging, "        groups: [app-deployers]\n", "        groups: [app-deployers]\n" + Policy);
        var after = Stacks.Edit(before, "namespaces: [apps] }", "namespaces: [apps, apps-jobs] }");
        const string Arn = "arn:aws:iam::123456789012:role/ci/github-actions-deployer";

        var findings = Stacks.DiffFindings(before, after);

        var scope = Assert.Single(findings, f => f.Subject == Arn && f.Title.Contains("scope", StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Changed, scope.Level);
        Assert.Contains("AmazonEKSEditPolicy changes: namespaces apps → namespaces apps, apps-jobs", scope.Title, StringComparison.Ordinal);
        Assert.Contains("removes the association and adds it again", scope.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(before, before), f => f.Title.Contains("scope", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_base_still_has_its_region_and_vpc_compared()
    {
        // desiredSize above maxSize: the base binds but does not validate.
        var broken = Stacks.EvaluateText(Stacks.Edit(Stacks.Edit(Prod, "aws:region: us-east-1", "aws:region: eu-west-1"), "desiredSize: 4", "desiredSize: 400"));
        Assert.Null(broken.Plan);

        var after = Stacks.ValidPlanOf(Stacks.Edit(Prod, "vpcId: vpc-0a1b2c3d4e5f60718", "vpcId: vpc-0fedcba987654321f"));
        var findings = AccessDiff.Compare(null, after, "main", broken).Findings;

        Single(findings, "aws:region", FindingLevel.Error);
        Single(findings, "cluster.vpcId", FindingLevel.Error);
    }

    [Fact]
    public void A_changed_assumed_role_is_a_changed_creator_when_no_deployer_is_named_even_from_an_invalid_base()
    {
        static string Assuming(string role) => Stacks.Edit(Stacks.Edit(Staging, "    deployerArn: arn:aws:iam::123456789012:role/eks-infra-ci-deploy-staging\n", ""),
            "aws:region:", $"aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/{role}\n  aws:region:");

        var finding = Single(Stacks.DiffFindings(Assuming("ci-deploy-a"), Assuming("ci-deploy-b")), "cluster.deployerArn", FindingLevel.Danger);
        Assert.Contains("(deployerArn, else the role of aws:assumeRoles) changes: arn:aws:iam::123456789012:role/ci-deploy-a → arn:aws:iam::123456789012:role/ci-deploy-b", finding.Title, StringComparison.Ordinal);

        // A base that does not validate is read from its config: the assumed role there is the creator too.
        var broken = Stacks.EvaluateText(Stacks.Edit(Assuming("ci-deploy-a"), "    name: staging-cluster", "    name: staging-cluster\n    nmae: typo"));
        Assert.Null(broken.Plan);
        Single(AccessDiff.Compare(null, Stacks.ValidPlanOf(Assuming("ci-deploy-b")), "main", broken).Findings, "cluster.deployerArn", FindingLevel.Danger);
    }

    [Fact]
    public void An_invalid_base_blocks_since_the_compute_guards_need_its_plan()
    {
        // The base's node group changes its instance types and is invalid elsewhere (desiredSize over maxSize): without a
        // plan of the base, the replacement guard cannot run, so diff refuses instead of waving the replacement through.
        var staging = File.ReadAllText(Repo.StackFile("staging"));
        var broken = Stacks.EvaluateText(Stacks.Edit(Stacks.Edit(staging, "instanceTypes: [m6i.large, m6a.large, m5.large]", "instanceTypes: [m6i.large]"), "desiredSize: 3", "desiredSize: 300"));
        Assert.Null(broken.Plan);

        var report = AccessDiff.Compare(null, Stacks.ValidPlanOf(staging), "main", broken);

        Assert.True(report.HasErrors);
        var refusal = Single(report.Findings, AccessDiff.BaseNotPlannedSubject, FindingLevel.Error);
        Assert.Equal("the base version could not be planned, so the guards that compare plans did not run", refusal.Title);
        Assert.Contains("eks-infra:cluster.nodeGroups[0].desiredSize", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("node group and Fargate profile replacements", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("--base", refusal.Detail, StringComparison.Ordinal);
        Assert.Equal(refusal, report.Findings[0]);
    }

    [Fact]
    public void An_invalid_base_missing_its_region_or_name_is_not_read_as_a_change()
    {
        var broken = Stacks.EvaluateText(Stacks.Edit(Stacks.Edit(Prod, "aws:region:", "aws:regoin:"), "    name: prod-cluster", "    nmae: prod-cluster"));
        Assert.Null(broken.Plan);

        var findings = AccessDiff.Compare(null, Stacks.ValidPlanOf(Prod), "main", broken).Findings;

        Assert.DoesNotContain(findings, f => f.Subject is "aws:region" or "cluster.name");
    }

    private static readonly string Dev = File.ReadAllText(Repo.StackFile("dev"));

    /// <summary>Each binding is named for its group, so a rename deletes and creates them while the members move.</summary>
    [Fact]
    public void A_renamed_group_is_listed_with_its_bindings()
    {
        var renamed = Dev.Replace("groups: [read-only]", "groups: [readers]", StringComparison.Ordinal).Replace("      read-only:\n", "      readers:\n", StringComparison.Ordinal);
        Assert.Contains("readers:", renamed, StringComparison.Ordinal);

        var finding = Assert.Single(Stacks.DiffFindings(Dev, renamed), f => f.Subject == "group read-only");

        Assert.Equal(FindingLevel.Changed, finding.Level);
        Assert.Equal("group read-only is renamed readers: its bindings are deleted and created again under the new name", finding.Title);
        Assert.Contains("eks-infra:read-only go", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("add readers beside read-only in one change", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>Only a new group that takes over the old one's bindings exactly, and did not exist, is a rename.</summary>
    [Fact]
    public void A_swap_to_another_role_or_to_an_existing_group_is_no_rename()
    {
        var swapped = Dev.Replace("groups: [read-only]", "groups: [viewers]", StringComparison.Ordinal).Replace("      read-only:\n        clusterRole: read-only\n", "      viewers:\n        clusterRole: view\n", StringComparison.Ordinal);
        Assert.Contains("clusterRole: view", swapped, StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(Dev, swapped), f => f.Title.Contains("is renamed", StringComparison.Ordinal));

        var both = Dev.Replace("      read-only:\n        clusterRole: read-only\n", "      read-only:\n        clusterRole: read-only\n      readers:\n        clusterRole: read-only\n", StringComparison.Ordinal);
        var moved = both.Replace("groups: [read-only]", "groups: [readers]", StringComparison.Ordinal).Replace("      read-only:\n        clusterRole: read-only\n", "", StringComparison.Ordinal);
        Assert.DoesNotContain(Stacks.DiffFindings(both, moved), f => f.Title.Contains("is renamed", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_groups_renamed_at_once_are_both_listed()
    {
        var two = Dev.Replace("groups: [read-only]", "groups: [read-only, ops]", StringComparison.Ordinal).Replace("      read-only:\n        clusterRole: read-only\n", "      read-only:\n        clusterRole: read-only\n      ops:\n        clusterRole: view\n        namespaces: [apps]\n", StringComparison.Ordinal);
        var renamed = two.Replace("groups: [read-only, ops]", "groups: [readers, operators]", StringComparison.Ordinal).Replace("      read-only:\n", "      readers:\n", StringComparison.Ordinal).Replace("      ops:\n", "      operators:\n", StringComparison.Ordinal);
        Assert.Contains("operators:", renamed, StringComparison.Ordinal);

        var titles = Stacks.DiffFindings(two, renamed).Select(f => f.Title).ToList();

        Assert.Contains("group read-only is renamed readers: its bindings are deleted and created again under the new name", titles);
        Assert.Contains("group ops is renamed operators: its bindings are deleted and created again under the new name", titles);
    }

    [Fact]
    public void A_case_only_rename_of_the_protected_node_role_says_to_keep_the_spelling()
    {
        var finding = Assert.Single(Stacks.DiffFindings(Prod, Prod.Replace("nodeRoleName: prod-eks-node-role\n", "nodeRoleName: Prod-eks-node-role\n", StringComparison.Ordinal)), f => f.Subject == "cluster.nodeRoleName");

        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains("exactly as it is spelled", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Set protect: false", finding.Detail, StringComparison.Ordinal);
    }

    private const string ModePath = "eks-infra:access.authenticationMode";

    [Theory]
    [InlineData("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIGMAP")]
    [InlineData("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: [CONFIG_MAP]")]
    [InlineData("authenticationMode: API_AND_CONFIG_MAP", "authenticatoinMode: CONFIG_MAP")]
    [InlineData("  eks-infra:access:", "  eks-infra:acess:")]
    public void An_invalid_base_whose_mode_cannot_be_read_does_not_move_the_mode(string from, string to)
    {
        // The base meant CONFIG_MAP but did not say it readably; the binder falls back to the default,
        // API_AND_CONFIG_MAP, and the pull request that spells CONFIG_MAP right was blocked as a backward move.
        var broken = Stacks.EvaluateText(Stacks.Edit(Dev, from, to));
        Assert.Null(broken.Plan);
        var head = Stacks.ValidPlanOf(Stacks.Edit(Dev, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP"));

        var report = AccessDiff.Compare(null, head, "main", broken);

        Assert.DoesNotContain(report.Findings, f => f.Subject == "authenticationMode");
        Assert.Equal([AccessDiff.BaseNotPlannedSubject], report.Findings.Where(f => f.Level == FindingLevel.Error).Select(f => f.Subject));
        Assert.Contains(ModePath, report.UnreadInBase);
    }

    [Fact]
    public void Config_map_straight_to_api_is_blocked_as_migrate_refuses_it_and_the_two_steps_are_not()
    {
        var configMap = Stacks.ValidPlanOf(Stacks.Edit(Staging, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP"));
        var both = Stacks.ValidPlanOf(Staging);
        var api = Stacks.ValidPlanOf(Stacks.Edit(Staging, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: API"));

        var straight = Single(AccessDiff.Compare(configMap, api, "main").Findings, "authenticationMode", FindingLevel.Error);
        Assert.Equal("authentication mode moves from CONFIG_MAP straight to API", straight.Title);
        // The head already says API, where migrate refuses any move: diff's advice is a change of this file, not a command.
        Assert.DoesNotContain("eksinfra migrate", straight.Detail, StringComparison.Ordinal);
        Assert.EndsWith("set authenticationMode: API_AND_CONFIG_MAP in this change, apply it and check every principal's access entry, then move to API in a later change.", straight.Detail, StringComparison.Ordinal);
        var refusal = Assert.Single(EksInfra.Access.Migration.ModeMigration.Plan(api.StackName, "Pulumi.staging.yaml", Stacks.Edit(Staging, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP"), EksInfra.Access.Model.AuthenticationMode.Api).Blockers);
        Assert.StartsWith(EksInfra.Access.Migration.ModeMigration.OneStepToApi, refusal.Message, StringComparison.Ordinal);
        Assert.StartsWith(EksInfra.Access.Migration.ModeMigration.OneStepToApi, straight.Detail, StringComparison.Ordinal);
        Assert.Contains($"eksinfra migrate {api.StackName} --to API_AND_CONFIG_MAP --write", refusal.Message, StringComparison.Ordinal);

        Assert.Equal(FindingLevel.Danger, Single(AccessDiff.Compare(configMap, both, "main").Findings, "authenticationMode", FindingLevel.Danger).Level);
        Assert.Equal(FindingLevel.Danger, Single(AccessDiff.Compare(both, api, "main").Findings, "authenticationMode", FindingLevel.Danger).Level);
    }

    [Fact]
    public void An_invalid_base_whose_mode_cannot_be_read_is_not_a_forward_move_either()
    {
        var broken = Stacks.EvaluateText(Stacks.Edit(Prod, "authenticationMode: API\n", "authenticationMode: Api\n"));
        Assert.Null(broken.Plan);

        var report = AccessDiff.Compare(null, Stacks.ValidPlanOf(Prod), "main", broken);

        Assert.DoesNotContain(report.Findings, f => f.Subject == "authenticationMode");
        Assert.Equal([ModePath], report.UnreadInBase);
    }

    [Fact]
    public void An_invalid_base_that_states_its_mode_still_blocks_a_backward_move()
    {
        // A misspelt key beside the mode, one the binder does not take for it: the mode itself was read, so the guard runs.
        var broken = Stacks.EvaluateText(Stacks.Edit(Staging, "    mapUsers:\n", "    mapUesrs:\n"));
        Assert.Null(broken.Plan);
        var head = Stacks.ValidPlanOf(Stacks.Edit(Staging, "authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP"));

        var report = AccessDiff.Compare(null, head, "main", broken);

        var mode = Single(report.Findings, "authenticationMode", FindingLevel.Error);
        Assert.Equal("authentication mode moves backwards: API_AND_CONFIG_MAP → CONFIG_MAP", mode.Title);
        Assert.DoesNotContain(ModePath, report.UnreadInBase);
    }

    [Theory]
    [InlineData("staging", "serviceRoleName:", "serviceRoleNmae:", "eks-infra:cluster.serviceRoleName")]
    [InlineData("staging", "nodeRoleName:", "nodeRoleNmae:", "eks-infra:cluster.nodeRoleName")]
    [InlineData("prod", "vpcId:", "vpcID:", "eks-infra:cluster.vpcId")]
    public void An_invalid_base_with_a_misspelt_defaulted_key_is_not_read_as_a_change(string stack, string from, string to, string path)
    {
        // The binder gives the misspelt value its default (eks-cluster-role, eks-node-role, no VPC): compared, that
        // read as the cluster's role replaced, the node role dropped from aws-auth, or a VPC named for the first time.
        var head = stack == "prod" ? Prod : Staging;
        var broken = Stacks.EvaluateText(Stacks.Edit(head, from, to));
        Assert.Null(broken.Plan);

        var report = AccessDiff.Compare(null, Stacks.ValidPlanOf(head), "main", broken);

        Assert.DoesNotContain(report.Findings, f => f.Level <= FindingLevel.Danger && !f.Title.StartsWith("new cluster admin", StringComparison.Ordinal) && f.Subject != AccessDiff.BaseNotPlannedSubject);
        Assert.Equal([path], report.UnreadInBase);
    }

    [Fact]
    public void A_base_that_is_not_yaml_has_no_value_to_compare()
    {
        var broken = Stacks.EvaluateText("config:\n  aws:region: [\n");
        Assert.Null(broken.Plan);

        var report = AccessDiff.Compare(null, Stacks.ValidPlanOf(Prod), "main", broken);

        Assert.DoesNotContain(report.Findings, f => f.Level <= FindingLevel.Danger && !f.Title.StartsWith("new cluster admin", StringComparison.Ordinal) && f.Subject != AccessDiff.BaseNotPlannedSubject);
        Assert.Contains("eks-infra:cluster.serviceRoleName", report.UnreadInBase);
        Assert.Contains("aws:region", report.UnreadInBase);
        Assert.Contains(ModePath, report.UnreadInBase);
    }
}

/// <summary>What a ClusterRole the stack defines lets its groups do, rule by rule, including the objects a rule names.</summary>
public class ClusterRoleDiffTests
{
    private static string OnVersion(string version) =>
        Stacks.Minimal().Replace("    name: my-cluster\n", $"    name: my-cluster\n    version: \"{version}\"\n", StringComparison.Ordinal);

    [Theory]
    [InlineData("1.34", "1.32", "goes down more than one minor version")]
    [InlineData("1.33", "1.35", "skips a minor version")]
    public void A_version_change_eks_cannot_make_is_an_error(string from, string to, string gist)
    {
        var finding = Assert.Single(Stacks.DiffFindings(OnVersion(from), OnVersion(to)), f => f.Subject == "cluster.version");
        Assert.Equal(FindingLevel.Error, finding.Level);
        Assert.Contains(gist, finding.Title, StringComparison.Ordinal);
    }

    /// <summary>pulumi-eks gives each managed node group the cluster's version, so the upgrade rolls every group's nodes.</summary>
    [Fact]
    public void A_one_minor_upgrade_is_listed_with_the_node_groups_it_rolls()
    {
        var finding = Assert.Single(Stacks.DiffFindings(OnVersion("1.34"), OnVersion("1.35")), f => f.Subject == "cluster.version");

        Assert.Equal(FindingLevel.Changed, finding.Level);
        Assert.Equal("the Kubernetes version is upgraded: 1.34 → 1.35", finding.Title);
        Assert.Contains("every managed node group of the stack follows it", finding.Detail, StringComparison.Ordinal);
    }

    private static string WithCompute(string version, string compute) =>
        OnVersion(version).Replace($"    version: \"{version}\"\n", $"    version: \"{version}\"\n{compute}", StringComparison.Ordinal);

    /// <summary>
    /// EKS gave a managed node group without amiType AL2 before 1.30 ("Previously, new node groups would default to Amazon
    /// Linux 2") and publishes no AL2 AMI after 1.32, so the upgrade to 1.33 names the groups that may be on AL2.
    /// </summary>
    [Theory]
    [InlineData("1.32", "1.33", "", true)]
    [InlineData("1.32", "1.33", "      amiType: AL2023_x86_64_STANDARD\n", false)]
    [InlineData("1.33", "1.34", "", false)]
    public void An_upgrade_past_the_last_al2_version_names_the_groups_without_an_ami_type(string from, string to, string ami, bool named)
    {
        var compute = $"    nodeGroups:\n    - name: system\n      instanceTypes: [m6i.large]\n{ami}      desiredSize: 2\n      minSize: 1\n      maxSize: 3\n";

        var finding = Assert.Single(Stacks.DiffFindings(WithCompute(from, compute), WithCompute(to, compute)), f => f.Subject == "cluster.version");

        Assert.Equal(named ? FindingLevel.Danger : FindingLevel.Changed, finding.Level);
        Assert.Equal(named, finding.Detail.Contains("The groups without amiType (system) run Amazon Linux 2 if they were made while the cluster ran 1.29 or earlier", StringComparison.Ordinal));
    }

    /// <summary>EKS: "Existing Fargate Pods aren't changed", and Fargate nodes behind the control plane block the next upgrade.</summary>
    [Fact]
    public void An_upgrade_says_fargate_pods_keep_their_version_until_restarted()
    {
        var compute = "    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n    vpcId: vpc-0a1b2c3d4e5f60718\n    fargateProfiles:\n    - name: batch\n      selectors: [{ namespace: batch }]\n";

        var finding = Assert.Single(Stacks.DiffFindings(WithCompute("1.34", compute), WithCompute("1.35", compute)), f => f.Subject == "cluster.version");

        Assert.Contains("Fargate pods are not moved", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("restart the workloads of batch", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Fargate", Assert.Single(Stacks.DiffFindings(OnVersion("1.34"), OnVersion("1.35")), f => f.Subject == "cluster.version").Detail, StringComparison.Ordinal);

        // A profile added in the same change has no pods yet.
        var added = Assert.Single(Stacks.DiffFindings(WithCompute("1.34", "    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n    vpcId: vpc-0a1b2c3d4e5f60718\n"), WithCompute("1.35", compute)), f => f.Subject == "cluster.version");
        Assert.DoesNotContain("Fargate pods are not moved", added.Detail, StringComparison.Ordinal);
    }

    /// <summary>The one-group nodeGroup form's EKS name is generated, so the AL2 note points to list-nodegroups for it.</summary>
    [Fact]
    public void The_al2_note_names_a_generated_group_by_how_to_find_it()
    {
        var finding = Assert.Single(Stacks.DiffFindings(OnVersion("1.32"), OnVersion("1.33")), f => f.Subject == "cluster.version");

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("aws eks list-nodegroups --cluster-name my-cluster", finding.Detail, StringComparison.Ordinal);
    }

    /// <summary>UpdateClusterVersion: "all of your node groups' Kubernetes versions must match the cluster's Kubernetes version".</summary>
    [Fact]
    public void An_upgrade_with_managed_node_groups_made_outside_the_stack_is_a_danger_naming_them()
    {
        const string outside = "    nodeRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/eksctl-ng-role\", kind: linux, managedNodeGroup: true }\n";
        string On(string version) => OnVersion(version).Replace("    groups:\n", outside + "    groups:\n", StringComparison.Ordinal);

        var finding = Assert.Single(Stacks.DiffFindings(On("1.34"), On("1.35")), f => f.Subject == "cluster.version");

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("UpdateClusterVersion refuses the upgrade unless every managed node group is at the cluster's version, 1.34", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::123456789012:role/eksctl-ng-role", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_set_for_the_first_time_is_a_danger_asking_for_the_live_one()
    {
        var finding = Assert.Single(Stacks.DiffFindings(Stacks.Minimal(), OnVersion("1.35")), f => f.Subject == "cluster.version");

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("aws eks describe-cluster --name my-cluster --region us-west-2 --query cluster.version", finding.Detail, StringComparison.Ordinal);
    }

    // EKS User Guide, "Rollback cluster to previous Kubernetes version": one minor version back, within 7 days of an
    // in-place upgrade; "Managed Node Groups. You must roll back these separately using the UpdateNodegroupVersion API."
    [Fact]
    public void One_minor_version_back_is_a_rollback_flagged_with_its_window_and_the_node_groups_first()
    {
        var finding = Stacks.DiffFindings(OnVersion("1.34"), OnVersion("1.33")).Single(f => f.Subject == "cluster.version");

        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("rolled back", finding.Title, StringComparison.Ordinal);
        Assert.Contains("within 7 days", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("update-nodegroup-version", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("--kubernetes-version 1.33", finding.Detail, StringComparison.Ordinal);
    }

    private static string WithSecretReader(string rule) => Stacks.Minimal(access: $$"""
            mapUsers:
              - { userarn: "arn:aws:iam::123456789012:user/ci", username: ci, groups: [ci-secrets] }
            clusterRoles:
              secret-reader:
                rules:
                  - {{rule}}
        """).Replace("    groups:\n      deployers:", "    groups:\n      ci-secrets: { clusterRole: secret-reader, namespaces: [apps] }\n      deployers:", StringComparison.Ordinal);

    private const string Named = "{ apiGroups: [\"\"], resources: [secrets], verbs: [get], resourceNames: [ci-config] }";

    [Fact]
    public void Dropping_resource_names_is_a_danger_since_the_rule_reaches_every_object()
    {
        var findings = Stacks.DiffFindings(WithSecretReader(Named), WithSecretReader("{ apiGroups: [\"\"], resources: [secrets], verbs: [get] }"));

        var finding = Assert.Single(findings, f => f.Subject == "ClusterRole secret-reader");
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains("drops resourceNames", finding.Title, StringComparison.Ordinal);
        Assert.Contains("(was: get on core/secrets named ci-config)", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ apiGroups: [\"\"], resources: [secrets], verbs: [get, list] }")]
    [InlineData("{ apiGroups: [\"\"], resources: [configmaps, secrets], verbs: [get] }")]
    public void Dropping_resource_names_while_widening_the_rule_is_a_danger_too(string rule) =>
        Assert.Equal(FindingLevel.Danger, Assert.Single(Stacks.DiffFindings(WithSecretReader(Named), WithSecretReader(rule)), f => f.Subject == "ClusterRole secret-reader").Level);

    [Theory]
    [InlineData("{ apiGroups: [\"\"], resources: [users, groups], verbs: [impersonate] }", "('impersonate' on users)")]
    [InlineData("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update] }", "('escalate' on clusterroles)")]
    public void A_rule_that_lets_the_groups_raise_their_own_access_is_a_danger(string rule, string what)
    {
        var finding = Assert.Single(Stacks.DiffFindings(WithSecretReader(Named), WithSecretReader(rule)), f => f.Subject == "ClusterRole secret-reader");
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Contains($"now lets its groups raise their own access {what}", finding.Title, StringComparison.Ordinal);

        var limited = Assert.Single(Stacks.DiffFindings(WithSecretReader(Named), WithSecretReader("{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view] }")), f => f.Subject == "ClusterRole secret-reader");
        Assert.Equal(FindingLevel.Changed, limited.Level);
    }

    [Fact]
    public void Changing_the_names_alone_is_reported_and_adding_them_is_no_danger()
    {
        var renamed = Assert.Single(Stacks.DiffFindings(WithSecretReader(Named), WithSecretReader(Named.Replace("ci-config", "ci-token", StringComparison.Ordinal))), f => f.Subject == "ClusterRole secret-reader");
        Assert.Equal(FindingLevel.Changed, renamed.Level);
        Assert.Contains("now: get on core/secrets named ci-token", renamed.Detail, StringComparison.Ordinal);

        var narrowed = Assert.Single(Stacks.DiffFindings(WithSecretReader("{ apiGroups: [\"\"], resources: [secrets], verbs: [get] }"), WithSecretReader(Named)), f => f.Subject == "ClusterRole secret-reader");
        Assert.Equal(FindingLevel.Changed, narrowed.Level);
        Assert.DoesNotContain(Stacks.DiffFindings(WithSecretReader(Named), WithSecretReader(Named)), f => f.Subject == "ClusterRole secret-reader");
    }
}

/// <summary>A ClusterRole of the stack that allows every verb on every resource is cluster-admin by another name.</summary>
public class AdminEquivalentRoleTests
{
    private static string WithOps(string opsRole, string opsNamespaces = "") => Stacks.Minimal(access: $$"""
            mapUsers:
              - { userarn: "arn:aws:iam::123456789012:user/qa-lead", username: qa-lead, groups: [deployers{{(opsRole.Length == 0 ? "" : ", ops")}}] }
            clusterRoles:
              superuser:
                rules:
                  - { apiGroups: ["*"], resources: ["*"], verbs: ["*"] }
        """).Replace("    groups:\n      deployers:", $"    groups:\n{(opsRole.Length == 0 ? "" : $"      ops: {{ clusterRole: {opsRole}{opsNamespaces} }}\n")}      deployers:", StringComparison.Ordinal);

    [Fact]
    public void Joining_a_group_bound_to_a_wildcard_role_is_becoming_cluster_admin_in_diff_and_who()
    {
        var findings = Stacks.DiffFindings(WithOps(""), WithOps("superuser"));

        Assert.Contains(findings, f => f.Level == FindingLevel.Danger && f.Subject == "arn:aws:iam::123456789012:user/qa-lead" && f.Title.Contains("cluster admin", StringComparison.Ordinal));
        var qaLead = Assert.Single(Stacks.ValidPlanOf(WithOps("superuser")).Principals, p => p.Principal == "arn:aws:iam::123456789012:user/qa-lead");
        Assert.True(qaLead.IsClusterAdmin);
        Assert.False(Assert.Single(Stacks.ValidPlanOf(WithOps("superuser", ", namespaces: [apps]")).Principals, p => p.Principal == "arn:aws:iam::123456789012:user/qa-lead").IsClusterAdmin);
        Assert.False(Assert.Single(Stacks.ValidPlanOf(WithOps("edit")).Principals, p => p.Principal == "arn:aws:iam::123456789012:user/qa-lead").IsClusterAdmin);
    }

    [Fact]
    public void The_binding_is_warned_as_full_admin_and_counts_against_a_locked_out_cluster()
    {
        var evaluation = Stacks.EvaluateText(WithOps("superuser"));
        Assert.Contains(evaluation.Warnings, w => w.Path == "eks-infra:access.groups.ops.clusterRole" && w.Message.Contains("whose rules allow every verb on every resource", StringComparison.Ordinal));

        // With system:masters gone, the wildcard role is the cluster's admin: no lockout error.
        var onlyWildcard = WithOps("superuser").Replace("groups: [system:masters]", "groups: [ops]", StringComparison.Ordinal);
        Assert.True(Stacks.EvaluateText(onlyWildcard).IsValid, Stacks.Describe(Stacks.EvaluateText(onlyWildcard)));
        Assert.False(Stacks.EvaluateText(onlyWildcard.Replace("verbs: [\"*\"]", "verbs: [get]", StringComparison.Ordinal)).IsValid);
    }
}

/// <summary>An access entry's groups taken to none: the AWS provider's kubernetes_groups is Optional and Computed, so they stay.</summary>
public class AccessEntryGroupsDiffTests
{
    [Fact]
    public void Taking_an_entrys_last_groups_away_is_a_danger_since_the_provider_leaves_them()
    {
        var before = Stacks.Minimal();
        var after = Stacks.Edit(before, "        groups: [deployers]\n", "        groups: []\n        accessPolicies: [{ policy: AmazonEKSViewPolicy }]\n");

        var finding = Assert.Single(Stacks.DiffFindings(before, after), f => f.Title.Contains("last groups go", StringComparison.Ordinal));
        Assert.Equal(FindingLevel.Danger, finding.Level);
        Assert.Equal("arn:aws:iam::123456789012:role/ci/deployer", finding.Subject);
        Assert.Contains("leaves them on it: deployers", finding.Title, StringComparison.Ordinal);

        var fewer = Stacks.Edit(Stacks.Edit(before, "        groups: [deployers]\n", "        groups: [deployers, viewers]\n"), "    groups:\n", "    groups:\n      viewers: { clusterRole: view }\n");
        Assert.DoesNotContain(Stacks.DiffFindings(fewer, before), f => f.Title.Contains("last groups go", StringComparison.Ordinal));
    }
}
