using System.Text.Json;
using System.Text.Json.Nodes;
using EksInfra.Access.Planning;

namespace EksInfra.Cli.Tests;

public sealed class AuditTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Write(TestProject project, string name, string text)
    {
        File.WriteAllText(Path.Combine(project.Directory, name), text);
        return name;
    }

    private static string Write(TestProject project, string name, JsonNode json) => Write(project, name, json.ToJsonString(Indented));

    /// <summary>The three exports of a cluster that is exactly what <paramref name="stack"/> would create.</summary>
    private static string[] AsCreated(TestProject project, string stack, string? awsAuth = null, JsonObject? entries = null, JsonObject? rbac = null)
    {
        var plan = LiveFixtures.Plan(stack);
        var args = new List<string> { "audit", stack };
        if (plan.AwsAuth is not null)
        {
            args.AddRange(["--aws-auth", Write(project, "aws-auth.yaml", awsAuth ?? LiveFixtures.AwsAuth(plan))]);
        }

        args.AddRange(["--access-entries", Write(project, "access-entries.json", entries ?? LiveFixtures.AccessEntries(plan))]);
        args.AddRange(["--rbac", Write(project, "rbac.json", rbac ?? LiveFixtures.Rbac(plan))]);
        return [.. args];
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void A_cluster_equal_to_what_the_stack_creates_reports_nothing_and_exits_0(string stack)
    {
        using var project = new TestProject();
        var result = project.Run(AsCreated(project, stack));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("nothing more and nothing less", result.Out, StringComparison.Ordinal);
        var json = JsonNode.Parse(project.Run([.. AsCreated(project, stack), "--format", "json"]).Out)!;
        Assert.False(json["failed"]!.GetValue<bool>());
        foreach (var section in new[] { "unmanagedPrincipals", "unmanagedBindings", "differences", "missingLive" })
        {
            Assert.Empty(json[section]!.AsArray());
        }

        var own = json["eksOwn"]!.AsArray().Select(f => f!["subject"]!.GetValue<string>()).ToList();
        Assert.Contains(LiveFixtures.Plan(stack).NodeRole.Arn, own);
        // Every shipped stack is in an access-entry mode, where a master's access entry (AmazonEKSClusterAdminPolicy)
        // takes precedence over its system:masters mapping: the bootstrap binding of system:masters reaches no one.
        Assert.DoesNotContain("ClusterRoleBinding cluster-admin", own);
    }

    [Fact]
    public void The_bootstrap_binding_of_system_masters_is_listed_as_reaching_a_master_whose_mapping_is_read()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var master = Assert.Single(plan.AwsAuth!.MapRoles, r => r.Groups.Contains("system:masters") && r.Source != MappingSource.NodeRole);
        var entries = WithoutEntryOf(LiveFixtures.AccessEntries(plan), master.RoleArn);

        var json = JsonNode.Parse(project.Run([.. AsCreated(project, "dev", entries: entries), "--format", "json"]).Out)!;

        var binding = Assert.Single(json["eksOwn"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == "ClusterRoleBinding cluster-admin");
        Assert.Contains(master.RoleArn, binding!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The exported access entries less the one of <paramref name="principalArn"/>.</summary>
    private static JsonObject WithoutEntryOf(JsonObject entries, string principalArn)
    {
        var list = entries["accessEntries"]!.AsArray();
        var entry = Assert.Single(list, e => e!["principalArn"]!.GetValue<string>() == principalArn);
        list.Remove(entry);
        return entries;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_unmanaged_access_entries_for_one_role_name_under_two_paths_are_both_judged(bool pathFirst)
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var admin = pathFirst ? "arn:aws:iam::123456789012:role/ops/Console" : "arn:aws:iam::123456789012:role/Console";
        var viewer = pathFirst ? "arn:aws:iam::123456789012:role/Console" : "arn:aws:iam::123456789012:role/ops/Console";
        var entries = LiveFixtures.AccessEntries(
            plan,
            LiveFixtures.Entry(plan, admin, "STANDARD", "console", [], ("AmazonEKSClusterAdminPolicy", [])),
            LiveFixtures.Entry(plan, viewer, "STANDARD", "console", [], ("AmazonEKSViewPolicy", [])));

        var result = project.Run([.. AsCreated(project, "dev", entries: entries), "--format", "json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var unmanaged = UnmanagedAdmins(result.Out);
        Assert.True(unmanaged[admin]);
        Assert.False(unmanaged[viewer]);
    }

    /// <summary>
    /// aws-auth holds no path and matches the role by name, which is unique in an account, and an access entry names
    /// an existing principal (EKS stores its ID): with the path or without it, the entry is the same role's. The
    /// mapping's system:masters still fails the audit: it is what EKS reads once the entry no longer matches.
    /// </summary>
    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/break-glass")]
    [InlineData("arn:aws:iam::123456789012:role/ops/break-glass")]
    public void An_access_entry_for_the_same_principal_as_an_aws_auth_mapping_is_what_the_audit_judges_as_eks_prefers_it(string entryArn)
    {
        using var project = new TestProject();
        const string mapped = "arn:aws:iam::123456789012:role/break-glass";

        var result = AuditBreakGlassWithViewerEntry(project, entryArn);

        Assert.True(result.ExitCode == 1, result.ToString());
        var unmanaged = JsonNode.Parse(result.Out)!["unmanagedPrincipals"]!.AsArray();
        var entry = Assert.Single(unmanaged, f => f!["finding"]!.GetValue<string>().StartsWith("not granted by the model (access entry", StringComparison.Ordinal));
        Assert.Equal(entryArn, entry!["subject"]!.GetValue<string>());
        Assert.False(entry["reachesClusterAdmin"]!.GetValue<bool>());
        var mapping = Assert.Single(unmanaged, f => f!["subject"]!.GetValue<string>() == mapped && f["finding"]!.GetValue<string>().StartsWith("cluster admin once read, aws-auth mapping the cluster does not read", StringComparison.Ordinal));
        Assert.True(mapping!["reachesClusterAdmin"]!.GetValue<bool>());
    }

    /// <summary>
    /// Audits dev in JSON with the aws-auth that maps break-glass to system:masters by hand, and live access entries that
    /// hold one more, for <paramref name="principalArn"/> with AmazonEKSViewPolicy.
    /// </summary>
    private static CliResult AuditBreakGlassWithViewerEntry(TestProject project, string principalArn)
    {
        var plan = LiveFixtures.Plan("dev");
        var entries = LiveFixtures.AccessEntries(plan, LiveFixtures.Entry(plan, principalArn, "STANDARD", "break-glass", [], ("AmazonEKSViewPolicy", [])));
        return project.Run([.. AsCreated(project, "dev", awsAuth: HandEditedDevAwsAuth, entries: entries), "--format", "json"]);
    }

    /// <summary>
    /// `kubectl --as=system:serviceaccount:tools:ci-bot` needs only impersonate on that service account (apiserver
    /// impersonation.go), which AmazonEKSAdminPolicy and the built-in edit role allow: with ci-bot bound cluster-admin, an
    /// unmanaged entry holding either cluster-wide is cluster admin in one step, and the audit fails.
    /// </summary>
    [Theory]
    [InlineData("AmazonEKSAdminPolicy", null, true)]
    [InlineData(null, "edit", true)]
    [InlineData("AmazonEKSAdminPolicy", null, false)]
    [InlineData(null, "edit", false)]
    public void An_unmanaged_entry_that_may_impersonate_a_service_account_bound_cluster_admin_fails_the_audit(string? policy, string? groupRole, bool botIsAdmin)
    {
        using var project = new TestProject();
        const string impersonator = "arn:aws:iam::123456789012:role/ci-impersonator";
        var plan = LiveFixtures.Plan("dev");
        var entries = LiveFixtures.AccessEntries(plan, policy is null
            ? LiveFixtures.Entry(plan, impersonator, "STANDARD", "ci-impersonator", ["ci-impersonators"])
            : LiveFixtures.Entry(plan, impersonator, "STANDARD", "ci-impersonator", [], (policy, [])));
        List<JsonObject> extra = [LiveFixtures.Binding("ci-bot-admin", null, botIsAdmin ? "cluster-admin" : "view", null, ("ServiceAccount", "tools/ci-bot"))];
        if (groupRole is not null)
        {
            extra.Add(LiveFixtures.Binding("ci-impersonators", null, groupRole, null, ("Group", "ci-impersonators")));
        }

        var result = project.Run([.. AsCreated(project, "dev", entries: entries, rbac: LiveFixtures.Rbac(plan, [.. extra])), "--live-mode", "API_AND_CONFIG_MAP", "--format", "json"]);

        Assert.True(result.ExitCode == (botIsAdmin ? 1 : 0), result.ToString());
        Assert.Equal(botIsAdmin, UnmanagedAdmins(result.Out)[impersonator]);
        Assert.Equal(botIsAdmin, JsonNode.Parse(result.Out)!["failed"]!.GetValue<bool>());
        Assert.Equal(botIsAdmin, result.Error.Contains($"error: {impersonator}: cluster admin, not granted by the model", StringComparison.Ordinal));
    }

    /// <summary>Each unmanaged principal of a JSON report, and whether it reaches cluster admin.</summary>
    private static Dictionary<string, bool> UnmanagedAdmins(string json) =>
        JsonNode.Parse(json)!["unmanagedPrincipals"]!.AsArray()
            .ToDictionary(f => f!["subject"]!.GetValue<string>(), f => f!["reachesClusterAdmin"]!.GetValue<bool>());

    [Fact]
    public void An_account_mapped_by_hand_in_the_live_aws_auth_is_reported_unmanaged()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");

        var result = project.Run([.. AsCreated(project, "dev", awsAuth: WithAccount(plan, "210987654321")), "--format", "json"]);

        var unmanaged = JsonNode.Parse(result.Out)!["unmanagedPrincipals"]!.AsArray().Select(f => f!["subject"]!.GetValue<string>());
        Assert.Contains("210987654321", unmanaged);
    }

    /// <summary>The stack's aws-auth, as created, with <paramref name="account"/> added under mapAccounts by hand.</summary>
    private static string WithAccount(AccessPlan plan, string account)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(LiveFixtures.AwsAuth(plan)));
        var data = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)stream.Documents[0].RootNode)["data"];
        data.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("mapAccounts")] = new YamlDotNet.RepresentationModel.YamlScalarNode($"- \"{account}\"\n");
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The authenticator gives a principal of a mapped account its canonical ARN as username (server.go).</summary>
    [Fact]
    public void A_binding_naming_a_principal_of_a_mapped_account_by_its_arn_reaches_it()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        const string partner = "arn:aws:iam::210987654321:role/partner";
        var rbac = LiveFixtures.Rbac(
            plan,
            LiveFixtures.Binding("partner-admin", null, "cluster-admin", null, ("User", partner)),
            // A canonical role ARN has no path, and an unmapped account authenticates no one: neither binding reaches anyone.
            LiveFixtures.Binding("partner-path-admin", null, "cluster-admin", null, ("User", "arn:aws:iam::210987654321:role/ops/partner")),
            LiveFixtures.Binding("stranger-admin", null, "cluster-admin", null, ("User", "arn:aws:iam::999999999999:role/stranger")),
            // pkg/arn Canonicalize keeps a federated user's and the root's ARN as they are, and a mapped account lets them in.
            LiveFixtures.Binding("partner-federated-admin", null, "cluster-admin", null, ("User", "arn:aws:sts::210987654321:federated-user/bob")),
            LiveFixtures.Binding("partner-root-admin", null, "cluster-admin", null, ("User", "arn:aws:iam::210987654321:root")));

        var result = project.Run([.. AsCreated(project, "dev", awsAuth: WithAccount(plan, "210987654321"), rbac: rbac), "--format", "json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var bindings = JsonNode.Parse(result.Out)!["unmanagedBindings"]!.AsArray();
        Assert.Equal(["ClusterRoleBinding partner-admin", "ClusterRoleBinding partner-federated-admin", "ClusterRoleBinding partner-root-admin"], bindings.Select(b => b!["subject"]!.GetValue<string>()));
        Assert.All(bindings, b => Assert.True(b!["reachesClusterAdmin"]!.GetValue<bool>()));
        Assert.Contains($"reaches {partner}", bindings[0]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Without the account the same binding names no one who can authenticate.
        Assert.Equal(0, project.Run(AsCreated(project, "dev", rbac: rbac)).ExitCode);
    }

    private const string HandEditedDevAwsAuth = """
        apiVersion: v1
        data:
          mapRoles: |
            - groups:
              - system:bootstrappers
              - system:nodes
              rolearn: arn:aws:iam::123456789012:role/eks-node-role
              username: system:node:{{EC2PrivateDNSName}}
            - rolearn: arn:aws:iam::123456789012:role/eks-admin-role
              username: eks-admin
              groups: [system:masters]
            - rolearn: arn:aws:iam::123456789012:role/eks-readonly-role
              username: eks-readonly
              groups:
                - read-only
            # added by hand during the incident of 12 March
            - rolearn: arn:aws:iam::123456789012:role/break-glass
              username: break-glass
              groups:
                - system:masters
          mapUsers: |
            - userarn: arn:aws:iam::123456789012:user/username
              username: kubernetes-user
              groups:
                - system:masters
        kind: ConfigMap
        metadata:
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: |
              {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"aws-auth","namespace":"kube-system"}}
          creationTimestamp: "2026-03-02T09:14:07Z"
          labels:
            app.kubernetes.io/managed-by: eks-infra
          name: aws-auth
          namespace: kube-system
          resourceVersion: "51377"
          uid: 6f1d2c3b-9a8e-4f70-b1c2-d3e4f5a6b7c8
        """;

    [Fact]
    public void A_hand_made_system_masters_mapping_fails_the_audit_and_is_named()
    {
        using var project = new TestProject();
        var result = project.Run(AsCreated(project, "dev", awsAuth: HandEditedDevAwsAuth));

        Assert.True(result.ExitCode == 1, result.ToString());
        const string breakGlass = "arn:aws:iam::123456789012:role/break-glass";
        Assert.Contains($"error: {breakGlass}: cluster admin, not granted by the model", result.Error, StringComparison.Ordinal);
        var json = JsonNode.Parse(project.Run([.. AsCreated(project, "dev", awsAuth: HandEditedDevAwsAuth), "--format", "json"]).Out)!;
        Assert.True(json["failed"]!.GetValue<bool>());
        var finding = Assert.Single(json["unmanagedPrincipals"]!.AsArray());
        Assert.Equal(breakGlass, finding!["subject"]!.GetValue<string>());
        Assert.True(finding["reachesClusterAdmin"]!.GetValue<bool>());
        Assert.Contains("system:masters", finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(json["differences"]!.AsArray());
        Assert.Empty(json["missingLive"]!.AsArray());

        // A node mapping of a role the model does not know is flagged: whoever assumes it can join as a node.
        var karpenter = HandEditedDevAwsAuth.Replace("role/break-glass\n      username: break-glass", "role/KarpenterNodeRole\n      username: system:node:{{EC2PrivateDNSName}}", StringComparison.Ordinal);
        Assert.Contains("KarpenterNodeRole", karpenter, StringComparison.Ordinal);
        var disguised = project.Run(AsCreated(project, "dev", awsAuth: karpenter));
        Assert.True(disguised.ExitCode == 1, disguised.ToString());
        Assert.Contains("error: arn:aws:iam::123456789012:role/KarpenterNodeRole: cluster admin", disguised.Error, StringComparison.Ordinal);
        const string karpenterRole = "arn:aws:iam::123456789012:role/KarpenterNodeRole";
        var linux = karpenter.Replace("    - system:masters\n  mapUsers", "    - system:nodes\n  mapUsers", StringComparison.Ordinal);
        // A Windows node group's role carries eks:kube-proxy-windows beside the node groups.
        var windows = karpenter.Replace("    - system:masters\n  mapUsers", "    - system:bootstrappers\n        - system:nodes\n        - eks:kube-proxy-windows\n  mapUsers", StringComparison.Ordinal);
        foreach (var awsAuth in new[] { linux, windows })
        {
            var node = project.Run([.. AsCreated(project, "dev", awsAuth: awsAuth), "--format", "json"]);
            Assert.True(node.ExitCode == 0, node.ToString());
            var report = JsonNode.Parse(node.Out)!;
            Assert.False(report["failed"]!.GetValue<bool>());
            var unknown = Assert.Single(report["unmanagedPrincipals"]!.AsArray());
            Assert.Equal(karpenterRole, unknown!["subject"]!.GetValue<string>());
            Assert.False(unknown["reachesClusterAdmin"]!.GetValue<bool>());
            Assert.Equal("node or Fargate mapping of a role the model does not know (aws-auth data.mapRoles[3])", unknown["finding"]!.GetValue<string>());
            var detail = unknown["detail"]!.GetValue<string>();
            // The declaration names the kind the mapping's groups show: kind is required, and Windows nodes need theirs.
            Assert.Contains($"declare it under eks-infra:access.nodeRoles with kind: {(awsAuth == windows ? "windows" : "linux")} (and managedNodeGroup: true for a managed node group's role)", detail, StringComparison.Ordinal);
            Assert.EndsWith("its holders can register as any node: delete the mapping", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_node_entry_of_a_role_the_model_does_not_know_is_unmanaged_and_one_declared_under_nodeRoles_is_EKSs_own()
    {
        using var project = new TestProject();
        const string role = "arn:aws:iam::123456789012:role/eksctl-dev-nodegroup-NodeInstanceRole";
        var plan = LiveFixtures.Plan("dev");
        foreach (var type in new[] { "EC2_LINUX", "FARGATE_LINUX" })
        {
            var entry = LiveFixtures.Entry(plan, role, type, "system:node:{{EC2PrivateDNSName}}", ["system:nodes"]);
            var result = project.Run([.. AsCreated(project, "dev", entries: LiveFixtures.AccessEntries(plan, entry)), "--format", "json"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            var report = JsonNode.Parse(result.Out)!;
            var unknown = Assert.Single(report["unmanagedPrincipals"]!.AsArray());
            Assert.Equal(role, unknown!["subject"]!.GetValue<string>());
            Assert.False(unknown["reachesClusterAdmin"]!.GetValue<bool>());
            Assert.StartsWith($"{type} entry of a role the model does not know (access entry accessEntries[", unknown["finding"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.EndsWith(type == "FARGATE_LINUX"
                ? "declare it under eks-infra:access.nodeRoles with kind: fargate; otherwise its holders can register as any node: delete the entry"
                : "declare it under eks-infra:access.nodeRoles with kind: linux (and managedNodeGroup: true for a managed node group's role); otherwise its holders can register as any node: delete the entry", unknown["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain(report["eksOwn"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == role);
        }

        // Declared as a managed node group's role made outside the stack, the entry is the one EKS made for that group.
        project.EditStack("dev", "    authenticationMode: API_AND_CONFIG_MAP\n", $"    authenticationMode: API_AND_CONFIG_MAP\n    nodeRoles:\n      - rolearn: {role}\n        kind: linux\n        managedNodeGroup: true\n");
        var declared = LiveFixtures.PlanOf(project, "dev");
        var eksEntry = LiveFixtures.Entry(declared, role, "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}", ["system:nodes"]);
        var known = project.Run(
            "audit", "dev", "--format", "json",
            "--aws-auth", Write(project, "aws-auth.yaml", LiveFixtures.AwsAuth(declared)),
            "--access-entries", Write(project, "access-entries.json", LiveFixtures.AccessEntries(declared, eksEntry)),
            "--rbac", Write(project, "rbac.json", LiveFixtures.Rbac(declared)));
        Assert.True(known.ExitCode == 0, known.ToString());
        var knownReport = JsonNode.Parse(known.Out)!;
        Assert.Empty(knownReport["unmanagedPrincipals"]!.AsArray());
        Assert.Empty(knownReport["differences"]!.AsArray());
        Assert.Empty(knownReport["missingLive"]!.AsArray());
        var own = Assert.Single(knownReport["eksOwn"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == role);
        Assert.Equal("EC2_LINUX entry of a node or Fargate role of this stack", own!["finding"]!.GetValue<string>());
    }

    [Fact]
    public void An_access_entry_made_in_the_console_is_unmanaged_and_fails_only_when_it_is_admin()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        const string console = "arn:aws:iam::123456789012:role/Admin";
        var admin = LiveFixtures.Entry(plan, console, "STANDARD", "arn:aws:sts::123456789012:assumed-role/Admin/{{SessionName}}", [], ("AmazonEKSClusterAdminPolicy", []));
        var result = project.Run(AsCreated(project, "dev", entries: LiveFixtures.AccessEntries(plan, admin)));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"error: {console}: cluster admin, not granted by the model (access entry accessEntries[", result.Error, StringComparison.Ordinal);

        var viewer = LiveFixtures.Entry(plan, console, "STANDARD", "arn:aws:sts::123456789012:assumed-role/Admin/{{SessionName}}", [], ("AmazonEKSViewPolicy", ["payments"]));
        var json = JsonNode.Parse(project.Run([.. AsCreated(project, "dev", entries: LiveFixtures.AccessEntries(plan, viewer)), "--format", "json"]).Out)!;
        Assert.False(json["failed"]!.GetValue<bool>());
        var finding = Assert.Single(json["unmanagedPrincipals"]!.AsArray());
        Assert.Equal(console, finding!["subject"]!.GetValue<string>());
        Assert.Contains("access policy AmazonEKSViewPolicy (namespaces payments)", finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_and_removed_mappings_are_differences_and_missing_grants_and_a_gained_admin_fails()
    {
        using var project = new TestProject();
        var lines = HandEditedDevAwsAuth.Split('\n').ToList();
        lines.RemoveRange(lines.FindIndex(l => l.Contains("added by hand", StringComparison.Ordinal)), 5);
        var edited = string.Join('\n', lines).Replace("username: eks-readonly\n", "username: readonly-by-hand\n", StringComparison.Ordinal);
        edited = edited[..edited.IndexOf("  mapUsers:", StringComparison.Ordinal)] + edited[edited.IndexOf("kind: ConfigMap", StringComparison.Ordinal)..];
        Assert.DoesNotContain("break-glass", edited, StringComparison.Ordinal);
        var result = project.Run([.. AsCreated(project, "dev", awsAuth: edited), "--format", "json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Out)!;
        const string readonlyRole = "arn:aws:iam::123456789012:role/eks-readonly-role";
        var differs = Assert.Single(json["differences"]!.AsArray());
        Assert.Equal(readonlyRole, differs!["subject"]!.GetValue<string>());
        // The role's access entry is live and is what EKS reads, so the edit is listed as a mapping the cluster does not read.
        Assert.StartsWith("aws-auth mapping the cluster does not read", differs["finding"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("username readonly-by-hand, groups read-only live; username eks-readonly, groups read-only in the model", differs["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var missing = Assert.Single(json["missingLive"]!.AsArray());
        Assert.Equal("arn:aws:iam::123456789012:user/username", missing!["subject"]!.GetValue<string>());

        var withoutEntry = WithoutEntryOf(LiveFixtures.AccessEntries(LiveFixtures.Plan("dev")), readonlyRole);
        var read = JsonNode.Parse(project.Run([.. AsCreated(project, "dev", awsAuth: edited, entries: withoutEntry), "--format", "json"]).Out)!;
        Assert.Contains("username readonly-by-hand live, eks-readonly in the model", Assert.Single(read["differences"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == readonlyRole)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var gained = edited.Replace("        - read-only\n", "        - read-only\n        - system:masters\n", StringComparison.Ordinal);
        Assert.NotEqual(edited, gained);
        var underEntry = project.Run(AsCreated(project, "dev", awsAuth: gained));
        Assert.True(underEntry.ExitCode == 1, underEntry.ToString());
        Assert.Contains($"error: {readonlyRole}: cluster admin once read, aws-auth mapping the cluster does not read", underEntry.Error, StringComparison.Ordinal);
        var admin = project.Run(AsCreated(project, "dev", awsAuth: gained, entries: WithoutEntryOf(LiveFixtures.AccessEntries(LiveFixtures.Plan("dev")), readonlyRole)));
        Assert.True(admin.ExitCode == 1, admin.ToString());
        Assert.Contains($"error: {readonlyRole}: aws-auth mapping differs", admin.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Role_arns_compare_without_their_path_and_a_live_arn_with_a_path_is_flagged_as_never_matching()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("staging");
        // aws-auth holds the CI role without its path and its access entry with it: both are the model's.
        Assert.Contains("role/github-actions-deployer", LiveFixtures.AwsAuth(plan), StringComparison.Ordinal);
        Assert.Equal(0, project.Run(AsCreated(project, "staging")).ExitCode);

        var withPath = LiveFixtures.AwsAuth(plan).Replace("role/github-actions-deployer", "role/ci/github-actions-deployer", StringComparison.Ordinal);
        var json = JsonNode.Parse(project.Run([.. AsCreated(project, "staging", awsAuth: withPath), "--format", "json"]).Out)!;
        Assert.Contains(json["differences"]!.AsArray(), f => f!["finding"]!.GetValue<string>().StartsWith("written with its IAM path", StringComparison.Ordinal));
        Assert.Contains(json["missingLive"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == "arn:aws:iam::123456789012:role/github-actions-deployer");
    }

    [Fact]
    public void The_bootstrap_bindings_the_model_holds_for_every_user_are_Kubernetes_own_never_missing_or_unmanaged()
    {
        // can models system:basic-user, system:discovery and system:public-info-viewer (bound to system:authenticated);
        // Kubernetes makes them, so an export without them misses nothing of the stack's, and one with them lists them apart.
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var bootstrap = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        var live = new[]
        {
            LiveFixtures.Binding("system:basic-user", null, "system:basic-user", bootstrap, ("Group", "system:authenticated")),
            LiveFixtures.Binding("system:discovery", null, "system:discovery", bootstrap, ("Group", "system:authenticated")),
            LiveFixtures.Binding("system:public-info-viewer", null, "system:public-info-viewer", bootstrap, ("Group", "system:authenticated"), ("Group", "system:unauthenticated")),
        };
        string[] names = ["ClusterRoleBinding system:basic-user", "ClusterRoleBinding system:discovery", "ClusterRoleBinding system:public-info-viewer"];
        foreach (var (rbac, listed) in new[] { (LiveFixtures.Rbac(plan), false), (LiveFixtures.Rbac(plan, live), true) })
        {
            var result = project.Run([.. AsCreated(project, "dev", rbac: rbac), "--format", "json"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            var json = JsonNode.Parse(result.Out)!;
            foreach (var section in new[] { "unmanagedBindings", "differences", "missingLive" })
            {
                Assert.Empty(json[section]!.AsArray());
            }

            var own = json["eksOwn"]!.AsArray().Select(f => f!["subject"]!.GetValue<string>()).ToList();
            Assert.Equal(listed ? names : [], own.Where(names.Contains).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_binding_the_stack_did_not_create_is_listed_and_fails_when_it_binds_a_mapped_group_to_cluster_admin()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var oncall = LiveFixtures.Binding("oncall-admin", null, "cluster-admin", null, ("Group", "read-only"));
        var local = LiveFixtures.Binding("readers-edit", "payments", "edit", null, ("User", "eks-readonly"));
        var result = project.Run(AsCreated(project, "dev", rbac: LiveFixtures.Rbac(plan, oncall, local)));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: ClusterRoleBinding oncall-admin: cluster admin, not created by the stack", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("readers-edit", result.Error, StringComparison.Ordinal);
        Assert.Contains("RoleBinding payments/readers-edit", result.Out, StringComparison.Ordinal);
        Assert.Contains("reaches arn:aws:iam::123456789012:role/eks-readonly-role", result.Out, StringComparison.Ordinal);

        // A system-looking name or label does not hide a binding that makes a mapped group cluster admin.
        var disguised = LiveFixtures.Binding("eks:support", null, "cluster-admin", new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" }, ("Group", "read-only"));
        var hidden = project.Run(AsCreated(project, "dev", rbac: LiveFixtures.Rbac(plan, disguised)));
        Assert.True(hidden.ExitCode == 1, hidden.ToString());
        Assert.Contains("error: ClusterRoleBinding eks:support: cluster admin", hidden.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_defined_role_widened_by_hand_to_a_wildcard_fails_the_audit()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var rbac = LiveFixtures.Rbac(plan);
        var readOnly = rbac["items"]!.AsArray().Single(i => i!["kind"]!.GetValue<string>() == "ClusterRole" && i["metadata"]!["name"]!.GetValue<string>() == "read-only")!;
        var clean = project.Run(AsCreated(project, "dev", rbac: (JsonObject)rbac.DeepClone()));
        Assert.True(clean.ExitCode == 0, clean.ToString());

        readOnly["rules"]!.AsArray().Add(JsonNode.Parse("""{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}"""));
        var result = project.Run(AsCreated(project, "dev", rbac: rbac));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("error: ClusterRole read-only: stack-defined ClusterRole's rules differ: widened to reach cluster admin (every verb on every resource", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_in_role_the_stack_binds_cluster_wide_fails_only_once_it_holds_a_wildcard()
    {
        using var project = new TestProject();
        project.EditStack("dev", "clusterRole: read-only", "clusterRole: view");
        var plan = LiveFixtures.PlanOf(project, "dev");
        var args = new[] { "audit", "dev", "--rbac", "rbac.json" };
        var rbac = LiveFixtures.Rbac(plan);
        var view = rbac["items"]!.AsArray().Single(i => i!["kind"]!.GetValue<string>() == "ClusterRole" && i["metadata"]!["name"]!.GetValue<string>() == "view")!;
        // An add-on aggregating a narrow rule into view is ordinary.
        view["rules"]!.AsArray().Add(JsonNode.Parse("""{"apiGroups": ["metrics.k8s.io"], "resources": ["pods"], "verbs": ["get", "list"]}"""));
        Write(project, "rbac.json", rbac);
        var narrow = project.Run(args);
        Assert.True(narrow.ExitCode == 0, narrow.ToString());

        view["rules"]!.AsArray().Add(JsonNode.Parse("""{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}"""));
        Write(project, "rbac.json", rbac);
        var wide = project.Run(args);
        Assert.True(wide.ExitCode == 1, wide.ToString());
        Assert.Contains("error: ClusterRole view: built-in ClusterRole widened to reach cluster admin (every verb on every resource", wide.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws-auth.yaml", "kind: Secret\nmetadata: {name: aws-auth}\n", "aws-auth.yaml: line 1: not a ConfigMap")]
    [InlineData("aws-auth.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth}\n", "aws-auth.yaml: data (line 1, column 1): the ConfigMap has no data map")]
    [InlineData("aws-auth.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  mapRoles:\n    - rolearn: x\n", "aws-auth.yaml: data.mapRoles (line 5, column 5): expected a string holding YAML, found a list")]
    [InlineData("access-entries.json", "", "access-entries.json: line 1, column 1: not valid JSON (the file is empty)")]
    [InlineData("access-entries.json", "[]", "access-entries.json: (top level): expected an object with an accessEntries list")]
    [InlineData("access-entries.json", "{\"accessEntries\": [{\"type\": \"STANDARD\"}]}", "access-entries.json: accessEntries[0].principalArn: missing or not a string")]
    [InlineData("access-entries.json", "{\"accessEntries\": [{\"principalArn\": \"arn:aws:iam::123456789012:role/x\", \"type\": \"STANDARD\", \"associatedAccessPolicies\": [{\"policyArn\": \"arn:aws:iam::aws:policy/ReadOnlyAccess\", \"accessScope\": {\"type\": \"cluster\"}}]}]}", "access-entries.json: accessEntries[0].associatedAccessPolicies[0].policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' is not an EKS access policy ARN")]
    // The export of another cluster: its principals are not this cluster's (DescribeAccessEntry gives each entry's clusterName).
    [InlineData("access-entries.json", "{\"clusterName\": \"staging-cluster\", \"accessEntries\": []}", "access-entries.json: clusterName: the entries are cluster 'staging-cluster's, and the stack's cluster is 'my-cluster'")]
    [InlineData("access-entries.json", "{\"accessEntries\": [{\"clusterName\": \"other\", \"principalArn\": \"arn:aws:iam::123456789012:role/x\", \"type\": \"STANDARD\"}]}", "access-entries.json: accessEntries[0].clusterName: the entries are cluster 'other's")]
    // kubectl prints what it could read and exits 1 when one kind is refused: a List without the bootstrap policy is partial.
    [InlineData("rbac.json", "{\"kind\": \"List\", \"items\": [{\"kind\": \"ClusterRoleBinding\", \"metadata\": {\"name\": \"cluster-admin\"}, \"roleRef\": {\"kind\": \"ClusterRole\", \"name\": \"cluster-admin\"}, \"subjects\": [{\"kind\": \"Group\", \"name\": \"system:masters\"}]}]}", "rbac.json: (top level): holds no ClusterRole cluster-admin, which Kubernetes' bootstrap policy puts in every cluster, so the export is partial")]
    [InlineData("rbac.json", "{\"kind\": \"List\", \"items\": []}", "rbac.json: (top level): holds no ClusterRole and no ClusterRoleBinding cluster-admin")]
    [InlineData("rbac.json", "{\"kind\": \"List\", \"items\": [{\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}]}", "rbac.json: items[0].kind: 'Pod' is not an RBAC object")]
    [InlineData("rbac.json", "{\"kind\": \"List\", \"items\": [{\"kind\": \"RoleBinding\", \"metadata\": {\"name\": \"b\"}, \"roleRef\": {\"kind\": \"Role\", \"name\": \"r\"}}]}", "rbac.json: items[0].metadata.namespace: missing")]
    public void Each_malformed_input_is_an_error_naming_the_file_and_the_place(string file, string content, string error)
    {
        using var project = new TestProject();
        Write(project, file, content);
        var option = file switch { "aws-auth.yaml" => "--aws-auth", "access-entries.json" => "--access-entries", _ => "--rbac" };
        var result = project.Run("audit", "dev", option, file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("eksinfra: " + error, result.Error, StringComparison.Ordinal);
        Assert.Contains("dev: nothing audited", result.Error, StringComparison.Ordinal);
    }

    /// <summary>ParseMap refuses an entry with no ARN and keeps the rest ("Only saving data that was good").</summary>
    [Fact]
    public void An_entry_without_an_arn_is_reported_as_dropped_and_the_rest_is_audited()
    {
        using var project = new TestProject();
        var awsAuth = HandEditedDevAwsAuth.Replace(
            "  mapRoles: |\n",
            "  mapRoles: |\n    - username: no-arn\n      groups: [system:masters]\n    - just-a-string\n",
            StringComparison.Ordinal);
        Assert.NotEqual(HandEditedDevAwsAuth, awsAuth);

        var result = project.Run([.. AsCreated(project, "dev", awsAuth: awsAuth), "--format", "json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var json = JsonNode.Parse(result.Out)!;
        var dropped = json["differences"]!.AsArray().Where(f => f!["finding"]!.GetValue<string>() == "an entry the authenticator drops").ToList();
        Assert.Equal(["aws-auth data.mapRoles[0]", "aws-auth data.mapRoles[1]"], dropped.Select(f => f!["subject"]!.GetValue<string>()));
        Assert.All(dropped, f => Assert.False(f!["reachesClusterAdmin"]!.GetValue<bool>()));
        Assert.Contains("has no rolearn and no sso matcher", dropped[0]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("is a string, not a mapping", dropped[1]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // The rest of the list is what the cluster reads: the hand-added break-glass admin still fails the audit.
        Assert.True(UnmanagedAdmins(result.Out)["arn:aws:iam::123456789012:role/break-glass"]);
    }

    [Fact]
    public void The_report_is_the_same_bytes_whatever_the_order_of_the_exports()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var console = LiveFixtures.Entry(plan, "arn:aws:iam::123456789012:role/Admin", "STANDARD", "arn:aws:sts::123456789012:assumed-role/Admin/{{SessionName}}", [], ("AmazonEKSViewPolicy", ["b", "a"]));
        var oncall = LiveFixtures.Binding("oncall", "payments", "edit", null, ("Group", "read-only"));
        var entries = LiveFixtures.AccessEntries(plan, console);
        var rbac = LiveFixtures.Rbac(plan, oncall);
        var before = project.Run([.. AsCreated(project, "dev", awsAuth: HandEditedDevAwsAuth, entries: entries, rbac: rbac), "--format", "json"]);

        static void Reverse(JsonArray array)
        {
            var items = array.Select(i => i!.DeepClone()).Reverse().ToList();
            array.Clear();
            items.ForEach(array.Add);
        }

        Reverse(entries["accessEntries"]!.AsArray());
        Reverse(rbac["items"]!.AsArray());
        var after = project.Run([.. AsCreated(project, "dev", awsAuth: HandEditedDevAwsAuth, entries: entries, rbac: rbac), "--format", "json"]);

        Assert.Equal(1, before.ExitCode);
        // Only the places in the reordered files move.
        static string WithoutPlaces(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"accessEntries\[\d+\]", "accessEntries[]");
        Assert.Equal(WithoutPlaces(before.Out), WithoutPlaces(after.Out));
        Assert.NotEqual(before.Out, after.Out);
        Assert.Contains("RoleBinding payments/oncall", before.Out, StringComparison.Ordinal);
    }

    /// <summary>Prod merged as API, its deploy waiting for approval: the cluster still reads aws-auth (API_AND_CONFIG_MAP).</summary>
    [Fact]
    public void Live_mode_judges_aws_auth_by_the_clusters_mode_and_an_unknown_one_is_refused()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("prod");
        var awsAuth = Write(project, "aws-auth.yaml", $$$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: aws-auth, namespace: kube-system}
            data:
              mapRoles: |
                - rolearn: {{{plan.NodeRole.Arn}}}
                  username: system:node:{{EC2PrivateDNSName}}
                  groups: [system:bootstrappers, system:nodes]
                - rolearn: arn:aws:iam::345678901234:role/break-glass
                  username: break-glass
                  groups: [system:masters]
            """);
        string[] args = [.. AsCreated(project, "prod"), "--aws-auth", awsAuth, "--format", "json"];

        var lagging = project.Run([.. args, "--live-mode", "API_AND_CONFIG_MAP"]);
        Assert.True(lagging.ExitCode == 1, lagging.ToString());
        Assert.True(UnmanagedAdmins(lagging.Out)["arn:aws:iam::345678901234:role/break-glass"]);
        var mode = Assert.Single(JsonNode.Parse(lagging.Out)!["differences"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == "authenticationMode");
        Assert.Equal("the cluster's mode is API_AND_CONFIG_MAP, not the stack's API", mode!["finding"]!.GetValue<string>());
        Assert.Contains("error: arn:aws:iam::345678901234:role/break-glass: cluster admin, not granted by the model", lagging.Error, StringComparison.Ordinal);

        var inApi = project.Run([.. args, "--live-mode", "API"]);
        Assert.True(inApi.ExitCode == 0, inApi.ToString());

        var unknown = project.Run([.. args, "--live-mode", "api"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("", unknown.Out);
        Assert.Contains("eksinfra: --live-mode 'api' is not an authentication mode: give CONFIG_MAP, API_AND_CONFIG_MAP or API, as `aws eks describe-cluster --name CLUSTER --query cluster.accessConfig.authenticationMode --output text` prints it", unknown.Error, StringComparison.Ordinal);

        // Empty, as the scheduled audit passes a mode it could not read: the same audit as without the option.
        var unread = project.Run([.. args, "--live-mode", ""]);
        Assert.True(unread.ExitCode == 0, unread.ToString());
        Assert.DoesNotContain(JsonNode.Parse(unread.Out)!["differences"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == "authenticationMode");
        Assert.Equal(project.Run(args).Out, unread.Out);

        var help = project.Run("audit", "--help");
        Assert.Contains("--live-mode", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_skips_its_part_and_says_so()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var result = project.Run("audit", "dev", "--rbac", Write(project, "rbac.json", LiveFixtures.Rbac(plan)), "--format", "markdown");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("_Skipped_: aws-auth: --aws-auth not given", result.Out, StringComparison.Ordinal);
        Assert.Contains("_Skipped_: access entries: --access-entries not given", result.Out, StringComparison.Ordinal);
        Assert.StartsWith("## Access audit of `dev`", result.Out, StringComparison.Ordinal);
        Assert.Equal(2, project.Run("audit", "dev").ExitCode);
    }

    [Fact]
    public void Truncated_or_malformed_inputs_name_the_file_and_the_place_and_report_nothing()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        var whole = LiveFixtures.AccessEntries(plan).ToJsonString(Indented);
        var args = AsCreated(project, "dev", entries: LiveFixtures.AccessEntries(plan));
        Write(project, "access-entries.json", whole[..(whole.Length / 2)]);
        var truncated = project.Run(args);
        Assert.Equal(1, truncated.ExitCode);
        Assert.Equal("", truncated.Out);
        Assert.Matches(@"access-entries\.json: line \d+, column \d+: not valid JSON", truncated.Error);

        Write(project, "access-entries.json", whole.Replace("\"associatedAccessPolicies\"", "\"policies\"", StringComparison.Ordinal));
        var renamed = project.Run(args);
        Assert.Equal(1, renamed.ExitCode);
        Assert.Contains("access-entries.json: accessEntries[0].associatedAccessPolicies: missing", renamed.Error, StringComparison.Ordinal);

        Write(project, "access-entries.json", whole);
        Write(project, "aws-auth.yaml", HandEditedDevAwsAuth.Replace("      username: eks-admin\n", "      username: eks-admin\n     groups: [", StringComparison.Ordinal));
        var badYaml = project.Run(args);
        Assert.Equal(1, badYaml.ExitCode);
        Assert.Equal("", badYaml.Out);
        Assert.Contains("aws-auth.yaml: data.mapRoles (line 3, column", badYaml.Error, StringComparison.Ordinal);

        Write(project, "aws-auth.yaml", LiveFixtures.AwsAuth(plan));
        var rbac = LiveFixtures.Rbac(plan);
        var items = rbac["items"]!.AsArray();
        var index = items.Select((item, i) => (item, i)).First(x => x.item!["kind"]!.GetValue<string>() == "ClusterRoleBinding").i;
        items[index]!.AsObject().Remove("roleRef");
        Write(project, "rbac.json", rbac);
        var noRoleRef = project.Run(args);
        Assert.Equal(1, noRoleRef.ExitCode);
        Assert.Contains($"rbac.json: items[{index}].roleRef: missing", noRoleRef.Error, StringComparison.Ordinal);

        File.Delete(Path.Combine(project.Directory, "rbac.json"));
        Assert.Equal(1, project.Run(args).ExitCode);
    }

    [Fact]
    public void Can_answers_in_json_and_refuses_a_principal_the_stack_does_not_have()
    {
        using var project = new TestProject();
        var result = project.Run("can", "prod", "delete", "pods", "--namespace", "payments", "--format", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Out)!;
        Assert.Equal("in namespace payments", json["scope"]!.GetValue<string>());
        var payments = Assert.Single(json["principals"]!.AsArray(), p => p!["username"]!.GetValue<string>() == "sso:{{SessionName}}");
        Assert.Equal(["ClusterRole edit via RoleBinding payments/eks-infra:team-payments"], payments!["paths"]!.AsArray().Select(p => p!.GetValue<string>()));

        Assert.Equal(1, project.Run("can", "dev", "--principal", "arn:aws:iam::123456789012:role/nobody").ExitCode);
        Assert.Equal(2, project.Run("can", "dev", "get", "pods", "--principal", "arn:aws:iam::123456789012:role/eks-admin-role").ExitCode);
        Assert.Equal(2, project.Run("can", "dev", "get").ExitCode);
        var principal = project.Run("can", "dev", "--principal", "arn:aws:iam::123456789012:role/eks-readonly-role", "--format", "markdown");
        Assert.True(principal.ExitCode == 0, principal.ToString());
        Assert.Contains("| ClusterRole read-only via ClusterRoleBinding eks-infra:read-only | cluster-wide | core |", principal.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Can_principal_takes_the_session_arn_get_caller_identity_prints_as_its_role()
    {
        using var project = new TestProject();

        var session = project.Run("can", "dev", "--principal", "arn:aws:sts::123456789012:assumed-role/eks-readonly-role/alice", "--format", "json");
        var role = project.Run("can", "dev", "--principal", "arn:aws:iam::123456789012:role/eks-readonly-role", "--format", "json");

        Assert.True(session.ExitCode == 0, session.ToString());
        Assert.Equal(role.Out, session.Out);
        Assert.Equal("arn:aws:iam::123456789012:role/eks-readonly-role", JsonNode.Parse(session.Out)!["principal"]!.GetValue<string>());
    }

    [Fact]
    public void Can_principal_names_the_stacks_own_node_role_as_not_evaluated_instead_of_not_a_principal()
    {
        using var project = new TestProject();

        var result = project.Run("can", "dev", "--principal", "arn:aws:iam::123456789012:role/eks-node-role");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains(result.ErrorLines, l => l == "dev: 'arn:aws:iam::123456789012:role/eks-node-role' is the stack's node group role (node-group), which is not evaluated: nodes are authorized by the Node authorizer and system:nodes, not by the model");
    }

    private const string DevReadonly = "arn:aws:iam::123456789012:role/eks-readonly-role";

    private static List<string> Notes(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. JsonNode.Parse(result.Out)!["notes"]!.AsArray().Select(n => n!.GetValue<string>())];
    }

    /// <summary>What a group bound by another tool allows is unknown here: the principal's report says so, as `can VERB RESOURCE` does.</summary>
    [Fact]
    public void Can_principal_notes_its_external_group_and_not_another_principals()
    {
        using var project = new TestProject();
        project.EditStack("dev", "        groups: [read-only]\n", "        groups: [read-only, gitops-admins]\n");
        project.EditStack("dev", "    groups:\n      read-only:\n", "    externalGroups: [gitops-admins]\n    groups:\n      read-only:\n");
        var note = $"{DevReadonly} is in gitops-admins, which another tool binds (externalGroups), so what it allows is not evaluated here.";

        Assert.Equal([note], Notes(project.Run("can", "dev", "--principal", DevReadonly, "--format", "json")));
        Assert.Equal([note], Notes(project.Run("can", "dev", "--principal", DevReadonly, "--namespace", "apps", "--format", "json")));
        var table = project.Run("can", "dev", "--principal", DevReadonly);
        Assert.Contains("Note: " + note, table.Out.Split('\n'));
        var markdown = project.Run("can", "dev", "--principal", DevReadonly, "--format", "markdown");
        Assert.Contains("Note: " + note, markdown.Out.Split('\n'));

        // Neither role/eks-readonly-role's group nor the node role is about the admin role.
        Assert.Empty(Notes(project.Run("can", "dev", "--principal", "arn:aws:iam::123456789012:role/eks-admin-role", "--format", "json")));
    }

    [Fact]
    public void Can_principal_answers_for_a_principal_of_a_mapped_account_as_the_authenticator_maps_it()
    {
        using var project = new TestProject();
        project.EditStack("dev", "    authenticationMode: API_AND_CONFIG_MAP\n", "    authenticationMode: API_AND_CONFIG_MAP\n    mapAccounts: [\"123456789012\"]\n");

        // A session of a role no mapping names, as `aws sts get-caller-identity` prints it.
        var result = project.Run("can", "dev", "--principal", "arn:aws:sts::123456789012:assumed-role/team-reader/alice", "--format", "json");

        var json = JsonNode.Parse(result.Out)!;
        Assert.Equal("arn:aws:iam::123456789012:role/team-reader", json["principal"]!.GetValue<string>());
        var notes = Notes(result);
        Assert.StartsWith("Every IAM principal of account 123456789012 (mapAccounts)", notes[0], StringComparison.Ordinal);
        Assert.Contains("no groups", notes[0], StringComparison.Ordinal);
        Assert.Empty(json["groups"]!.AsArray());
        Assert.NotEmpty(json["permissions"]!.AsArray());

        var elsewhere = project.Run("can", "dev", "--principal", "arn:aws:iam::210987654321:role/team-reader");
        Assert.True(elsewhere.ExitCode == EksInfra.Cli.CliApp.Invalid, elsewhere.ToString());
        Assert.Contains("is not a principal of this stack", elsewhere.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Can_principal_on_an_older_kubernetes_notes_that_its_built_in_roles_grant_less()
    {
        using var project = new TestProject();
        Assert.Empty(Notes(project.Run("can", "dev", "--principal", DevReadonly, "--format", "json")));
        project.EditStack("dev", "    version: \"1.35\"\n", "    version: \"1.33\"\n");

        var notes = Notes(project.Run("can", "dev", "--principal", DevReadonly, "--format", "json"));

        var version = Assert.Single(notes);
        Assert.StartsWith("Kubernetes' built-in roles (admin, edit, view, system:*) are evaluated as of Kubernetes 1.35; on 1.33 they grant less", version, StringComparison.Ordinal);
    }

    /// <summary>EKS makes the creator admin whether or not the stack names it; an unnamed creator may be the principal asked about.</summary>
    [Fact]
    public void Can_principal_notes_that_an_unnamed_cluster_creator_is_admin_all_the_same()
    {
        using var project = new TestProject();
        project.EditStack("dev", "    deployerArn: arn:aws:iam::123456789012:role/eks-infra-ci-deploy-dev\n", "");

        var notes = Notes(project.Run("can", "dev", "--principal", DevReadonly, "--format", "json"));

        Assert.Equal(["The cluster creator is not listed (set eks-infra:cluster.deployerArn to name it): EKS makes it cluster admin through an access entry of its own."], notes);
    }

    private const string PaymentsDevelopers = "arn:aws:iam::345678901234:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PaymentsDevelopers_9d8c7b6a5f4e3d21";

    private static List<(string Via, string Scope)> Permissions(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. JsonNode.Parse(result.Out)!["permissions"]!.AsArray().Select(p => (p!["via"]!.GetValue<string>(), p["scope"]!.GetValue<string>()))];
    }

    /// <summary>kubectl auth can-i --list --namespace NS: cluster-wide grants and those in NS, not another namespace's.</summary>
    [Fact]
    public void Can_principal_with_a_namespace_lists_only_what_applies_in_it()
    {
        using var project = new TestProject();
        project.EditStack("prod", "        groups: [read-only]\n        assumedBy: [\"arn:aws:iam::345678901234:root\"]\n", "        groups: [read-only]\n        assumedBy: [\"arn:aws:iam::345678901234:root\"]\n        accessPolicies:\n          - policy: AmazonEKSEditPolicy\n            namespaces: [\"team-*\"]\n");

        var jobs = project.Run("can", "prod", "--principal", PaymentsDevelopers, "--namespace", "payments-jobs", "--format", "json");
        var jobsScopes = Permissions(jobs).Select(p => p.Scope).ToHashSet();
        Assert.Equal(["cluster-wide", "namespace payments-jobs"], jobsScopes.Order(StringComparer.Ordinal));
        Assert.Equal("payments-jobs", JsonNode.Parse(jobs.Out)!["namespace"]!.GetValue<string>());
        Assert.Contains(Permissions(project.Run("can", "prod", "--principal", PaymentsDevelopers, "--format", "json")), p => p.Scope == "namespace payments");

        var elsewhere = project.Run("can", "prod", "--principal", PaymentsDevelopers, "-n", "other");
        Assert.True(elsewhere.ExitCode == 0, elsewhere.ToString());
        Assert.StartsWith($"what {PaymentsDevelopers} (username sso:{{{{SessionName}}}}, groups team-payments) can do in namespace other in stack prod", elsewhere.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("via RoleBinding", elsewhere.Out, StringComparison.Ordinal);

        const string readonlyRole = "arn:aws:iam::345678901234:role/prod-eks-readonly-role";
        Assert.Contains(("access policy AmazonEKSEditPolicy", "namespaces team-*"), Permissions(project.Run("can", "prod", "--principal", readonlyRole, "-n", "team-a", "--format", "json")));
        var outside = Permissions(project.Run("can", "prod", "--principal", readonlyRole, "-n", "payments", "--format", "json"));
        Assert.DoesNotContain(outside, p => p.Via.StartsWith("access policy", StringComparison.Ordinal));
        Assert.Contains(outside, p => p.Via == "ClusterRole read-only via ClusterRoleBinding eks-infra:read-only");
    }

    [Fact]
    public void Can_principal_refuses_a_namespace_that_cannot_exist_and_a_name_instead_of_dropping_them()
    {
        using var project = new TestProject();

        var badNamespace = project.Run("can", "prod", "--principal", PaymentsDevelopers, "--namespace", "Bad_NS");
        Assert.Equal(2, badNamespace.ExitCode);
        Assert.Equal("", badNamespace.Out);
        Assert.StartsWith("eksinfra: --namespace 'Bad_NS' is not a namespace name; a namespace is a DNS-1123 label", Assert.Single(badNamespace.ErrorLines), StringComparison.Ordinal);

        var name = project.Run("can", "prod", "--principal", PaymentsDevelopers, "--name", "web");
        Assert.Equal(2, name.ExitCode);
        Assert.Equal("", name.Out);
        var line = Assert.Single(name.ErrorLines);
        Assert.StartsWith("eksinfra: --name web asks about one object, and --principal lists everything the principal may do", line, StringComparison.Ordinal);
        Assert.Contains("(eksinfra can prod get pods --name web)", line, StringComparison.Ordinal);
    }

    /// <summary>A non-resource request carries a path and a verb only (authorization/v1 NonResourceAttributes), so no name.</summary>
    [Fact]
    public void Can_says_a_name_is_ignored_for_a_url_path_as_it_says_of_a_namespace()
    {
        using var project = new TestProject();

        var result = project.Run("can", "dev", "get", "/healthz", "--name", "web", "-n", "apps", "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Out)!;
        Assert.Equal("get /healthz", json["request"]!.GetValue<string>());
        var notes = json["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("/healthz is a non-resource URL, which names no object: --name web is ignored", notes);
        Assert.Contains("/healthz is a non-resource URL, which has no namespace: --namespace apps is ignored", notes);
    }

    [Theory]
    [InlineData("VERB 'delet' is not a Kubernetes verb; did you mean 'delete'?", "delet", "pods", "--namespace", "payments")]
    [InlineData("--namespace 'Bad_NS' is not a namespace name; a namespace is a DNS-1123 label", "delete", "pods", "-n", "Bad_NS")]
    public void Can_refuses_a_misspelt_verb_or_a_namespace_that_cannot_exist_instead_of_answering(string message, params string[] question)
    {
        using var project = new TestProject();

        var result = project.Run(["can", "prod", .. question]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.ErrorLines, l => l.StartsWith("eksinfra: ", StringComparison.Ordinal));
        Assert.StartsWith("eksinfra: " + message, line, StringComparison.Ordinal);
        Assert.Contains(question[0] == "delet" ? "deletecollection" : "starting and ending with a letter or digit", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("can", "--principal")]
    [InlineData("audit", "--access-entries")]
    public void Both_verbs_have_help(string verb, string option)
    {
        using var project = new TestProject();
        var result = project.Run(verb, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(option, result.Out, StringComparison.Ordinal);
        Assert.Contains("--format", result.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// Kubernetes' RBAC gives a ServiceAccount subject to the user system:serviceaccount:NS:NAME (appliesToUser), the
    /// namespace defaulting to a RoleBinding's own; a hand-made mapping to that username gets the account's access.
    /// </summary>
    [Fact]
    public void A_principal_mapped_to_a_service_accounts_username_gets_what_the_account_is_bound_to()
    {
        using var project = new TestProject();
        var plan = LiveFixtures.Plan("dev");
        const string sneaky = "arn:aws:iam::123456789012:role/break-glass";
        var awsAuth = HandEditedDevAwsAuth.Replace(
            "      username: break-glass\n      groups:\n        - system:masters\n",
            "      username: system:serviceaccount:ci:deployer\n      groups: []\n",
            StringComparison.Ordinal);
        Assert.NotEqual(HandEditedDevAwsAuth, awsAuth);
        var saNamespaceDefaulted = LiveFixtures.Binding("deployer-admin", "ci", "admin", null, ("ServiceAccount", "ci/deployer"));
        saNamespaceDefaulted["subjects"]![0]!.AsObject().Remove("namespace");
        var clusterWide = LiveFixtures.Binding("deployer-cluster-admin", null, "cluster-admin", null, ("ServiceAccount", "ci/deployer"));

        var namespaced = JsonNode.Parse(project.Run([.. AsCreated(project, "dev", awsAuth: awsAuth, rbac: LiveFixtures.Rbac(plan, saNamespaceDefaulted)), "--format", "json"]).Out)!;
        var principal = Assert.Single(namespaced["unmanagedPrincipals"]!.AsArray(), f => f!["subject"]!.GetValue<string>() == sneaky);
        Assert.False(principal!["reachesClusterAdmin"]!.GetValue<bool>());
        Assert.Contains("ClusterRole admin in ci via RoleBinding ci/deployer-admin", principal["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(namespaced["unmanagedBindings"]!.AsArray(), f => f!["detail"]!.GetValue<string>().Contains($"reaches {sneaky}", StringComparison.Ordinal));

        var admin = project.Run([.. AsCreated(project, "dev", awsAuth: awsAuth, rbac: LiveFixtures.Rbac(plan, clusterWide)), "--format", "json"]);
        Assert.True(admin.ExitCode == 1, admin.ToString());
        Assert.True(UnmanagedAdmins(admin.Out)[sneaky]);
    }
}
