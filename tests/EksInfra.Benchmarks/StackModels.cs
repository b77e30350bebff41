using System.Globalization;
using System.Text;

namespace EksInfra.Benchmarks;

/// <summary>How the generated principals are named: the names, not the count, decide the aws-auth size.</summary>
public enum NameProfile
{
    /// <summary>Short but plausible names (ci-0042, u00042), so 10,000 identities still fit one aws-auth ConfigMap.</summary>
    Compact,

    /// <summary>What real accounts hold: SSO permission-set roles with their path and hash suffix, session-name usernames.</summary>
    Realistic,
}

/// <summary>
/// Generates valid <c>Pulumi.STACK.yaml</c> files of any size, deterministically: the same arguments give
/// the same bytes. The mix of principals: 10% roles the stack creates (half with an IAM path), 25% mapRoles
/// with an IAM path (SSO permission sets), 25% mapRoles without one, 40% mapUsers; one team group per 25
/// principals (half namespaced), a read-only group (every 10th principal), and a few cluster admins.
/// </summary>
public static class StackModels
{
    public const string AccountId = "123456789012";

    public static byte[] Generate(int identities, string mode = "CONFIG_MAP", NameProfile profile = NameProfile.Compact) =>
        Encoding.UTF8.GetBytes(GenerateText(identities, mode, profile));

    /// <summary>How many identities of each kind a model of <paramref name="identities"/> holds.</summary>
    public static (int Created, int PathRoles, int PlainRoles, int Users) Mix(int identities)
    {
        var created = Math.Max(1, identities / 10);
        var pathRoles = identities / 4;
        var plainRoles = identities / 4;
        var users = identities - created - pathRoles - plainRoles;
        return (created, pathRoles, plainRoles, users);
    }

    public static int TeamCount(int identities) => Math.Max(1, identities / 25);

