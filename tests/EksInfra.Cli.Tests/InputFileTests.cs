namespace EksInfra.Cli.Tests;

/// <summary>Files named on the command line that are missing, folders or unreadable.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    [Theory]
    [InlineData("import", "FILE")]
    [InlineData("audit dev --aws-auth", "--aws-auth")]
    [InlineData("audit dev --access-entries", "--access-entries")]
    [InlineData("audit dev --rbac", "--rbac")]
    public void A_folder_is_named_as_a_folder_with_its_option(string command, string option)
    {
        Directory.CreateDirectory(Path.Combine(project.Directory, "exports"));

        var result = project.Run([.. command.Split(' '), "exports"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{option} 'exports' is a folder", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("import", "FILE")]
    [InlineData("audit dev --rbac", "--rbac")]
    public void A_missing_file_names_its_option(string command, string option)
    {
        var result = project.Run([.. command.Split(' '), "rbac.json"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{option} 'rbac.json': no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_every_stack_goes_on_past_an_unreadable_stack_file()
    {
        File.CreateSymbolicLink(Path.Combine(project.Directory, "Pulumi.broken.yaml"), Path.Combine(project.Directory, "gone.yaml"));

        var result = project.Run("check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken: unreadable", result.Out, StringComparison.Ordinal);
        Assert.Contains("Pulumi.broken.yaml", result.Error, StringComparison.Ordinal);
        foreach (var stack in TestProject.ShippedStacks)
        {
            Assert.Contains($"{stack}: valid", result.Out, StringComparison.Ordinal);
        }
    }
}
