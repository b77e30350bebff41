using EksInfra.Access.Reports;
using System.Diagnostics;
using System.Text.Json.Nodes;
using EksInfra.Access.Model;
using EksInfra.Access.Validation;

namespace EksInfra.Access.Tests;

/// <summary>Endpoint reachability, the deployer in every stack, principal lookups and the verification command.</summary>
public class DeployReadinessTests
{
    private static string Stack(string cluster = "", string mode = "API_AND_CONFIG_MAP", string deployer = "    deployerArn: arn:aws:iam::123456789012:role/ci-deploy\n", string access = "") => $$"""
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: my-cluster
        {{deployer}}{{cluster}}
          eks-infra:access:
            authenticationMode: {{mode}}
            roles:
              - name: eks-admin-role
                username: eks-admin
                groups: [system:masters]
                assumedBy: ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/sso/Admins", "arn:aws:iam::111122223333:role/Auditor"]
              - name: eks-readonly-role
                username: eks-readonly
                groups: [read-only]
                assumedBy: ["arn:aws:iam::123456789012:role/eks-admin-role"]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/ci/deployer
                username: ci-deployer
                groups: [read-only]
            mapUsers:
              - userarn: arn:aws:iam::123456789012:user/alice
                username: alice
                groups: [read-only]
        {{access}}
            groups:
              read-only: { clusterRole: read-only }
        """;

    [Theory]
    [InlineData("CONFIG_MAP", "    nodeRoleName: ci-deploy\n", "", "eks-infra:cluster.nodeRoleName")]
    [InlineData("API", "    serviceRoleName: CI-Deploy\n", "", "eks-infra:cluster.serviceRoleName")]
    [InlineData("API_AND_CONFIG_MAP", "", "  - name: ci-deploy\n    username: ci\n    groups: [read-only]\n", "eks-infra:access.roles[2].name")]
    [InlineData("CONFIG_MAP", "    fargateProfiles:\n      - name: batch\n        podExecutionRoleName: ci-deploy\n        selectors: [{ namespace: batch }]\n    vpcId: vpc-0a1b2c3d4e5f60718\n    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n", "", "eks-infra:cluster.fargateProfiles[0].podExecutionRoleName")]
    public void A_created_role_named_like_the_deployers_role_is_refused_in_every_mode(string mode, string cluster, string role, string path)
    {
        var yaml = Stack(cluster, mode);
        if (role.Length > 0)
        {
            yaml = Stacks.Edit(yaml, "    mapRoles:\n", string.Concat(role.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l + "\n")) + "    mapRoles:\n");
        }

        var evaluation = Stacks.EvaluateText(yaml);

