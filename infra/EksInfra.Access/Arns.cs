using System.Buffers;
using System.Text.RegularExpressions;
using EksInfra.Access.Model;

namespace EksInfra.Access;

/// <summary>An IAM principal ARN as IAM shows it: <c>arn:aws:iam::111122223333:role/some/path/Name</c>.</summary>
public sealed record IamArn(string Partition, string AccountId, PrincipalKind Kind, string IamPath, string Name)
{
    private string? full;
    private string? withoutPath;

    /// <summary>A parsed ARN keeps the text it came from as <see cref="Full"/>: the parse splits it exactly at its parts.</summary>
    internal IamArn(string partition, string accountId, PrincipalKind kind, string iamPath, string name, string full)
        : this(partition, accountId, kind, iamPath, name) => this.full = full;

    /// <summary>The ARN with its IAM path, the form access entries and trust policies need.</summary>
    public string Full => full ??= FullForm(Partition, AccountId, Kind, IamPath, Name);

    /// <summary>
    /// The ARN without its IAM path, the form aws-auth needs: the authenticator matches the caller's
    /// assumed-role ARN, which carries no path, so a path in aws-auth never matches.
    /// </summary>
    public string WithoutPath => withoutPath ??= HasPath ? $"arn:{Partition}:iam::{AccountId}:{KindText}/{Name}" : Full;

    public bool HasPath => IamPath != "/";

    private string KindText => Kind == PrincipalKind.Role ? "role" : "user";

    /// <summary>The full form of the ARN these parts name.</summary>
    internal static string FullForm(string partition, string accountId, PrincipalKind kind, string iamPath, string name) =>
        $"arn:{partition}:iam::{accountId}:{(kind == PrincipalKind.Role ? "role" : "user")}{iamPath}{name}";

    /// <summary>Equal parts, equal ARNs: the cached forms take no part in equality.</summary>
    public bool Equals(IamArn? other) =>
        other is not null && Partition == other.Partition && AccountId == other.AccountId && Kind == other.Kind && IamPath == other.IamPath && Name == other.Name;

    public override int GetHashCode() => HashCode.Combine(Partition, AccountId, Kind, IamPath, Name);

    /// <summary>A copy made by <c>with</c> recomputes the forms: the cached strings belong to the original's parts.</summary>
    private IamArn(IamArn original)
    {
        Partition = original.Partition;
        AccountId = original.AccountId;
        Kind = original.Kind;
        IamPath = original.IamPath;
        Name = original.Name;
    }
}

public static partial class Arns
{
    public static IReadOnlyList<string> Partitions => Platform.EksRegions.Partitions;

    /// <summary>
    /// The path IAM gives service-linked roles. Source: IAM User Guide, "Using service-linked roles"; EKS User Guide,
    /// "Create access entries": "Access entries do not support service linked roles ... in the format
    /// arn:aws:iam::*:role/aws-service-role/*".
    /// </summary>
    public const string ServiceLinkedRolePath = "/aws-service-role/";

    /// <summary>
    /// IAM Identity Center's permission-set roles: named AWSReservedSSO_SET_SUFFIX, under this path and its home region,
    /// which is left out when that is us-east-1 (AWS Containers blog, "A quick path to Amazon EKS single sign-on using AWS
    /// SSO": "If you configure SSO in a Region other than us-east-1, add the Region after sso.amazonaws.com").
    /// </summary>
    public const string IdentityCenterRolePath = "/aws-reserved/sso.amazonaws.com/";

    public const string IdentityCenterRolePrefix = "AWSReservedSSO_";

    /// <summary>An Identity Center role written without its path, as aws-auth shows it: an ARN that names no role in IAM.</summary>
    public static bool IsIdentityCenterRoleWithoutPath(IamArn arn) =>
        arn.Kind == PrincipalKind.Role && arn.Name.StartsWith(IdentityCenterRolePrefix, StringComparison.Ordinal) && !arn.IamPath.StartsWith(IdentityCenterRolePath, StringComparison.Ordinal);

    /// <summary>The ARN IAM gives an Identity Center role, told for a message about <see cref="IsIdentityCenterRoleWithoutPath"/>.</summary>
    public static string IdentityCenterRoleArnText(IamArn arn) =>
        $"arn:{arn.Partition}:iam::{arn.AccountId}:role{IdentityCenterRolePath}REGION/{arn.Name}, REGION being Identity Center's home region, with no REGION/ when that is us-east-1; the IAM console shows the role's ARN";

    /// <summary>The partition a region belongs to; the ARNs the plan names before apply depend on it.</summary>
    public static string PartitionOfRegion(string region) => Platform.EksRegions.PartitionOf(region);

