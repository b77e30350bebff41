namespace EksInfra.Access.Platform;

/// <summary>One Kubernetes minor version on EKS and the days its support ends (UTC, as AWS's calendar gives them).</summary>
public sealed record EksVersion(string Version, DateOnly Released, DateOnly EndOfStandardSupport, DateOnly EndOfExtendedSupport)
{
    public int Minor => int.Parse(Version.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
}

public enum EksSupport
{
    /// <summary>Before its end of standard support: no surcharge.</summary>
    Standard,

    /// <summary>From the end-of-standard-support day: billed per cluster hour, auto-upgraded at its end.</summary>
    Extended,

    /// <summary>From the end-of-extended-support day: CreateCluster refuses it and EKS upgrades existing control planes.</summary>
    Ended,
}

/// <summary>
/// The Kubernetes versions EKS offers, with their support calendar.
/// Source: Amazon EKS User Guide, "Understand the Kubernetes version lifecycle on EKS", section
/// "Amazon EKS Kubernetes release calendar" (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html,
/// awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc), read 2026-12-01; 1.35's dates
/// as the same calendar lists them (EKS release 2026-01-27). `aws eks describe-cluster-versions` gives the live
/// table. The page says billing for extended support "starts at the beginning of the day that the version reaches
/// end of standard support" and "on the end of extended support date, you can no longer create new Amazon EKS
/// clusters with the unsupported version": both dates are the first day of the next phase.
/// To update: add the new row at the top (dates from the calendar) and move <see cref="TableDate"/>.
/// </summary>
public static class EksVersions
{
    /// <summary>N of a version written as EKS names it, 1.NN (EKS API Reference, CreateCluster, version), or null.</summary>
    public static int? MinorOf(string? version) =>
        version is { Length: 4 } v && v.StartsWith("1.", StringComparison.Ordinal) && char.IsAsciiDigit(v[2]) && char.IsAsciiDigit(v[3])
            ? ((v[2] - '0') * 10) + (v[3] - '0')
            : null;

    /// <summary>The day this table was last checked against AWS's calendar.</summary>
    public static readonly DateOnly TableDate = new(2026, 12, 1);

    public static IReadOnlyList<EksVersion> All { get; } =
    [
        new("1.35", new(2026, 1, 27), new(2027, 3, 27), new(2028, 3, 27)),
        new("1.34", new(2025, 10, 2), new(2026, 12, 2), new(2027, 12, 2)),
        new("1.33", new(2025, 5, 29), new(2026, 7, 29), new(2027, 7, 29)),
        new("1.32", new(2025, 1, 23), new(2026, 3, 23), new(2027, 3, 23)),
        new("1.31", new(2024, 9, 26), new(2025, 11, 26), new(2026, 11, 26)),
        new("1.30", new(2024, 5, 23), new(2025, 7, 23), new(2026, 7, 23)),
        new("1.29", new(2024, 1, 23), new(2025, 3, 23), new(2026, 3, 23)),
        new("1.28", new(2023, 9, 26), new(2024, 11, 26), new(2025, 11, 26)),
        new("1.27", new(2023, 5, 24), new(2024, 7, 24), new(2025, 7, 24)),
    ];

    public static EksVersion? Find(string version) => All.FirstOrDefault(v => v.Version == version);

    public static EksSupport SupportOn(EksVersion version, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(version);
        return today >= version.EndOfExtendedSupport ? EksSupport.Ended
            : today >= version.EndOfStandardSupport ? EksSupport.Extended
            : EksSupport.Standard;
    }

    /// <summary>The newest version EKS has released by <paramref name="today"/>, the one to move to.</summary>
    public static EksVersion NewestOn(DateOnly today) =>
        All.Where(v => v.Released <= today).MaxBy(v => v.Minor) ?? All[^1];
}
