using System.Globalization;
using System.Text.RegularExpressions;

namespace EksInfra.Access.Config;

/// <summary>
/// A plain scalar that Pulumi's stack-file reader turns into a time. go-yaml v3 (resolve.go, parseTimestamp) reads an
/// unquoted scalar of four digits and a dash by the layouts 2006-1-2T15:4:5.999999999Z07:00 (T or t),
/// "2006-1-2 15:4:5.999999999" and 2006-1-2, with Go's time.Parse range checks; Pulumi's config/object.go then keeps
/// <c>time.Time.String()</c>, so a label written <c>created: 2024-01-15</c> reaches the program as
/// <c>2024-01-15 00:00:00 +0000 UTC</c>.
/// </summary>
public static partial class GoYamlTimestamp
{
    public static bool IsTimestamp(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (plain.Length < 8 || !char.IsAsciiDigit(plain[0]) || TimestampShape().Match(plain) is not { Success: true } m)
        {
            return false;
        }

        int Number(string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        var (month, day) = (Number("month"), Number("day"));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, Number("year")), month))
        {
            return false;
        }

        return !m.Groups["hour"].Success || (Number("hour") < 24 && Number("minute") < 60 && Number("second") < 60);
    }

    /// <summary>What the program is given for <paramref name="timestamp"/>, where that does not depend on the machine's time zone.</summary>
    public static string PulumiText(string timestamp)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        var m = TimestampShape().Match(timestamp);
        var zone = m.Groups["zone"].Value;
        if (zone.Length > 1)
        {
            return "Go's text for that time, with its offset";
        }

        string Two(string group) => m.Groups[group].Success ? m.Groups[group].Value.PadLeft(2, '0') : "00";
        var fraction = m.Groups["fraction"].Success ? m.Groups["fraction"].Value[1..].PadRight(9, '0')[..9].TrimEnd('0') : "";
        return $"\"{m.Groups["year"].Value}-{Two("month")}-{Two("day")} {Two("hour")}:{Two("minute")}:{Two("second")}{(fraction.Length > 0 ? "." + fraction : "")} +0000 UTC\"";
    }

    // Go's getnum reads one or two digits for 1, 2, 15, 4 and 5; the T forms need a zone, the spaced form takes none, and a
    // layout's space matches spaces only (time.Parse's skip), not a tab.
    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<month>[0-9]{1,2})-(?<day>[0-9]{1,2})(?:[Tt](?<hour>[0-9]{1,2}):(?<minute>[0-9]{1,2}):(?<second>[0-9]{1,2})(?<fraction>[.,][0-9]+)?(?<zone>Z|[+-][0-9]{2}:[0-9]{2})| +(?<hour>[0-9]{1,2}):(?<minute>[0-9]{1,2}):(?<second>[0-9]{1,2})(?<fraction>[.,][0-9]+)?)?\z")]
    private static partial Regex TimestampShape();
}
