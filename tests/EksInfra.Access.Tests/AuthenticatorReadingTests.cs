using System.Text;
using EksInfra.Access.Audit;
using EksInfra.Access.Import;
using EksInfra.Access.Config;

namespace EksInfra.Access.Tests;

/// <summary>
/// The importer and the audit read a live aws-auth as aws-iam-authenticator does (pkg/mapper/configmap ParseMap and
/// saveMap): field names in any case, each ARN's last mapping only, empty values as no mappings.
/// </summary>
public class AuthenticatorReadingTests
{
    private static byte[] AwsAuth(string mapRoles) => AwsAuthManifests.Bytes("  mapRoles: |\n" + mapRoles);

    private static AuditReport Audit(byte[] awsAuth) =>
        AccessAudit.Compare(Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP")), new LiveCluster(LiveInputs.ReadAwsAuthExport(awsAuth, "aws-auth.yaml").Mappings, null, null));

    private const string MixedCase = """
            - RoleArn: arn:aws:iam::123456789012:role/platform-admin
              UserName: platform-admin
              Groups:
                - system:masters
            - roleARN: arn:aws:iam::123456789012:role/viewer
              username: viewer
              groups: [viewers]
        """;

    private const string Duplicated = """
            - rolearn: arn:aws:iam::123456789012:role/sneaky
              username: sneaky
              groups: [viewers]
            - rolearn: arn:aws:iam::123456789012:role/SNEAKY
              username: sneaky-admin
              groups: [system:masters]
        """;

    /// <summary>A key given twice in one entry: sigs.k8s.io/yaml (go-yaml v2, not strict) keeps the last, and no error stops the read.</summary>
    private const string KeyGivenTwice = """
            - rolearn: arn:aws:iam::123456789012:role/ops
              username: ops
              groups: [viewers]
              groups: [system:masters]
        """;

    [Fact]
    public void Audit_reads_a_key_given_twice_as_its_last_value_and_blocks_on_the_admin_it_grants()
    {
        var report = Audit(AwsAuth(KeyGivenTwice));

        var finding = Assert.Single(report.Blocking, f => f.Subject == "arn:aws:iam::123456789012:role/ops");
        Assert.Contains("groups is given twice and the authenticator keeps the last", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_takes_an_sts_session_arn_in_aws_auth_for_the_dead_entry_it_is()
    {
        var report = Audit(AwsAuth("""
                - rolearn: arn:aws:sts::123456789012:assumed-role/break-glass/alice
                  username: alice
                  groups: [system:masters]
            """));

        Assert.False(report.HasBlocking);
        Assert.Contains(report.Findings, f => f.Subject == "arn:aws:sts::123456789012:assumed-role/break-glass/alice" && f.Detail.Contains("never by a session's, so this entry grants nothing", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_says_which_groups_of_a_node_mapping_it_does_not_carry()
    {
        var imported = AwsAuthImporter.Import(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes, system:masters]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("also gets system:masters, which the cluster grants it today", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_takes_an_export_whose_map_keys_yaml_reads_as_numbers()
    {
        // The rule against such keys is of stack files, which Pulumi reads; an aws-auth export is read by the tool alone.
        var export = System.Text.Encoding.UTF8.GetString(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: ops
                  groups: [viewers]
            """)).Replace("metadata:\n", "metadata:\n  labels: { 2024: x, 0x1f: y }\n", StringComparison.Ordinal);
        Assert.Contains("0x1f: y", export, StringComparison.Ordinal);

        var imported = AwsAuthImporter.Import(System.Text.Encoding.UTF8.GetBytes(export), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.NotNull(imported.AccessBlockYaml);
    }

    [Fact]
    public void Import_carries_a_key_given_twice_as_its_last_value_and_says_so()
    {
        var imported = AwsAuthImporter.Import(AwsAuth(KeyGivenTwice), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var mapRoles = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"]["mapRoles"];
        var only = (YamlDotNet.RepresentationModel.YamlMappingNode)Assert.Single(mapRoles.Children);
        Assert.Equal(["system:masters"], ((YamlDotNet.RepresentationModel.YamlSequenceNode)only["groups"]).Children.Select(g => g.ToString()));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0].groups" && s.Why.Contains("appears twice in one map (first at line 3); the cluster's authenticator (sigs.k8s.io/yaml) keeps the last", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_says_nothing_of_a_key_given_twice_in_an_entry_it_does_not_carry_over()
    {
        var imported = AwsAuthImporter.Import(AwsAuth(KeyGivenTwice + """

                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: ops
                  groups: [viewers]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("is mapped again at data.mapRoles[1]", StringComparison.Ordinal));
        Assert.DoesNotContain(imported.Skipped, s => s.Where.StartsWith("data.mapRoles[0].", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_reads_field_names_in_any_case_as_the_authenticator_does()
    {
        var imported = AwsAuthImporter.Import(AwsAuth(MixedCase), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var roles = Reparse.Root(imported.AccessBlockYaml!);
        var mapRoles = Assert.IsType<YamlDotNet.RepresentationModel.YamlSequenceNode>(roles["config"]["eks-infra:access"]["mapRoles"]);
        var byArn = mapRoles.Children.Cast<YamlDotNet.RepresentationModel.YamlMappingNode>()
            .ToDictionary(m => m["rolearn"].ToString(), m => (m["username"].ToString(), string.Join(",", ((YamlDotNet.RepresentationModel.YamlSequenceNode)m["groups"]).Children)), StringComparer.Ordinal);
        Assert.Equal(("platform-admin", "system:masters"), byArn["arn:aws:iam::123456789012:role/platform-admin"]);
        Assert.Equal(("viewer", "viewers"), byArn["arn:aws:iam::123456789012:role/viewer"]);
        Assert.DoesNotContain(imported.Skipped, s => s.Why.Contains("keys the model does not carry", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_carries_only_the_last_mapping_of_an_arn_which_is_the_one_the_cluster_reads()
    {
        var imported = AwsAuthImporter.Import(AwsAuth(Duplicated), "aws-auth.yaml");

        var mapRoles = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"]["mapRoles"];
        var only = (YamlDotNet.RepresentationModel.YamlMappingNode)Assert.Single(mapRoles.Children);
        Assert.Equal("sneaky-admin", only["username"].ToString());
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("mapped again at data.mapRoles[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_writes_the_same_block_whatever_order_the_live_configmap_lists_its_mappings()
    {
        const string first = """
                - rolearn: arn:aws:iam::123456789012:role/zeta
                  username: zeta
                  groups: [viewers]
                - rolearn: arn:aws:iam::123456789012:role/nodes
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes]
                - rolearn: arn:aws:iam::123456789012:role/alpha
                  username: alpha
                  groups: [editors]
            """;
        const string reversed = """
                - rolearn: arn:aws:iam::123456789012:role/alpha
                  username: alpha
                  groups: [editors]
                - rolearn: arn:aws:iam::123456789012:role/nodes
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes]
                - rolearn: arn:aws:iam::123456789012:role/zeta
                  username: zeta
                  groups: [viewers]
            """;

        var a = AwsAuthImporter.Import(AwsAuth(first), "aws-auth.yaml").AccessBlockYaml!;
        var b = AwsAuthImporter.Import(AwsAuth(reversed), "aws-auth.yaml").AccessBlockYaml!;

        Assert.Equal(a, b);
        var mapRoles = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(a)["config"]["eks-infra:access"]["mapRoles"];
        Assert.Equal(
            ["arn:aws:iam::123456789012:role/alpha", "arn:aws:iam::123456789012:role/zeta"],
            mapRoles.Children.Select(m => m["rolearn"].ToString()));
    }

    [Fact]
    public void Import_does_not_carry_a_role_arn_with_a_path_that_grants_nothing_today()
    {
        var imported = AwsAuthImporter.Import(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/teams/platform/admins
                  username: admin
                  groups: [system:masters]
                - rolearn: arn:aws:iam::123456789012:role/viewer
                  username: viewer
                  groups: [viewers]
            """), "aws-auth.yaml");

        Assert.DoesNotContain("teams/platform/admins", imported.AccessBlockYaml, StringComparison.Ordinal);
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("not carried over", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("``")]
    [InlineData("''")]
    public void An_empty_mapusers_holds_no_mappings_and_the_roles_are_still_imported(string empty)
    {
        var bytes = AwsAuthManifests.Bytes($$"""
              mapUsers: {{(empty == "''" ? "''" : "'" + empty + "'")}}
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/viewer
                  username: viewer
                  groups: [viewers]
            """);

        var imported = AwsAuthImporter.Import(bytes, "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Contains("role/viewer", imported.AccessBlockYaml, StringComparison.Ordinal);
        Assert.Single(LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml").Mappings);
    }

    [Fact]
    public void Import_notes_groups_that_are_not_a_list()
    {
        var imported = AwsAuthImporter.Import(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/viewer
                  username: viewer
                  groups: system:masters
            """), "aws-auth.yaml");

        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("not a list", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_sees_the_groups_of_a_capitalised_key_and_blocks_on_the_unmanaged_admin()
    {
        var report = Audit(AwsAuth(MixedCase));

        Assert.True(report.HasBlocking);
        Assert.Contains(report.Blocking, f => f.Subject == "arn:aws:iam::123456789012:role/platform-admin");
    }

    [Fact]
    public void Audit_takes_the_last_mapping_of_an_arn_and_blocks_on_the_admin_it_grants()
    {
        var report = Audit(AwsAuth(Duplicated));

        Assert.Contains(report.Blocking, f => f.Subject.Equals("arn:aws:iam::123456789012:role/SNEAKY", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Subject == "arn:aws:iam::123456789012:role/sneaky" && f.Title.Contains("mapped again later", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_counts_a_user_arn_with_a_path_in_maproles_as_live()
    {
        // The caller's canonical ARN keeps a user's path, so this entry matches: it is an unmanaged cluster admin.
        var report = Audit(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:user/contractors/eve
                  username: eve
                  groups: [system:masters]
            """));

        Assert.Contains(report.Blocking, f => f.Subject == "arn:aws:iam::123456789012:user/contractors/eve");
    }

    [Theory]
    [InlineData("HYBRID_LINUX")]
    [InlineData("HYPERPOD_LINUX")]
    [InlineData("EC2")]
    public void Audit_lists_a_node_entry_type_access_nodeRoles_cannot_declare_as_unmanaged_without_failing(string type)
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("API"));
        var entry = new LiveAccessEntry("arn:aws:iam::123456789012:role/hyperpod-nodes", type, "system:node:{{SessionName}}", ["system:nodes"], [], "access entry accessEntries[0]");

        var report = AccessAudit.Compare(plan, new LiveCluster(null, [entry], null));

        var finding = Assert.Single(report.Findings, f => f.Subject == entry.PrincipalArn);
        Assert.Equal((AuditSection.Unmanaged, $"{type} entry of a role the model does not know (access entry accessEntries[0])", false), (finding.Section, finding.Title, finding.ReachesAdmin));
        Assert.Contains("so keep it only if such nodes use it; otherwise its holders can register as any node: delete the entry", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("access.nodeRoles", finding.Detail, StringComparison.Ordinal);
        Assert.False(report.HasBlocking);
    }

    [Fact]
    public void Audit_reports_a_live_mapped_account_the_model_does_not_map_and_one_it_maps_that_is_gone()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP", "    mapAccounts: [\"210987654321\"]"));
        var bytes = AwsAuthManifests.Bytes("""
              mapAccounts: |
                - "333333333333"
            """);

        var export = LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml");
        var report = AccessAudit.Compare(plan, new LiveCluster(export.Mappings, null, null) { AwsAuthAccounts = export.Accounts });

        Assert.Equal(["333333333333"], export.Accounts);
        Assert.Contains(report.Findings, f => f.Section == AuditSection.Unmanaged && f.Subject == "333333333333");
        Assert.Contains(report.Findings, f => f.Section == AuditSection.Missing && f.Subject == "210987654321");
    }

    // server.go renderTemplates renders every group of a mapping as it renders the username, so a live group
    // 'team-{{AccountID}}' reaches RBAC, and the API server's system:masters check, as 'team-123456789012'.
    [Fact]
    public void Audit_renders_the_templates_of_a_live_group_before_matching_rbac_group_subjects()
    {
        var rbac = new Authorization.ClusterRbac(
            Authorization.RbacData.BuiltInClusterRoles,
            new Dictionary<(string, string), IReadOnlyList<Planning.PolicyRulePlan>>(),
            [new Authorization.RbacBinding("team-admins", "", "ClusterRole", "cluster-admin", [new Authorization.RbacSubject("Group", "team-123456789012")], new Dictionary<string, string>())]);
        var mappings = LiveInputs.ReadAwsAuthExport(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/team
                  username: team:{{SessionName}}
                  groups: ["team-{{AccountID}}"]
            """), "aws-auth.yaml").Mappings;

        var report = AccessAudit.Compare(Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP")), new LiveCluster(mappings, null, rbac));

        Assert.Contains(report.Blocking, f => f.Subject == "arn:aws:iam::123456789012:role/team");
    }

    [Theory]
    [InlineData("system:master{{SessionName}}", true)]
    [InlineData("system:{{AccountID}}", false)]
    // The caller picks the session name when assuming the role: 'system' is one.
    [InlineData("{{SessionNameRaw}}:masters", true)]
    [InlineData("{{AccountID}}:masters", false)]
    public void Audit_counts_a_live_group_template_that_can_render_as_system_masters_as_admin(string group, bool admin)
    {
        var report = Audit(AwsAuth($$$"""
                - rolearn: arn:aws:iam::123456789012:role/team
                  username: team:{{SessionName}}
                  groups: ["{{{group}}}"]
            """));

        Assert.Equal(admin, report.Blocking.Any(f => f.Subject == "arn:aws:iam::123456789012:role/team"));
    }

    // ParseMap: yaml.Unmarshal([]byte(accountsData), &awsAccounts) with yaml.v2, whose decoder.sequence keeps every item
    // that decodes into a string and drops the rest; ParseMap logs the error and saves the accounts it got.
    private static readonly byte[] AccountsWithItemsYamlV2Drops = AwsAuthManifests.Bytes("""
          mapAccounts: |
            - "111122223333"
            - {account: "444455556666"}
            - 777788889999
            - [555566667777]
            - ~
        """);

    [Fact]
    public void Audit_keeps_the_accounts_yaml_v2_decodes_and_lists_the_items_it_drops()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP", "    mapAccounts: [\"111122223333\"]"));
        var export = LiveInputs.ReadAwsAuthExport(AccountsWithItemsYamlV2Drops, "aws-auth.yaml");
        var report = AccessAudit.Compare(plan, new LiveCluster(export.Mappings, null, null) { AwsAuthAccounts = export.Accounts, AwsAuthDropped = export.Dropped });

        Assert.Equal(["111122223333", "777788889999"], export.Accounts);
        Assert.Equal(["aws-auth data.mapAccounts[1]", "aws-auth data.mapAccounts[3]"], export.Dropped.Select(d => d.Where));
        Assert.Contains(report.Findings, f => f.Section == AuditSection.Unmanaged && f.Subject == "777788889999");
        Assert.DoesNotContain(report.Findings, f => f.Subject == "111122223333");
        Assert.Contains(report.Findings, f => f.Subject == "aws-auth data.mapAccounts[1]" && f.Detail.Contains("not an account id", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_carries_the_accounts_yaml_v2_decodes_and_says_which_items_it_drops()
    {
        var imported = AwsAuthImporter.Import(AccountsWithItemsYamlV2Drops, "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var accounts = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"]["mapAccounts"];
        Assert.Equal(["111122223333", "777788889999"], accounts.Children.Select(c => ((YamlDotNet.RepresentationModel.YamlScalarNode)c).Value));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapAccounts[1]" && s.Why.Contains("not carried over", StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapAccounts[3]");
    }

    [Theory]
    [InlineData("RoleArn: arn:aws:iam::123456789012:role/upper", "rolearn: arn:aws:iam::123456789012:role/lower")]
    [InlineData("rolearn: arn:aws:iam::123456789012:role/lower", "RoleArn: arn:aws:iam::123456789012:role/upper")]
    public void Of_two_keys_that_differ_in_case_the_one_later_in_byte_order_wins_whatever_their_order(string first, string second)
    {
        // sigs.k8s.io/yaml turns the entry into JSON through a Go map, whose keys json.Marshal writes sorted.
        var imported = AwsAuthImporter.Import(AwsAuth($"""
                - {first}
                  {second}
                  username: someone
                  groups: [viewers]
            """), "aws-auth.yaml");

        Assert.Contains("role/lower", imported.AccessBlockYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("role/upper", imported.AccessBlockYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_names_an_sso_matcher_and_says_what_to_write_instead()
    {
        var imported = AwsAuthImporter.Import(AwsAuth("""
                - sso:
                    permissionSetName: Admins
                    accountID: "123456789012"
                  username: admin:{{SessionName}}
                  groups: [system:masters]
                - rolearn: arn:aws:iam::123456789012:role/viewer
                  username: viewer
                  groups: [viewers]
            """), "aws-auth.yaml");

        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapRoles[0]");
        Assert.Contains("permission set 'Admins' in account 123456789012", note.Why, StringComparison.Ordinal);
        Assert.Contains("AWSReservedSSO_Admins_", note.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("Admins", imported.AccessBlockYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_reports_an_sso_matcher_as_unmanaged_access_instead_of_refusing_the_export()
    {
        var report = Audit(AwsAuth("""
                - sso:
                    permissionSetName: Admins
                    accountID: "123456789012"
                  username: admin:{{SessionName}}
                  groups: [system:masters]
            """));

        var finding = Assert.Single(report.Blocking);
        Assert.Equal("sso:Admins@123456789012", finding.Subject);
        Assert.Contains("permission set Admins", finding.Title, StringComparison.Ordinal);
        // SSOArnLike's pattern, AWSReservedSSO_Admins_*, also takes the roles of a permission set named Admins_ReadOnly.
        Assert.Contains("every permission set named Admins_...", finding.Title, StringComparison.Ordinal);
    }

    // pkg/config/mapper.go SSOArnLike: `var partition string; if m.SSO.Partition == "" { partition = "aws" }`: a given
    // partition, even aws, is never copied in, so the pattern is arn::iam::... and ArnLike matches no caller with it.
    [Theory]
    [InlineData("aws")]
    [InlineData("aws-us-gov")]
    public void Audit_reports_an_sso_matcher_with_a_partition_as_matching_no_caller_not_as_live_admin(string partition)
    {
        var bytes = AwsAuth($$$"""
                - sso:
                    permissionSetName: Admins
                    accountID: "123456789012"
                    partition: {{{partition}}}
                  username: admin:{{SessionName}}
                  groups: [system:masters]
            """);
        var export = LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml");
        var report = AccessAudit.Compare(Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP")), new LiveCluster(export.Mappings, null, null) { AwsAuthDropped = export.Dropped });

        Assert.False(report.HasBlocking, string.Join("\n", report.Blocking.Select(f => f.Title)));
        var finding = Assert.Single(report.Findings, f => f.Subject == "aws-auth data.mapRoles[0]");
        Assert.Equal("an entry that matches no caller", finding.Title);
        Assert.Contains("remove partition", finding.Detail, StringComparison.Ordinal);
    }

    // RoleMapping.Matches: strings.EqualFold(m.RoleARN, subject) against the lower-cased canonical ARN; the mapping's ARN
    // is never parsed, so 'Role/' or 'ARN:' in aws-auth still matches, and a path in it still never matches.
    [Theory]
    [InlineData("arn:aws:iam::123456789012:Role/platform-viewer")]
    [InlineData("ARN:AWS:IAM::123456789012:ROLE/platform-viewer")]
    public void Import_carries_a_role_arn_the_authenticator_matches_ignoring_case_in_the_form_iam_shows(string arn)
    {
        var imported = AwsAuthImporter.Import(AwsAuth($"""
                - rolearn: {arn}
                  username: viewer
                  groups: [viewers]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var mapRoles = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"]["mapRoles"];
        Assert.Equal("arn:aws:iam::123456789012:role/platform-viewer", Reparse.Str(mapRoles.Children[0], "rolearn"));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains("ignoring case", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_takes_a_role_arn_with_a_path_in_another_case_for_the_entry_that_never_matches()
    {
        var report = Audit(AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:ROLE/team/break-glass
                  username: break-glass
                  groups: [system:masters]
            """));

        Assert.False(report.HasBlocking, string.Join("\n", report.Blocking.Select(f => f.Title)));
        Assert.Contains(report.Findings, f => f.Subject == "arn:aws:iam::123456789012:ROLE/team/break-glass" && f.Title.StartsWith("written with its IAM path", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_matches_a_live_role_arn_in_another_case_to_the_model_role_it_is()
    {
        var plan = Stacks.ValidPlanOf(Stacks.Minimal("CONFIG_MAP"));
        var admin = plan.AwsAuth!.MapRoles.First(m => m.Groups.Contains("system:masters"));
        var bytes = AwsAuth($"""
                - rolearn: {admin.RoleArn.Replace(":role/", ":Role/", StringComparison.Ordinal)}
                  username: {admin.Username}
                  groups: [system:masters]
            """);

        var report = AccessAudit.Compare(plan, new LiveCluster(LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml").Mappings, null, null));

        Assert.DoesNotContain(report.Findings, f => f.Section == AuditSection.Unmanaged);
    }

    private static byte[] AwsAuthOf(string mapRoles, string mapUsers) => AwsAuthManifests.Bytes("  mapRoles: |\n" + mapRoles + "\n  mapUsers: |\n" + mapUsers);

    private const string Bob = "arn:aws:iam::123456789012:user/bob";

    /// <summary>ConfigMapMapper.Map asks mapRoles first, ignoring case, and mapUsers only when no role mapping matches.</summary>
    private static readonly byte[] BobInBothLists = AwsAuthOf("""
            - rolearn: arn:aws:iam::123456789012:user/BOB
              username: bob
              groups: [viewers]
        """, """
            - userarn: arn:aws:iam::123456789012:user/bob
              username: bob
              groups: [system:masters]
        """);

    [Fact]
    public void Audit_takes_a_mapusers_mapping_of_an_arn_maproles_maps_too_for_one_that_grants_nothing()
    {
        var report = Audit(BobInBothLists);

        Assert.False(report.HasBlocking, string.Join("\n", report.Blocking.Select(f => $"{f.Subject}: {f.Title}")));
        var shadowed = Assert.Single(report.Findings, f => f.Subject == Bob);
        Assert.StartsWith("mapped in mapRoles too (aws-auth data.mapUsers[0], and aws-auth data.mapRoles[0])", shadowed.Title, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Subject == "arn:aws:iam::123456789012:user/BOB" && f.Section == AuditSection.Unmanaged && !f.ReachesAdmin);
    }

    [Fact]
    public void Import_does_not_carry_a_mapusers_mapping_the_mapRoles_one_answers_for()
    {
        var imported = AwsAuthImporter.Import(BobInBothLists, "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapUsers[0]" && s.Why.Contains("is mapped in mapRoles too (data.mapRoles[0])", StringComparison.Ordinal));
        // The mapRoles mapping, the one that answers, is carried; a user ARN, it goes under mapUsers.
        var access = (YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"];
        Assert.False(access.Children.ContainsKey("mapRoles"));
        var bob = (YamlDotNet.RepresentationModel.YamlMappingNode)Assert.Single(((YamlDotNet.RepresentationModel.YamlSequenceNode)access["mapUsers"]).Children);
        Assert.Equal(["viewers"], ((YamlDotNet.RepresentationModel.YamlSequenceNode)bob["groups"]).Children.Select(g => g.ToString()));
    }

    /// <summary>
    /// UserMapping.Key is the ARN as written, so two user mappings that differ in case are both stored, and MapStore
    /// answers with whichever its Go map's iteration meets first; the admin one must not pass as replaced.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Audit_judges_both_user_mappings_whose_arns_differ_only_in_case(bool adminFirst)
    {
        var admin = """
                - userarn: arn:aws:iam::123456789012:user/alice
                  username: alice
                  groups: [system:masters]
            """;
        var viewer = """
                - userarn: arn:aws:iam::123456789012:user/Alice
                  username: alice
                  groups: [viewers]
            """;
        var report = Audit(AwsAuthOf("", adminFirst ? admin + "\n" + viewer : viewer + "\n" + admin));

        var blocking = Assert.Single(report.Blocking);
        Assert.Equal("arn:aws:iam::123456789012:user/alice", blocking.Subject);
        Assert.Contains("the authenticator answers with either, request by request", blocking.Title, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Subject == "arn:aws:iam::123456789012:user/Alice" && f.Section == AuditSection.Unmanaged && !f.ReachesAdmin);
        Assert.DoesNotContain(report.Findings, f => f.Title.StartsWith("mapped again later", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_names_both_user_mappings_that_differ_only_in_case_and_check_refuses_the_pair()
    {
        var imported = AwsAuthImporter.Import(AwsAuthOf("", """
                - userarn: arn:aws:iam::123456789012:user/Alice
                  username: alice
                  groups: [viewers]
                - userarn: arn:aws:iam::123456789012:user/alice
                  username: alice
                  groups: [system:masters]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapUsers[0]" && s.Why.Contains("is mapped at data.mapUsers[1] too, in other case", StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapUsers[1]" && s.Why.Contains("is mapped at data.mapUsers[0] too, in other case", StringComparison.Ordinal));
        var stack = $$"""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              eks-infra:cluster:
                name: my-cluster
            {{imported.AccessBlockYaml!.Replace("config:\n", "", StringComparison.Ordinal).Replace("REPLACE-ME", "view", StringComparison.Ordinal)}}
            """;
        var errors = Stacks.EvaluateText(stack).Diagnostics.Where(d => d.IsError);
        Assert.Contains(errors, e => e.Path == "eks-infra:access.mapUsers[1].userarn" && e.Message.Contains("is mapped twice", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mapRoles")]
    [InlineData("mapUsers")]
    [InlineData("mapAccounts")]
    public void A_value_of_two_single_quotes_holds_no_mappings_as_the_authenticator_skips_it(string key)
    {
        var bytes = AwsAuthManifests.Bytes($"  {key}: \"''\"");

        var imported = AwsAuthImporter.Import(bytes, "aws-auth.yaml");
        Assert.Empty(imported.Errors);
        Assert.DoesNotContain(imported.Skipped, s => s.Where.StartsWith($"data.{key}", StringComparison.Ordinal));
        var live = LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml");
        Assert.Empty(live.Mappings);
        Assert.Empty(live.Accounts);
    }

    /// <summary>encoding/json's foldName reads U+017F as s and U+212A as k; the later key in byte order is decoded last.</summary>
    [Fact]
    public void A_key_that_folds_to_a_field_name_under_gos_rules_is_read_as_that_field()
    {
        var awsAuth = AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: ops
                  groups: [viewers]
                  groupſ: [system:masters]
            """);

        var report = Audit(awsAuth);
        Assert.Contains(report.Blocking, f => f.Subject == "arn:aws:iam::123456789012:role/ops");

        var imported = AwsAuthImporter.Import(awsAuth, "aws-auth.yaml");
        var only = (YamlDotNet.RepresentationModel.YamlMappingNode)Assert.Single(((YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"]["mapRoles"]).Children);
        Assert.Equal(["system:masters"], ((YamlDotNet.RepresentationModel.YamlSequenceNode)only["groups"]).Children.Select(g => g.ToString()));
        Assert.DoesNotContain(imported.Skipped, s => s.Why.Contains("keys the model does not carry", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("group\u017F", "groups", true)]
    [InlineData("\u017Fso", "sso", true)]
    [InlineData("ACCOUNTid", "accountID", true)]
    [InlineData("ROLEARN", "rolearn", true)]
    [InlineData("rolear\u0144", "rolearn", false)]
    [InlineData("gro\u00FCps", "groups", false)]
    [InlineData("userarn ", "userarn", false)]
    public void Keys_match_field_names_as_encoding_json_folds_them(string key, string field, bool matches) =>
        Assert.Equal(matches, AuthenticatorEntries.GoJsonNamesMatch(key, field));

    /// <summary>The authenticator matches the caller's canonical ARN, arn:...:root only for the root user's own credentials.</summary>
    [Fact]
    public void Import_says_a_root_mapping_is_the_root_user_and_not_an_account_mapping()
    {
        var imported = AwsAuthImporter.Import(AwsAuthOf("", """
                - userarn: arn:aws:iam::123456789012:root
                  username: admin
                  groups: [system:masters]
            """), "aws-auth.yaml");

        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapUsers[0]");
        Assert.Contains("matches only the account's root user", note.Why, StringComparison.Ordinal);
        Assert.Contains("mapAccounts is not the same thing", note.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("list the account under mapAccounts", note.Why, StringComparison.Ordinal);
    }

    /// <summary>
    /// go-yaml v2 resolves plain scalars by YAML 1.1 (resolve.go), so yes and on are booleans and 0x1F a number; encoding/json
    /// then fails to decode them into RoleMapping's string fields, which stay empty.
    /// </summary>
    private static readonly byte[] YamlOneOneScalars = AwsAuth("""
            - rolearn: arn:aws:iam::123456789012:role/ops
              username: yes
              groups: [viewers, on, "off", 0x1F]
        """);

    [Fact]
    public void Audit_reads_yaml_1_1_booleans_and_numbers_as_the_authenticator_decodes_them()
    {
        var mapping = Assert.Single(LiveInputs.ReadAwsAuthExport(YamlOneOneScalars, "aws-auth.yaml").Mappings);

        Assert.Equal("", mapping.Username);
        Assert.Equal(["", "", "off", "viewers"], mapping.Groups);
    }

    [Fact]
    public void Import_says_which_values_the_authenticator_reads_as_no_string_and_carries_none_of_them()
    {
        var imported = AwsAuthImporter.Import(YamlOneOneScalars, "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0].username" && s.Why.StartsWith("'yes' is a boolean to the authenticator", StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0].groups[1]" && s.Why.StartsWith("'on' is a boolean", StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0].groups[3]" && s.Why.StartsWith("'0x1F' is a number", StringComparison.Ordinal));
        var only = (YamlDotNet.RepresentationModel.YamlMappingNode)Assert.Single(((YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"]["mapRoles"]).Children);
        Assert.Equal(["viewers", "off"], ((YamlDotNet.RepresentationModel.YamlSequenceNode)only["groups"]).Children.Select(g => g.ToString()));
        Assert.Equal("", only["username"].ToString());
    }

    [Theory]
    [InlineData("yes", ScalarKind.Boolean)]
    [InlineData("Off", ScalarKind.Boolean)]
    [InlineData("y", ScalarKind.Boolean)]
    [InlineData("~", ScalarKind.Null)]
    [InlineData("", ScalarKind.Null)]
    [InlineData("-.Inf", ScalarKind.Number)]
    [InlineData("0x1F", ScalarKind.Number)]
    [InlineData("1_000", ScalarKind.Number)]
    [InlineData("yess", ScalarKind.Text)]
    [InlineData("1e400", ScalarKind.Text)]
    [InlineData("1e300", ScalarKind.Number)]
    [InlineData("2024-01-15", ScalarKind.Text)]
    [InlineData("system:masters", ScalarKind.Text)]
    public void Go_yaml_v2_resolves_plain_scalars_by_yaml_1_1(string plain, ScalarKind kind) =>
        Assert.Equal(kind, EksInfra.Access.Rendering.Yaml.GoYamlV2Resolves(plain));

    /// <summary>
    /// sigs.k8s.io/yaml's YAMLToJSON passes go-yaml's values to json.Marshal, which refuses NaN and the infinities, so
    /// ParseMap drops the whole list: one such value anywhere takes every mapping of it away, node roles included.
    /// </summary>
    [Theory]
    [InlineData(".nan")]
    [InlineData("-.Inf")]
    public void A_nan_or_infinity_anywhere_in_a_list_is_what_stops_the_authenticator_reading_all_of_it(string value)
    {
        var bytes = AwsAuth($$$"""
                - rolearn: arn:aws:iam::123456789012:role/nodes
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes]
                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: {{{value}}}
                  groups: [viewers]
            """);

        var imported = AwsAuthImporter.Import(bytes, "aws-auth.yaml");
        var error = Assert.Single(imported.Errors);
        Assert.Equal("data.mapRoles", error.Path);
        Assert.Contains("the cluster's authenticator is ignoring all of it", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}' is a float go-yaml reads as NaN or an infinity, which JSON cannot hold", error.Message, StringComparison.Ordinal);
        Assert.Null(imported.AccessBlockYaml);

        var refused = Assert.Throws<AuditInputException>(() => LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml"));
        Assert.Contains("ignoring every entry of it", refused.Message, StringComparison.Ordinal);

        // Quoted, it is a username like any other.
        Assert.Empty(AwsAuthImporter.Import(AwsAuth($"""
                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: "{value}"
                  groups: [viewers]
            """), "aws-auth.yaml").Errors);
    }

    /// <summary>RoleMapping.Validate (pkg/config/mapper.go) refuses these, and ParseMap drops each: it grants nothing.</summary>
    [Theory]
    [InlineData("- sso: {permissionSetName: Admin, accountID: 123456789012}", "has an sso accountID written unquoted (123456789012)")]
    [InlineData("- sso: {permissionSetName: Admin, accountID: \"12345\"}", "has an sso accountID '12345' that is not twelve digits")]
    [InlineData("- sso: {permissionSetName: \"Admin Team\", accountID: \"123456789012\"}", "permissionSetName 'Admin Team' that is not 1 to 32")]
    [InlineData("- rolearn: arn:aws:iam::123456789012:role/ops\n      sso: {permissionSetName: Admin, accountID: \"123456789012\"}", "has both a rolearn and an sso matcher")]
    public void A_mapping_the_authenticators_validation_refuses_is_dropped_not_counted(string entry, string why)
    {
        var bytes = AwsAuth($"    {entry}\n      username: admin\n      groups: [system:masters]\n");

        var live = LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml");
        Assert.Empty(live.Mappings);
        var dropped = Assert.Single(live.Dropped);
        Assert.Contains(why, dropped.Why, StringComparison.Ordinal);
        Assert.False(Audit(bytes).HasBlocking);

        var imported = AwsAuthImporter.Import(bytes, "aws-auth.yaml");
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.Contains(why, StringComparison.Ordinal) && s.Why.Contains("not carried over", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_sso_matcher_is_still_counted_as_live()
    {
        var bytes = AwsAuth("    - sso: {permissionSetName: Admin, accountID: \"123456789012\"}\n      username: admin\n      groups: [system:masters]\n");

        Assert.Equal("sso:Admin@123456789012", Assert.Single(LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml").Mappings).Arn);
        Assert.True(Audit(bytes).HasBlocking);
    }

    /// <summary>sigs.k8s.io/yaml's convertToJSONableObject refuses a null map key ("unsupported map key"): ParseMap drops the list.</summary>
    [Fact]
    public void A_null_key_anywhere_in_a_list_stops_the_authenticator_reading_all_of_it()
    {
        var bytes = AwsAuth("""
                - rolearn: arn:aws:iam::123456789012:role/ops
                  username: ops
                  groups: [viewers]
                  ~: 1
            """);

        var error = Assert.Single(AwsAuthImporter.Import(bytes, "aws-auth.yaml").Errors);
        Assert.Contains("the key '~' is null to go-yaml, which no JSON object key can be", error.Message, StringComparison.Ordinal);
        Assert.Throws<AuditInputException>(() => LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml"));
    }

    [Fact]
    public void Import_says_a_null_username_decodes_as_an_empty_one()
    {
        var imported = AwsAuthImporter.Import(AwsAuth("    - rolearn: arn:aws:iam::123456789012:role/ops\n      username: ~\n      groups: [viewers]\n"), "aws-auth.yaml");

        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0].username" && s.Why.StartsWith("'~' is null to the authenticator (go-yaml v2), which encoding/json decodes into a string as an empty one", StringComparison.Ordinal));
    }
}

/// <summary>What import carries of mappings the authenticator matches though they are written unusually.</summary>
public class ImportMatchingTests
{
    internal static YamlDotNet.RepresentationModel.YamlMappingNode Access(ImportResult imported) =>
        (YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"];

    internal static List<string> Arns(YamlDotNet.RepresentationModel.YamlMappingNode access, string list, string key) =>
        access.Children.TryGetValue(list, out var items)
            ? [.. ((YamlDotNet.RepresentationModel.YamlSequenceNode)items).Children.Select(i => ((YamlDotNet.RepresentationModel.YamlMappingNode)i)[key].ToString())]
            : [];

    /// <summary>mapper.go lower-cases the caller's canonical ARN and RoleMapping.Matches uses strings.EqualFold: `Role/` maps these nodes today.</summary>
    [Fact]
    public void A_node_role_written_in_another_case_is_carried_in_the_form_iam_shows()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:Role/KarpenterNodeRole-prod
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Equal(["arn:aws:iam::123456789012:role/KarpenterNodeRole-prod"], Arns(Access(imported), "nodeRoles", "rolearn"));
        Assert.Contains(imported.Skipped, s => s.Why.Contains("has its fixed parts in another case", StringComparison.Ordinal));
    }

    [Fact]
    public void A_node_role_listed_under_map_users_is_carried_as_a_node_role()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapUsers: |
                - userarn: arn:aws:iam::123456789012:role/nodes
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Equal(["arn:aws:iam::123456789012:role/nodes"], Arns(Access(imported), "nodeRoles", "rolearn"));
        Assert.DoesNotContain(imported.Skipped, s => s.Why.Contains("only an IAM role can be a node role", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mapping_without_groups_is_carried_with_a_note_that_check_refuses_it()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapUsers: |
                - userarn: arn:aws:iam::123456789012:user/my-user
                  username: my-user
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Equal(["arn:aws:iam::123456789012:user/my-user"], Arns(Access(imported), "mapUsers", "userarn"));
        Assert.Contains(imported.Skipped, s => s.Why.Contains("has no groups in aws-auth", StringComparison.Ordinal) && s.Why.Contains("`eksinfra check` refuses", StringComparison.Ordinal));
    }

    /// <summary>ConfigMapMapper.Map looks a caller up in mapRoles, then mapUsers, whatever its kind: both of these grant today.</summary>
    [Fact]
    public void A_user_under_map_roles_and_a_role_under_map_users_are_carried_to_their_own_lists()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:user/ops-user
                  username: ops-user
                  groups: [system:masters]
              mapUsers: |
                - userarn: arn:aws:iam::123456789012:role/role-in-users
                  username: role-in-users
                  groups: [system:masters]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var access = Access(imported);
        Assert.Equal(["arn:aws:iam::123456789012:user/ops-user"], Arns(access, "mapUsers", "userarn"));
        Assert.Equal(["arn:aws:iam::123456789012:role/role-in-users"], Arns(access, "mapRoles", "rolearn"));
        Assert.Contains(imported.Skipped, s => s.Why.Contains("is an IAM user listed under mapRoles", StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Why.Contains("is an IAM role listed under mapUsers", StringComparison.Ordinal));
    }
}

/// <summary>
/// A value whose YAML is null (every entry commented out, <c>null</c>, <c>~</c>): YAMLToJSON makes it null, which
/// encoding/json decodes into the slice as no mappings, with no error. The rest of aws-auth is read.
/// </summary>
public class NullAwsAuthValueTests
{
    private const string NodeRole = """
          mapRoles: |
            - rolearn: arn:aws:iam::123456789012:role/eks-node-role
              username: system:node:{{EC2PrivateDNSName}}
              groups: [system:bootstrappers, system:nodes]
        """;

    [Theory]
    [InlineData("  mapUsers: |\n    # - userarn: arn:aws:iam::123456789012:user/alice\n    #   username: alice\n    #   groups: [system:masters]\n")]
    [InlineData("  mapUsers: |\n    null\n")]
    [InlineData("  mapUsers: |\n    ~\n")]
    [InlineData("  mapUsers: |\n    ---\n")]
    [InlineData("  mapUsers: \"\"\n  mapAccounts: |\n    # - \"111122223333\"\n")]
    public void A_null_value_holds_no_mappings_and_the_rest_is_read(string other)
    {
        var bytes = AwsAuthManifests.Bytes(NodeRole + "\n" + other);

        var imported = AwsAuthImporter.Import(bytes, "aws-auth.yaml");
        Assert.Empty(imported.Errors);
        Assert.Contains("arn:aws:iam::123456789012:role/eks-node-role", imported.AccessBlockYaml, StringComparison.Ordinal);

        var live = LiveInputs.ReadAwsAuthExport(bytes, "aws-auth.yaml");
        Assert.Equal(["arn:aws:iam::123456789012:role/eks-node-role"], live.Mappings.Select(m => m.Arn));
        Assert.Empty(live.Accounts);
    }
}

/// <summary>go-yaml v2's Unmarshal reads one document and stops: a value's later documents grant nothing today.</summary>
public class MultiDocumentAwsAuthValueTests
{
    private const string Data = """
          mapRoles: |
            ---
            - rolearn: arn:aws:iam::123456789012:role/eks-node-role
              username: system:node:{{EC2PrivateDNSName}}
              groups: [system:bootstrappers, system:nodes]
            ---
            - rolearn: arn:aws:iam::123456789012:role/later
              username: later
              groups: [system:masters]
          mapAccounts: |
            - "210987654321"
            ---
            - "444455556666"
        """;

    [Fact]
    public void Import_carries_the_first_document_and_says_the_rest_is_never_read()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes(Data), "aws-auth.yaml");

        Assert.DoesNotContain(imported.Errors, d => d.IsError);
        var block = ImportMatchingTests.Access(imported);
        Assert.Equal(["arn:aws:iam::123456789012:role/eks-node-role"], ImportMatchingTests.Arns(block, "nodeRoles", "rolearn"));
        Assert.Equal(["210987654321"], Reparse.Strings(Reparse.Get(block, "mapAccounts")));
        Assert.DoesNotContain("role/later", imported.AccessBlockYaml, StringComparison.Ordinal);
        Assert.Contains(imported.Errors, d => d.Path == "data.mapRoles" && d.Message.Contains("reads the first only", StringComparison.Ordinal));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapAccounts" && s.Why.Contains("reads the first only", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_reads_the_first_document_as_the_authenticator_does()
    {
        var live = LiveInputs.ReadAwsAuthExport(AwsAuthManifests.Bytes(Data), "aws-auth.yaml");

        Assert.Equal(["arn:aws:iam::123456789012:role/eks-node-role"], live.Mappings.Select(m => m.Arn));
        Assert.Equal(["210987654321"], live.Accounts);
    }

    [Fact]
    public void A_stack_file_of_two_documents_is_still_an_error()
    {
        var evaluation = Stacks.EvaluateText(Stacks.Minimal() + "\n---\nconfig: {}\n");

        Assert.Contains(evaluation.Errors, e => e.Message.Contains("more than one YAML document", StringComparison.Ordinal));
    }
}

/// <summary>
/// go-yaml v2 applies a merge key where it stands (decode.go, decoder.mapping and merge): it overwrites the keys set
/// before it, keys after it win, and of a list of sources the earlier wins. import and audit read aws-auth so.
/// </summary>
public class GoYamlMergeTests
{
    private static IReadOnlyList<LiveMapping> Live(string mapRoles) =>
        LiveInputs.ReadAwsAuthExport(AwsAuthManifests.Bytes("  mapRoles: |\n" + mapRoles), "aws-auth.yaml").Mappings;

    [Fact]
    public void A_merge_after_the_entrys_own_keys_overwrites_them()
    {
        const string mapRoles = """
                - &base
                  rolearn: arn:aws:iam::123456789012:role/readonly
                  username: ro
                  groups: [viewers]
                - rolearn: arn:aws:iam::123456789012:role/admin
                  username: admin
                  groups: [system:masters]
                  <<: *base
            """;

        var live = Live(mapRoles);
        Assert.DoesNotContain(live, m => m.Arn.EndsWith("role/admin", StringComparison.Ordinal));
        Assert.All(live, m => Assert.Equal(["viewers"], m.Groups));

        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("  mapRoles: |\n" + mapRoles), "aws-auth.yaml");
        Assert.DoesNotContain("role/admin", imported.AccessBlockYaml ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("system:masters", imported.AccessBlockYaml ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_after_a_merge_win_and_the_earlier_of_two_sources_wins()
    {
        var live = Live("""
                - &a { rolearn: "arn:aws:iam::123456789012:role/a", username: a, groups: [from-a] }
                - &b { rolearn: "arn:aws:iam::123456789012:role/b", username: b, groups: [from-b] }
                - <<: [*a, *b]
                  rolearn: arn:aws:iam::123456789012:role/c
            """);

        var c = Assert.Single(live, m => m.Arn.EndsWith("role/c", StringComparison.Ordinal));
        Assert.Equal("a", c.Username);
        Assert.Equal(["from-a"], c.Groups);
    }

    [Fact]
    public void A_stack_file_keeps_its_own_keys_over_a_merge()
    {
        var stack = Stacks.Minimal().Replace(
            "    groups:\n      deployers:\n        clusterRole: edit\n",
            "    groups:\n      base: &base { clusterRole: view }\n      deployers:\n        clusterRole: edit\n        <<: *base\n",
            StringComparison.Ordinal);
        Assert.Contains("<<: *base", stack, StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        Assert.Contains(Stacks.ValidPlan(evaluation).Rbac.ClusterRoleBindings, b => b.Group == "deployers" && b.ClusterRole == "edit");
    }
}

/// <summary>aws-iam-authenticator's Canonicalize keeps an STS federated user's ARN as written, so a mapUsers entry of one grants today.</summary>
public class FederatedUserImportTests
{
    [Fact]
    public void A_federated_user_is_named_as_one_that_has_access_today_and_loses_it()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapUsers: |
                - userarn: arn:aws:sts::123456789012:federated-user/bob
                  username: bob
                  groups: [viewers]
                - userarn: arn:aws:iam::123456789012:user/alice
                  username: alice
                  groups: [viewers]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapUsers[0]");
        Assert.Contains("STS federated user", note.Why, StringComparison.Ordinal);
        Assert.Contains("has this access today", note.Why, StringComparison.Ordinal);
        Assert.Contains("a federation session cannot call AssumeRole", note.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("federated-user/bob", imported.AccessBlockYaml, StringComparison.Ordinal);
        Assert.Contains("user/alice", imported.AccessBlockYaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:sts::123456789012:federated-user/bob", true)]
    [InlineData("arn:aws-cn:sts::123456789012:federated-user/bob", true)]
    [InlineData("arn:aws:sts::123456789012:federated-user/", false)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/r/s", false)]
    [InlineData("arn:aws:iam::123456789012:user/bob", false)]
    public void Federated_user_arns_are_told_apart(string arn, bool federated) =>
        Assert.Equal(federated, Arns.IsFederatedUser(arn));
}

/// <summary>What `eksinfra import` carries over from a live aws-auth, read as aws-iam-authenticator v0.7.18 reads it.</summary>
public class ImportCarryOverTests
{
    private static YamlDotNet.RepresentationModel.YamlMappingNode AccessOf(ImportResult imported) =>
        (YamlDotNet.RepresentationModel.YamlMappingNode)Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"];

    private static List<string> ArnsOf(ImportResult imported, string list, string arnKey) =>
        AccessOf(imported).Children.TryGetValue(list, out var items)
            ? [.. ((YamlDotNet.RepresentationModel.YamlSequenceNode)items).Children.Select(i => ((YamlDotNet.RepresentationModel.YamlScalarNode)i[arnKey]).Value!)]
            : [];

    /// <summary>UserMapping (pkg/config/types.go) has no sso field and its Validate needs only userarn, so the entry maps bob.</summary>
    [Fact]
    public void Import_carries_a_mapusers_entry_with_an_sso_key_as_the_user_it_maps()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapUsers: |
                - userarn: arn:aws:iam::123456789012:user/bob
                  sso: {permissionSetName: Admin, accountID: "123456789012"}
                  username: bob
                  groups: [viewers]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Equal(["arn:aws:iam::123456789012:user/bob"], ArnsOf(imported, "mapUsers", "userarn"));
        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapUsers[0]");
        Assert.Equal("has keys the model does not carry (sso); the rest of the entry is kept", note.Why);
    }

    [Fact]
    public void Import_says_a_mapusers_entry_without_userarn_is_refused_by_usermapping_validate()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapUsers: |
                - sso: {permissionSetName: Admin, accountID: "123456789012"}
                  username: admin
                  groups: [viewers]
            """), "aws-auth.yaml");

        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapUsers[0]");
        Assert.Equal("has no userarn, so the authenticator refuses the entry (UserMapping Validate) and it grants nothing today; not carried over", note.Why);
        Assert.Empty(ArnsOf(imported, "mapUsers", "userarn"));
    }

    /// <summary>UserMapping.Key is the ARN as written (pkg/config/mapper.go, v0.7.18), so only an exact repeat replaces a user mapping.</summary>
    [Fact]
    public void Import_says_a_repeated_mapusers_arn_is_matched_as_written()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapUsers: |
                - userarn: arn:aws:iam::123456789012:user/bob
                  username: bob
                  groups: [system:masters]
                - userarn: arn:aws:iam::123456789012:user/bob
                  username: bob
                  groups: [viewers]
            """), "aws-auth.yaml");

        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapUsers[0]");
        Assert.Contains("the authenticator keeps only the last mapping of an ARN (as written)", note.Why, StringComparison.Ordinal);
        Assert.Equal(["arn:aws:iam::123456789012:user/bob"], ArnsOf(imported, "mapUsers", "userarn"));
    }

    /// <summary>A node's caller ARN is canonicalised to role/NAME without the path (pkg/arn Canonicalize), so this mapping maps no node today.</summary>
    [Theory]
    [InlineData("system:node:{{EC2PrivateDNSName}}", "[system:bootstrappers, system:nodes]")]
    [InlineData("system:node:{{SessionName}}", "[system:bootstrappers, system:nodes, system:node-proxier]")]
    public void Import_does_not_carry_a_node_mapping_written_with_an_iam_path_into_nodeRoles(string username, string groups)
    {
        var bytes = AwsAuthManifests.Bytes($"""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/eks/node-with-path
                  username: {username}
                  groups: {groups}
                - rolearn: arn:aws:iam::123456789012:role/node
                  username: {username}
                  groups: {groups}
            """);
        var imported = AwsAuthImporter.Import(bytes, "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        Assert.Equal(["arn:aws:iam::123456789012:role/node"], ArnsOf(imported, "nodeRoles", "rolearn"));
        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapRoles[0]");
        Assert.Equal("'arn:aws:iam::123456789012:role/eks/node-with-path' has an IAM path, so the live authenticator never matches it and it grants nothing today; not carried over, since the stack writes role ARNs without their path and would make it work: add it under nodeRoles yourself if it should have this access", note.Why);
    }

    [Fact]
    public void Import_says_only_that_a_role_arn_in_another_case_with_a_path_matches_nothing()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:Role/team/dev
                  username: dev
                  groups: [devs]
            """), "aws-auth.yaml");

        var note = Assert.Single(imported.Skipped, s => s.Where == "data.mapRoles[0]");
        Assert.StartsWith("'arn:aws:iam::123456789012:Role/team/dev' has an IAM path, so the live authenticator never matches it", note.Why, StringComparison.Ordinal);
        Assert.DoesNotContain(imported.Skipped, s => s.Why.Contains("carried over as", StringComparison.Ordinal));
    }

    /// <summary>aws-iam-authenticator pkg/server/server.go renderTemplates fills a mapping's groups per request; {{AccountID}} is the caller's account (token.go: GetCallerIdentity's Account), the mapped ARN's.</summary>
    [Fact]
    public void Import_writes_out_an_account_template_in_a_group_and_lists_a_per_request_one_as_external()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/dev
                  username: dev:{{SessionName}}
                  groups: ["devs-{{AccountID}}", "team-{{SessionName}}"]
            """), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var access = AccessOf(imported);
        var role = (YamlDotNet.RepresentationModel.YamlMappingNode)Assert.Single(((YamlDotNet.RepresentationModel.YamlSequenceNode)access["mapRoles"]).Children);
        Assert.Equal(["devs-123456789012", "team-{{SessionName}}"], ((YamlDotNet.RepresentationModel.YamlSequenceNode)role["groups"]).Children.Select(g => ((YamlDotNet.RepresentationModel.YamlScalarNode)g).Value));
        Assert.Equal(["devs-123456789012"], ((YamlDotNet.RepresentationModel.YamlMappingNode)access["groups"]).Children.Keys.Select(k => ((YamlDotNet.RepresentationModel.YamlScalarNode)k).Value));
        Assert.Equal(["team-{{SessionName}}"], ((YamlDotNet.RepresentationModel.YamlSequenceNode)access["externalGroups"]).Children.Select(g => ((YamlDotNet.RepresentationModel.YamlScalarNode)g).Value));
        Assert.Contains(imported.Skipped, s => s.Where == "data.mapRoles[0]" && s.Why.StartsWith("its group 'devs-{{AccountID}}' holds {{AccountID}}, which the authenticator fills with the caller's account, 123456789012 for 'arn:aws:iam::123456789012:role/dev'; carried over as 'devs-123456789012'", StringComparison.Ordinal));
        var external = Assert.Single(imported.Skipped, s => s.Where == "externalGroups");
        Assert.StartsWith("'team-{{SessionName}}' holds {{SessionName}}, which the authenticator fills in on every request", external.Why, StringComparison.Ordinal);
        Assert.DoesNotContain(imported.Skipped, s => s.Where.StartsWith("groups.team-", StringComparison.Ordinal));
    }

    /// <summary>EKS User Guide: API mode reads "only from EKS access entry APIs"; in API_AND_CONFIG_MAP "Access entries take precedence over ConfigMap entries".</summary>
    [Fact]
    public void Import_says_what_following_a_later_mode_would_do_and_what_to_check()
    {
        var imported = AwsAuthImporter.Import(AwsAuthManifests.Bytes("""
              mapRoles: |
                - rolearn: arn:aws:iam::123456789012:role/admin
                  username: admin
                  groups: [system:masters]
            """), "aws-auth.yaml");

        Assert.Equal("CONFIG_MAP", ((YamlDotNet.RepresentationModel.YamlScalarNode)AccessOf(imported)["authenticationMode"]).Value);
        var note = Assert.Single(imported.Skipped, s => s.Where == "authenticationMode").Why;
        Assert.Contains("`aws eks describe-cluster --name NAME --query cluster.accessConfig.authenticationMode`", note, StringComparison.Ordinal);
        Assert.Contains("`aws eks list-access-entries --cluster-name NAME`", note, StringComparison.Ordinal);
        Assert.Contains("In API, EKS ignores aws-auth: these mappings grant nothing today, and setting API here would make each a new access entry (system:masters as AmazonEKSClusterAdminPolicy)", note, StringComparison.Ordinal);
        Assert.Contains("In API_AND_CONFIG_MAP, a principal's access entry takes precedence over its mapping, and the stack's entry for it would be refused (ResourceInUseException", note, StringComparison.Ordinal);
    }

    /// <summary>kubectl omits an empty data (core/v1 ConfigMap.Data, omitempty); ParseMap reads a missing key as no mappings.</summary>
    [Fact]
    public void Import_reads_an_aws_auth_configmap_without_data_as_empty()
    {
        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n"), "aws-auth.yaml");

        Assert.Empty(imported.Errors);
        var access = AccessOf(imported);
        Assert.Equal(["authenticationMode"], access.Children.Keys.Select(k => ((YamlDotNet.RepresentationModel.YamlScalarNode)k).Value));
        var note = Assert.Single(imported.Skipped, s => s.Where == "data");
        Assert.Contains("the authenticator reads that as no mappings", note.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_still_refuses_a_configmap_without_data_that_is_not_aws_auth()
    {
        var imported = AwsAuthImporter.Import(Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n"), "cm.yaml");

        Assert.Null(imported.AccessBlockYaml);
        Assert.Contains(imported.Errors, e => e.Path == "(file)" && e.Message.StartsWith("this is not a ConfigMap with a 'data' map", StringComparison.Ordinal));
    }
}
