namespace EksInfra.Cli.Tests;

/// <summary>How `migrate --write` replaces a stack file: whole or not at all, and nothing left beside it.</summary>
public sealed class ReplaceFileTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("eksinfra-replace-");

    public void Dispose() => folder.Delete(recursive: true);

    private string FileIn(string name) => Path.Combine(folder.FullName, name);

    private List<string> Entries() => [.. folder.EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_file_gone_before_the_write_is_not_created_and_no_temporary_file_stays()
    {
        File.WriteAllText(FileIn("Pulumi.other.yaml"), "config: {}\n");

        Assert.ThrowsAny<IOException>(() => OutputWriter.ReplaceFile(FileIn("Pulumi.dev.yaml"), "config: {}\n"));

        Assert.Equal(["Pulumi.other.yaml"], Entries());
    }

    [Fact]
    public void A_leftover_beside_the_file_is_neither_used_nor_touched()
    {
        var target = FileIn("Pulumi.dev.yaml");
        File.WriteAllText(target, "old\n");
        Directory.CreateDirectory(target + ".eksinfra-tmp");

        OutputWriter.ReplaceFile(target, "new\n");

        Assert.Equal("new\n", File.ReadAllText(target));
        Assert.Equal(["Pulumi.dev.yaml", "Pulumi.dev.yaml.eksinfra-tmp"], Entries());
    }

    [Fact]
    public void The_replacement_is_utf8_without_a_byte_order_mark_unless_the_text_holds_one()
    {
        var target = FileIn("Pulumi.dev.yaml");
        File.WriteAllText(target, "old\n");

        OutputWriter.ReplaceFile(target, "name: caf\u00e9\n");
        Assert.Equal("name: caf\u00e9\n"u8.ToArray(), File.ReadAllBytes(target));

        OutputWriter.ReplaceFile(target, "\uFEFFname: x\n");
        Assert.Equal([0xEF, 0xBB, 0xBF, .. "name: x\n"u8.ToArray()], File.ReadAllBytes(target));
    }
}
