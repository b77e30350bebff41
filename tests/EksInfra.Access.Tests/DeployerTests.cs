namespace EksInfra.Access.Tests;

/// <summary>
/// The principal that runs <c>pulumi up</c> creates the cluster, and EKS gives it an access entry of its own:
/// mapping it again in an access-entry mode fails mid-update with HTTP 409, so the model refuses it up front.
/// </summary>
public class DeployerTests
{
    private static string WithDeployer(string mode, string deployerArn) =>
        Stacks.Minimal(mode).Replace("    name: my-cluster\n", $"    name: my-cluster\n    deployerArn: {deployerArn}\n", StringComparison.Ordinal);

    private static string WithAssumeRoles(string roles, string deployer = "") =>
        Stacks.Minimal("API").Replace("  aws:allowedAccountIds: [\"123456789012\"]\n", $"  aws:allowedAccountIds: [\"123456789012\"]\n{roles}", StringComparison.Ordinal)
            .Replace("    name: my-cluster\n", $"    name: my-cluster\n{deployer}", StringComparison.Ordinal);

    /// <summary>The stack file and Pulumi's JSON view of it give the same diagnostics.</summary>
    private static List<Diagnostic> Errors(string yaml)
    {
        var fromFile = Stacks.EvaluateText(yaml).Errors.ToList();
        Assert.Equal(fromFile.Select(e => (e.Path, e.Message)), PulumiConfig.Evaluate(yaml).Errors.Select(e => (e.Path, e.Message)));
        return fromFile;
    }

    [Fact]
    public void The_one_role_of_aws_assume_roles_is_planned_as_the_role_the_kubernetes_providers_sign_in_as()
    {
        var yaml = WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci/deploy\n      sessionName: pulumi\n", "    deployerArn: arn:aws:iam::123456789012:role/ci/deploy\n");

        Assert.Empty(Errors(yaml));
        Assert.Equal("arn:aws:iam::123456789012:role/ci/deploy", Stacks.ValidPlanOf(yaml).Cluster.ProviderRoleArn);
        Assert.Null(Stacks.ValidPlanOf(Stacks.Minimal("API")).Cluster.ProviderRoleArn);
    }

    [Theory]
    [InlineData("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/hop\n    - roleArn: arn:aws:iam::123456789012:role/deploy\n", "aws:assumeRoles", "lists 2 roles, a chain")]
    [InlineData("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/deploy\n      externalId: s3cret\n", "aws:assumeRoles[0].externalId", "cannot pass an external ID")]
    [InlineData("  aws:assumeRoleWithWebIdentity:\n    roleArn: arn:aws:iam::123456789012:role/deploy\n    webIdentityTokenFile: /var/token\n", "aws:assumeRoleWithWebIdentity", "set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE in the environment")]
    [InlineData("  aws:assumeRoles:\n    - rolearn: arn:aws:iam::123456789012:role/deploy\n", "aws:assumeRoles[0].rolearn", "did you mean 'roleArn'")]
    [InlineData("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:user/deploy\n", "aws:assumeRoles[0].roleArn", "is a user; name the IAM role the AWS provider assumes")]
    [InlineData("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::210987654321:role/deploy\n", "aws:assumeRoles[0].roleArn", "is in account 210987654321, but the AWS provider works in the account of the role it assumes")]
    public void A_provider_identity_the_kubernetes_providers_cannot_take_is_refused_with_its_config_path(string roles, string path, string gist)
    {
        var errors = Errors(WithAssumeRoles(roles));

        // A misspelt roleArn is also reported as the missing roleArn; every other case is one error.
        var error = Assert.Single(errors, e => e.Path == path);
        Assert.Contains(gist, error.Message, StringComparison.Ordinal);
        Assert.Equal(path.EndsWith(".rolearn", StringComparison.Ordinal) ? 2 : 1, errors.Count);
    }

