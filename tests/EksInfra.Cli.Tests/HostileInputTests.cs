using System.Text.Json;

namespace EksInfra.Cli.Tests;

/// <summary>
/// Every file of the hostile corpus (tests/hostile), run through the tool as a stack file: each must be refused
/// with exit 1, the expected config path first on some error line, no stack trace, and nothing written.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string Corpus = Path.Combine(TestProject.RepoRoot, "tests", "hostile");

    public static TheoryData<string> HostileFiles()
    {
        var data = new TheoryData<string>();
        foreach (var name in Expected().Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static Dictionary<string, (string Path, string Gist)> Expected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Corpus, "expected.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetProperty("path").GetString()!, p.Value.GetProperty("gist").GetString()!));
    }

    [Fact]
    public void The_corpus_is_large_and_every_file_has_an_expectation()
    {
        var files = Directory.GetFiles(Corpus).Select(Path.GetFileName).Where(f => f != "expected.json").ToList();
        Assert.True(files.Count >= 40, $"only {files.Count} hostile files");
        Assert.Equal(files.Order(StringComparer.Ordinal), Expected().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Check_and_render_refuse_it_cleanly_and_write_nothing(string name)
    {
        using var project = new TestProject(withShippedStacks: false);
        File.Copy(Path.Combine(Corpus, name), project.StackFile("hostile"));
        var (path, gist) = Expected()[name];

        var check = project.Run("check", "hostile");
        var render = project.Run("render", "hostile", "--out", "out");

        foreach (var result in new[] { check, render })
        {
            Assert.True(result.ExitCode == 1, $"{name}: {result}");
            Assert.Contains(result.ErrorLines, l => l.StartsWith(path + ": ", StringComparison.Ordinal) && l.Contains(gist, StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
        }

        Assert.Empty(render.Out);
        Assert.Equal(["Pulumi.hostile.yaml", "Pulumi.yaml"], Directory.GetFileSystemEntries(project.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_enormous_stack_file_is_refused_without_reading_it_as_yaml()
    {
        using var project = new TestProject(withShippedStacks: false);
        using (var stream = File.Create(project.StackFile("huge")))
        {
            var line = "# padding padding padding padding padding padding padding padding padding\n"u8.ToArray();
            for (var written = 0L; written <= 17L * 1024 * 1024; written += line.Length)
            {
                stream.Write(line);
            }
        }

        var result = project.Run("render", "huge", "--out", "out");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("-byte limit for a stack file", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "out")));
    }
}
