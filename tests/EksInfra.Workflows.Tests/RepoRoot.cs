namespace EksInfra.Workflows.Tests;

internal static class RepoRoot
{
    /// <summary>The repository root: the first folder up from the test binaries that holds Pulumi.yaml.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} holds Pulumi.yaml");
    }
}
