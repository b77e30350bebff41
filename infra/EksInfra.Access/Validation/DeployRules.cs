using System.Globalization;
using System.Text.RegularExpressions;
using EksInfra.Access.Model;

namespace EksInfra.Access.Validation;

/// <summary>
/// What a real <c>pulumi up</c> needs beyond a valid model: an API endpoint the deployer can reach, and the
/// deployer named, so the access EKS gives it outside the model is known to the checks and reports.
/// </summary>
public static partial class DeployRules
{
    /// <summary>EKS service quota "Public endpoint access CIDR ranges per cluster": 40, not adjustable.</summary>
    public const int MaxPublicAccessCidrs = 40;

    /// <summary>The repository variable naming the self-hosted runner (inside the VPC) that deploys private-only stacks.</summary>
    public const string PrivateRunnerVariable = "EKS_INFRA_PRIVATE_RUNNER";

    /// <summary>
    /// The one that previews them: pull requests run code nobody has reviewed, and a self-hosted runner keeps what a job
    /// leaves behind, so it must never be the machine that runs the deploys.
    /// </summary>
    public const string PrivatePreviewRunnerVariable = "EKS_INFRA_PRIVATE_PREVIEW_RUNNER";

    public static IReadOnlyList<Diagnostic> Validate(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var bag = new DiagnosticBag();
        void Error(string path, string message) => bag.Error(path, message, config.LocationOf(path));
        void Warning(string path, string message) => bag.Warning(path, message, config.LocationOf(path));
        var c = config.Cluster;
        var net = c.Network;

        // The Kubernetes provider talks to the API server from wherever `pulumi` runs: with a private-only
        // endpoint every create and refresh fails from outside the VPC, whichever VPC the cluster is in.
        if (net.IsPrivateOnly)
        {
            var vpc = net.VpcId is { } id ? $"VPC {id}" : "the region's default VPC";
            Warning($"{c.Path}.endpointPublicAccess", $"the API endpoint is private only, so `pulumi preview` and `pulumi up` must run inside {vpc} (or a network routed to it): from anywhere else the Kubernetes provider cannot reach the cluster and every RBAC change fails; CI deploys this stack on the self-hosted runner named by the repository variable {PrivateRunnerVariable} and previews it on the one named by {PrivatePreviewRunnerVariable}, two machines (docs/environments.md)");
        }

        PublicAccessCidrs(config, Error, Warning);

        if (config.Access.Mode.UsesAccessEntries() && config.Access.Declared && config.CreatorArn is null)
        {
            Warning($"{c.Path}.deployerArn", $"not set: EKS makes whoever creates the cluster (the role CI runs `pulumi up` as) cluster admin through an access entry of its own, outside this model; name that role here so `check` refuses a second access entry for it (which fails the update with HTTP 409) and `who` names it");
        }

        return bag.ToSortedList();
    }