    public static bool IsServiceLinkedRole(IamArn arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        return arn.Kind == PrincipalKind.Role && arn.IamPath.StartsWith(ServiceLinkedRolePath, StringComparison.Ordinal);
    }

    public static string RoleArn(string partition, string accountId, string iamPath, string name) =>
        IamArn.FullForm(partition, accountId, PrincipalKind.Role, iamPath, name);

    public static string AccountRoot(string partition, string accountId) => $"arn:{partition}:iam::{accountId}:root";

    /// <summary>
    /// One key per IAM principal, as aws-iam-authenticator and EKS tell them apart: case ignored (Matches uses
    /// strings.EqualFold), and a role's path left out, since a role's name is unique in its account whatever its path.
    /// </summary>
    public static string PrincipalKey(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        return (TryParseIgnoringCase(arn, out var parsed) ? (parsed.Kind == PrincipalKind.Role ? parsed.WithoutPath : parsed.Full) : arn).ToUpperInvariant();
    }

    /// <summary>aws-auth's form of any role ARN (the Pulumi layer calls it on created roles' ARN outputs).</summary>
    public static string StripPath(string roleArn) =>
        TryParse(roleArn, out var arn, out _) ? arn.WithoutPath : roleArn;

    /// <summary>An STS assumed-role (session) ARN, which the authenticator never matches: it looks callers up by their role's ARN.</summary>
    public static bool IsAssumedRoleArn(string text) => AssumedRole(text) is not null;

    /// <summary>
    /// The role ARN, without its path, of an STS assumed-role (session) ARN, as the authenticator turns a caller into one
    /// (aws-iam-authenticator pkg/arn, Canonicalize: "IAM Assumed role: ... (converted to IAM role)"); null for any other text.
    /// </summary>
    public static string? RoleOfSession(string text) =>
        AssumedRole(text) is { } sts ? $"arn:{sts.Groups["partition"].Value}:iam::{sts.Groups["account"].Value}:role/{sts.Groups["name"].Value}" : null;

    /// <summary>An account id: 12 digits (AWS Account Management Reference Guide, "View AWS account identifiers").</summary>
    public static bool IsAccountId(string text) => IsAccountId(text.AsSpan());

    // ASCII digits only: char.IsDigit (and a regex's \d) would take every script's digits.
    private static bool IsAccountId(ReadOnlySpan<char> text) => text.Length == 12 && !text.ContainsAnyExceptInRange('0', '9');

    /// <summary>The account of an IAM ARN (<c>arn:P:iam::ACCOUNT:...</c>, its fifth ':'-separated field), or null when it names none.</summary>
    public static string? AccountOf(string arn)
    {
        ArgumentNullException.ThrowIfNull(arn);
        return TryGetAccount(arn, out var account) ? account.ToString() : null;
    }

    /// <summary><see cref="AccountOf"/> without a copy: the account id as a part of <paramref name="arn"/>.</summary>
    internal static bool TryGetAccount(string arn, out ReadOnlySpan<char> account)
    {
        account = default;
        var rest = arn.AsSpan();
        for (var field = 0; field < 4; field++)
        {
            var colon = rest.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }

            rest = rest[(colon + 1)..];
        }

