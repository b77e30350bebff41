using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>
/// aws-auth's <c>mapRoles</c> and <c>mapUsers</c> as <c>pulumi up</c> writes them. pulumi-eks (v4.3.0,
/// nodejs/eks/cluster/authenticationMode.ts, <c>createAwsAuthData</c>) serialises the mappings it is given with
/// js-yaml's <c>dump</c> (js-yaml 4.2.0 in its lock file), not as this tool renders <c>aws-auth.yaml</c>: js-yaml
/// indents a list inside a mapping (each group four spaces in), folds every value longer than the line width
/// (76 characters for a mapping's values, 74 for a group: <c>rolearn: &gt;-</c> and the ARN on the next line, as SSO
/// permission-set roles usually are), quotes in single quotes, and writes <c>mapUsers: []</c> when there are none.
/// The ConfigMap Kubernetes holds to its size limit is this one, so the limit check counts it.
/// This is a port of js-yaml 4.2.0's lib/dumper.js (<c>writeScalar</c> and the functions it calls, and the block
/// sequence and mapping writers for this one shape); tests compare it with js-yaml's own output.
/// </summary>
public static partial class PulumiEksAwsAuth
{
    private const int IndentPerLevel = 2;
    private const int LineWidth = 80;

    // A mapping's values are written at level 2, a group (an item of the groups list) at level 3.
    internal const int ValueLevel = 2;
    internal const int GroupLevel = 3;

    private static readonly System.Buffers.SearchValues<char> NameCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./@{}=+,:");

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly string[] DeprecatedBooleans = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"];

    /// <summary>
    /// The value of <c>data.mapRoles</c>: the role mappings in the order pulumi-eks takes them, then its instance roles (the
    /// node roles) by ARN. The program passes those in the plan's role order (the stack's node role first), so with more
    /// than one node role the lines may stand in another order live; their bytes, all this text is counted for, do not change.
    /// </summary>
    public static string MapRoles(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        var text = new StringBuilder();
        WriteMapRoles(awsAuth, text);
        return text.ToString();
    }

    /// <summary>The value of <c>data.mapUsers</c> (<c>[]</c> and a newline when there are none: the program always passes the list).</summary>
    public static string MapUsers(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        var text = new StringBuilder();
        WriteMapUsers(awsAuth, text);
        return text.ToString();
    }

    /// <summary>
    /// The bytes Kubernetes counts for aws-auth as <c>pulumi up</c> leaves it: pulumi-eks's <c>mapRoles</c> and
    /// <c>mapUsers</c>, and the <c>mapAccounts</c> the program patches in (this tool's rendering of it).
    /// </summary>
    public static long DataBytes(AwsAuthPlan awsAuth)
    {
        ArgumentNullException.ThrowIfNull(awsAuth);
        var bytes = WriteMapRoles(awsAuth, null) + WriteMapUsers(awsAuth, null);
        return awsAuth.MapAccounts.Count > 0 ? bytes + Encoding.UTF8.GetByteCount(AwsAuthRenderer.MapAccounts(awsAuth.MapAccounts)) : bytes;
    }

    private static long WriteMapRoles(AwsAuthPlan awsAuth, StringBuilder? text)
    {
        long bytes = 0;
        var any = false;
        // pulumi-eks's order (authenticationMode.ts: [...mappings, ...instanceMappings]): the role mappings, then the node roles.
        var roles = awsAuth.MapRoles;
        foreach (var nodeRoles in (ReadOnlySpan<bool>)[false, true])
        {
            for (var i = 0; i < roles.Count; i++)
            {
                var role = roles[i];
                if ((role.Source == MappingSource.NodeRole) == nodeRoles)
                {
                    bytes += WriteMapping("rolearn", role.RoleArn, role.Username, role.Groups, text);
                    any = true;
                }
            }
        }

        return any ? bytes : Append(text, "[]\n");
    }

    private static long WriteMapUsers(AwsAuthPlan awsAuth, StringBuilder? text)
    {
        long bytes = 0;
        var users = awsAuth.MapUsers;
        for (var i = 0; i < users.Count; i++)
        {
            bytes += WriteMapping("userarn", users[i].UserArn, users[i].Username, users[i].Groups, text);
        }

        return users.Count > 0 ? bytes : Append(text, "[]\n");
    }

