using System.Text.Json;

namespace EksInfra.Cli.Tests;

/// <summary>What `render --out` may replace, and what a failed or repeated render leaves behind.</summary>
public sealed class RenderOutputTests : IDisposable
{
    private readonly TestProject project = new();

    public void Dispose() => project.Dispose();

    private string Out => Path.Combine(project.Directory, "out");

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_out_is_a_usage_error_and_writes_nothing(string value)
    {
        var before = Listing(project.Directory);

        var result = project.Run("render", "dev", "--out", value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out is empty", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Listing(project.Directory));
    }

    [Fact]
    public void The_current_folder_is_refused_so_the_project_and_live_exports_stay()
    {
        File.WriteAllText(Path.Combine(project.Directory, "aws-auth.yaml"), "live export\n");
        var before = Listing(project.Directory);

        var result = project.Run("render", "dev", "--out", ".");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is the current folder", result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing written", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Listing(project.Directory));
        Assert.Equal("live export\n", File.ReadAllText(Path.Combine(project.Directory, "aws-auth.yaml")));
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("iam/README.md")]
    [InlineData("iam/nested/x.json")]
    public void A_folder_with_files_no_render_writes_is_refused_untouched(string foreign)
    {
        Directory.CreateDirectory(Path.Combine(Out, "iam"));
        File.WriteAllText(Path.Combine(Out, "aws-auth.yaml"), "live export\n");
        var path = Path.Combine(Out, foreign);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "mine\n");
        var before = Listing(Out);