        var end = rest.IndexOf(':');
        account = end < 0 ? rest : rest[..end];
        return IsAccountId(account);
    }

    /// <summary>
    /// An IAM role or user name. Source: IAM API Reference, CreateRole RoleName and CreateUser UserName: 1 to 64
    /// characters, pattern [\w+=,.@-]+, which the reference spells out as "upper and lowercase alphanumeric
    /// characters with no spaces ... and _+=,.@-" (ASCII: .NET's \w also takes other scripts' letters).
    /// </summary>
    public static bool IsValidRoleName(string name) => IsValidRoleName(name.AsSpan());

    private static bool IsValidRoleName(ReadOnlySpan<char> name) => name.Length is >= 1 and <= 64 && !name.ContainsAnyExcept(RoleNameCharacters);

    /// <summary>
    /// An IAM path. Source: IAM API Reference, CreateRole Path: 1 to 512 characters, "a single forward slash (/)
    /// or a string that must begin and end with forward slashes", characters \u0021 to \u007E. So: "/", or at least
    /// three characters of that range (a slash, one or more characters, which may be slashes, and a slash).
    /// </summary>
    public static bool IsValidIamPath(string path) => IsValidIamPath(path.AsSpan());

    private static bool IsValidIamPath(ReadOnlySpan<char> path) =>
        path is "/"
        || (path.Length is >= 3 and <= 512 && path[0] == '/' && path[^1] == '/' && !path.ContainsAnyExceptInRange('\x21', '\x7E'));

    /// <summary>Parses an IAM role or user ARN; <paramref name="error"/> says what is wrong and what would be right.</summary>
    public static bool TryParse(string text, out IamArn arn, out string error) => TryParse(text, "", "/", out arn, out error);

    /// <summary>
    /// Parses an ARN from a live aws-auth as the authenticator compares it: ignoring case (RoleMapping and UserMapping
    /// Matches: <c>strings.EqualFold</c> against the lower-cased canonical ARN), so <c>arn:aws:iam::111122223333:Role/x</c>
    /// is role x. The fixed parts (arn, partition, service, resource type) are read in lower case; account, path and name
    /// keep theirs.
    /// </summary>
    public static bool TryParseIgnoringCase(string text, out IamArn arn)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 6);
        if (parts.Length == 6)
        {
            var slash = parts[5].IndexOf('/', StringComparison.Ordinal);
            var type = slash < 0 ? parts[5] : parts[5][..slash];
            text = string.Join(':', parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant(), parts[2].ToLowerInvariant(), parts[3], parts[4], type.ToLowerInvariant() + (slash < 0 ? "" : parts[5][slash..]));
        }

        return TryParse(text, out arn, out _);
    }

    /// <summary>
    /// As <see cref="TryParse(string, out IamArn, out string)"/>; an ARN in <paramref name="usualAccount"/>, or under
    /// <paramref name="usualPath"/>, takes that string rather than a copy (a model's principals are mostly in its own
    /// account, and listed ones often share a path).
    /// </summary>
    internal static bool TryParse(string text, string usualAccount, string usualPath, out IamArn arn, out string error)
    {
        arn = null!;
        if (!TrySplit(text, out var partition, out var account, out var kind, out var restStart))
        {
            error = Diagnose(text);
            return false;
        }

        var rest = text.AsSpan(restStart);
        var slash = rest.LastIndexOf('/');
        var name = rest[(slash + 1)..];
        if (!IsValidRoleName(name))
        {
            error = $"'{text}' has name '{name}'; an IAM {(kind == PrincipalKind.Role ? "role" : "user")} name is 1 to 64 characters of ASCII letters, digits and +=,.@_-";
            return false;
        }

        var innerPath = rest[..(slash + 1)];
        var iamPath = slash < 0 ? "/"
            : usualPath.Length == innerPath.Length + 1 && usualPath[0] == '/' && innerPath.SequenceEqual(usualPath.AsSpan(1)) ? usualPath
            : string.Concat("/", innerPath);
        if (!IsValidIamPath(iamPath))
        {
            error = $"'{text}' has IAM path '{iamPath}', which is not a valid path (printable characters between slashes, at most 512)";
            return false;
        }

        var accountId = account.SequenceEqual(usualAccount) ? usualAccount : account.ToString();
        // The text is arn:PARTITION:iam::ACCOUNT:KIND/REST and REST is the path's inner part and the name: the full form.
        arn = new IamArn(partition, accountId, kind, iamPath, name.ToString(), text);
        error = "";
        return true;
    }

    /// <summary>
    /// Splits <c>arn:PARTITION:iam::ACCOUNT:role|user/REST</c> without a regex: every mapping's ARN passes
    /// through here, and a match object per ARN dominates the cost of a large model. <paramref name="partition"/> is
    /// the table's own string, and REST is left in the text (from <paramref name="restStart"/>), so a split copies nothing.
    /// </summary>
    private static bool TrySplit(string text, out string partition, out ReadOnlySpan<char> account, out PrincipalKind kind, out int restStart)
    {
        partition = "";
        account = default;
        restStart = 0;
        kind = PrincipalKind.Role;
        var span = text.AsSpan();
        if (!span.StartsWith("arn:", StringComparison.Ordinal))
        {
            return false;
        }

        span = span[4..];
        var colon = span.IndexOf(':');
        if (colon < 0 || KnownPartition(span[..colon]) is not { } known)
        {
            return false;
        }

        span = span[(colon + 1)..];
        if (!span.StartsWith("iam::", StringComparison.Ordinal) || span.Length < 5 + 12 + 1)
        {
            return false;
        }

        span = span[5..];
        var accountSpan = span[..12];
        if (accountSpan.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        span = span[12..];
        if (span.StartsWith(":role/", StringComparison.Ordinal))
        {
            kind = PrincipalKind.Role;
        }
        else if (span.StartsWith(":user/", StringComparison.Ordinal))
        {
            kind = PrincipalKind.User;
        }
        else
        {
            return false;
        }

        span = span[6..];
        if (span.IsEmpty || span.IndexOfAny(" \t\r\n") >= 0)
        {
            return false;
        }

        partition = known;
        account = accountSpan;
        restStart = text.Length - span.Length;
        return true;
    }

    private static string? KnownPartition(ReadOnlySpan<char> name)
    {
        var partitions = Partitions;
        for (var i = 0; i < partitions.Count; i++)
        {
            if (name.SequenceEqual(partitions[i]))
            {
                return partitions[i];
            }
        }

        return null;
    }

    /// <summary>Why text that did not split is not an IAM role or user ARN, and what to write instead.</summary>
    private static string Diagnose(string text)
    {
        if (AssumedRole(text) is not null)
        {
            return $"'{text}' is an STS assumed-role (session) ARN, which changes every session; map the role itself: {RoleOfSession(text)} (with its IAM path, as the IAM console shows the role's ARN)";
        }

        var error = $"'{text}' is not an IAM role or user ARN; expected arn:PARTITION:iam::ACCOUNT:role/NAME or arn:PARTITION:iam::ACCOUNT:user/NAME";
        if (text.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = text.Split(':');
            if (parts.Length > 1 && !Partitions.Contains(parts[1]))
            {
                error = $"'{text}' has partition '{parts[1]}'; the partition is one of {string.Join(", ", Partitions)}";
            }
            else if (parts.Length > 2 && parts[2] != "iam")
            {
                error = $"'{text}' is an ARN of service '{parts[2]}', not of IAM; use the principal's IAM ARN (arn:...:iam::ACCOUNT:role/NAME)";
            }
            else if (parts.Length > 4 && !IsAccountId(parts[4]))
            {
                error = $"'{text}' has account '{parts[4]}'; an AWS account id is exactly 12 digits";
            }
            else if (parts.Length > 5 && parts[5] == "root")
            {
                error = $"'{text}' is an account root ARN, which is not a role or user: mapped in aws-auth it matches only the account's root user signing in with its own credentials, and mapAccounts is not the same thing (it lets every principal of the account in as its own ARN, with no groups); map the role the account's people assume instead";
            }
        }

        return error;
    }

    /// <summary>
    /// The account of a caller's canonical ARN (pkg/arn Canonicalize): an IAM role without its path, an IAM user, the
    /// account root, or an STS federated user, all of which a mapped account lets in; null for anything else.
    /// </summary>
    public static string? CallerAccount(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var arn, out _))
        {
            return arn.Kind == PrincipalKind.Role && arn.HasPath ? null : arn.AccountId;
        }

        var parts = name.Split(':');
        return IsCallerOfAccount(parts) && ((parts[2] == "iam" && parts[5] == "root") || IsFederatedUser(parts)) ? parts[4] : null;
    }

    /// <summary>
    /// An STS federated user's ARN (GetFederationToken): <c>arn:PARTITION:sts::ACCOUNT:federated-user/NAME</c>, which
    /// aws-iam-authenticator's Canonicalize keeps as written and a mapUsers entry matches.
    /// </summary>
    public static bool IsFederatedUser(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split(':');
        return IsCallerOfAccount(parts) && IsFederatedUser(parts);
    }

    private static bool IsCallerOfAccount(string[] parts) =>
        parts.Length == 6 && parts[0] == "arn" && Partitions.Contains(parts[1]) && IsAccountId(parts[4]) && parts[3].Length == 0;

    private static bool IsFederatedUser(string[] parts) =>
        parts[2] == "sts" && parts[5].StartsWith("federated-user/", StringComparison.Ordinal) && parts[5].Length > "federated-user/".Length;

    /// <summary>Parses a trust-policy principal: an IAM role or user ARN, or an account root.</summary>
    public static bool IsTrustPrincipal(string text, out string error)
    {
        // IsMatch and a span, not Match and its groups: every created role's assumedBy passes here, and a Match allocates.
        if (AccountRootPattern().IsMatch(text) && KnownPartition(text.AsSpan(4, text.IndexOf(':', 4) - 4)) is not null)
        {
            error = "";
            return true;
        }

        return TryParse(text, out _, out error);
    }

    // The IAM name characters: ASCII letters, digits and _+=,.@- (see IsValidRoleName).
    private static readonly SearchValues<char> RoleNameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-");

    /// <summary>An STS assumed-role ARN in one of <see cref="Partitions"/>, or null.</summary>
    private static Match? AssumedRole(string text) =>
        AssumedRolePattern().Match(text) is { Success: true } match && Partitions.Contains(match.Groups["partition"].Value) ? match : null;

    // [0-9], not \d, and \z, not $: .NET's \d takes every script's digits and $ matches before a final newline.
    // The patterns leave the partition to Partitions, the one list of them.
    [GeneratedRegex(@"^arn:(?<partition>[a-z-]+):iam::[0-9]{12}:root\z")]
    private static partial Regex AccountRootPattern();

    [GeneratedRegex(@"^arn:(?<partition>[a-z-]+):sts::(?<account>[0-9]{12}):assumed-role/(?<name>[^/]+)/.*\z")]
    private static partial Regex AssumedRolePattern();
}
