namespace EksInfra.Cli.Tests;

/// <summary>Pulumi.yaml's config values reach a stack that does not set the key; check cannot judge them and says so.</summary>
public sealed class ProjectConfigValueTests : IDisposable
{
    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    private void AddToProjectConfig(string lines) =>
        File.AppendAllText(Path.Combine(project.Directory, "Pulumi.yaml"), lines);

    [Fact]
    public void A_shorthand_value_for_a_key_the_stack_lacks_is_refused_naming_the_pulumi_yaml_key()
    {
        AddToProjectConfig("  aws:region: us-west-2\n");
        project.EditStack("dev", "  aws:region: us-west-2\n", "");

        var result = project.Run("check", "dev");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => l.Contains("Pulumi.yaml's config", StringComparison.Ordinal));
        Assert.StartsWith("aws:region: ", line, StringComparison.Ordinal);
        Assert.Contains("gives this stack 'aws:region: ...'", line, StringComparison.Ordinal);
        Assert.Contains("set it in Pulumi.dev.yaml under 'config:'", line, StringComparison.Ordinal);
        var projectLines = File.ReadAllLines(Path.Combine(project.Directory, "Pulumi.yaml"));
        Assert.EndsWith($"(Pulumi.yaml:{projectLines.Length}:15)", line, StringComparison.Ordinal);
        // Not also "required: set the AWS region", which it is, in Pulumi.yaml.
        Assert.DoesNotContain(result.ErrorLines, l => l.StartsWith("aws:region: required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_typed_value_for_a_key_the_stack_lacks_is_refused()
    {
        AddToProjectConfig("  aws:assumeRoles:\n    value:\n      - roleArn: arn:aws:iam::123456789012:role/a\n      - roleArn: arn:aws:iam::123456789012:role/b\n");

        var result = project.Run("check", "dev");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("aws:assumeRoles: ", StringComparison.Ordinal) && l.Contains("gives this stack 'aws:assumeRoles.value'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_default_the_stack_overrides_is_not_refused()
    {
        AddToProjectConfig("  aws:region:\n    default: eu-west-1\n");

        var result = project.Run("check", "dev");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("dev: valid", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_for_a_key_without_namespace_is_refused_on_the_projects_key()
    {
        var pulumiYaml = Path.Combine(project.Directory, "Pulumi.yaml");
        File.WriteAllText(pulumiYaml, File.ReadAllText(pulumiYaml).Replace("  cluster:\n    type: object\n", "  cluster:\n    type: object\n    default: { name: from-project }\n", StringComparison.Ordinal));
        project.WriteStack("qa", "config:\n  aws:region: us-west-2\n  aws:allowedAccountIds: [\"123456789012\"]\n  eks-infra:access:\n    roles:\n      - { name: eks-admin-role, username: eks-admin, groups: [system:masters] }\n");

        var result = project.Run("check", "qa");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:cluster: ", StringComparison.Ordinal) && l.Contains("gives this stack 'cluster.default'", StringComparison.Ordinal));
    }
}
