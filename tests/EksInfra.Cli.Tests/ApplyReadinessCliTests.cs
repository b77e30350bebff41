using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Cli.Tests;

/// <summary>The tool's view of what a real `pulumi up` needs: namespaces, stack settings, the deployer, reachability.</summary>
public sealed class ApplyReadinessCliTests : IDisposable
{
    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public void Render_out_writes_namespaces_yaml_with_prods_namespace_quota_and_limit_range()
    {
        var result = project.Run("render", "prod", "--out", "out");

        Assert.True(result.ExitCode == 0, result.ToString());
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(project.Directory, "out", "namespaces.yaml"))));
        var kinds = stream.Documents.Select(d => (YamlMappingNode)d.RootNode)
            .Select(d => $"{d["kind"]} {((YamlMappingNode)d["metadata"])["name"]}")
            .ToList();
        Assert.Equal(["Namespace payments", "ResourceQuota eks-infra", "LimitRange eks-infra", "Namespace payments-jobs"], kinds);
        Assert.Contains(Path.Combine("out", "namespaces.yaml"), result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_prints_namespaces_before_the_role_bindings_into_them()
    {
        var result = project.Run("render", "staging");

        Assert.Equal(0, result.ExitCode);
        var ns = result.Out.IndexOf("kind: Namespace", StringComparison.Ordinal);
        Assert.True(ns >= 0 && ns < result.Out.IndexOf("kind: RoleBinding", StringComparison.Ordinal), result.Out);
    }

    [Fact]
    public void Stacks_prints_each_stacks_settings_in_promotion_order_as_one_json_line()
    {
        var result = project.Run("stacks", "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Out.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal(["dev", "staging", "prod"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("us-east-1", doc.RootElement.GetProperty("prod").GetProperty("region").GetString());
        Assert.True(doc.RootElement.GetProperty("prod").GetProperty("privateEndpoint").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("staging").GetProperty("privateEndpoint").GetBoolean());
    }

    [Fact]
    public void Stacks_get_prints_one_setting_read_through_the_binder()
    {
        // A comment and quotes that a line-based scraper would misread.
        project.EditStack("dev", "  aws:region: us-west-2", "  \"aws:region\": 'eu-central-1' # was us-west-2");

        Assert.Equal("eu-central-1\n", project.Run("stacks", "dev", "--get", "region").Out);
        Assert.Equal("true\n", project.Run("stacks", "prod", "--get", "privateEndpoint").Out);
        Assert.Equal("false\n", project.Run("stacks", "dev", "--get", "publicAccessRestricted").Out);
        project.EditStack("dev", "    name: my-cluster\n", "    name: my-cluster\n    publicAccessCidrs: [\"52.12.34.56/32\"]\n");
        Assert.Equal("true\n", project.Run("stacks", "dev", "--get", "publicAccessRestricted").Out);
        // Two halves admit every address, as diff's "open to any address" rule reads them.
        project.EditStack("dev", "publicAccessCidrs: [\"52.12.34.56/32\"]", "publicAccessCidrs: [\"0.0.0.0/1\", \"128.0.0.0/1\"]");
        Assert.Equal("false\n", project.Run("stacks", "dev", "--get", "publicAccessRestricted").Out);
        Assert.Equal(2, project.Run("stacks", "--get", "region").ExitCode);
        Assert.Equal(2, project.Run("stacks", "dev", "--get", "colour").ExitCode);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("table")]
    public void Stacks_get_refuses_a_format_it_would_not_apply(string format)
    {
        var result = project.Run("stacks", "dev", "--get", "region", "--format", format);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("eksinfra: --get prints one setting of one stack as one line of text, in no format: give no --format", line, StringComparison.Ordinal);
        Assert.Contains("`eksinfra stacks STACK --format json`", line, StringComparison.Ordinal);
        Assert.Equal("us-west-2\n", project.Run("stacks", "dev", "--get", "region").Out);
    }

    [Fact]
    public void Stacks_fails_on_an_invalid_stack()
    {
        project.EditStack("dev", "name: my-cluster", "name: \"my cluster\"");

        var result = project.Run("stacks", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:cluster.name:", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_warns_when_an_access_entry_stack_does_not_name_its_deployer()
    {
        project.EditStack("staging", "    deployerArn: arn:aws:iam::123456789012:role/eks-infra-ci-deploy-staging\n", "");

        var result = project.Run("check", "staging");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:cluster.deployerArn: warning: not set", StringComparison.Ordinal));
        Assert.Equal(1, project.Run("check", "staging", "--strict").ExitCode);
        Assert.DoesNotContain(project.Run("check", "dev").ErrorLines, l => l.Contains("deployerArn", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_warns_for_prods_private_only_endpoint_in_its_own_vpc()
    {
        var result = project.Run("check", "prod");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.StartsWith("eks-infra:cluster.endpointPublicAccess: warning:", StringComparison.Ordinal) && l.Contains("vpc-0a1b2c3d4e5f60718", StringComparison.Ordinal));
    }

    [Fact]
    public void Diff_flags_a_namespace_leaving_the_model_without_blocking()
    {
        project.SetBase("staging", project.ReadStack("staging"));
        project.EditStack("staging", "        namespaces: [apps, apps-jobs]\n", "        namespaces: [apps, apps-jobs]\n    namespaces:\n      apps-jobs: { managedElsewhere: true }\n");

        var (exitCode, findings) = DiffStaging();

        Assert.Equal(0, exitCode);
        var finding = Assert.Single(findings, f => f.Subject == "namespace apps-jobs");
        Assert.Equal(("danger", "namespace apps-jobs leaves the model"), (finding.Level, finding.Title));
    }

    [Fact]
    public void Diff_blocks_a_change_that_would_replace_a_namespace()
    {
        project.SetBase("staging", project.ReadStack("staging"));
        project.EditStack("staging", "name: staging-cluster", "name: staging-cluster-2");

        var (exitCode, findings) = DiffStaging();

        Assert.Equal(1, exitCode);
        Assert.Contains(findings, f => f.Level == "error" && f.Title == "namespace apps would be replaced");
    }

    /// <summary>The edited staging stack against the shipped one, as the JSON findings.</summary>
    private (int ExitCode, List<(string Level, string Subject, string Title)> Findings) DiffStaging()
    {
        var result = project.Run("diff", "staging", "--base", "base", "--format", "json");
        using var doc = JsonDocument.Parse(result.Out);
        return (result.ExitCode, [.. doc.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("level").GetString()!, f.GetProperty("subject").GetString()!, f.GetProperty("title").GetString()!))]);
    }

    [Fact]
    public void Who_lists_the_namespace_of_each_namespaced_grant()
    {
        var result = project.Run("who", "prod", "--format", "json");

        using var doc = JsonDocument.Parse(result.Out);
        var payments = doc.RootElement.GetProperty("principals").EnumerateArray()
            .Single(p => p.GetProperty("username").GetString() == "sso:{{SessionName}}")
            .GetProperty("grants").EnumerateArray().Single();
        Assert.Equal(["payments", "payments-jobs"], payments.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()));
    }
}