        var result = project.Run("render", "dev", "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds files eksinfra did not write", result.Error, StringComparison.Ordinal);
        Assert.Contains(foreign.Split('/')[0], result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Listing(Out));
        Assert.Equal("live export\n", File.ReadAllText(Path.Combine(Out, "aws-auth.yaml")));
    }

    /// <summary>The audit's exports are saved as aws-auth.yaml and access-entries.json, a render's own names: names prove nothing.</summary>
    [Fact]
    public void Live_exports_named_as_a_renders_files_are_refused_untouched()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "aws-auth.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
        File.WriteAllText(Path.Combine(Out, "access-entries.json"), "{\"clusterName\": \"my-cluster\", \"accessEntries\": []}\n");
        var before = Snapshot(Out);

        var result = project.Run("render", "dev", "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("but no .eksinfra-render saying a render wrote them", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(Out));
    }

    [Fact]
    public void A_folder_holding_only_an_empty_iam_folder_takes_a_render()
    {
        Directory.CreateDirectory(Path.Combine(Out, "iam"));

        var result = project.Run("render", "dev", "--out", "out");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(Out, ".eksinfra-render")));
    }

    [Fact]
    public void A_render_is_recorded_and_replaced_by_the_next_but_not_once_a_file_is_saved_over()
    {
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        var record = File.ReadAllLines(Path.Combine(Out, ".eksinfra-render")).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Out, f)).Where(f => f != ".eksinfra-render").Order(StringComparer.Ordinal), record.Select(l => l[66..]));
        Assert.All(record, l => Assert.Matches("^[0-9a-f]{64}  ", l));
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);

        File.WriteAllText(Path.Combine(Out, "aws-auth.yaml"), "a live export saved over the render\n");
        var before = Snapshot(Out);
        var result = project.Run("render", "dev", "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds files that differ from what the render recorded in .eksinfra-render wrote (aws-auth.yaml)", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(Out));
    }

    [Fact]
    public void A_file_named_as_out_is_refused()
    {
        File.WriteAllText(Out, "a file\n");

        var result = project.Run("render", "dev", "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a file", result.Error, StringComparison.Ordinal);
        Assert.Equal("a file\n", File.ReadAllText(Out));
    }

    [Fact]
    public void An_out_below_a_file_is_refused_naming_the_file()
    {
        File.WriteAllText(Path.Combine(project.Directory, "notes"), "a file\n");

        var result = project.Run("render", "dev", "--out", "notes/out/dev");

        Assert.Equal(2, result.ExitCode);
        Assert.EndsWith($"out/dev' lies below '{Path.Combine(project.Directory, "notes")}', which is a file; name a folder that is not inside a file, such as out/STACK; nothing written", result.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Equal("a file\n", File.ReadAllText(Path.Combine(project.Directory, "notes")));
        Assert.Empty(result.Out);
    }

    [Fact]
    public void A_write_the_system_refuses_fails_naming_the_out()
    {
        // /proc takes no new files: the one place every Linux machine refuses a write, whoever runs the test.
        if (!Directory.Exists("/proc/self"))
        {
            return;
        }

        var result = project.Run("render", "dev", "--out", "/proc/eksinfra-out");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("eksinfra: cannot render into --out '/proc/eksinfra-out': ", result.ErrorLines[^1], StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public void An_empty_existing_folder_takes_a_render()
    {
        Directory.CreateDirectory(Out);

        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);

        Assert.True(File.Exists(Path.Combine(Out, "rbac.yaml")));
    }

    [Fact]
    public void A_rerender_without_namespaces_removes_the_stale_namespaces_file()
    {
        Assert.Equal(0, project.Run("render", "staging", "--out", "out").ExitCode);
        Assert.True(File.Exists(Path.Combine(Out, "namespaces.yaml")));
        project.WriteStack("staging", project.ReadStack("dev"));

        Assert.Equal(0, project.Run("render", "staging", "--out", "out").ExitCode);

        Assert.False(File.Exists(Path.Combine(Out, "namespaces.yaml")));
        Assert.Equal(Listing(Rendered("staging")), Listing(Out));
    }

    [Fact]
    public void A_render_leaves_no_staging_folder_and_clears_one_a_killed_render_left()
    {
        Directory.CreateDirectory(Path.Combine(project.Directory, ".out.eksinfra-new-0123"));
        Directory.CreateDirectory(Path.Combine(project.Directory, ".out.eksinfra-old-4567"));

        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);

        Assert.Empty(Directory.GetDirectories(project.Directory, "*eksinfra*"));
    }

    [Fact]
    public void A_render_into_a_folder_another_render_is_writing_is_refused_and_leaves_its_staging_folder()
    {
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        var before = Snapshot(Out);
        var othersStaging = Path.Combine(project.Directory, ".out.eksinfra-new-0123");
        Directory.CreateDirectory(othersStaging);
        var lockFile = Path.Combine(project.Directory, ".out.eksinfra-lock");

        using (new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var result = project.Run("render", "staging", "--out", "out");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.True(result.Error.Contains($"eksinfra: another eksinfra render is writing '{Out}'", StringComparison.Ordinal), result.ToString());
            Assert.True(Directory.Exists(othersStaging));
            Assert.Equal(before, Snapshot(Out));
        }

        Assert.Equal(0, project.Run("render", "staging", "--out", "out").ExitCode);
        Assert.Equal(Listing(Rendered("staging")), Listing(Out));
    }

    [Fact]
    public void A_render_keeps_its_lock_file_in_place_so_every_render_locks_the_same_file()
    {
        var lockFile = Path.Combine(project.Directory, ".out.eksinfra-lock");
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        Assert.True(File.Exists(lockFile));

        // Held by an earlier open of the same file, the lock refuses the next render; released, it lets one through.
        using (new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Equal(1, project.Run("render", "staging", "--out", "out").ExitCode);
        }

        Assert.Equal(0, project.Run("render", "staging", "--out", "out").ExitCode);
        Assert.Equal(0, new FileInfo(lockFile).Length);
        Assert.Equal(Listing(Rendered("staging")), Listing(Out));
    }

    [Fact]
    public void A_failed_write_leaves_the_earlier_render_whole()
    {
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        var before = Snapshot(Out);

        var unwritable = new (string, string)[] { ("rbac.yaml", "new\n"), ("bad\0name.json", "{}") };
        Assert.ThrowsAny<ArgumentException>(() => OutputWriter.WriteAll(Out, unwritable));

        Assert.Equal(before, Snapshot(Out));
        Assert.Empty(Directory.GetDirectories(project.Directory, "*eksinfra*"));
    }

    [Fact]
    public void A_symlinked_out_stays_a_link_and_its_target_gets_the_render()
    {
        var real = Path.Combine(project.Directory, "real");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(Out, real);

        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);
        Assert.Equal(0, project.Run("render", "dev", "--out", "out").ExitCode);

        Assert.NotNull(new DirectoryInfo(Out).LinkTarget);
        using var entries = JsonDocument.Parse(File.ReadAllText(Path.Combine(real, "access-entries.json")));
        Assert.Equal(JsonValueKind.Object, entries.RootElement.ValueKind);
        Assert.Equal(Listing(Rendered("dev")), Listing(real));
    }

    private string Rendered(string stack)
    {
        var dir = Path.Combine(project.Directory, "expected-" + stack);
        Assert.Equal(0, project.Run("render", stack, "--out", Path.GetFileName(dir)).ExitCode);
        return dir;
    }

    private static List<string> Listing(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p)).Order(StringComparer.Ordinal)];

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(p => Path.GetRelativePath(folder, p), File.ReadAllText);
}
