namespace EksInfra.Workflows.Tests;

public sealed class SecurityTests
{
    private static readonly string Root = RepoRoot.Find();

    /// <summary>
    /// What each action is pinned to: GitHub's own to their major version, the two third-party ones, which get the OIDC
    /// token and the state backend's secrets, to a full commit SHA with its release in a comment (GitHub, "Security
    /// hardening for GitHub Actions": "Pinning an action to a full-length commit SHA is currently the only way to use an
    /// action as an immutable release").
    /// </summary>
    private static readonly Dictionary<string, (string Ref, string? Release)> Pins = new()
    {
        ["actions/checkout"] = ("v4", null),
        ["actions/setup-dotnet"] = ("v4", null),
        ["actions/upload-artifact"] = ("v4", null),
        ["actions/download-artifact"] = ("v4", null),
        ["actions/github-script"] = ("v7", null),
        ["aws-actions/configure-aws-credentials"] = ("7474bc4690e29a8392af63c5b98e7449536d5c3a", "v4.3.1"),
        ["pulumi/actions"] = ("8582a9e8cc630786854029b4e09281acd6794b58", "v6.6.1"),
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
    public void Actions_are_pinned_github_s_to_major_versions_and_third_party_ones_to_commits(string path)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, path));
        foreach (var step in Workflow.Load(Root, path).Steps().Where(s => s.Uses is not null && !s.Uses.StartsWith("./", StringComparison.Ordinal)))
        {
            var (action, version) = (step.Uses![..step.Uses!.IndexOf('@')], step.Uses[(step.Uses.IndexOf('@') + 1)..]);
            Assert.True(Pins.TryGetValue(action, out var pin), $"{path} {step.Label} uses {step.Uses}, which is not one of the pinned actions");
            Assert.Equal(pin.Ref, version);
            if (pin.Release is { } release)
            {
                Assert.Matches("^[0-9a-f]{40}$", version);
                // The release beside the SHA is what a reader (and Dependabot) updates by.
                Assert.Contains(lines, l => l.TrimEnd().EndsWith($"uses: {step.Uses} # {release}", StringComparison.Ordinal));
            }
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
