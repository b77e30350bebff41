using CsCheck;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using YamlDotNet.RepresentationModel;

namespace EksInfra.Access.Tests;

/// <summary>
/// aws-auth's YAML written by hand must be YamlDotNet's emitter output byte for byte (existing users' previews must
/// show no diff), and must fall back to the emitter for any scalar whose emitted form it is not certain of.
/// </summary>
public class FastYamlTests
{
    private const int Iterations = 2_000;

    /// <summary>Text that YAML quotes, escapes, folds or reads as something else, and text that looks close to it.</summary>
    internal static readonly string[] Tricky =
    [
        "", " ", "  ", "a ", " a", "a  b", "a: b", "a:", "a:b", "a :b", "a #b", "a#b", "#a", "- a", "-a", "-", "--", "---", "---a", "...", "...a",
        "? a", "?a", ": a", ":a", "[a]", "a[b]", "{a}", "a{b}", "{{SessionName}}", "a,b", ",a", "*a", "&a", "!a", "|a", ">a", "%a", "@a", "`a",
        "'a'", "a'b", "\"a\"", "a\"b", "a\\b", "\\", "true", "True", "TRUE", "tRUE", "false", "yes", "Yes", "no", "No", "on", "off", "y", "Y", "n", "N",
        "null", "Null", "~", "0", "123", "-1", "+1", "1.5", "1e3", "1E+3", ".5", ".inf", "-.Inf", ".nan", "0x1F", "0o17", "017", "0b101", "1_000", "12:30",
        "1:2:3", "1abc", "1.2.3", "t000", "o", "ok", "nobody", "yesterday", "José", "日本語", "😀", "a\tb", "\ta", "a\t", "a\nb", "a\n", "\na", "a\r\nb",
        "a\rb", "a\u0085b", "a\u2028b", "a\u00a0b", "\u00a0", "a\u0001b", "a\u007fb", "a\ufeffb", "a b", "a  ", new string('x', 1025),
        string.Concat(Enumerable.Repeat("ab ", 400)),
    ];

    /// <summary>The characters random text is drawn from: letters and digits, and every YAML indicator, quote, space and break.</summary>
    internal const string Alphabet = "aZ09:-_/.@+=,#'\"\\ {}[]!&*|>%`?~\t\n\r\u0085\u2028\u00e9\u65e5";

    /// <summary>Random text, half of it opening with a letter or digit, where the hand writer's plain scalars are decided.</summary>
    internal static readonly Gen<string> RandomText = Gen.Select(Gen.Char[Alphabet].Array[0, 12], Gen.Char["aZ09"], Gen.Bool,
        (chars, first, prefixed) => prefixed ? first + new string(chars) : new string(chars));

    private static readonly Gen<string> RoleArn = Gen.Select(Gen.Long[100_000_000_000, 999_999_999_999], Gen.OneOfConst("", "aws-reserved/sso.amazonaws.com/", "ci/"), Gen.Int[0, 99_999],
        (account, path, n) => $"arn:aws:iam::{account}:role/{path}team-{n:D5}");

    private static readonly Gen<string> UserArn = Gen.Select(Gen.Long[100_000_000_000, 999_999_999_999], Gen.Int[0, 99_999],
        (account, n) => $"arn:aws:iam::{account}:user/first.last{n}@example.com");

    private static readonly Gen<string> Username = Gen.OneOf(
        Gen.OneOfConst("admin", "sso-team:{{SessionName}}", "system:node:{{EC2PrivateDNSName}}", "ci:{{SessionNameRaw}}", "acct-{{AccountID}}"),
        Gen.Int[0, 9_999].Select(n => $"user-{n:D4}"));

    private static readonly Gen<string> Group = Gen.OneOf(Gen.OneOfConst("system:masters", "system:bootstrappers", "read-only", "t000"), Gen.Int[0, 999].Select(n => $"team-{n}"));

    /// <summary>Mostly realistic names, sometimes tricky or random text in any place.</summary>
    private static Gen<string> Mostly(Gen<string> realistic) =>
        Gen.Frequency((8, realistic), (1, Gen.OneOfConst(Tricky)), (1, RandomText));

