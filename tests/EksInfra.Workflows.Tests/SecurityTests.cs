namespace EksInfra.Workflows.Tests;

public sealed class SecurityTests
{
    private static readonly string Root = RepoRoot.Find();

    /// <summary>The major version each action is pinned to.</summary>
    private static readonly Dictionary<string, string> Pins = new()
    {
        ["actions/checkout"] = "v4",
        ["actions/setup-dotnet"] = "v4",
        ["actions/upload-artifact"] = "v4",
        ["actions/download-artifact"] = "v4",
        ["actions/github-script"] = "v7",
        ["aws-actions/configure-aws-credentials"] = "v4",
        ["pulumi/actions"] = "v6",
    };

    public static TheoryData<string> Workflows => [Workflow.PreviewPath, Workflow.DeployPath, Workflow.DeployStackPath, Workflow.AuditPath];

    [Theory]
    [MemberData(nameof(Workflows))]
    public void No_long_lived_aws_keys(string path)
    {
        var text = File.ReadAllText(Path.Combine(Root, path));
        foreach (var forbidden in new[] { "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "aws-access-key-id", "aws-secret-access-key", "AWS_SESSION_TOKEN" })
        {
            Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Aws_credentials_come_from_oidc_roles_in_repository_variables(string path)
    {
        var workflow = Workflow.Load(Root, path);
        var aws = workflow.Steps().Where(s => s.Uses?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true).ToList();
        // deploy.yml only calls deploy-stack.yml, which holds its credentials step.
        Assert.Equal(path != Workflow.DeployPath, aws.Count > 0);
        foreach (var step in aws)
        {
            var role = step.With.Child("role-to-assume").Text() ?? "";
            Assert.StartsWith("${{ vars", role, StringComparison.Ordinal);
            Assert.Equal(new[] { "aws-region", "role-session-name", "role-to-assume" }, step.With.Entries().Select(e => e.Key).Order(StringComparer.Ordinal));
            var job = workflow.Job(step.JobId);
            Assert.Equal("write", job.At("permissions", "id-token").Text());
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Actions_are_pinned_to_their_major_versions(string path)
    {
        foreach (var step in Workflow.Load(Root, path).Steps().Where(s => s.Uses is not null))
        {
            var (action, version) = (step.Uses![..step.Uses!.IndexOf('@')], step.Uses[(step.Uses.IndexOf('@') + 1)..]);
            Assert.True(Pins.TryGetValue(action, out var pin), $"{path} {step.Label} uses {step.Uses}, which is not one of the pinned actions");
            Assert.Equal(pin, version);
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Workflow_token_is_read_only_by_default(string path)
    {
        var workflow = Workflow.Load(Root, path);
        Assert.Equal([new KeyValuePair<string, string?>("contents", "read")], workflow.Root.Child("permissions").Entries().Select(e => new KeyValuePair<string, string?>(e.Key, e.Value.Text())));
    }
}
