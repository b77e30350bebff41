namespace EksInfra.Access.Platform;

/// <summary>
/// The partitions this tool plans ARNs for, and the regions in them where EKS runs.
/// Sources: AWS General Reference, "Amazon Elastic Kubernetes Service endpoints and quotas", section "Service
/// endpoints" (docs.aws.amazon.com/general/latest/gr/eks.html), with the China and GovCloud regions from the
/// same reference's partitions (the China regions: docs.amazonaws.cn; GovCloud: AWS GovCloud (US) User Guide,
/// "Amazon EKS"), read 2026-12-01. Partition names: AWS General Reference, "Amazon Resource Names (ARNs)",
/// section "ARN format" (aws, aws-cn, aws-us-gov). The ISO partitions (aws-iso, aws-iso-b, ...) and the
/// European Sovereign Cloud (aws-eusc) are left out on purpose: the plan names ARNs and endpoints it cannot
/// check there.
/// To update: add the region to <see cref="All"/> with its partition, and move <see cref="TableDate"/>.
/// </summary>
public static class EksRegions
{
    public const string Aws = "aws";
    public const string China = "aws-cn";
    public const string GovCloud = "aws-us-gov";

    public static readonly DateOnly TableDate = new(2026, 12, 1);

    public static IReadOnlyList<string> Partitions { get; } = [Aws, China, GovCloud];

    public static IReadOnlyDictionary<string, string> All { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["af-south-1"] = Aws,
        ["ap-east-1"] = Aws,
        ["ap-east-2"] = Aws,
        ["ap-northeast-1"] = Aws,
        ["ap-northeast-2"] = Aws,
        ["ap-northeast-3"] = Aws,
        ["ap-south-1"] = Aws,
        ["ap-south-2"] = Aws,
        ["ap-southeast-1"] = Aws,
        ["ap-southeast-2"] = Aws,
        ["ap-southeast-3"] = Aws,
        ["ap-southeast-4"] = Aws,
        ["ap-southeast-5"] = Aws,
        ["ap-southeast-6"] = Aws,
        ["ap-southeast-7"] = Aws,
        ["ca-central-1"] = Aws,
        ["ca-west-1"] = Aws,
        ["eu-central-1"] = Aws,
        ["eu-central-2"] = Aws,
        ["eu-north-1"] = Aws,
        ["eu-south-1"] = Aws,
        ["eu-south-2"] = Aws,
        ["eu-west-1"] = Aws,
        ["eu-west-2"] = Aws,
        ["eu-west-3"] = Aws,
        ["il-central-1"] = Aws,
        ["me-central-1"] = Aws,
        ["me-south-1"] = Aws,
        ["mx-central-1"] = Aws,
        ["sa-east-1"] = Aws,
        ["us-east-1"] = Aws,
        ["us-east-2"] = Aws,
        ["us-west-1"] = Aws,
        ["us-west-2"] = Aws,
        ["cn-north-1"] = China,
        ["cn-northwest-1"] = China,
        ["us-gov-east-1"] = GovCloud,
        ["us-gov-west-1"] = GovCloud,
    };

    public static bool IsEksRegion(string region) => All.ContainsKey(region);

    /// <summary>The partition of a region: the table's, else by prefix (the plan still needs one for a region it refuses).</summary>
    public static string PartitionOf(string region) =>
        All.TryGetValue(region, out var partition) ? partition
        : region.StartsWith("cn-", StringComparison.Ordinal) ? China
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? GovCloud
        : Aws;
}