    private static readonly Gen<AwsAuthPlan> Plans = Gen.Select(
        Gen.Select(Mostly(RoleArn), Mostly(Username), Mostly(Group).Array[0, 3], (arn, username, groups) => new RoleMappingPlan(arn, username, groups, MappingSource.Existing, null)).Array[0, 6],
        Gen.Select(Mostly(UserArn), Mostly(Username), Mostly(Group).Array[0, 3], (arn, username, groups) => new UserMappingPlan(arn, username, groups)).Array[0, 4],
        Gen.Frequency((3, Gen.Long[100_000_000_000, 999_999_999_999].Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Gen.OneOfConst(Tricky))).Array[0, 3],
        (roles, users, accounts) => new AwsAuthPlan(roles, users, accounts));

    /// <summary>Whole plans with only realistic names: these must take the hand-written path, or the pipeline is slow again.</summary>
    private static readonly Gen<AwsAuthPlan> RealisticPlans = Gen.Select(
        Gen.Select(RoleArn, Username, Group.Array[0, 3], (arn, username, groups) => new RoleMappingPlan(arn, username, groups, MappingSource.Existing, null)).Array[0, 6],
        Gen.Select(UserArn, Username, Group.Array[0, 3], (arn, username, groups) => new UserMappingPlan(arn, username, groups)).Array[0, 4],
        (roles, users) => new AwsAuthPlan(roles, users, ["123456789012"]));

    [Fact]
    public void Mappings_are_the_emitters_bytes_and_reparse_to_the_plans_values()
    {
        var roleMappingsByHand = 0;
        Plans.Sample(plan =>
        {
            var roles = AwsAuthRenderer.MapRoles(plan);
            var users = AwsAuthRenderer.MapUsers(plan);
            var accounts = AwsAuthRenderer.MapAccounts(plan.MapAccounts);
            Assert.Equal(Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapRoles), roles);
            Assert.Equal(Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapUsers), users);
            Assert.Equal(Yaml.EmitByEmitter(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts), accounts);

            // Text written by hand reads back as it was. (The emitter itself does not round-trip everything the
            // generator makes, such as a trailing tab or a bare carriage return; that is outside this change.)
            if (Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapRoles) is not null)
            {
                roleMappingsByHand++;
                Assert.Equal(plan.MapRoles.Select(r => (r.RoleArn, r.Username, string.Join('\0', r.Groups))), ReparseMappings(roles, "rolearn"));
            }

