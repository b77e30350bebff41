using EksInfra.Access.Migration;
using EksInfra.Access.Model;

namespace EksInfra.Access.Tests;

/// <summary>
/// The steps of the move to API, against the EKS User Guide: "Migrating existing aws-auth ConfigMap entries to access
/// entries" and "Associate access policies with access entries".
/// </summary>
public sealed class MigrationStepTests
{
    private const string NodeRoleArn = "arn:aws:iam::123456789012:role/eks-node-role";
    private const string WorkloadRoleArn = "arn:aws:iam::123456789012:role/workload-node-role";

    private static MigrationResult ToApi(string stack)
    {
        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", stack, AuthenticationMode.Api);
        Assert.True(migration.CanWrite, string.Join("\n", migration.Blockers));
        return migration;
    }

    private static int IndexOf(IReadOnlyList<string> steps, Func<string, bool> match)
    {
        var index = steps.ToList().FindIndex(s => match(s));
        Assert.True(index >= 0, "no such step in:\n" + string.Join("\n", steps));
        return index;
    }

    /// <summary>
    /// "Before removing existing aws-auth ConfigMap entries that were created by Amazon EKS for managed node group or a
    /// Fargate profile ..., double check if the correct access entries for those specific resources exist": once the mode
    /// is API, a node whose role has no entry cannot join, and the mode never moves back.
    /// </summary>
    [Fact]
    public void Each_role_eks_makes_an_entry_for_is_checked_before_the_mode_changes()
    {
        var steps = ToApi(ComputeStacks.Full("API_AND_CONFIG_MAP")).Steps;
        var modeChange = IndexOf(steps, s => s.StartsWith("Set eks-infra:access.authenticationMode", StringComparison.Ordinal));

        foreach (var (arn, type) in new[] { (NodeRoleArn, "EC2_LINUX"), (WorkloadRoleArn, "EC2_LINUX"), ("arn:aws:iam::123456789012:role/my-cluster-fargate-batch", "FARGATE_LINUX") })
        {
            var check = IndexOf(steps, s => s.Contains($"aws eks describe-access-entry --cluster-name my-cluster --region us-west-2 --principal-arn {arn}`", StringComparison.Ordinal));
            Assert.True(check < modeChange, steps[check]);
            Assert.Contains($"--principal-arn {arn} --type {type}`", steps[check], StringComparison.Ordinal);
        }

        // Karpenter's and the Windows role's entries are the stack's own, listed with every other principal's.
        Assert.DoesNotContain(steps, s => s.Contains("describe-access-entry", StringComparison.Ordinal) && s.Contains(ComputeStacks.KarpenterArn, StringComparison.Ordinal));
    }

    /// <summary>
    /// "If you run the kubectl auth can-i --list command, you won't see any Kubernetes permissions assigned by access
    /// policies": each policy is checked with a request it allows, in its scope, as the principals that hold it.
    /// </summary>
    [Fact]
    public void Access_policy_grants_are_checked_with_a_request_they_allow_not_with_can_i_list()
    {
        const string people = """
                  - { rolearn: "arn:aws:iam::123456789012:role/viewer", username: viewer, accessPolicies: [{ policy: AmazonEKSViewPolicy, namespaces: [web, api] }] }
                  - { rolearn: "arn:aws:iam::123456789012:role/other-viewer", username: other-viewer, accessPolicies: [{ policy: AmazonEKSViewPolicy, namespaces: [api, web] }] }
                  - { rolearn: "arn:aws:iam::123456789012:role/editor", username: editor, accessPolicies: [{ policy: AmazonEKSEditPolicy }] }
            """;
        var migration = ToApi(ComputeStacks.Full("API_AND_CONFIG_MAP", mapRoles: people.TrimEnd('\n')));

        var view = Assert.Single(migration.Steps, s => s.StartsWith("Check AmazonEKSViewPolicy", StringComparison.Ordinal));
        Assert.Contains("as arn:aws:iam::123456789012:role/other-viewer, arn:aws:iam::123456789012:role/viewer:", view, StringComparison.Ordinal);
        Assert.Contains("`kubectl auth can-i list pods -n api` answers yes, and likewise in web", view, StringComparison.Ordinal);
        var edit = Assert.Single(migration.Steps, s => s.StartsWith("Check AmazonEKSEditPolicy", StringComparison.Ordinal));
        Assert.Contains("`kubectl auth can-i create deployments.apps --all-namespaces`", edit, StringComparison.Ordinal);
        Assert.All(migration.Steps.Where(s => s.Contains("can-i --list", StringComparison.Ordinal)),
            s => Assert.Contains("not its access policies", s, StringComparison.Ordinal));
    }

    /// <summary>Entering API_AND_CONFIG_MAP, system:masters becomes AmazonEKSClusterAdminPolicy: its check comes before the move to API.</summary>
    [Fact]
    public void The_move_to_api_and_config_map_has_the_admin_policy_checked_before_api_is_suggested()
    {
        var migration = ModeMigration.Plan("test", "Pulumi.test.yaml", ComputeStacks.Full("CONFIG_MAP"), AuthenticationMode.ApiAndConfigMap);
        Assert.True(migration.CanWrite, string.Join("\n", migration.Blockers));

        var admin = IndexOf(migration.Steps, s => s == "Check AmazonEKSClusterAdminPolicy (cluster-wide) as arn:aws:iam::123456789012:role/eks-admin-role: `kubectl auth can-i '*' '*' --all-namespaces` answers yes.");
        Assert.True(admin < IndexOf(migration.Steps, s => s.Contains("--to API`", StringComparison.Ordinal)));
    }
}
