namespace EksInfra.Cli.Tests;

/// <summary>
/// Some thousands of nested flow maps or lists in a stack file, an aws-auth export or a mapRoles value inside one
/// overflowed the reader's stack: the process died (exit 134, no message). Now each is refused with exit 1, the config
/// path and the file position where the nesting passes the limit, and no stack trace.
/// </summary>
public sealed class DeepNestingTests
{
    private const string TooDeep = "maps and lists are nested deeper than 64 levels here (aliases expanded); no stack file or aws-auth export nests that deep: remove the extra nesting (or fix what generated the file)";

    private const int Levels = 5_000;

    private static readonly string Maps = string.Concat(Enumerable.Repeat("{a: ", Levels)) + "x" + new string('}', Levels);

    private static readonly string Lists = new string('[', Levels) + new string(']', Levels);

    private static string Repeat(string segment, int times) => string.Concat(Enumerable.Repeat(segment, times));

    private static void AssertRefusedCleanly(CliResult result, string output = "")
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(output, result.Out);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_refuses_a_stack_file_nested_thousands_deep_with_the_path_and_position()
    {
        using var project = new TestProject();
        project.EditStack("dev", "    groups:\n", $"    extra: {Maps}\n    groups:\n");
        var line = project.ReadStack("dev").Split('\n').ToList().FindIndex(l => l.StartsWith("    extra: ", StringComparison.Ordinal)) + 1;

        var result = project.Run("check", "dev");

        AssertRefusedCleanly(result, "dev: invalid (1 error, 0 warnings)\n");
        // The file's map, config and eks-infra:access hold the value: its 62nd map is the 65th level, at its '{'.
        var path = "eks-infra:access.extra" + Repeat(".a", 61);
        Assert.Contains($"{path}: {TooDeep} (Pulumi.dev.yaml:{line}:{12 + (4 * 61)})", result.ErrorLines);
    }

    private static string AwsAuthWith(string find, string replace)
    {
        var text = LiveFixtures.AwsAuth(LiveFixtures.Plan("dev"));
        Assert.Contains(find, text, StringComparison.Ordinal);
        return text.Replace(find, replace, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_and_audit_refuse_an_aws_auth_export_nested_thousands_deep_with_the_path_and_position()
    {
        using var project = new TestProject();
        var text = AwsAuthWith("metadata:\n", $"metadata:\n  annotations: {Lists}\n");
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), text);
        var line = text.Split('\n').ToList().FindIndex(l => l.StartsWith("  annotations: ", StringComparison.Ordinal)) + 1;
        // The file's map and metadata hold the value: its 63rd list is the 65th level.
        var path = "metadata.annotations" + Repeat("[0]", 62);
        var column = 16 + 62;

        var import = project.Run("import", "aws-auth.yaml");
        var audit = project.Run("audit", "dev", "--aws-auth", "aws-auth.yaml");

        AssertRefusedCleanly(import);
        Assert.Contains($"{path}: {TooDeep} (aws-auth.yaml:{line}:{column})", import.ErrorLines);
        AssertRefusedCleanly(audit);
        Assert.Contains($"eksinfra: aws-auth.yaml: {path} (line {line}, column {column}): {TooDeep}", audit.ErrorLines);
    }

    /// <summary>Dev's live aws-auth with <paramref name="mapRoles"/> as its data.mapRoles.</summary>
    private static string AwsAuthWithMapRoles(string mapRoles)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(LiveFixtures.AwsAuth(LiveFixtures.Plan("dev"))));
        var data = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)stream.Documents[0].RootNode)["data"];
        data.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("mapRoles")] = new YamlDotNet.RepresentationModel.YamlScalarNode(mapRoles) { Style = YamlDotNet.Core.ScalarStyle.Literal };
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [Fact]
    public void Import_and_audit_refuse_a_mapRoles_value_nested_thousands_deep_without_claiming_the_authenticator_ignores_it()
    {
        using var project = new TestProject();
        var text = AwsAuthWithMapRoles($"- rolearn: arn:aws:iam::123456789012:role/eks-admin-role\n  username: eks-admin\n  groups: {Lists}\n");
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), text);
        var mapRoles = text.Split('\n').ToList().FindIndex(l => l.StartsWith("  mapRoles: ", StringComparison.Ordinal)) + 1;
        Assert.True(mapRoles > 0, text);

        var import = project.Run("import", "aws-auth.yaml");
        var audit = project.Run("audit", "dev", "--aws-auth", "aws-auth.yaml");

        AssertRefusedCleanly(import);
        // The value's list, its map and the groups' value hold the rest: its 63rd list is the 65th level.
        var refused = $"is refused at data.mapRoles[0].groups{Repeat("[0]", 62)}: {TooDeep}";
        Assert.Contains(import.ErrorLines, l => l.StartsWith($"data.mapRoles: {refused} (aws-auth.yaml:{mapRoles}:", StringComparison.Ordinal));
        AssertRefusedCleanly(audit);
        Assert.Contains(audit.ErrorLines, l => l.StartsWith($"eksinfra: aws-auth.yaml: data.mapRoles (line {mapRoles}, column ", StringComparison.Ordinal) && l.EndsWith($"): {refused}", StringComparison.Ordinal));
        Assert.DoesNotContain("authenticator", import.Error + audit.Error, StringComparison.Ordinal);
    }
}