            if (Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapUsers) is not null)
            {
                Assert.Equal(plan.MapUsers.Select(u => (u.UserArn, u.Username, string.Join('\0', u.Groups))), ReparseMappings(users, "userarn"));
            }

            if (Yaml.EmitByHand(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts) is not null)
            {
                Assert.Equal(plan.MapAccounts, Reparse.Strings(Reparse.Yaml(accounts).Documents[0].RootNode));
            }
        }, iter: Iterations, threads: 1, print: Describe);

        // Both paths are compared often: the generator makes plans the hand writer takes and plans it leaves to the emitter.
        Assert.InRange(roleMappingsByHand, Iterations / 10, Iterations * 9 / 10);
    }

    [Fact]
    public void Any_scalar_written_by_hand_is_written_as_the_emitter_writes_it()
    {
        var printableAscii = Gen.Char[' ', '~'].Array[1, 8].Select(chars => new string(chars));
        Gen.OneOf(RandomText, printableAscii, Gen.OneOfConst(Tricky), Username, Group).Sample(text =>
        {
            var plan = new AwsAuthPlan([new RoleMappingPlan(text, text, [text, text], MappingSource.Existing, null)], [], [text]);
            if (Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapRoles) is { } roles)
            {
                Assert.Equal(Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapRoles), roles);
                Assert.Equal([(text, text, text + '\0' + text)], ReparseMappings(roles, "rolearn"));
            }

            if (Yaml.EmitByHand(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts) is { } accounts)
            {
                Assert.Equal(Yaml.EmitByEmitter(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts), accounts);
            }
        }, iter: Iterations * 5, threads: 1, print: Escape);
    }

    [Fact]
    public void Realistic_mappings_are_written_by_hand()
    {
        RealisticPlans.Sample(plan =>
        {
            Assert.Equal(Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapRoles), Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapRoles));
            Assert.Equal(Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapUsers), Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapUsers));
            Assert.Equal(Yaml.EmitByEmitter(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts), Yaml.EmitByHand(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts));
        }, iter: 200, threads: 1, print: Describe);
    }

    /// <summary>Text YAML must quote, written by hand with the quotes the emitter chooses.</summary>
    [Theory]
    [InlineData("{{SessionName}}", "'{{SessionName}}'")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("#admin", "'#admin'")]
    [InlineData("ends-with:", "'ends-with:'")]
    [InlineData("trailing ", "'trailing '")]
    [InlineData("- dash space", "'- dash space'")]
    [InlineData("-dash-first", "-dash-first")]
    [InlineData("it's: here", "\"it's: here\"")]
    [InlineData("'a\"b\\c'", "\"'a\\\"b\\\\c'\"")]
    [InlineData("---", "'---'")]
    [InlineData("true", "\"true\"")]
    [InlineData("", "\"\"")]
    public void A_scalar_that_needs_quotes_gets_the_emitters_quotes(string username, string written)
    {
        var plan = new AwsAuthPlan([new RoleMappingPlan("arn:aws:iam::123456789012:role/admin", username, [], MappingSource.Existing, null)], [], []);
        var expected = $"- rolearn: arn:aws:iam::123456789012:role/admin\n  username: {written}\n  groups: []\n";
        Assert.Equal(expected, Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapRoles));
        Assert.Equal(expected, Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapRoles));
        Assert.Equal([("arn:aws:iam::123456789012:role/admin", username, "")], ReparseMappings(expected, "rolearn"));
    }

    /// <summary>Text the hand writer does not write (breaks, tabs, control or non-ASCII characters) goes through the emitter.</summary>
    [Theory]
    [InlineData("two\nlines")]
    [InlineData("José")]
    [InlineData("tab\tinside")]
    [InlineData("bell\u0007")]
    [InlineData("😀")]
    public void A_scalar_the_hand_writer_is_not_certain_of_goes_through_the_emitter(string username)
    {
        var plan = new AwsAuthPlan(
            [new RoleMappingPlan("arn:aws:iam::123456789012:role/admin", username, ["system:masters"], MappingSource.Existing, null)],
            [new UserMappingPlan("arn:aws:iam::123456789012:user/jane", username, [])],
            [username]);

        Assert.Null(Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapRoles));
        Assert.Null(Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapUsers));
        Assert.Null(Yaml.EmitByHand(plan.MapAccounts, AwsAuthRenderer.WriteMapAccounts));
        var roles = AwsAuthRenderer.MapRoles(plan);
        Assert.Equal(Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapRoles), roles);
        Assert.Equal([("arn:aws:iam::123456789012:role/admin", username, "system:masters")], ReparseMappings(roles, "rolearn"));
    }

    [Fact]
    public void Mappings_have_the_emitters_shape()
    {
        var plan = new AwsAuthPlan(
            [
                new RoleMappingPlan("arn:aws:iam::123456789012:role/a", "sso:{{SessionName}}", ["system:masters", "true"], MappingSource.Existing, null),
                new RoleMappingPlan("arn:aws:iam::123456789012:role/b", "123", [], MappingSource.Existing, null),
            ],
            [],
            []);

        const string expected = """
            - rolearn: arn:aws:iam::123456789012:role/a
              username: sso:{{SessionName}}
              groups:
              - system:masters
              - "true"
            - rolearn: arn:aws:iam::123456789012:role/b
              username: "123"
              groups: []

            """;
        Assert.Equal(expected, Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapRoles));
        Assert.Equal(expected, Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapRoles));
        Assert.Equal("[]\n", Yaml.EmitByHand(plan, AwsAuthRenderer.WriteMapUsers));
        Assert.Equal("[]\n", Yaml.EmitByEmitter(plan, AwsAuthRenderer.WriteMapUsers));
    }

    private static readonly Gen<string> BlockText = Gen.OneOf(
        Plans.Select(AwsAuthRenderer.MapRoles),
        Gen.Char["ab #:'\"\t\n\n\n  \r\u2028\u00e9"].Array[0, 20].Select(chars => new string(chars)),
        Gen.OneOfConst(Tricky),
        Gen.OneOfConst("a\n", "a", "a\n\n", "a\n\n\n", "a\nb", "\na\n", " a\n", "a\n \n", "a\n  b\n", "a\n\nb\n", "a \n", "a\n ", "\t\n", "a\r\n", "-\n", "[]\n"));

    private static readonly Gen<KeyValuePair<string, string>[]> Data = Gen.Select(
        Gen.Frequency((6, Gen.OneOfConst("mapRoles", "mapUsers", "mapAccounts")), (1, Gen.OneOfConst(Tricky))), BlockText,
        (key, value) => KeyValuePair.Create(key, value)).Array[1, 3];

    [Fact]
    public void The_manifest_is_the_emitters_bytes_and_reparses_to_its_data()
    {
        var byHand = 0;
        Data.Sample(data =>
        {
            // The emitter refuses a data map with the same key twice only when parsed back; the manifest never has one.
            data = [.. data.DistinctBy(e => e.Key, StringComparer.Ordinal)];
            var emitted = Yaml.EmitByEmitter(data, AwsAuthRenderer.WriteManifest);
            if (Yaml.EmitByHand(data, AwsAuthRenderer.WriteManifest) is not { } written)
            {
                return;
            }

            byHand++;
            Assert.Equal(emitted, written);
            var reparsed = Assert.IsType<YamlMappingNode>(Reparse.Root(written)["data"]);
            Assert.Equal(data.Select(e => (e.Key, e.Value)), reparsed.Children.Select(c => (((YamlScalarNode)c.Key).Value!, ((YamlScalarNode)c.Value).Value!)));
        }, iter: Iterations, threads: 1, print: data => string.Join(" | ", data.Select(e => $"{e.Key} = {Escape(e.Value)}")));

        // The generator reaches the hand-written path often enough for the comparison to mean something.
        Assert.InRange(byHand, Iterations / 5, Iterations);
    }

    [Theory]
    [InlineData(" leading space\n")]
    [InlineData("\nleading break\n")]
    [InlineData("trailing space \n ")]
    [InlineData("a line\n   \nof only spaces\n")]
    [InlineData("carriage\r\nreturn\n")]
    [InlineData("one line\twith a tab")]
    public void A_data_value_the_hand_writer_is_not_certain_of_goes_through_the_emitter(string value)
    {
        KeyValuePair<string, string>[] data = [new("mapRoles", value)];
        Assert.Null(Yaml.EmitByHand(data, AwsAuthRenderer.WriteManifest));
        var emitted = Yaml.EmitByEmitter(data, AwsAuthRenderer.WriteManifest);
        Assert.Equal(value.Replace("\r\n", "\n", StringComparison.Ordinal), Reparse.Str(Reparse.Root(emitted)["data"], "mapRoles"));
    }

    [Fact]
    public void The_manifest_writes_the_chomping_indicator_the_emitter_writes()
    {
        foreach (var (value, header) in new[] { ("a\n", "|"), ("a\nb", "|-"), ("a\n\n", "|+"), ("[]\n", "|") })
        {
            KeyValuePair<string, string>[] data = [new("mapRoles", value)];
            var written = Yaml.EmitByHand(data, AwsAuthRenderer.WriteManifest);
            Assert.Equal(Yaml.EmitByEmitter(data, AwsAuthRenderer.WriteManifest), written);
            Assert.Contains($"\n  mapRoles: {header}\n    a", written!.Replace("[]", "a", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    private static List<(string Arn, string Username, string Groups)> ReparseMappings(string yaml, string arnKey)
    {
        var seq = Assert.IsType<YamlSequenceNode>(Assert.Single(Reparse.Yaml(yaml).Documents).RootNode);
        return [.. seq.Children.Select(item => (Reparse.Str(item, arnKey), Reparse.Str(item, "username"), string.Join('\0', Reparse.Strings(Reparse.Get(item, "groups")))))];
    }

    private static string Describe(AwsAuthPlan plan) =>
        string.Join(" | ", plan.MapRoles.Select(r => $"{Escape(r.RoleArn)} {Escape(r.Username)} [{string.Join(", ", r.Groups.Select(Escape))}]")
            .Concat(plan.MapUsers.Select(u => $"{Escape(u.UserArn)} {Escape(u.Username)} [{string.Join(", ", u.Groups.Select(Escape))}]"))
            .Concat(plan.MapAccounts.Select(Escape)));

    private static string Escape(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