    /// <summary>One item of the top-level list: its three keys at level 1, their values at level 2, the groups at level 3.</summary>
    private static long WriteMapping(string arnKey, string arn, string username, IReadOnlyList<string> groups, StringBuilder? text)
    {
        var bytes = Append(text, "- ") + Append(text, arnKey) + Append(text, ": ") + Append(text, Scalar(arn, ValueLevel)) + Append(text, "\n  username: ") + Append(text, Scalar(username, ValueLevel));
        if (groups.Count == 0)
        {
            return bytes + Append(text, "\n  groups: []\n");
        }

        bytes += Append(text, "\n  groups:");
        for (var i = 0; i < groups.Count; i++)
        {
            bytes += Append(text, "\n    - ") + Append(text, Scalar(groups[i], GroupLevel));
        }

        return bytes + Append(text, "\n");
    }

    private static long Append(StringBuilder? text, string value)
    {
        text?.Append(value);
        return System.Text.Ascii.IsValid(value) ? value.Length : Encoding.UTF8.GetByteCount(value);
    }

    /// <summary>js-yaml's <c>writeScalar</c> for a value in block context (not a key), with the default options.</summary>
    internal static string Scalar(string value, int level)
    {
        if (value.Length == 0)
        {
            return "''";
        }

        var indent = IndentPerLevel * Math.Max(1, level);
        var width = Math.Max(Math.Min(LineWidth, 40), LineWidth - indent);
        if (IsPlainName(value, width))
        {
            return value;
        }

        if (Array.IndexOf(DeprecatedBooleans, value) >= 0 || DeprecatedBase60().IsMatch(value))
        {
            return $"'{value}'";
        }

        return ChooseStyle(value, width) switch
        {
            Style.Plain => value,
            Style.Single => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'",
            Style.Literal => "|" + BlockHeader(value) + DropEndingNewline(IndentString(value, indent)),
            Style.Folded => ">" + BlockHeader(value) + DropEndingNewline(IndentString(FoldString(value, width), indent)),
            _ => "\"" + EscapeString(value) + "\"",
        };
    }

    /// <summary>
    /// What most names are (ARNs, usernames, groups): a letter first, letters, digits and <c>-_./@{}=+,:</c> after it,
    /// no ':' last, within the width. js-yaml writes such a string plain unless it is a keyword (only a number, a date
    /// or base 60 starts otherwise), and the whole of <see cref="ChooseStyle"/> would say the same, more slowly.
    /// </summary>
    private static bool IsPlainName(string value, int width)
    {
        if (value.Length > width || !char.IsAsciiLetter(value[0]) || value[^1] == ':' || value.AsSpan().ContainsAnyExcept(NameCharacters))
        {
            return false;
        }

        // Past five characters no keyword fits, and a letter-first string resolves as nothing but a keyword.
        return value.Length > 5 || (Array.IndexOf(DeprecatedBooleans, value) < 0 && !IsKeyword(value));
    }

    private enum Style
    {
        Plain,
        Single,
        Literal,
        Folded,
        Double,
    }

    private static Style ChooseStyle(string value, int width)
    {
        var plain = IsPlainSafeFirst(CodePointAt(value, 0)) && IsPlainSafeLast(CodePointAt(value, value.Length - 1));
        var hasLineBreak = false;
        var hasFoldableLine = false;
        var previousLineBreak = -1;
        int? previous = null;
        var i = 0;
        while (i < value.Length)
        {
            var c = CodePointAt(value, i);
            if (c == '\n')
            {
                hasLineBreak = true;
                hasFoldableLine = hasFoldableLine || (i - previousLineBreak - 1 > width && value[previousLineBreak + 1] != ' ');
                previousLineBreak = i;
            }
            else if (!IsPrintable(c))
            {
                return Style.Double;
            }

            plain = plain && IsPlainSafe(c, previous);
            previous = c;
            i += c >= 0x10000 ? 2 : 1;
        }

        hasFoldableLine = hasFoldableLine || (i - previousLineBreak - 1 > width && previousLineBreak + 1 < value.Length && value[previousLineBreak + 1] != ' ');
        if (!hasLineBreak && !hasFoldableLine)
        {
            return plain && !ResolvesAsAnotherType(value) ? Style.Plain : Style.Single;
        }

        return hasFoldableLine ? Style.Folded : Style.Literal;
    }