    private static void PublicAccessCidrs(StackConfig config, Action<string, string> error, Action<string, string> warning)
    {
        var c = config.Cluster;
        var cidrs = c.Network.PublicAccessCidrs;
        var path = $"{c.Path}.publicAccessCidrs";
        if (cidrs.Count == 0)
        {
            return;
        }

        // pulumi-eks v4.3.0 (nodejs/eks/cluster/cluster.ts) throws "`publicAccessCidrs` can only be set when
        // `endpointPublicAccess` is true" in the middle of the update; refuse it here instead.
        if (!c.Network.EndpointPublicAccess)
        {
            error(path, "the endpoint has no public access (endpointPublicAccess: false), so there is nothing for publicAccessCidrs to restrict; remove it or enable public access");
            return;
        }

        if (cidrs.Count > MaxPublicAccessCidrs)
        {
            error(path, $"lists {cidrs.Count} CIDR blocks; EKS allows at most {MaxPublicAccessCidrs} per cluster");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < cidrs.Count; i++)
        {
            var item = $"{path}[{i}]";
            if (ParseIpv4Cidr(cidrs[i], out var network, out var prefix) is { } problem)
            {
                error(item, $"'{cidrs[i]}' {problem}");
            }
            else if (ReservedBlockHolding(network, prefix) is { } reserved)
            {
                error(item, $"'{cidrs[i]}' lies inside {reserved.Block}, {reserved.Purpose}: EKS refuses reserved addresses in publicAccessCidrs (\"The following CIDRs are not allowed in publicAccessCidrs\") and the update fails; the public endpoint sees the public address a caller leaves from, so list that (your NAT gateway's Elastic IP, your office's egress address) as a.b.c.d/32, and reach the API from inside the VPC with endpointPrivateAccess: true");
            }
            else if (!seen.TryAdd(cidrs[i], i))
            {
                error(item, $"the CIDR block '{cidrs[i]}' is listed twice (first at {path}[{seen[cidrs[i]]}]); remove one");
            }
        }

        // Nodes reach a public-only endpoint through their NAT's public address (Amazon EKS User Guide, "Cluster API server endpoint").
        if (!c.Network.EndpointPrivateAccess && !cidrs.Contains(NetworkSettings.EksDefaultPublicAccessCidr))
        {
            warning(path, "with private access off, nodes reach the API server through the public endpoint: these CIDR blocks must include the public addresses your nodes leave from (NAT gateways), or they cannot join; consider endpointPrivateAccess: true");
        }
    }

    /// <summary>
    /// Why the text is not an IPv4 CIDR block in network form (no bits set after the prefix), or null. EKS's
    /// publicAccessCidrs takes IPv4 blocks only (CreateCluster, VpcConfigRequest); the network form is this tool's
    /// rule, so that the block a reviewer reads is the block that applies.
    /// </summary>
    public static string? Ipv4CidrProblem(string text) => ParseIpv4Cidr(text, out _, out _);

    /// <summary>Whether the blocks together admit every IPv4 address (empty is EKS's default, 0.0.0.0/0), however they are split.</summary>
    public static bool CoversEveryAddress(IReadOnlyList<string> blocks) => NoLongerCovered([NetworkSettings.EksDefaultPublicAccessCidr], blocks).Count == 0;

