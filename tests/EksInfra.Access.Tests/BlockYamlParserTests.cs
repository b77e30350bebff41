using System.Globalization;
using System.Text;
using EksInfra.Access.Config;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksInfra.Access.Tests;

/// <summary>
/// <see cref="BlockYamlParser"/> stands in for YamlDotNet's parser on plain block YAML. Whatever it accepts it must give
/// exactly as YamlDotNet does, event for event, every mark and flag included; whatever YamlDotNet refuses it must leave
/// to YamlDotNet. YamlDotNet is the reference, over every YAML file the suites hold, edge files, and mutations of them.
/// </summary>
public class BlockYamlParserTests
{
    private const string Access = "config:\n  aws:region: us-west-2\n  eks-infra:access:\n";

    public static TheoryData<string> RepositoryYamlFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in YamlFiles())
        {
            data.Add(Path.GetRelativePath(Repo.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RepositoryYamlFiles))]
    public void Every_yaml_file_of_the_repository_parses_as_YamlDotNet_parses_it_or_is_left_to_it(string relativePath) =>
        AssertAgrees(File.ReadAllBytes(Path.Combine(Repo.Root, relativePath)));

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void The_shipped_stacks_are_in_the_subset(string stack)
    {
        var bytes = File.ReadAllBytes(Repo.StackFile(stack));
        Assert.True(BlockYamlParser.TryParse(bytes, 0, out var declinedAt) is not null, $"declined at {declinedAt}");
        AssertAgrees(bytes);
    }

    [Fact]
    public void A_large_block_access_model_is_in_the_subset_and_parses_as_YamlDotNet_parses_it()
    {
        var bytes = Encoding.UTF8.GetBytes(LargeModel(2_000));
        Assert.True(BlockYamlParser.TryParse(bytes, 0, out var declinedAt) is not null, $"declined at {declinedAt}");
        AssertAgrees(bytes);
    }

    /// <summary>Files in the subset that reach its corners: where marks of ends, documents and the stream fall.</summary>
    public static TheoryData<string, string> InSubset() => new()
    {
        { "no-trailing-newline", "config:\n  aws:region: us-west-2" },
        { "trailing-blank-lines-and-comments", "config:\n  a: b\n\n# done\n\n   # indented\n" },
        { "leading-comments-and-blank-lines", "# top\n\n  # more\nconfig:\n  a: b\n" },
        { "comment-with-multibyte-text", "# café — ✓ 𝄞 done\nconfig: # ∑ 🙂\n  a: b # ü\n  c: [d] # 𝄞𝄞\n" },
        { "indentless-list-then-key", Access + "    mapRoles:\n    - rolearn: arn:aws:iam::123456789012:role/a\n      groups:\n      - system:masters\n    authenticationMode: CONFIG_MAP\n" },
        { "indented-lists-to-the-end", Access + "    mapUsers:\n      - userarn: \"arn:aws:iam::123456789012:user/u\"\n        groups:\n          - readers\n          - 'writers'\n" },
        { "nested-flow", "config:\n  a: [[b], [[]], {c: [d]}]\n" },
        { "flow-colon-inside-scalar", "config:\n  a: [arn:aws:iam::1:root, system:masters]\n" },
        { "flow-maps", Access + "    mapRoles: [ { rolearn: \"arn:aws:iam::1:role/a\", groups: [system:masters] }, {} ]\n    b: { c: d, e: [f], g: { h: i } }   # c\n    l:\n      - { key: node.example.com/spot, value: \"true\", effect: PreferNoSchedule }\n" },
        { "ends-at-the-end-of-a-last-line", "config:\n  a:\n    b: c\n " },
        { "ends-after-a-comment-without-line-break", "config:\n  a:\n    - b\n # ü 🙂" },
        { "flow-lists", Access + "    a: []\n    b: [ x ]\n    c: [\"q\", 'r',s , t u ]\n    d: [x]   # c\n    e:\n      - [a, b]\n      - []\n" },
        { "quoted-keys-and-values", "\"config\":\n  'a': \"b c\"\n  \"d\": ''\n  e: \"\"\n" },
        { "plain-scalars-with-indicators-inside", "config:\n  a: b#c\n  d: e:f\n  g: h, i [j] {k}\n  l: m - n\n  o: 1.5e3\n  p: ~\n  q: <<x\n  r: a'b\"c\n" },
        { "spaces-before-comments-and-line-ends", "config:   \n  a:    b   \n  c: d    # x\n  e:     # y\n    f: g\n" },
        { "deeper-list-item-maps", "config:\n  a:\n    -   k: v\n        l: w\n    -  m: [x]\n  b: c\n" },
        { "root-indented", "  config:\n    a: b\n" },
        { "duplicate-keys-as-events", "config:\n  a: b\n  a: c\n" },
    };

    [Theory]
    [MemberData(nameof(InSubset))]
    public void Files_in_the_subset_parse_as_YamlDotNet_parses_them(string name, string yaml)
    {
        var bytes = Encoding.UTF8.GetBytes(yaml);
        Assert.True(BlockYamlParser.TryParse(bytes, 0, out var declinedAt) is not null, $"{name} is in the subset, but was declined at {declinedAt}");
        AssertAgrees(bytes);
    }

    /// <summary>What the subset leaves to YamlDotNet, valid or not: each must be declined, never read another way.</summary>
    public static TheoryData<string, string> OutsideSubset() => new()
    {
        { "anchor-and-alias", "config:\n  a: &x b\n  c: *x\n" },
        { "tag", "config:\n  a: !!str 1\n" },
        { "flow-map-on-lines", "config:\n  a: { b: c,\n    d: e }\n" },
        { "flow-map-adjacent-value", "config:\n  a: {\"b\":c}\n" },
        { "flow-map-empty-value", "config:\n  a: { b: , c: d }\n" },
        { "flow-trailing-comma", "config:\n  a: [b, c, ]\n" },
        { "deep-flow", "config:\n  a: " + new string('[', 100) + new string(']', 100) + "\n" },
        { "deep-blocks", "config:\n" + string.Concat(Enumerable.Range(1, 100).Select(i => new string(' ', i) + "k:\n")) + new string(' ', 101) + "k: v\n" },
        { "block-scalar", "config:\n  a: |\n    text\n" },
        { "empty-value", "config:\n  a:\n  b: c\n" },
        { "value-continued", "config:\n  a: b\n    c\n" },
        { "tab", "config:\n\ta: b\n" },
        { "crlf", "config:\r\n  a: b\r\n" },
        { "escape", "config:\n  a: \"b\\nc\"\n" },
        { "doubled-single-quote", "config:\n  a: 'it''s'\n" },
        { "document-markers", "---\nconfig:\n  a: b\n...\n" },
        { "two-documents", "config:\n  a: b\n---\nconfig:\n  a: c\n" },
        { "directive", "%YAML 1.2\n---\nconfig: {}\n" },
        { "non-ascii-value", "config:\n  a: café\n" },
        { "line-separator-in-comment", "config:\n  a: b # x\u2028c: d\n" },
        { "root-list", "- a\n- b\n" },
        { "root-scalar", "text\n" },
        { "empty", "" },
        { "only-comments", "# nothing\n" },
        { "unclosed-flow", "config:\n  a: [b, c\n" },
        { "key-value-key", "config:\n  a: b: c\n" },
        { "list-where-key-should-be", "config:\n  a: b\n  - c\n" },
        { "empty-list-item", "config:\n  a:\n    -\n    - b\n" },
        { "nested-compact-list", "config:\n  a:\n    - - b\n" },
        { "space-before-colon", "config:\n  a : b\n" },
        { "explicit-key", "config:\n  ? a\n  : b\n" },
        { "junk-after-quoted", "config:\n  a: \"b\"c\n" },
        { "alias-like-inside-a-key", "config:\n  aw *s:region: us-west-2\n" },
        { "more-events-than-held-at-once", "config:\n  a: [" + string.Concat(Enumerable.Repeat("b,", 600_000)) + "b]\n" },
        { "long-key", "config:\n  " + new string('k', 1_100) + ": v\n" },
    };

    [Theory]
    [MemberData(nameof(OutsideSubset))]
    public void What_the_subset_leaves_out_goes_to_YamlDotNet(string name, string yaml)
    {
        var bytes = Encoding.UTF8.GetBytes(yaml);
        Assert.True(BlockYamlParser.TryParse(bytes, 0) is null, $"{name} is left to YamlDotNet");
    }

    /// <summary>Small edits of real files (a character dropped, added or doubled, a line re-indented): accepted means identical to YamlDotNet.</summary>
    [Fact]
    public void Mutations_of_every_file_are_declined_or_parse_as_YamlDotNet_parses_them()
    {
        var bases = YamlFiles().Select(File.ReadAllText).Concat(InSubset().Select(row => (string)row[1])).ToList();
        var random = new Random(20261202);
        const string Inserted = " \n\t\r-:#[],\"'a0.&*!|>{}?~%@`é";
        var accepted = 0;
        var checkedCount = 0;
        foreach (var text in bases.Where(t => t.Length < 20_000))
        {
            for (var i = 0; i < 80; i++)
            {
                var mutant = text;
                for (var edits = random.Next(1, 4); edits > 0; edits--)
                {
                    mutant = Mutate(mutant, random, Inserted);
                }

                var bytes = Encoding.UTF8.GetBytes(mutant);
                accepted += AssertAgrees(bytes, mutant) ? 1 : 0;
                checkedCount++;
            }
        }

        // The mutations must reach the subset often enough to test it, not only YamlDotNet's errors.
        Assert.True(accepted > checkedCount / 10, $"{accepted} of {checkedCount} mutants were in the subset");
    }

    private static string Mutate(string text, Random random, string inserted)
    {
        var at = random.Next(text.Length + 1);
        switch (random.Next(5))
        {
            case 0 when text.Length > 0:
                return text.Remove(Math.Min(at, text.Length - 1), 1);
            case 1:
                return text.Insert(at, inserted[random.Next(inserted.Length)].ToString());
            case 2:
                var lines = text.Split('\n').ToList();
                var line = random.Next(lines.Count);
                lines[line] = random.Next(2) == 0 ? " " + lines[line] : lines[line].StartsWith(' ') ? lines[line][1..] : lines[line];
                return string.Join('\n', lines);
            case 3:
                var all = text.Split('\n').ToList();
                var copy = random.Next(all.Count);
                all.Insert(copy, all[copy]);
                return string.Join('\n', all);
            default:
                return text.Insert(at, " ");
        }
    }

    /// <summary>
    /// Asserts that the block parser declines <paramref name="bytes"/> or gives YamlDotNet's events for them, and that it
    /// declines every file YamlDotNet refuses; true when it accepted.
    /// </summary>
    private static bool AssertAgrees(byte[] bytes, string? shown = null)
    {
        var block = BlockYamlParser.TryParse(bytes, 0);
        if (block is null)
        {
            return false;
        }

        var ours = Describe(block);
        var reference = YamlDotNetEvents(bytes);
        Assert.True(reference is not null, $"YamlDotNet refuses a file the block parser accepted:\n{shown ?? Encoding.UTF8.GetString(bytes)}");
        if (!reference!.SequenceEqual(ours))
        {
            var first = Enumerable.Range(0, Math.Min(ours.Count, reference.Count)).FirstOrDefault(i => ours[i] != reference[i], Math.Min(ours.Count, reference.Count));
            Assert.Fail($"event {first} differs: YamlDotNet {reference.ElementAtOrDefault(first)}, block parser {ours.ElementAtOrDefault(first)}\n{shown ?? Encoding.UTF8.GetString(bytes)}");
        }

        return true;
    }

    private static List<string>? YamlDotNetEvents(byte[] bytes)
    {
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
            return Describe(new Parser(reader));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return null;
        }
    }

    private static List<string> Describe(IParser parser)
    {
        var events = new List<string>();
        while (parser.MoveNext())
        {
            var e = parser.Current!;
            var marks = string.Create(CultureInfo.InvariantCulture, $"{e.Start.Index}/{e.Start.Line}/{e.Start.Column}-{e.End.Index}/{e.End.Line}/{e.End.Column}");
            events.Add(e switch
            {
                Scalar s => $"Scalar {marks} '{s.Value}' {s.Style} key={s.IsKey} plain={s.IsPlainImplicit} quoted={s.IsQuotedImplicit} anchor={s.Anchor} tag={s.Tag}",
                SequenceStart s => $"SequenceStart {marks} {s.Style} implicit={s.IsImplicit} anchor={s.Anchor} tag={s.Tag}",
                MappingStart m => $"MappingStart {marks} {m.Style} implicit={m.IsImplicit} anchor={m.Anchor} tag={m.Tag}",
                DocumentStart d => $"DocumentStart {marks} implicit={d.IsImplicit} version={d.Version?.Version} tags={string.Join(' ', d.Tags?.Select(t => $"{t.Handle}={t.Prefix}") ?? [])}",
                DocumentEnd d => $"DocumentEnd {marks} implicit={d.IsImplicit}",
                _ => $"{e.GetType().Name} {marks} nesting={e.NestingIncrease}",
            });
        }

        return events;
    }

    private static IEnumerable<string> YamlFiles() =>
        Directory.EnumerateFiles(Repo.Root, "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Repo.Root, "*.yml", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "BenchmarkDotNet.Artifacts"))
            .Order(StringComparer.Ordinal);

    /// <summary>A CONFIG_MAP model in the block style of the benchmarks' generated stacks, commented as people write them.</summary>
    [Fact]
    public void A_model_that_repeats_its_group_names_holds_each_about_once_not_once_per_mapping()
    {
        // 400 team groups, taken in turn as teams are in a large organisation's file, between unique names.
        var sb = new StringBuilder(Access);
        sb.Append("    authenticationMode: CONFIG_MAP\n    mapUsers:\n");
        for (var i = 0; i < 8_000; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      - userarn: arn:aws:iam::123456789012:user/u{i:D5}\n        username: \"u{i:D5}\"\n        groups: [t{i % 400:D3}]\n");
        }

        var config = StackFileReader.Read("s", "Pulumi.s.yaml", Encoding.UTF8.GetBytes(sb.ToString())).Bound!.Value.Config;
        var groups = config.Access.MapUsers.Select(m => m.Groups.Single()).ToList();
        Assert.Equal(400, groups.Distinct(StringComparer.Ordinal).Count());
        var strings = groups.Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.True(strings <= groups.Count / 4, $"{strings} strings hold the {groups.Count} group names of the model");
    }

    private static string LargeModel(int identities)
    {
        var sb = new StringBuilder(Access);
        sb.Append("    authenticationMode: CONFIG_MAP\n    # the teams' roles\n    mapRoles:\n");
        for (var i = 0; i < identities / 2; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      - rolearn: arn:aws:iam::123456789012:role/teams/team-{i:D4}\n        username: \"team-{i}:{{{{SessionName}}}}\"\n        groups: [team-{i % 40}, readers]\n");
        }

        sb.Append("    mapUsers:\n");
        for (var i = 0; i < identities / 2; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    - userarn: 'arn:aws:iam::123456789012:user/u{i:D5}'  # person {i}\n      username: u{i}\n      groups:\n      - team-{i % 40}\n");
        }

        return sb.ToString();
    }
}