        var error = Assert.Single(evaluation.Errors, e => e.Path == path);
        Assert.Contains("is the name of the deployer's role (eks-infra:cluster.deployerArn), which exists already", error.Message, StringComparison.Ordinal);
        Assert.Contains("EntityAlreadyExists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployer_user_of_a_created_roles_name_is_no_clash()
    {
        // Users and roles are named apart in IAM.
        var evaluation = Stacks.EvaluateText(Stack("    nodeRoleName: ci-deploy\n", "CONFIG_MAP", "    deployerArn: arn:aws:iam::123456789012:user/ci-deploy\n"));

        Assert.DoesNotContain(evaluation.Errors, e => e.Message.Contains("deployer's role", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("    vpcId: vpc-0a1b2c3d4e5f60718\n    privateSubnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]\n", "VPC vpc-0a1b2c3d4e5f60718")]
    [InlineData("", "the region's default VPC")]
    public void A_private_only_endpoint_warns_whatever_the_vpc(string network, string where)
    {
        var evaluation = Stacks.EvaluateText(Stack(network + "    endpointPublicAccess: false\n    endpointPrivateAccess: true\n"));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Path == "eks-infra:cluster.endpointPublicAccess");
        Assert.Contains(where, warning.Message, StringComparison.Ordinal);
        Assert.Contains(DeployRules.PrivateRunnerVariable, warning.Message, StringComparison.Ordinal);
        Assert.Contains(DeployRules.PrivatePreviewRunnerVariable, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_endpoint_does_not_warn()
    {
        var evaluation = Stacks.EvaluateText(Stack("    endpointPublicAccess: true\n    endpointPrivateAccess: true\n"));

        Assert.DoesNotContain(evaluation.Diagnostics, d => d.Path == "eks-infra:cluster.endpointPublicAccess");
    }

    [Theory]
    [InlineData("API_AND_CONFIG_MAP", true)]
    [InlineData("API", true)]
    [InlineData("CONFIG_MAP", false)]
    public void An_access_entry_stack_without_its_deployer_warns_why(string mode, bool warns)
    {
        var evaluation = Stacks.EvaluateText(Stack(mode: mode, deployer: ""));

        Assert.Equal(warns, evaluation.Warnings.Any(w => w.Path == "eks-infra:cluster.deployerArn" && w.Message.Contains("HTTP 409", StringComparison.Ordinal)));
        Assert.DoesNotContain(Stacks.EvaluateText(Stack(mode: mode)).Warnings, w => w.Path == "eks-infra:cluster.deployerArn");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Every_shipped_stack_names_its_deployer_in_its_own_account(string stack)
    {
        var evaluation = Stacks.Shipped(stack);
        var config = evaluation.Config!;

        Assert.True(Arns.TryParse(config.Cluster.DeployerArn!, out var deployer, out _));
        Assert.Equal(config.Aws.AccountId, deployer.AccountId);
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path == "eks-infra:cluster.deployerArn");
        var environments = File.ReadAllText(Path.Combine(Repo.Root, "docs", "environments.md"));
        Assert.Contains(config.Cluster.DeployerArn!, environments, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("52.12.34.0/24", null)]
    [InlineData("0.0.0.0/0", null)]
    [InlineData("54.240.197.7/32", null)]
    [InlineData("52.12.34.1/24", "write the network address 52.12.34.0/24")]
    [InlineData("256.0.0.0/8", "the octet 256")]
    [InlineData("10.0.0.0/33", "/33")]
    [InlineData("2001:db8::/32", "not an IPv4 CIDR block")]
    [InlineData("10.0.0.0", "not an IPv4 CIDR block")]
    [InlineData("010.0.0.0/8", "not an IPv4 CIDR block")]
    public void Public_access_cidrs_are_ipv4_blocks_in_network_form(string cidr, string? problem)
    {
        var evaluation = Stacks.EvaluateText(Stack($"    endpointPrivateAccess: true\n    publicAccessCidrs: [\"{cidr}\"]\n"));

        if (problem is null)
        {
            Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
            Assert.Equal([cidr], evaluation.Plan!.Cluster.Network.PublicAccessCidrs);
        }
        else
        {
            Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:cluster.publicAccessCidrs[0]" && e.Message.Contains(problem, StringComparison.Ordinal));
        }
    }

    // EKS refuses a block inside a reserved one ("The block cannot include reserved addresses", EKS User Guide); a block
    // that merely holds reserved ones, as 0.0.0.0/0 (EKS's default) and the public ranges beside them, is taken.
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8, a private-use block (RFC 1918)")]
    [InlineData("10.1.0.96/27", "10.0.0.0/8, a private-use block")]
    [InlineData("172.31.0.0/16", "172.16.0.0/12, a private-use block")]
    [InlineData("192.168.1.0/24", "192.168.0.0/16, a private-use block")]
    [InlineData("127.0.0.1/32", "127.0.0.0/8, the loopback block")]
    [InlineData("169.254.169.254/32", "169.254.0.0/16, the link-local block")]
    [InlineData("100.64.0.0/10", "100.64.0.0/10, the carrier-grade NAT")]
    [InlineData("203.0.113.0/24", "203.0.113.0/24, the documentation block TEST-NET-3")]
    [InlineData("198.51.100.10/32", "198.51.100.0/24, the documentation block TEST-NET-2")]
    [InlineData("192.0.2.5/32", "192.0.2.0/24, the documentation block TEST-NET-1")]
    [InlineData("198.19.0.0/16", "198.18.0.0/15, the benchmarking block")]
    [InlineData("0.0.0.0/8", "0.0.0.0/8, \"this network\"")]
    [InlineData("239.1.2.0/24", "224.0.0.0/4, the multicast block")]
    [InlineData("255.255.255.255/32", "240.0.0.0/4, the reserved former class E")]
    [InlineData("0.0.0.0/0", null)]
    [InlineData("0.0.0.0/1", null)]
    [InlineData("192.0.0.0/8", null)]
    [InlineData("11.0.0.0/8", null)]
    [InlineData("172.32.0.0/16", null)]
    [InlineData("100.128.0.0/10", null)]
    [InlineData("198.20.0.0/16", null)]
    [InlineData("223.255.255.0/24", null)]
    public void Public_access_cidrs_inside_a_reserved_block_are_refused_with_the_block_named(string cidr, string? reserved)
    {
        var evaluation = Stacks.EvaluateText(Stack($"    endpointPrivateAccess: true\n    publicAccessCidrs: [\"52.12.34.0/24\", \"{cidr}\"]\n"));

        if (reserved is null)
        {
            Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        }
        else
        {
            var error = Assert.Single(evaluation.Errors);
            Assert.Equal("eks-infra:cluster.publicAccessCidrs[1]", error.Path);
            Assert.Contains($"'{cidr}' lies inside {reserved}", error.Message, StringComparison.Ordinal);
            Assert.Contains("EKS refuses reserved addresses", error.Message, StringComparison.Ordinal);
            Assert.Contains("as a.b.c.d/32", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Public_access_cidrs_need_public_access_and_at_most_40_blocks()
    {
        var off = Stacks.EvaluateText(Stack("    endpointPublicAccess: false\n    endpointPrivateAccess: true\n    publicAccessCidrs: [\"52.12.34.0/24\"]\n"));
        Assert.Contains(off.Errors, e => e.Path == "eks-infra:cluster.publicAccessCidrs" && e.Message.Contains("nothing for publicAccessCidrs to restrict", StringComparison.Ordinal));

        string Blocks(int n) => string.Join(", ", Enumerable.Range(0, n).Select(i => $"\"52.{i}.0.0/16\""));
        Assert.True(Stacks.EvaluateText(Stack($"    endpointPrivateAccess: true\n    publicAccessCidrs: [{Blocks(40)}]\n")).IsValid);
        Assert.Contains(Stacks.EvaluateText(Stack($"    endpointPrivateAccess: true\n    publicAccessCidrs: [{Blocks(41)}]\n")).Errors, e => e.Path == "eks-infra:cluster.publicAccessCidrs" && e.Message.Contains("at most 40", StringComparison.Ordinal));

        var noPrivate = Stacks.EvaluateText(Stack("    publicAccessCidrs: [\"52.12.34.0/24\"]\n"));
        Assert.Contains(noPrivate.Warnings, w => w.Path == "eks-infra:cluster.publicAccessCidrs" && w.Message.Contains("NAT", StringComparison.Ordinal));
    }

    // IAM quota "Role trust policy length": 2,048 characters by default, white space not counted, adjustable.
    [Fact]
    public void A_trust_policy_over_iams_default_length_warns_at_assumed_by_counting_as_iam_does()
    {
        static string StackTrusting(IEnumerable<string> principals) => Stacks.Minimal().Replace(
            "        groups: [system:masters]\n",
            $"        groups: [system:masters]\n        assumedBy: [{string.Join(", ", principals.Select(p => $"\"{p}\""))}]\n",
            StringComparison.Ordinal);
        static string Principal(int i, string pad = "") => $"arn:aws:iam::123456789012:role/team-role-{i:D2}{pad}";
        // What IAM counts, measured apart from the tool: the document written again without white space.
        static int Minified(string json) => JsonNode.Parse(json)!.ToJsonString().Length;
        var principals = Enumerable.Range(0, 42).Select(i => Principal(i)).ToList();
        var pad = 2048 - Minified(Stacks.ValidPlanOf(StackTrusting(principals)).Roles.Single(r => r.Name == "eks-admin-role").TrustPolicyJson);
        Assert.InRange(pad, 1, 40);

        principals[0] = Principal(0, new string('x', pad));
        var atQuota = Stacks.EvaluateText(StackTrusting(principals));
        var written = atQuota.Plan!.Roles.Single(r => r.Name == "eks-admin-role").TrustPolicyJson;
        Assert.Equal(2048, Minified(written));
        Assert.True(written.Length > 2048, "the rendered document is indented, so white space counted would be over");
        Assert.DoesNotContain(atQuota.Warnings, w => w.Message.Contains("Role trust policy length", StringComparison.Ordinal));

        principals[0] = Principal(0, new string('x', pad + 1));
        var over = Stacks.EvaluateText(StackTrusting(principals));
        Assert.True(over.IsValid, Stacks.Describe(over));
        var warning = Assert.Single(over.Warnings, w => w.Message.Contains("Role trust policy length", StringComparison.Ordinal));
        Assert.Equal("eks-infra:access.roles[0].assumedBy", warning.Path);
        Assert.Contains("IAM role 'eks-admin-role' is 2,049 characters for its 42 principals", warning.Message, StringComparison.Ordinal);
        Assert.Contains("LimitExceeded", warning.Message, StringComparison.Ordinal);
        Assert.Contains("raise it first (Service Quotas", warning.Message, StringComparison.Ordinal);
        // The Pulumi program prints the plan's warnings, so the plan carries this one too.
        Assert.Contains(warning, over.Plan!.Warnings);
    }

    [Fact]
    public void Lookups_name_every_existing_principal_of_the_account_once_by_name()
    {
        var config = Stacks.EvaluateText(Stack()).Config!;

        var plan = PrincipalLookups.For(config);

        Assert.Equal(
            ["Role Admins", "Role ci-deploy", "Role deployer", "User alice"],
            plan.Lookups.Select(l => $"{l.Kind} {l.LookupName}"));
        Assert.Equal("arn:aws:iam::123456789012:role/ci/deployer", plan.Lookups.Single(l => l.LookupName == "deployer").Arn);
        // The account root needs no lookup, a role the stack creates does not exist yet, another account cannot be asked.
        Assert.DoesNotContain(plan.Lookups, l => l.LookupName is "eks-admin-role" or "Auditor");
        Assert.Equal(["arn:aws:iam::111122223333:role/Auditor"], plan.ForeignArns);
    }

    [Theory]
    [InlineData("API", true)]
    [InlineData("CONFIG_MAP", false)]
    public void An_existing_node_role_is_looked_up_and_a_missing_one_fails_where_it_gets_an_access_entry(string mode, bool fails)
    {
        var text = Stack(mode: mode).Replace(
            "    groups:\n",
            "    nodeRoles:\n      - { rolearn: \"arn:aws:iam::123456789012:role/karpenter/KarpenterNodeRole-my-cluster\", kind: linux }\n    groups:\n",
            StringComparison.Ordinal);
        var config = Stacks.EvaluateText(text).Config!;
        var plan = PrincipalLookups.For(config);

        var lookup = Assert.Single(plan.Lookups, l => l.LookupName == "KarpenterNodeRole-my-cluster");
        Assert.Equal(PrincipalKind.Role, lookup.Kind);
        var findings = PrincipalLookups.Judge(plan, plan.Lookups.Select(l => new LookupResult(l, l == lookup ? null : l.Arn, Missing: l == lookup)));
        var finding = Assert.Single(findings, f => f.Path == "eks-infra:access.nodeRoles[0].rolearn");
        Assert.Equal(fails, finding.IsError);
    }

    [Fact]
    public void A_missing_principal_gets_one_error_naming_its_path_and_arn_and_other_accounts_one_note()
    {
        var config = Stacks.EvaluateText(Stack()).Config!;
        var plan = PrincipalLookups.For(config);
        var results = plan.Lookups.Select(l => new LookupResult(l, l.LookupName is "deployer" or "Admins" ? null : l.Arn, Missing: l.LookupName is "deployer" or "Admins"));

        var findings = PrincipalLookups.Judge(plan, results);

        var errors = findings.Where(f => f.IsError).ToList();
        Assert.Equal(["eks-infra:access.mapRoles[0].rolearn", "eks-infra:access.roles[0].assumedBy[1]"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("'arn:aws:iam::123456789012:role/ci/deployer' does not exist in account 123456789012", errors.Single(e => e.Path.StartsWith("eks-infra:access.mapRoles", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Contains("trust policy", errors.Single(e => e.Path.Contains("assumedBy", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        var note = Assert.Single(findings, f => !f.IsError);
        Assert.Equal("eks-infra:access", note.Path);
        Assert.Contains("arn:aws:iam::111122223333:role/Auditor", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_present_gives_nothing_but_the_other_account_note()
    {
        var config = Stacks.EvaluateText(Stack()).Config!;
        var plan = PrincipalLookups.For(config);

        var findings = PrincipalLookups.Judge(plan, plan.Lookups.Select(l => new LookupResult(l, l.Arn, Missing: false)));

        Assert.Single(findings);
        Assert.False(findings[0].IsError);
    }

    [Fact]
    public void In_config_map_mode_a_missing_mapping_is_a_warning_but_a_missing_trusted_role_stays_an_error()
    {
        var config = Stacks.EvaluateText(Stack(mode: "CONFIG_MAP")).Config!;
        var plan = PrincipalLookups.For(config);

        var findings = PrincipalLookups.Judge(plan, plan.Lookups.Select(l => new LookupResult(l, null, Missing: true)));

        Assert.Contains(findings, f => !f.IsError && f.Path == "eks-infra:access.mapRoles[0].rolearn" && f.Message.Contains("maps nobody", StringComparison.Ordinal));
        Assert.Contains(findings, f => !f.IsError && f.Path == "eks-infra:access.mapUsers[0].userarn");
        Assert.Contains(findings, f => f.IsError && f.Path == "eks-infra:access.roles[0].assumedBy[1]");
    }

    [Theory]
    [InlineData("operation error IAM: GetRole, https response error StatusCode: 404, NoSuchEntity: The role with name x cannot be found.", true)]
    [InlineData("reading IAM Role (x): couldn't find resource", true)]
    [InlineData("operation error IAM: GetRole, https response error StatusCode: 403, AccessDenied: not authorized to perform: iam:GetRole", false)]
    public void Only_iams_no_such_entity_counts_as_missing(string message, bool missing)
    {
        Assert.Equal(missing, PrincipalLookups.IsNotFound(message));
    }

    [Fact]
    public void A_failed_lookup_is_a_warning_not_an_absence()
    {
        var config = Stacks.EvaluateText(Stack()).Config!;
        var plan = PrincipalLookups.For(config);

        var findings = PrincipalLookups.Judge(plan, plan.Lookups.Select(l => new LookupResult(l, null, Missing: false, FailureMessage: "AccessDenied")));

        Assert.DoesNotContain(findings, f => f.IsError);
        Assert.Contains(findings, f => f.Path == "eks-infra:access.mapUsers[0].userarn" && f.Message.Contains("iam:GetUser", StringComparison.Ordinal));
    }

    /// <summary>Runs the verification command in sh with stand-ins for aws and kubectl that record what they were given.</summary>
    [Fact]
    public void Verify_command_assumes_the_role_and_runs_update_kubeconfig_and_kubectl_with_its_credentials()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var arn = plan.AccessRoles.Single(r => r.Name == "eks-readonly-role").Arn;
        var command = plan.Cluster.VerifyCommand(arn);
        var dir = Directory.CreateTempSubdirectory("eksinfra-verify-").FullName;
        try
        {
            var log = Path.Combine(dir, "log");
            var fakeAws = """
                #!/bin/sh
                if [ "$1" = sts ]; then
                  echo "aws sts $*" >> "$LOG"
                  printf 'ASIAFAKEKEY\tfake/secret+key\tFwoGZXIvYXdzE=token\n'
                else
                  echo "aws $* key=$AWS_ACCESS_KEY_ID secret=$AWS_SECRET_ACCESS_KEY token=$AWS_SESSION_TOKEN" >> "$LOG"
                fi
                """;
            FakeTools(dir, fakeAws.ReplaceLineEndings("\n") + "\n", "#!/bin/sh\necho \"kubectl $* key=$AWS_ACCESS_KEY_ID\" >> \"$LOG\"\n");

            var syntax = Shell("-n", command, dir, log);
            Assert.Equal(0, syntax.ExitCode);
            var run = Shell(null, command + "; echo \"outside key=${AWS_ACCESS_KEY_ID:-none}\" >> \"$LOG\"", dir, log);
            Assert.Equal(0, run.ExitCode);

            var lines = File.ReadAllLines(log);
            Assert.Equal($"aws sts sts assume-role --role-arn {arn} --role-session-name eks-infra-verify --query Credentials.[AccessKeyId,SecretAccessKey,SessionToken] --output text", lines[0]);
            Assert.Equal("aws eks update-kubeconfig --name my-cluster --region us-west-2 key=ASIAFAKEKEY secret=fake/secret+key token=FwoGZXIvYXdzE=token", lines[1]);
            Assert.Equal("kubectl get nodes key=ASIAFAKEKEY", lines[2]);
            // The subshell leaves the caller's own shell on its own credentials.
            Assert.Equal("outside key=none", lines[3]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Verify_command_passes_a_role_path_with_shell_characters_as_one_word_and_runs_none_of_it()
    {
        // IAM takes any of ! through ~ in a path; a quote in it used to end the command's quoting and run the rest.
        const string path = "/a';touch${IFS}pwned;'`id`$(id)\\\"x/";
        var plan = Stacks.ValidPlanOf(Stacks.Edit(File.ReadAllText(Repo.StackFile("dev")), "      - name: eks-readonly-role\n", $"      - name: eks-readonly-role\n        path: \"{path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n"));
        var arn = plan.AccessRoles.Single(r => r.Name == "eks-readonly-role").Arn;
        Assert.Contains(path, arn, StringComparison.Ordinal);
        var dir = Directory.CreateTempSubdirectory("eksinfra-verify-").FullName;
        try
        {
            var log = Path.Combine(dir, "log");
            FakeTools(dir, "#!/bin/sh\nif [ \"$1\" = sts ]; then printf '%s\\n' \"$4\" >> \"$LOG\"; printf 'K\\tS\\tT\\n'; fi\n", "#!/bin/sh\n");

            var run = Shell(null, $"cd {ShellWord.Of(dir)} && {plan.Cluster.VerifyCommand(arn)}", dir, log);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal([arn], File.ReadAllLines(log));
            Assert.False(File.Exists(Path.Combine(dir, "pwned")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/ci/deploy", "arn:aws:iam::123456789012:role/ci/deploy")]
    [InlineData("arn:aws:iam::123456789012:role/a'b/x", "'arn:aws:iam::123456789012:role/a'\\''b/x'")]
    [InlineData("arn:aws:iam::123456789012:role/a;b$c/x", "'arn:aws:iam::123456789012:role/a;b$c/x'")]
    public void Printed_commands_quote_an_arn_only_where_the_shell_would_split_or_run_it(string arn, string word)
    {
        Assert.Equal(word, ShellWord.Of(arn));
        var (code, output) = Echo(ShellWord.Of(arn));
        Assert.Equal(0, code);
        Assert.Equal(arn, output);
    }

    private static (int ExitCode, string Output) Echo(string word)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s' " + word);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Fact]
    public void Verify_command_stops_when_the_role_cannot_be_assumed()
    {
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev"));
        var command = plan.Cluster.VerifyCommand(plan.AccessRoles.First().Arn);
        var dir = Directory.CreateTempSubdirectory("eksinfra-verify-").FullName;
        try
        {
            var log = Path.Combine(dir, "log");
            FakeTools(dir, "#!/bin/sh\nif [ \"$1\" = sts ]; then echo denied >&2; exit 254; fi\necho \"aws $*\" >> \"$LOG\"\n", "#!/bin/sh\necho kubectl >> \"$LOG\"\n");

            var run = Shell(null, command, dir, log);

            Assert.NotEqual(0, run.ExitCode);
            Assert.False(File.Exists(log), "nothing may run as the caller when the role was not assumed");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void FakeTools(string dir, string aws, string kubectl)
    {
        File.WriteAllText(Path.Combine(dir, "aws"), aws);
        File.WriteAllText(Path.Combine(dir, "kubectl"), kubectl);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var tool in new[] { "aws", "kubectl" })
            {
                File.SetUnixFileMode(Path.Combine(dir, tool), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    private static (int ExitCode, string Error) Shell(string? option, string command, string binDir, string log)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (option is not null)
        {
            start.ArgumentList.Add(option);
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["PATH"] = binDir + ":/usr/bin:/bin";
        start.Environment["LOG"] = log;
        start.Environment.Remove("AWS_ACCESS_KEY_ID");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