    public static string GenerateText(int identities, string mode = "CONFIG_MAP", NameProfile profile = NameProfile.Compact)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(identities, 1);
        var (created, pathRoles, plainRoles, users) = Mix(identities);
        var teams = TeamCount(identities);
        var sb = new StringBuilder(identities * 160);
        sb.Append(CultureInfo.InvariantCulture, $"""
            # Generated: {identities} mapped identities ({created} created roles, {pathRoles} mapRoles with an IAM path, {plainRoles} without, {users} mapUsers), {teams} team groups.
            config:
              aws:region: us-west-2
              aws:allowedAccountIds:
                - "{AccountId}"
              eks-infra:cluster:
                name: bench-cluster
                version: "1.35"
                nodeGroup:
                  instanceType: m6i.large
                  desiredSize: 3
                  minSize: 3
                  maxSize: 9
              eks-infra:access:
                authenticationMode: {mode}

            """);
        var index = 0;
        sb.Append("    roles:\n");
        for (var i = 0; i < created; i++, index++)
        {
            var team = Team(index, teams);
            sb.Append(CultureInfo.InvariantCulture, $"      - name: {CreatedRoleName(i, team, profile)}\n");
            if (i % 2 == 1)
            {
                sb.Append("        path: /teams/\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"        username: \"{(profile == NameProfile.Compact ? $"c{i:D4}" : $"team{team:D4}-deployer-{i:D5}")}\"\n");
            AppendGroups(sb, index, team, profile);
            sb.Append(CultureInfo.InvariantCulture, $"        assumedBy: [\"arn:aws:iam::{AccountId}:root\"]\n");
        }

        sb.Append("    mapRoles:\n");
        for (var i = 0; i < pathRoles; i++, index++)
        {
            var team = Team(index, teams);
            sb.Append(CultureInfo.InvariantCulture, $"      - rolearn: arn:aws:iam::{AccountId}:role/{PathRoleName(i, team, profile)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"        username: \"{(profile == NameProfile.Compact ? $"s{i:D4}" : $"sso-team{team:D4}:{{{{SessionName}}}}")}\"\n");
            AppendGroups(sb, index, team, profile);
        }

        for (var i = 0; i < plainRoles; i++, index++)
        {
            var team = Team(index, teams);
            sb.Append(CultureInfo.InvariantCulture, $"      - rolearn: arn:aws:iam::{AccountId}:role/{(profile == NameProfile.Compact ? $"ci{i:D4}" : $"team{team:D4}-ci-deployer-{i:D5}")}\n");
            sb.Append(CultureInfo.InvariantCulture, $"        username: \"{(profile == NameProfile.Compact ? $"r{i:D4}" : $"ci-team{team:D4}:{{{{SessionName}}}}")}\"\n");
            AppendGroups(sb, index, team, profile);
        }

        sb.Append("    mapUsers:\n");
        for (var i = 0; i < users; i++, index++)
        {
            var team = Team(index, teams);
            sb.Append(CultureInfo.InvariantCulture, $"      - userarn: arn:aws:iam::{AccountId}:user/{(profile == NameProfile.Compact ? $"u{i:D4}" : $"firstname.lastname{i:D5}@example.com")}\n");
            sb.Append(CultureInfo.InvariantCulture, $"        username: \"{(profile == NameProfile.Compact ? $"u{i:D4}" : $"user-firstname.lastname{i:D5}")}\"\n");
            AppendGroups(sb, index, team, profile);
        }

        sb.Append("    groups:\n");
        sb.Append("      read-only:\n        clusterRole: read-only\n");
        sb.Append("      platform-admins:\n        clusterRole: cluster-admin\n");
        for (var t = 0; t < teams; t++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      {TeamGroup(t, profile)}:\n");
            if (t % 2 == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"        clusterRole: edit\n        namespaces: [{TeamGroup(t, profile)}, {TeamGroup(t, profile)}-jobs]\n");
            }
            else
            {
                sb.Append("        clusterRole: view\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>A model of only mapRoles, for the ConfigMap size search: <paramref name="roles"/> role mappings and nothing else.</summary>
    public static byte[] RoleMappingsOnly(int roles, NameProfile profile)
    {
        var teams = TeamCount(roles);
        var sb = new StringBuilder(roles * 200);
        sb.Append(CultureInfo.InvariantCulture, $"""
            config:
              aws:region: us-west-2
              aws:allowedAccountIds:
                - "{AccountId}"
              eks-infra:cluster:
                name: bench-cluster
              eks-infra:access:
                authenticationMode: CONFIG_MAP
                mapRoles:

            """);
        for (var i = 0; i < roles; i++)
        {
            var team = Team(i, teams);
            // Half SSO permission sets (their path is stripped in aws-auth), half roles without a path.
            var name = i % 2 == 0 ? PathRoleName(i, team, profile) : (profile == NameProfile.Compact ? $"ci{i:D5}" : $"team{team:D4}-ci-deployer-{i:D5}");
            var username = profile == NameProfile.Compact ? $"r{i:D5}" : i % 2 == 0 ? $"sso-team{team:D4}:{{{{SessionName}}}}" : $"ci-team{team:D4}:{{{{SessionName}}}}";
            sb.Append(CultureInfo.InvariantCulture, $"      - rolearn: arn:aws:iam::{AccountId}:role/{name}\n        username: \"{username}\"\n");
            AppendGroups(sb, i, team, profile);
        }

        sb.Append("    groups:\n      read-only:\n        clusterRole: read-only\n      platform-admins:\n        clusterRole: cluster-admin\n");
        for (var t = 0; t < teams; t++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      {TeamGroup(t, profile)}:\n        clusterRole: edit\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static int Team(int index, int teams) => index % teams;

    private static string TeamGroup(int team, NameProfile profile) => profile == NameProfile.Compact ? $"t{team:D3}" : $"team-{team:D4}";

    /// <summary>Every 10th principal is also read-only; 1 in 100 (the first included) is a platform admin (cluster-admin), so every model keeps an admin. Groups are not system: groups, so every mode accepts them.</summary>
    private static void AppendGroups(StringBuilder sb, int index, int team, NameProfile profile)
    {
        sb.Append("        groups: [").Append(TeamGroup(team, profile));
        if (index % 10 == 0)
        {
            sb.Append(", read-only");
        }

        if (index % 100 == 0)
        {
            sb.Append(", platform-admins");
        }

        sb.Append("]\n");
    }

    private static string CreatedRoleName(int i, int team, NameProfile profile) =>
        profile == NameProfile.Compact ? $"cr{i:D4}" : $"team{team:D4}-eks-deployer-{i:D5}";

    /// <summary>An IAM role with a path. Realistic: an SSO permission set's role, whose name ends in a 16-hex-digit hash.</summary>
    private static string PathRoleName(int i, int team, NameProfile profile) =>
        profile == NameProfile.Compact
            ? $"sso/s{i:D4}"
            : $"aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_Team{team:D4}Developers_{Hash(i):x16}";

    /// <summary>A bijection on 64-bit integers (splitmix64's finalizer): distinct indexes give distinct, random-looking suffixes.</summary>
    private static ulong Hash(int i)
    {
        var z = (ulong)i + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