    /// <summary>
    /// The blocks of <paramref name="before"/> whose addresses <paramref name="after"/> no longer all covers (a block may be
    /// covered by several adjacent ones); an empty list is EKS's default, 0.0.0.0/0 (CreateCluster, publicAccessCidrs). A
    /// block that is no IPv4 CIDR (an invalid base) is skipped: the validator reports it, and its addresses are unknown.
    /// </summary>
    public static IReadOnlyList<string> NoLongerCovered(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        static List<(string Block, ulong First, ulong Last)> Ranges(IReadOnlyList<string> blocks) =>
            [.. (blocks.Count == 0 ? ["0.0.0.0/0"] : blocks)
                .Select(b => (Block: b, Ok: ParseIpv4Cidr(b, out var network, out var prefix) is null, First: (ulong)network, Last: (ulong)network + (1UL << (32 - prefix)) - 1))
                .Where(r => r.Ok)
                .Select(r => (r.Block, r.First, r.Last))];

        // Merge what stays reachable into disjoint runs, adjacent blocks joined, so /25 + /25 covers the /24.
        var merged = new List<(ulong First, ulong Last)>();
        foreach (var (_, first, last) in Ranges(after).OrderBy(r => r.First))
        {
            if (merged.Count > 0 && first <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, last));
            }
            else
            {
                merged.Add((first, last));
            }
        }

        return [.. Ranges(before).Where(b => !merged.Any(m => m.First <= b.First && b.Last <= m.Last)).Select(b => b.Block)];
    }

    /// <summary>
    /// The reserved block that holds the whole of <paramref name="network"/>/<paramref name="prefix"/>, or null.
    /// Only a block inside (or equal to) a reserved one counts: 0.0.0.0/0, EKS's own default, holds reserved blocks
    /// but is not inside one, and EKS takes it.
    /// </summary>
    private static ReservedBlock? ReservedBlockHolding(uint network, int prefix)
    {
        foreach (var reserved in ReservedBlocks)
        {
            if (prefix >= reserved.Prefix && (network & Mask(reserved.Prefix)) == reserved.Network)
            {
                return reserved;
            }
        }

        return null;
    }

    private sealed record ReservedBlock(string Block, string Purpose, uint Network, int Prefix);

    /// <summary>
    /// The addresses EKS means by "The block cannot include reserved addresses" (EKS User Guide, "Configure network
    /// access to cluster API server endpoint", which links Wikipedia's "Reserved IP addresses"): that page's IPv4
    /// table, the IANA IPv4 Special-Purpose Address Registry (RFC 6890) with multicast. EKS's refusal is seen for
    /// private (10.1.0.96/27) and documentation (203.0.113.0/24, 198.51.100.10/32) blocks in public error reports.
    /// 233.252.0.0/24 (inside 224.0.0.0/4) and 255.255.255.255/32 (inside 240.0.0.0/4) need no row of their own.
    /// </summary>
    private static readonly ReservedBlock[] ReservedBlocks =
    [
        Reserved("0.0.0.0/8", "\"this network\" (RFC 1122)"),
        Reserved("10.0.0.0/8", "a private-use block (RFC 1918)"),
        Reserved("100.64.0.0/10", "the carrier-grade NAT shared address space (RFC 6598)"),
        Reserved("127.0.0.0/8", "the loopback block (RFC 1122)"),
        Reserved("169.254.0.0/16", "the link-local block (RFC 3927)"),
        Reserved("172.16.0.0/12", "a private-use block (RFC 1918)"),
        Reserved("192.0.0.0/24", "the IETF protocol assignments block (RFC 6890)"),
        Reserved("192.0.2.0/24", "the documentation block TEST-NET-1 (RFC 5737)"),
        Reserved("192.88.99.0/24", "the retired 6to4 relay anycast block (RFC 7526)"),
        Reserved("192.168.0.0/16", "a private-use block (RFC 1918)"),
        Reserved("198.18.0.0/15", "the benchmarking block (RFC 2544)"),
        Reserved("198.51.100.0/24", "the documentation block TEST-NET-2 (RFC 5737)"),
        Reserved("203.0.113.0/24", "the documentation block TEST-NET-3 (RFC 5737)"),
        Reserved("224.0.0.0/4", "the multicast block (RFC 5771)"),
        Reserved("240.0.0.0/4", "the reserved former class E, with the limited broadcast address (RFC 1112, RFC 919)"),
    ];

    private static ReservedBlock Reserved(string block, string purpose) =>
        ParseIpv4Cidr(block, out var network, out var prefix) is null
            ? new ReservedBlock(block, purpose, network, prefix)
            : throw new InvalidOperationException($"the reserved block '{block}' is not in network form");

    private static uint Mask(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

    /// <summary>Parses an IPv4 CIDR block in network form; the problem, or null with its network address and prefix.</summary>
    private static string? ParseIpv4Cidr(string text, out uint network, out int prefix)
    {
        ArgumentNullException.ThrowIfNull(text);
        network = 0;
        prefix = 0;
        var match = Ipv4Cidr().Match(text);
        if (!match.Success)
        {
            return "is not an IPv4 CIDR block; write it as a.b.c.d/n, e.g. 52.12.34.56/32";
        }

        uint address = 0;
        for (var octet = 1; octet <= 4; octet++)
        {
            var value = int.Parse(match.Groups[octet].Value, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return $"has the octet {value}; each of the four is 0 to 255";
            }

            address = (address << 8) | (uint)value;
        }

        var length = int.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture);
        if (length > 32)
        {
            return $"has the prefix length /{length}; an IPv4 prefix is /0 to /32";
        }

        var masked = address & Mask(length);
        if (masked != address)
        {
            return $"has address bits set after its /{length} prefix, so it is not the block it seems to name; write the network address {masked >> 24}.{(masked >> 16) & 255}.{(masked >> 8) & 255}.{masked & 255}/{length}";
        }

        network = address;
        prefix = length;
        return null;
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})/(0|[1-9][0-9]?)\z")]
    private static partial Regex Ipv4Cidr();
}