    private static bool IsWhitespace(int c) => c is ' ' or '\t';

    private static bool IsPrintable(int c) =>
        (c >= 0x20 && c <= 0x7E)
        || (c >= 0xA1 && c <= 0xD7FF && c != 0x2028 && c != 0x2029)
        || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF)
        || (c >= 0x10000 && c <= 0x10FFFF);

    private static bool IsNsCharOrWhitespace(int c) => IsPrintable(c) && c != 0xFEFF && c != '\r' && c != '\n';

    /// <summary>js-yaml's <c>isPlainSafe</c> in block context (flow indicators are plain there).</summary>
    private static bool IsPlainSafe(int c, int? previous)
    {
        var cIsNsCharOrWhitespace = IsNsCharOrWhitespace(c);
        var cIsNsChar = cIsNsCharOrWhitespace && !IsWhitespace(c);
        return (cIsNsCharOrWhitespace && c != '#' && !(previous == ':' && !cIsNsChar))
            || (previous is { } p && IsNsCharOrWhitespace(p) && !IsWhitespace(p) && c == '#')
            || (previous == ':' && cIsNsChar);
    }

    private static bool IsPlainSafeFirst(int c) =>
        IsPrintable(c) && c != 0xFEFF && !IsWhitespace(c) && (c > 0x7F || !"-?:,[]{}#&*!|=>'\"%@`".Contains((char)c, StringComparison.Ordinal));

    private static bool IsPlainSafeLast(int c) => !IsWhitespace(c) && c != ':';

    private static int CodePointAt(string value, int index) =>
        char.IsHighSurrogate(value[index]) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1])
            ? char.ConvertToUtf32(value[index], value[index + 1])
            : value[index];

    /// <summary>js-yaml's default schema's implicit types (null, bool, int, float, timestamp, merge), as its dumper tests a plain string.</summary>
    private static bool ResolvesAsAnotherType(string value) =>
        IsKeyword(value)
        || IsYamlInteger(value)
        || (YamlFloat().IsMatch(value) && (IsFinite(value) || YamlFloatSpecial().IsMatch(value)))
        || YamlDate().IsMatch(value)
        || YamlTimestamp().IsMatch(value);

    /// <summary>js-yaml's null, bool and merge types: the words they resolve.</summary>
    private static bool IsKeyword(string value) =>
        value is "~" or "null" or "Null" or "NULL" or "true" or "True" or "TRUE" or "false" or "False" or "FALSE" or "<<";

    /// <summary>js-yaml's <c>resolveYamlInteger</c>: decimal, or 0b, 0x, 0o with a sign allowed; no '_'.</summary>
    private static bool IsYamlInteger(string value)
    {
        var index = value[0] is '-' or '+' ? 1 : 0;
        var digits = value.AsSpan(index);
        if (digits.Length == 0)
        {
            return false;
        }

        if (digits is "0")
        {
            return true;
        }

        if (digits.Length >= 2 && digits[0] == '0' && digits[1] is 'b' or 'x' or 'o')
        {
            var rest = digits[2..];
            var radixBits = digits[1] switch { 'b' => 1, 'o' => 3, _ => 4 };
            var valid = rest.Length > 0 && digits[1] switch
            {
                'b' => !rest.ContainsAnyExcept('0', '1'),
                'o' => !rest.ContainsAnyExceptInRange('0', '7'),
                _ => rest.ContainsAnyExcept(HexDigits) is false,
            };

            // parseInt gives Infinity past 2^1024, which js-yaml does not take for an integer.
            return valid && rest.TrimStart('0').Length * radixBits <= 1024;
        }

        return !digits.ContainsAnyExceptInRange('0', '9') && IsFinite(value);
    }

    private static bool IsFinite(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);

    private static string BlockHeader(string value)
    {
        var indicator = LeadingSpace().IsMatch(value) ? IndentPerLevel.ToString(CultureInfo.InvariantCulture) : "";
        var clip = value[^1] == '\n';
        var keep = clip && (value == "\n" || (value.Length >= 2 && value[^2] == '\n'));
        return indicator + (keep ? "+" : clip ? "" : "-") + "\n";
    }

    private static string DropEndingNewline(string value) => value.EndsWith('\n') ? value[..^1] : value;

    private static string IndentString(string value, int spaces)
    {
        var indent = new string(' ', spaces);
        var result = new StringBuilder(value.Length + spaces);
        var position = 0;
        while (position < value.Length)
        {
            var next = value.IndexOf('\n', position);
            var line = next < 0 ? value[position..] : value[position..(next + 1)];
            position = next < 0 ? value.Length : next + 1;
            if (line.Length > 0 && line != "\n")
            {
                result.Append(indent);
            }

            result.Append(line);
        }

        return result.ToString();
    }

    private static string FoldString(string value, int width)
    {
        var firstBreak = value.IndexOf('\n');
        var result = new StringBuilder(FoldLine(firstBreak < 0 ? value : value[..firstBreak], width));
        var previousMoreIndented = value[0] is '\n' or ' ';
        foreach (Match match in LineBreaksAndLine().Matches(value, firstBreak < 0 ? value.Length : firstBreak))
        {
            var prefix = match.Groups[1].Value;
            var line = match.Groups[2].Value;
            var moreIndented = line.Length > 0 && line[0] == ' ';
            result.Append(prefix).Append(!previousMoreIndented && !moreIndented && line.Length > 0 ? "\n" : "").Append(FoldLine(line, width));
            previousMoreIndented = moreIndented;
        }

        return result.ToString();
    }

    /// <summary>js-yaml's greedy <c>foldLine</c>: breaks at a space followed by a non-space, the longest line under the width each time.</summary>
    private static string FoldLine(string line, int width)
    {
        if (line.Length == 0 || line[0] == ' ')
        {
            return line;
        }

        var result = new StringBuilder();
        int start = 0, current = 0;
        foreach (Match match in SpaceBeforeText().Matches(line))
        {
            var next = match.Index;
            if (next - start > width)
            {
                var end = current > start ? current : next;
                result.Append('\n').Append(line, start, end - start);
                start = end + 1;
            }

            current = next;
        }

        result.Append('\n');
        if (line.Length - start > width && current > start)
        {
            result.Append(line, start, current - start).Append('\n').Append(line, current + 1, line.Length - current - 1);
        }
        else
        {
            result.Append(line, start, line.Length - start);
        }

        return result.ToString(1, result.Length - 1);
    }

    private static string EscapeString(string value)
    {
        var result = new StringBuilder(value.Length + 8);
        var i = 0;
        while (i < value.Length)
        {
            var c = CodePointAt(value, i);
            var width = c >= 0x10000 ? 2 : 1;
            var escape = c switch
            {
                0x00 => "\\0",
                0x07 => "\\a",
                0x08 => "\\b",
                0x09 => "\\t",
                0x0A => "\\n",
                0x0B => "\\v",
                0x0C => "\\f",
                0x0D => "\\r",
                0x1B => "\\e",
                0x22 => "\\\"",
                0x5C => "\\\\",
                0x85 => "\\N",
                0xA0 => "\\_",
                0x2028 => "\\L",
                0x2029 => "\\P",
                _ => null,
            };
            if (escape is null && IsPrintable(c))
            {
                result.Append(value, i, width);
            }
            else
            {
                result.Append(escape ?? (c <= 0xFF ? $"\\x{c:X2}" : c <= 0xFFFF ? $"\\u{c:X4}" : $"\\U{c:X8}"));
            }

            i += width;
        }

        return result.ToString();
    }

    [GeneratedRegex(@"^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?\z")]
    private static partial Regex DeprecatedBase60();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z")]
    private static partial Regex YamlFloat();

    [GeneratedRegex(@"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z")]
    private static partial Regex YamlFloatSpecial();

    [GeneratedRegex(@"^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\z")]
    private static partial Regex YamlDate();

    [GeneratedRegex(@"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?\z")]
    private static partial Regex YamlTimestamp();

    [GeneratedRegex(@"^\n* ")]
    private static partial Regex LeadingSpace();

    [GeneratedRegex(@"(\n+)([^\n]*)")]
    private static partial Regex LineBreaksAndLine();

    [GeneratedRegex(" [^ ]")]
    private static partial Regex SpaceBeforeText();
}