    [Fact]
    public void A_deployer_other_than_the_assumed_role_is_warned_since_only_a_new_cluster_is_created_by_the_assumed_role()
    {
        var evaluation = Stacks.EvaluateText(WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci/deployer\n", "    deployerArn: arn:aws:iam::123456789012:role/ci-runner\n")
            .Replace("        username: ci-deployer\n        groups: [deployers]\n", "        username: ci-deployer\n        groups: [system:masters]\n", StringComparison.Ordinal));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Path == "eks-infra:cluster.deployerArn");
        Assert.Contains("set deployerArn to 'arn:aws:iam::123456789012:role/ci/deployer' unless 'arn:aws:iam::123456789012:role/ci-runner' created this cluster", warning.Message, StringComparison.Ordinal);
        Assert.Contains("(HTTP 409)", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_whose_ci_role_changed_names_the_old_creator_and_maps_the_role_it_now_assumes()
    {
        // The cluster was created by ci-runner; CI now assumes deploy, which the Kubernetes providers sign in as, so it
        // must be mapped; the creator's entry stays with ci-runner, so only a mapping of ci-runner would be a second entry.
        var switched = WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci/deployer\n", "    deployerArn: arn:aws:iam::123456789012:role/ci-runner\n");
        var yaml = Stacks.Edit(switched, "        username: ci-deployer\n        groups: [deployers]\n", "        username: ci-deployer\n        groups: [system:masters]\n");

        Assert.Empty(Errors(yaml));
        Assert.Equal("arn:aws:iam::123456789012:role/ci-runner", Stacks.ValidPlanOf(yaml).Cluster.DeployerArn);

        // Not the creator, the role the providers sign in as has only what the model grants: edit cannot write RBAC bindings.
        var unable = Assert.Single(Errors(switched));
        Assert.Equal("aws:assumeRoles[0].roleArn", unable.Path);
        Assert.Contains("the model does not make it cluster admin", unable.Message, StringComparison.Ordinal);
        var presumed = Assert.Single(Errors(WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci/deployer\n")));
        Assert.Contains("if another role created this cluster, name that one as eks-infra:cluster.deployerArn", presumed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("API_AND_CONFIG_MAP")]
    [InlineData("API")]
    public void Mapping_the_deployer_in_an_access_entry_mode_is_refused(string mode)
    {
        // The deployer is written without its path here; the mapping has it. They are still one role.
        var evaluation = Stacks.EvaluateText(WithDeployer(mode, "arn:aws:iam::123456789012:role/Deployer"));

        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("eks-infra:access.mapRoles[0].rolearn", error.Path);
        Assert.Contains("is the deployer (eks-infra:cluster.deployerArn)", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 409", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("API_AND_CONFIG_MAP")]
    [InlineData("API")]
    public void Mapping_the_role_of_aws_assume_roles_in_an_access_entry_mode_is_refused_as_the_creator(string mode)
    {
        // The provider creates the cluster as this role, so EKS gives it the creator's entry, deployerArn or not.
        var yaml = WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci/deployer\n").Replace("authenticationMode: API\n", $"authenticationMode: {mode}\n", StringComparison.Ordinal);

        var error = Assert.Single(Errors(yaml));

        Assert.Equal("eks-infra:access.mapRoles[0].rolearn", error.Path);
        Assert.Contains("is the role the AWS provider assumes (aws:assumeRoles[0].roleArn), which calls CreateCluster and so is the cluster's creator", error.Message, StringComparison.Ordinal);
        Assert.Contains("which EKS already makes cluster admin", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 409", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_created_role_named_like_the_assumed_role_is_refused_even_beside_another_deployer()
    {
        var yaml = WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci/eks-admin-role\n", "    deployerArn: arn:aws:iam::123456789012:role/ci-runner\n");

        var errors = Errors(yaml);

        Assert.Contains(errors, e => e.Path == "eks-infra:access.roles[0].name" && e.Message.Contains("is the name of the role the AWS provider assumes (aws:assumeRoles[0].roleArn), which exists already", StringComparison.Ordinal));
    }

    [Fact]
    public void A_created_role_named_like_the_assumed_role_is_refused_beside_a_deployer_user_of_that_name()
    {
        var yaml = WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/eks-admin-role\n", "    deployerArn: arn:aws:iam::123456789012:user/eks-admin-role\n");

        Assert.Contains(Errors(yaml), e => e.Path == "eks-infra:access.roles[0].name" && e.Message.Contains("is the name of the role the AWS provider assumes", StringComparison.Ordinal));
    }

    [Fact]
    public void The_assumed_role_need_not_be_admin_when_the_stack_writes_no_kubernetes_object()
    {
        // API, an admin by access policy, no groups: the program registers no Kubernetes object for the providers to write.
        var yaml = """
            config:
              aws:region: us-west-2
              aws:allowedAccountIds: ["123456789012"]
              aws:assumeRoles:
                - roleArn: arn:aws:iam::123456789012:role/ci/deployer
              eks-infra:cluster:
                name: my-cluster
                deployerArn: arn:aws:iam::123456789012:role/ci-runner
              eks-infra:access:
                authenticationMode: API
                mapUsers:
                  - userarn: arn:aws:iam::123456789012:user/admin
                    username: admin
                    groups: [system:masters]
            """;

        Assert.Empty(Errors(yaml));
        var withGroup = Stacks.Edit(yaml, "groups: [system:masters]", "groups: [system:masters, readers]\n    groups:\n      readers:\n        clusterRole: view");
        Assert.Contains(Errors(withGroup), e => e.Path == "aws:assumeRoles[0].roleArn");
        // A namespace an access policy is scoped to is created by the program too.
        var scoped = Stacks.Edit(yaml, "groups: [system:masters]", "groups: [system:masters]\n      - userarn: arn:aws:iam::123456789012:user/web\n        username: web\n        accessPolicies: [{ policy: AmazonEKSViewPolicy, namespaces: [web] }]");
        Assert.Contains(Errors(scoped), e => e.Path == "aws:assumeRoles[0].roleArn");
        // A pattern or a system namespace is not created: nothing to write.
        foreach (var scope in new[] { "default", "dev-*", "kube-system" })
        {
            Assert.DoesNotContain(Errors(scoped.Replace("namespaces: [web]", $"namespaces: [\"{scope}\"]", StringComparison.Ordinal)), e => e.Path == "aws:assumeRoles[0].roleArn");
        }
    }

    [Fact]
    public void The_role_of_aws_assume_roles_is_the_creator_who_names_and_no_deployer_warning_asks_for()
    {
        var yaml = WithAssumeRoles("  aws:assumeRoles:\n    - roleArn: arn:aws:iam::123456789012:role/ci-deploy\n");
        var evaluation = Stacks.EvaluateText(yaml);

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Path == "eks-infra:cluster.deployerArn");
        Assert.Equal("arn:aws:iam::123456789012:role/ci-deploy", evaluation.Plan!.Cluster.DeployerArn);
        var without = Stacks.EvaluateText(Stacks.Minimal("API"));
        Assert.Contains(without.Warnings, w => w.Path == "eks-infra:cluster.deployerArn" && w.Message.StartsWith("not set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("linux", true)]
    [InlineData("windows", true)]
    [InlineData("fargate", false)]
    public void The_deployer_as_a_node_role_the_stack_writes_an_entry_for_is_refused(string kind, bool refused)
    {
        var stack = Stacks.Minimal("API", $"    nodeRoles:\n      - rolearn: arn:aws:iam::123456789012:role/nodes/Karpenter-Node\n        kind: {kind}\n")
            .Replace("    name: my-cluster\n", "    name: my-cluster\n    deployerArn: arn:aws:iam::123456789012:role/karpenter-node\n", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        // A Fargate role gets no entry from the stack (EKS makes one with its profile), so nothing clashes here.
        Assert.Equal(refused, evaluation.Errors.Any(e => e.Path == "eks-infra:access.nodeRoles[0].rolearn" && e.Message.Contains("is the deployer (eks-infra:cluster.deployerArn)", StringComparison.Ordinal) && e.Message.Contains("HTTP 409", StringComparison.Ordinal)));
    }

    /// <summary>
    /// EKS User Guide, "Create access entries": an access entry names an existing principal, with its path; aws-auth shows
    /// an IAM Identity Center role without it, and that ARN names no role (CreateAccessEntry: "principalArn is invalid").
    /// </summary>
    [Theory]
    [InlineData("API", "arn:aws:iam::123456789012:role/AWSReservedSSO_Admins_0123456789abcdef", true)]
    [InlineData("CONFIG_MAP", "arn:aws:iam::123456789012:role/AWSReservedSSO_Admins_0123456789abcdef", false)]
    [InlineData("API", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admins_0123456789abcdef", null)]
    public void An_identity_center_role_without_its_path_cannot_have_an_access_entry(string mode, string arn, bool? error)
    {
        var stack = Stacks.Minimal(mode).Replace("arn:aws:iam::123456789012:role/ci/deployer", arn, StringComparison.Ordinal)
            .Replace("    name: my-cluster\n", "    name: my-cluster\n    deployerArn: arn:aws:iam::123456789012:role/github-deploy\n", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        var finding = evaluation.Diagnostics.SingleOrDefault(d => d.Path == "eks-infra:access.mapRoles[0].rolearn" && d.Message.Contains("IAM Identity Center role written without its path", StringComparison.Ordinal));
        Assert.Equal(error, finding?.IsError);
        if (finding is not null)
        {
            Assert.Contains("role/aws-reserved/sso.amazonaws.com/REGION/AWSReservedSSO_Admins_0123456789abcdef", finding.Message, StringComparison.Ordinal);
            Assert.Contains("no REGION/ when that is us-east-1", finding.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A trust policy has no aws-auth form: IAM turns each principal into its unique id and refuses one that names no role
    /// ("Invalid principal in policy"), so an Identity Center role without its path is an error in assumedBy in every mode.
    /// </summary>
    [Theory]
    [InlineData("CONFIG_MAP", "arn:aws:iam::123456789012:role/AWSReservedSSO_Admins_0123456789abcdef", true)]
    [InlineData("API", "arn:aws:iam::123456789012:role/AWSReservedSSO_Admins_0123456789abcdef", true)]
    [InlineData("CONFIG_MAP", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admins_0123456789abcdef", false)]
    [InlineData("API", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admins_0123456789abcdef", false)]
    public void An_identity_center_role_without_its_path_cannot_be_trusted(string mode, string arn, bool refused)
    {
        var stack = Stacks.Minimal(mode).Replace("        groups: [system:masters]\n", $"        groups: [system:masters]\n        assumedBy: [\"{arn}\"]\n", StringComparison.Ordinal);

        var evaluation = Stacks.EvaluateText(stack);

        var error = evaluation.Errors.SingleOrDefault(e => e.Path == "eks-infra:access.roles[0].assumedBy[0]");
        Assert.Equal(refused, error is not null);
        Assert.Equal(!refused, evaluation.IsValid);
        if (error is not null)
        {
            Assert.Contains("Invalid principal in policy", error.Message, StringComparison.Ordinal);
            Assert.Contains("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/REGION/AWSReservedSSO_Admins_0123456789abcdef", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void In_config_map_mode_there_is_no_access_entry_to_clash_with()
    {
        var evaluation = Stacks.EvaluateText(WithDeployer("CONFIG_MAP", "arn:aws:iam::123456789012:role/ci/deployer"));

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
    }

    [Fact]
    public void A_deployer_that_is_not_mapped_is_named_in_the_who_report()
    {
        var plan = Stacks.ValidPlanOf(WithDeployer("API", "arn:aws:iam::123456789012:role/github-actions-deploy"));

        var report = Reports.WhoReport.Render(plan, Reports.ReportFormat.Table);

        Assert.Contains("the cluster creator (arn:aws:iam::123456789012:role/github-actions-deploy)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployer_that_is_not_an_iam_arn_is_refused_with_the_fix()
    {
        var evaluation = Stacks.EvaluateText(WithDeployer("API", "arn:aws:sts::123456789012:assumed-role/deploy/run-1"));

        var error = Assert.Single(evaluation.Errors);
        Assert.Equal("eks-infra:cluster.deployerArn", error.Path);
        Assert.Contains("arn:aws:iam::123456789012:role/deploy", error.Message, StringComparison.Ordinal);
    }
}
