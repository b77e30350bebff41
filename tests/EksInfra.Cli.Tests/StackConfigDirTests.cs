using System.Text.RegularExpressions;

namespace EksInfra.Cli.Tests;

/// <summary>Pulumi.yaml's stackConfigDir moves the stack files, and every command looks for them there.</summary>
public sealed class StackConfigDirTests : IDisposable
{
    private readonly TestProject project = new(withShippedStacks: false);

    public void Dispose() => project.Dispose();

    private void MoveStacksTo(string projectLine, string folder)
    {
        File.AppendAllText(Path.Combine(project.Directory, "Pulumi.yaml"), projectLine + "\n");
        Directory.CreateDirectory(Path.Combine(project.Directory, folder));
        foreach (var stack in TestProject.ShippedStacks)
        {
            File.Copy(Path.Combine(TestProject.RepoRoot, $"Pulumi.{stack}.yaml"), Path.Combine(project.Directory, folder, $"Pulumi.{stack}.yaml"));
        }
    }

    [Theory]
    [InlineData("stackConfigDir: stacks")]
    [InlineData("stackConfigDir: ./stacks/")]
    // Go's filepath.Join(projectDir, "/stacks", ...) reads the leading '/' as one more separator.
    [InlineData("stackConfigDir: /stacks")]
    public void Check_finds_the_stacks_in_stack_config_dir(string line)
    {
        MoveStacksTo(line, "stacks");

        var result = project.Run("check");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var stack in TestProject.ShippedStacks)
        {
            Assert.Contains($"{stack}: valid", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_finding_names_the_stack_file_by_its_path_in_the_project()
    {
        MoveStacksTo("stackConfigDir: stacks", "stacks");
        var file = Path.Combine(project.Directory, "stacks", "Pulumi.dev.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("  eks-infra:access:\n", "  eks-infra:acess: {}\n  eks-infra:access:\n", StringComparison.Ordinal));

        var result = project.Run("check", "dev");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.ErrorLines, l => l.Contains("eks-infra:acess", StringComparison.Ordinal) && l.Contains("stacks/Pulumi.dev.yaml:", StringComparison.Ordinal));
    }

    [Fact]
    public void Migrate_names_the_stack_file_by_its_path_in_the_project_in_its_steps()
    {
        MoveStacksTo("stackConfigDir: stacks", "stacks");
        var file = Path.Combine(project.Directory, "stacks", "Pulumi.dev.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("authenticationMode: API_AND_CONFIG_MAP", "authenticationMode: CONFIG_MAP", StringComparison.Ordinal));

        var result = project.Run("migrate", "dev", "--to", "API_AND_CONFIG_MAP");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Config change in stacks/Pulumi.dev.yaml:", result.Out, StringComparison.Ordinal);
        Assert.Contains(result.Out.Split('\n'), l => l.StartsWith("  1. Set eks-infra:access.authenticationMode to API_AND_CONFIG_MAP in stacks/Pulumi.dev.yaml ", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_config_beside_stack_config_dir_is_not_refused_as_a_second_folder()
    {
        // project.go refuses config and stackConfigDir together only when config is text, a folder's name.
        MoveStacksTo("stackConfigDir: stacks", "stacks");
        File.WriteAllText(Path.Combine(project.Directory, "Pulumi.yaml"), "name: eks-infra\nruntime: dotnet\nconfig:\nstackConfigDir: stacks\n");

        var result = project.Run("check", "dev");

        Assert.True(result.ExitCode == 0, result.ToString());
        File.WriteAllText(Path.Combine(project.Directory, "Pulumi.yaml"), "name: eks-infra\nruntime: dotnet\nconfig: stacks\nstackConfigDir: stacks\n");
        Assert.Contains("'config' and 'stackConfigDir' both name", project.Run("check", "dev").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_config_dir_that_is_not_a_folder_is_an_error_naming_it()
    {
        File.AppendAllText(Path.Combine(project.Directory, "Pulumi.yaml"), "stackConfigDir: nowhere\n");

        var result = project.Run("check");

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.ErrorLines);
        Assert.Contains("Pulumi.yaml: stackConfigDir 'nowhere' is not a folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_beside_pulumi_yaml_is_not_a_stack_when_stack_config_dir_is_set()
    {
        MoveStacksTo("stackConfigDir: stacks", "stacks");
        File.Copy(Path.Combine(TestProject.RepoRoot, "Pulumi.dev.yaml"), Path.Combine(project.Directory, "Pulumi.qa.yaml"));

        var result = project.Run("check", "qa");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no stack 'qa'", result.Error, StringComparison.Ordinal);
        Assert.Contains("(Pulumi.yaml's stackConfigDir)", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stackConfigDir: stacks", "stacks")]
    [InlineData("stackConfigDir: ./stacks/", "stacks")]
    public void Stacks_prints_the_stack_config_dir_the_workflows_refuse(string line, string expected)
    {
        MoveStacksTo(line, "stacks");

        var result = project.Run("stacks", "--stack-config-dir");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Out.Trim());
    }

    [Fact]
    public void Stacks_prints_a_dot_for_stack_files_beside_pulumi_yaml()
    {
        using var shipped = new TestProject();

        var result = shipped.Run("stacks", "--stack-config-dir");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(".", result.Out.Trim());
    }

    [Fact]
    public void The_stack_config_dir_is_a_project_setting_and_takes_no_stack()
    {
        using var shipped = new TestProject();

        var result = shipped.Run("stacks", "dev", "--stack-config-dir");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--stack-config-dir prints the project's stack folder as one line of text: name no STACK, no --get and no --format", result.Error, StringComparison.Ordinal);
        // JSON asked for, and a plain '.' printed with exit 0, would pass a script that parses it by luck.
        Assert.Equal(2, shipped.Run("stacks", "--stack-config-dir", "--format", "json").ExitCode);
    }

    /// <summary>The STACK argument's help says where the file is looked for, since that is not always beside Pulumi.yaml.</summary>
    [Theory]
    [InlineData("render")]
    [InlineData("who")]
    [InlineData("diff")]
    [InlineData("migrate")]
    [InlineData("can")]
    [InlineData("audit")]
    public void The_stack_arguments_help_names_the_stack_config_dir(string verb)
    {
        var result = project.Run(verb, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');
        var arguments = lines.SkipWhile(l => l != "Arguments:").Skip(1).TakeWhile(l => l.Trim().Length > 0);
        var section = string.Join(" ", arguments.Select(l => l.Trim()));
        Assert.Contains("<STACK> The stack name: Pulumi.STACK.yaml beside Pulumi.yaml, or in the folder Pulumi.yaml's stackConfigDir (or the older config: DIR) names", Regex.Replace(section, " +", " "), StringComparison.Ordinal);
    }
}
