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

    /// <summary>The repository variable naming the self-hosted runner (inside the VPC) that runs private-only stacks.</summary>
    public const string PrivateRunnerVariable = "EKS_INFRA_PRIVATE_RUNNER";

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
            Warning($"{c.Path}.endpointPublicAccess", $"the API endpoint is private only, so `pulumi preview` and `pulumi up` must run inside {vpc} (or a network routed to it): from anywhere else the Kubernetes provider cannot reach the cluster and every RBAC change fails; CI runs this stack on the self-hosted runner named by the repository variable {PrivateRunnerVariable} (docs/environments.md)");
        }

        PublicAccessCidrs(config, Error, Warning);

        if (config.Access.Mode.UsesAccessEntries() && config.Access.Declared && c.DeployerArn is not { Length: > 0 })
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
            if (Ipv4CidrProblem(cidrs[i]) is { } problem)
            {
                error(item, $"'{cidrs[i]}' {problem}");
            }
            else if (!seen.TryAdd(cidrs[i], i))
            {
                error(item, $"the CIDR block '{cidrs[i]}' is listed twice (first at {path}[{seen[cidrs[i]]}]); remove one");
            }
        }

        // Nodes reach a public-only endpoint through their NAT's public address (Amazon EKS User Guide, "Cluster API server endpoint").
        if (!c.Network.EndpointPrivateAccess && !cidrs.Contains("0.0.0.0/0"))
        {
            warning(path, "with private access off, nodes reach the API server through the public endpoint: these CIDR blocks must include the public addresses your nodes leave from (NAT gateways), or they cannot join; consider endpointPrivateAccess: true");
        }
    }

    /// <summary>
    /// Why the text is not an IPv4 CIDR block in network form (no bits set after the prefix), or null. EKS's
    /// publicAccessCidrs takes IPv4 blocks only (CreateCluster, VpcConfigRequest); the network form is this tool's
    /// rule, so that the block a reviewer reads is the block that applies.
    /// </summary>
    public static string? Ipv4CidrProblem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Ipv4Cidr().Match(text);
        if (!match.Success)
        {
            return "is not an IPv4 CIDR block; write it as a.b.c.d/n, e.g. 203.0.113.0/24";
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

        var prefix = int.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture);
        if (prefix > 32)
        {
            return $"has the prefix length /{prefix}; an IPv4 prefix is /0 to /32";
        }

        var hostMask = prefix == 32 ? 0u : uint.MaxValue >> prefix;
        if ((address & hostMask) != 0)
        {
            var network = address & ~hostMask;
            return $"has address bits set after its /{prefix} prefix, so it is not the block it seems to name; write the network address {network >> 24}.{(network >> 16) & 255}.{(network >> 8) & 255}.{network & 255}/{prefix}";
        }

        return null;
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})/(0|[1-9][0-9]?)\z")]
    private static partial Regex Ipv4Cidr();
}
