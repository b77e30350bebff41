using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Tests;

/// <summary>
/// The naming rules checked by hand (no regex on the hot path) say exactly what the documented patterns say, and the
/// IAM documents written by the JSON writer are the documents the policy model describes.
/// </summary>
public partial class CoreNamingRuleTests
{
    // The rules as the references spell them (IAM API Reference: CreateRole RoleName and Path; AWS Account Management
    // Reference Guide: account ids), with [0-9] and \z so no other script's digits and no final newline get through.
    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,64}\z")]
    private static partial Regex RoleNameRule();

    [GeneratedRegex(@"^/([\x21-\x7E]+/)?\z")]
    private static partial Regex IamPathRule();

    [GeneratedRegex(@"^[0-9]{12}\z")]
    private static partial Regex AccountIdRule();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonKebab();

    // Characters at the edges of the rules: the name set, '/', space, controls, a final newline, other scripts' digits
    // and letters (Arabic-Indic digits, 'ä', the Kelvin sign and dotted I that lower-case to ASCII), and DEL.
    private const string Alphabet = "aZ09_+=,.@-/ :\n\t\u007F\u0661\u00E4\u212A\u0130";

    private static readonly Gen<string> Texts = Gen.String[Gen.Char[Alphabet], 0, 70];

    [Theory]
    [InlineData("eks-admin-role", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("name with space", false)]
    [InlineData("role\n", false)]
    [InlineData("r\u00F4le", false)]
    [InlineData("+=,.@-_", true)]
    public void Role_names_follow_the_iam_pattern(string name, bool valid)
    {
        Assert.Equal(valid, Arns.IsValidRoleName(name));
        Assert.Equal(RoleNameRule().IsMatch(name), Arns.IsValidRoleName(name));
        Assert.False(Arns.IsValidRoleName(new string('a', 65)));
        Assert.True(Arns.IsValidRoleName(new string('a', 64)));
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/teams/", true)]
    [InlineData("///", true)]
    [InlineData("//", false)]
    [InlineData("", false)]
    [InlineData("/teams", false)]
    [InlineData("teams/", false)]
    [InlineData("/t ams/", false)]
    [InlineData("/teams/\n", false)]
    [InlineData("/\u00E4/", false)]
    public void Iam_paths_follow_the_iam_pattern(string path, bool valid)
    {
        Assert.Equal(valid, Arns.IsValidIamPath(path));
        Assert.True(Arns.IsValidIamPath("/" + new string('a', 510) + "/"));
        Assert.False(Arns.IsValidIamPath("/" + new string('a', 511) + "/"));
    }

    [Fact]
    public void Hand_checks_agree_with_the_patterns_on_any_text()
    {
        Texts.Sample(text =>
        {
            Assert.Equal(RoleNameRule().IsMatch(text), Arns.IsValidRoleName(text));
            Assert.Equal(text.Length <= 512 && IamPathRule().IsMatch(text), Arns.IsValidIamPath(text));
            Assert.Equal(AccountIdRule().IsMatch(text), Arns.IsAccountId(text));
            var path = "/" + text + "/";
            Assert.Equal(IamPathRule().IsMatch(path), Arns.IsValidIamPath(path));
        }, iter: 20_000);
        Gen.String[Gen.Char["0123456789\u0661a\n"], 10, 14].Sample(text => Assert.Equal(AccountIdRule().IsMatch(text), Arns.IsAccountId(text)), iter: 5_000);
    }

    [Fact]
    public void Kebab_lower_cases_and_folds_every_run_of_other_characters_into_one_dash()
    {
        Texts.Sample(text => Assert.Equal(NonKebab().Replace(text.ToLowerInvariant(), "-").Trim('-'), KubernetesNames.Kebab(text)), iter: 20_000);
        Assert.Equal("team-a", KubernetesNames.Kebab("--Team_A--"));
        Assert.Equal("ops-oncall", KubernetesNames.Kebab("Ops.OnCall"));
        Assert.Equal("", KubernetesNames.Kebab("_-_"));
        // The Kelvin sign lower-cases (invariantly) to an ASCII k, so it is a letter of the name, not punctuation.
        Assert.Equal("tkam", KubernetesNames.Kebab("t\u212Aam"));
    }

    [GeneratedRegex(@"\{\{[^}]*\}\}")]
    private static partial Regex UsernameTemplate();

    [Fact]
    public void Username_templates_are_found_as_the_template_pattern_finds_them()
    {
        Gen.String[Gen.Char["{}a:\n"], 0, 30].Sample(username =>
            Assert.Equal(UsernameTemplate().Matches(username).Select(m => m.Value), KubernetesNames.TemplatesIn(username)), iter: 20_000);
        Assert.Equal(["{{SessionName}}", "{{{x}}"], KubernetesNames.TemplatesIn("sso:{{SessionName}}-{{a}b}}{{{x}}}"));
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:root", true)]
    [InlineData("arn:aws-cn:iam::123456789012:root", true)]
    [InlineData("arn:aws-us-gov:iam::123456789012:root", true)]
    [InlineData("arn:aws-iso:iam::123456789012:root", false)]
    [InlineData("arn:aws:iam::12345678901:root", false)]
    public void An_account_root_is_a_trust_principal_in_the_partitions_the_tool_knows(string text, bool valid) =>
        Assert.Equal(valid, Arns.IsTrustPrincipal(text, out _));

    [Theory]
    [InlineData("arn:aws-us-gov:sts::123456789012:assumed-role/Admin/alice", true, "map the role itself: arn:aws-us-gov:iam::123456789012:role/Admin")]
    [InlineData("arn:aws-cn:sts::123456789012:assumed-role/Admin/alice", true, "map the role itself: arn:aws-cn:iam::123456789012:role/Admin")]
    [InlineData("arn:aws-iso:sts::123456789012:assumed-role/Admin/alice", false, "has partition 'aws-iso'")]
    public void A_session_arn_is_told_apart_in_the_partitions_the_tool_knows(string text, bool session, string gist)
    {
        Assert.Equal(session, Arns.IsAssumedRoleArn(text));
        Assert.False(Arns.TryParse(text, out _, out var error));
        Assert.Contains(gist, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/ci/deployer", "aws", "123456789012", PrincipalKind.Role, "/ci/", "deployer")]
    [InlineData("arn:aws-cn:iam::123456789012:user/alice", "aws-cn", "123456789012", PrincipalKind.User, "/", "alice")]
    [InlineData("arn:aws-us-gov:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123", "aws-us-gov", "123456789012", PrincipalKind.Role, "/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_Admin_0123")]
    public void A_parsed_arn_has_its_parts_and_both_forms(string text, string partition, string account, PrincipalKind kind, string path, string name)
    {
        Assert.True(Arns.TryParse(text, out var arn, out var error), error);
        Assert.Equal(new IamArn(partition, account, kind, path, name), arn);
        Assert.Equal(text, arn.Full);
        Assert.Equal($"arn:{partition}:iam::{account}:{(kind == PrincipalKind.Role ? "role" : "user")}/{name}", arn.WithoutPath);
        Assert.Equal(arn.Full, new IamArn(partition, account, kind, path, name).Full);

        // A copy with other parts names other ARNs: the forms follow the parts, not the text it was parsed from.
        var renamed = arn with { Name = "other", IamPath = "/x/" };
        Assert.Equal($"arn:{partition}:iam::{account}:{(kind == PrincipalKind.Role ? "role" : "user")}/x/other", renamed.Full);
        Assert.Equal($"arn:{partition}:iam::{account}:{(kind == PrincipalKind.Role ? "role" : "user")}/other", renamed.WithoutPath);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:root", "123456789012")]
    [InlineData("arn:aws:iam::123456789012:role/a:b", "123456789012")]
    [InlineData("arn:aws:iam::12345678901:root", null)]
    [InlineData("arn:aws:iam::\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662:root", null)]
    [InlineData("arn:aws:iam:", null)]
    [InlineData("arn:aws:iam::123456789012", "123456789012")]
    public void The_account_of_an_arn_is_its_fifth_field_when_that_is_twelve_digits(string arn, string? account) =>
        Assert.Equal(account, Arns.AccountOf(arn));

    /// <summary>The documents as the policy model describes them, serialized as System.Text.Json writes a node tree.</summary>
    private static string Reference(JsonObject statement) =>
        new JsonObject { ["Version"] = IamPolicies.Version, ["Statement"] = new JsonArray(statement) }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    [Theory]
    [InlineData("arn:aws:iam::123456789012:root")]
    [InlineData("arn:aws:iam::123456789012:role/a+b=c,d.e@f-g_h")]
    [InlineData("arn:aws:iam::123456789012:role/<script>&'\"\u00E4\u212A")]
    public void Policy_documents_are_the_documents_of_the_policy_model(string principal)
    {
        string[] two = [principal, "arn:aws:iam::123456789012:user/alice"];
        Assert.Equal(
            Reference(new JsonObject { ["Effect"] = "Allow", ["Principal"] = new JsonObject { ["AWS"] = principal }, ["Action"] = "sts:AssumeRole" }),
            IamPolicies.AwsPrincipalTrust([principal]));
        Assert.Equal(
            Reference(new JsonObject { ["Effect"] = "Allow", ["Principal"] = new JsonObject { ["AWS"] = new JsonArray([.. two.Select(p => (JsonNode)p)]) }, ["Action"] = "sts:AssumeRole" }),
            IamPolicies.AwsPrincipalTrust(two));
        Assert.Equal(
            Reference(new JsonObject { ["Effect"] = "Allow", ["Principal"] = new JsonObject { ["Service"] = principal }, ["Action"] = "sts:AssumeRole" }),
            IamPolicies.ServiceTrust(principal));
        Assert.Equal(
            Reference(new JsonObject { ["Effect"] = "Allow", ["Action"] = "eks:DescribeCluster", ["Resource"] = principal }),
            IamPolicies.DescribeCluster(principal));
        Assert.Equal(
            Reference(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Condition"] = new JsonObject { ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = principal } },
                ["Principal"] = new JsonObject { ["Service"] = "eks-fargate-pods.amazonaws.com" },
                ["Action"] = "sts:AssumeRole",
            }),
            IamPolicies.FargatePodTrust(principal));

        var trust = Reparse.Json(IamPolicies.AwsPrincipalTrust(two));
        Assert.Equal(IamPolicies.Version, trust.GetProperty("Version").GetString());
        var statement = Assert.Single(trust.GetProperty("Statement").EnumerateArray());
        Assert.Equal(two, statement.GetProperty("Principal").GetProperty("AWS").EnumerateArray().Select(p => p.GetString()));
    }
}
