using EksInfra.Access.Authorization;
using EksInfra.Access.Import;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Audit;

/// <summary>The parts of the audit report, in the order a reader takes them.</summary>
public enum AuditSection
{
    /// <summary>A principal with live access that the model does not grant.</summary>
    Unmanaged,

    /// <summary>An RBAC binding the stack did not create that binds a group or user an IAM principal maps to.</summary>
    UnmanagedBinding,

    /// <summary>A principal or binding of the model that is live but not as the model says.</summary>
    Differs,

    /// <summary>A grant of the model that is not live: not applied yet, or removed by hand.</summary>
    Missing,

    /// <summary>What EKS and Kubernetes make themselves: listed, not flagged.</summary>
    EksOwn,
}

public sealed record AuditFinding(AuditSection Section, string Subject, string Title, string Detail, bool ReachesAdmin = false);

/// <summary>A part of the cluster's access the audit did not compare, and why.</summary>
public sealed record AuditSkip(string Part, string Why)
{
    public override string ToString() => $"{Part}: {Why}";
}

public sealed record AuditReport(string StackName, string ClusterName, IReadOnlyList<AuditFinding> Findings, IReadOnlyList<AuditSkip> Skipped)
{
    /// <summary>The parts that were compared, each from its own export: what a clean report vouches for.</summary>
    public IReadOnlyList<string> Compared { get; init; } = [];

    /// <summary>Access the model does not grant that reaches cluster admin or system:masters: the audit fails.</summary>
    public IEnumerable<AuditFinding> Blocking => Findings.Where(f => f.ReachesAdmin && f.Section is AuditSection.Unmanaged or AuditSection.UnmanagedBinding or AuditSection.Differs);

    public bool HasBlocking => Blocking.Any();
}

/// <summary>
/// Compares what a live cluster grants (its aws-auth, access entries and RBAC, as exported) with what the stack's
/// model grants. ARNs are compared in their canonical form: a role without its IAM path (aws-auth has none, access
/// entries keep it; IAM role names are unique in an account), case-insensitively (IAM names are).
/// </summary>
public static class AccessAudit
{
    private static readonly StringComparer Ordinal = StringComparer.Ordinal;

    public const string AwsAuthPart = "aws-auth";
    public const string AccessEntriesPart = "access entries";
    public const string RbacPart = "RBAC";

    /// <summary>
    /// Access entry types EKS gives node and Fargate roles (CreateAccessEntry, type: "STANDARD, FARGATE_LINUX, EC2_LINUX,
    /// EC2_WINDOWS, EC2 (for EKS Auto Mode), HYBRID_LINUX, and HYPERPOD_LINUX"); they grant node permissions only.
    /// </summary>
    public static readonly IReadOnlyList<string> NodeEntryTypes = ["EC2", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "HYPERPOD_LINUX"];

    public static string Canonical(string arn) => Arns.PrincipalKey(arn);

    public static AuditReport Compare(AccessPlan plan, LiveCluster live)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(live);
        var findings = new List<AuditFinding>();
        var skipped = new List<AuditSkip>();
        var model = ModelAccess.Of(plan);
        var liveAuthorizer = live.Rbac is { } rbac ? new Authorizer(rbac) : null;
        var judge = liveAuthorizer ?? model.Authorizer;
        var modelByKey = model.Subjects.ToDictionary(s => Canonical(s.Principal), Ordinal);
        var nodeRole = Canonical(plan.NodeRole.Arn);
        var deployer = plan.Cluster.DeployerArn is { } d ? Canonical(d) : null;
        var unmanaged = new SortedDictionary<string, (AccessSubject Subject, string Where)>(Ordinal);
        var liveSubjects = new List<AccessSubject>();
        // "Access entries take precedence over ConfigMap entries for the same IAM principal" (EKS, Migrating existing
        // aws-auth ConfigMap entries): where both exist, the cluster reads the entry while it matches the principal (NotRead).
        var liveEntries = new Dictionary<string, LiveAccessEntry>(Ordinal);
        foreach (var entry in live.AccessEntries ?? [])
        {
            liveEntries.TryAdd(Canonical(entry.PrincipalArn), entry);
        }

        // EKS reads what the cluster's mode reads, whatever the stack file says; without the live mode, the stack's is assumed.
        var mode = live.Mode ?? plan.Mode;
        if (live.Mode is { } liveMode && liveMode != plan.Mode)
        {
            findings.Add(ModeDiffers(plan, liveMode));
        }

        var run = new Run(plan, mode, live.Mode is not null, nodeRole, deployer, findings, unmanaged, liveSubjects, modelByKey, model.Authorizer, judge, liveEntries);

        var compared = new List<string>();
        if (live.AwsAuth is { } awsAuth)
        {
            compared.Add(AwsAuthPart);
            foreach (var dropped in mode.UsesConfigMap() ? live.AwsAuthDropped : [])
            {
                findings.Add(new AuditFinding(AuditSection.Differs, dropped.Where, dropped.Title, $"it {dropped.Why}; it grants nothing: fix or remove it"));
            }

            run.CompareAwsAuth(awsAuth);
            if (live.AwsAuthAccounts is { } accounts)
            {
                run.CompareAccounts(accounts);
            }
        }
        else if (mode.UsesConfigMap())
        {
            // In API, EKS reads no aws-auth: leaving it out leaves nothing the cluster grants unseen.
            skipped.Add(new AuditSkip(AwsAuthPart, "--aws-auth not given, so the live aws-auth ConfigMap was not compared"));
        }

        if (live.AccessEntries is { } entries)
        {
            compared.Add(AccessEntriesPart);
            // EKS adds access entries only in the access-entry modes ("To begin using access entries, you must change the
            // authentication mode of the cluster to either API_AND_CONFIG_MAP or API"), and the mode never moves back.
            if (mode == AuthenticationMode.ConfigMap && plan.Mode == AuthenticationMode.ConfigMap && entries.Count > 0)
            {
                findings.Add(new AuditFinding(AuditSection.Differs, "authenticationMode", "the cluster has access entries, so its mode is not the stack's CONFIG_MAP",
                    $"EKS holds access entries only in API_AND_CONFIG_MAP or API, and a mode never moves back: the cluster left CONFIG_MAP outside this stack. Set eks-infra:access.authenticationMode to the cluster's mode (`aws eks describe-cluster --name {plan.Cluster.Name} --query cluster.accessConfig.authenticationMode`) before the next pulumi up; until then the model's access entries are not planned, so every live entry is listed as not granted by it"));
            }

            run.CompareAccessEntries(entries);
        }
        else if (live.Mode is null || mode.UsesAccessEntries())
        {
            // A cluster known to be in CONFIG_MAP holds none (EKS refuses to list them there); the stack's word for it is not enough.
            skipped.Add(new AuditSkip(AccessEntriesPart, "--access-entries not given, so the live access entries were not compared"));
        }

        foreach (var (_, (subject, where)) in unmanaged)
        {
            var admin = judge.IsClusterAdmin(subject);
            findings.Add(new AuditFinding(
                AuditSection.Unmanaged,
                subject.Principal,
                $"{(admin ? "cluster admin, " : "")}not granted by the model ({where})",
                $"username {Show(subject.Username)}, groups {Show(subject.Groups)}{(subject.Policies.Count > 0 ? ", access policies " + string.Join(", ", subject.Policies) : "")}; can: {Describe(judge, subject)}{CreatorHint(plan, subject)}",
                admin));
        }

        if (live.Rbac is { } liveRbac)
        {
            compared.Add(RbacPart);
            List<AccessSubject> principals = [.. model.Subjects, .. liveSubjects];
            if (mode.UsesConfigMap() && live.AwsAuthAccounts is { Count: > 0 } accounts)
            {
                principals.AddRange(AccountPrincipals(liveRbac, accounts, [.. principals.Select(p => Canonical(p.Principal)), .. liveEntries.Keys]));
            }

            CompareRbac(plan, model.Authorizer, liveRbac, principals, findings);
        }
        else
        {
            skipped.Add(new AuditSkip(RbacPart, "--rbac not given, so bindings were not compared, and what unmanaged principals can do is judged by the model's RBAC"));
        }

        return new AuditReport(plan.StackName, plan.Cluster.Name, [.. findings
            .OrderBy(f => f.Section)
            .ThenBy(f => f.ReachesAdmin ? 0 : 1)
            .ThenBy(f => f.Subject, Ordinal)
            .ThenBy(f => f.Title, Ordinal)], skipped)
        {
            Compared = compared,
        };
    }

    /// <summary>
    /// The cluster's mode is not the stack's. EKS moves a mode forward only: a cluster ahead of its stack was moved
    /// outside it, and one behind it has not had the stack's move deployed yet.
    /// </summary>
    private static AuditFinding ModeDiffers(AccessPlan plan, AuthenticationMode liveMode)
    {
        var (live, stack) = (liveMode.ToConfigValue(), plan.Mode.ToConfigValue());
        var detail = liveMode > plan.Mode
            ? $"{AuthenticationModes.ForwardOnly}, so the cluster left {stack} outside this stack: set eks-infra:access.authenticationMode to {live} before the next pulumi up{(plan.Mode == AuthenticationMode.ConfigMap ? "; until then the model's access entries are not planned, so every live entry is listed as not granted by it" : "")}"
            : $"the stack's move to {stack} is not deployed yet (pulumi up applies it); until then EKS reads what {live} reads, and the audit judges aws-auth and access entries by {live}";
        return new AuditFinding(AuditSection.Differs, "authenticationMode", $"the cluster's mode is {live}, not the stack's {stack}", detail);
    }

    /// <summary>A mapping the model's aws-auth holds, from mapRoles or mapUsers.</summary>
    private sealed record ModelMapping(string Arn, string Username, IReadOnlyList<string> Groups);

    /// <summary>One comparison: the model's view, what the live inputs showed so far, and the findings.</summary>
    private sealed class Run(
        AccessPlan plan,
        AuthenticationMode mode,
        bool modeIsLive,
        string nodeRole,
        string? deployer,
        List<AuditFinding> findings,
        SortedDictionary<string, (AccessSubject Subject, string Where)> unmanaged,
        List<AccessSubject> liveSubjects,
        Dictionary<string, AccessSubject> modelByKey,
        Authorizer modelAuthorizer,
        Authorizer judge,
        Dictionary<string, LiveAccessEntry> liveEntries)
    {
        public void CompareAwsAuth(IReadOnlyList<LiveMapping> awsAuth)
        {
            if (!mode.UsesConfigMap())
            {
                foreach (var mapping in awsAuth)
                {
                    findings.Add(new AuditFinding(AuditSection.EksOwn, mapping.Arn, $"aws-auth entry the cluster does not read ({mapping.Where})", $"the {(modeIsLive ? "cluster's" : "stack's")} mode is API, in which EKS ignores aws-auth; delete the ConfigMap once nothing needs it"));
                }

                return;
            }

            // A stack in API writes no aws-auth, yet a cluster its move has not reached still reads every mapping.
            var want = plan.AwsAuth is not { } expected ? new Dictionary<string, ModelMapping>(Ordinal) : expected.MapRoles.Select(r => new ModelMapping(r.RoleArn, r.Username, r.Groups))
                .Concat(expected.MapUsers.Select(u => new ModelMapping(u.UserArn, u.Username, u.Groups)))
                .ToDictionary(m => Canonical(m.Arn), Ordinal);
            var seen = new HashSet<string>(Ordinal);
            var readings = AuthenticatorEntries.Read([.. awsAuth.Where(m => m.Kind == PrincipalKind.Role)], [.. awsAuth.Where(m => m.Kind != PrincipalKind.Role)], m => m.Arn);
            foreach (var (read, reading, other) in readings)
            {
                // Neither answers alone, so each is judged as live, and where it is shown says so.
                var mapping = reading == MappingReading.EitherAnswers
                    ? read with { Where = $"{read.Where}; {other!.Arn} is mapped too ({other.Where}) and the authenticator answers with either, request by request" }
                    : read;
                var key = Canonical(mapping.Arn);
                if (reading == MappingReading.MappedAgain)
                {
                    findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, $"mapped again later ({mapping.Where}, then {other!.Where})", $"the authenticator keeps only the last mapping of an ARN ({(mapping.Kind == PrincipalKind.Role ? "ignoring case" : "as written")}), so this one grants nothing; the later one is what the cluster reads"));
                    continue;
                }

                if (reading == MappingReading.InMapRoles)
                {
                    findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, $"mapped in mapRoles too ({mapping.Where}, and {other!.Where})", "the authenticator looks a caller up in mapRoles before mapUsers (ignoring case), so this one grants nothing; the mapRoles one is what the cluster reads"));
                    continue;
                }

                // The caller's canonical ARN keeps a user's path but drops a role's, whichever list the entry is in
                // (pkg/arn Canonicalize): only a role ARN with a path never matches.
                var hasPath = Arns.TryParseIgnoringCase(mapping.Arn, out var parsed) && parsed.Kind == PrincipalKind.Role && parsed.HasPath;
                if (hasPath)
                {
                    // aws-iam-authenticator matches the caller's assumed-role ARN, which has no path: this entry never matches.
                    findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, $"written with its IAM path ({mapping.Where})", "the authenticator never matches a role ARN with a path, so this entry grants nothing; the stack writes it without the path"));
                    continue;
                }

                if (Arns.IsAssumedRoleArn(mapping.Arn))
                {
                    // pkg/arn Canonicalize turns the caller's assumed-role ARN into its role's iam ARN before the lookup.
                    findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, $"an STS session ARN ({mapping.Where})", "the authenticator looks a caller up by its role's ARN (arn:...:iam::ACCOUNT:role/NAME), never by a session's, so this entry grants nothing"));
                    continue;
                }

                seen.Add(key);
                var subject = new AccessSubject(mapping.Arn, mapping.Kind == PrincipalKind.Role ? "role" : "user", mapping.Username, mapping.Groups, [], "aws-auth");
                var wanted = want.GetValueOrDefault(key);
                if (plan.AwsAuth is null && modelByKey.TryGetValue(key, out var granted))
                {
                    LeftFromEarlierMode(mapping, subject, granted, liveEntries.ContainsKey(key));
                    continue;
                }

                if (liveEntries.TryGetValue(key, out var shadowing) && (wanted is not null || !IsNodeLike(mapping.Username, mapping.Groups)))
                {
                    NotRead(mapping, subject, shadowing, wanted);
                    continue;
                }

                liveSubjects.Add(subject);
                if (wanted is { } m)
                {
                    var differences = new List<string>();
                    var (liveUsername, liveGroups) = Rendered(mapping.Arn, mapping.Username, mapping.Groups);
                    var (modelUsername, modelGroups) = Rendered(mapping.Arn, m.Username, m.Groups);
                    if (modelUsername != liveUsername)
                    {
                        differences.Add($"username {Show(mapping.Username)} live, {Show(m.Username)} in the model");
                    }

                    if (!modelGroups.SequenceEqual(liveGroups, Ordinal))
                    {
                        differences.Add($"groups {Show(mapping.Groups)} live, {Show(m.Groups)} in the model");
                    }

                    if (differences.Count > 0)
                    {
                        var modelSubject = new AccessSubject(m.Arn, "role", m.Username, m.Groups, []);
                        var gains = judge.IsClusterAdmin(subject) && !modelAuthorizer.IsClusterAdmin(modelSubject);
                        findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, $"aws-auth mapping differs ({mapping.Where}){(gains ? ": cluster admin the model does not grant" : "")}", string.Join("; ", differences), gains));
                    }
                }
                else if (IsNodeLike(mapping.Username, mapping.Groups))
                {
                    // The model maps every compute role it knows, so only a stack in API, which writes no aws-auth, gets here
                    // with one: its mapping is left from the earlier mode.
                    findings.Add(IsComputeRole(key)
                        ? new AuditFinding(AuditSection.EksOwn, mapping.Arn, $"node or Fargate role of this stack ({mapping.Where})", $"username {Show(mapping.Username)}, groups {Show(mapping.Groups)}: the stack in {plan.Mode.ToConfigValue()} writes no aws-auth; EKS reads this mapping until the cluster is in that mode")
                        : UnknownNodeRole(mapping.Arn, $"node or Fargate mapping of a role the model does not know ({mapping.Where})", $"username {Show(mapping.Username)}, groups {Show(mapping.Groups)}", "mapping", groups: mapping.Groups));
                }
                else if (!unmanaged.ContainsKey(key))
                {
                    unmanaged[key] = (subject, mapping.Where);
                }
                else if (reading == MappingReading.EitherAnswers)
                {
                    unmanaged[$"{key}\n{mapping.Arn}"] = (subject, mapping.Where);
                }
            }

            foreach (var (key, m) in want.Where(w => !seen.Contains(w.Key)))
            {
                var title = key != nodeRole ? "aws-auth mapping missing live"
                    : liveEntries.TryGetValue(key, out var nodeEntry) && nodeEntry.Type is "EC2_LINUX" or "EC2_WINDOWS" ? $"the node role's aws-auth mapping is missing live: nodes join by its {nodeEntry.Type} access entry alone ({nodeEntry.Where})"
                    : "the node role's aws-auth mapping is missing: nodes cannot join";
                findings.Add(new AuditFinding(AuditSection.Missing, m.Arn, title, $"username {Show(m.Username)}, groups {Show(m.Groups)}"));
            }
        }

        /// <summary>
        /// A mapping's username and sorted groups as the authenticator gives them to its caller: renderTemplate fills
        /// {{AccountID}} with the caller's account, which is the mapped ARN's, so a live team-{{AccountID}} is the
        /// team-123456789012 that import writes. The other templates vary by request and are compared as written.
        /// </summary>
        private static (string Username, List<string> Groups) Rendered(string arn, string username, IReadOnlyList<string> groups) =>
            Arns.AccountOf(arn) is { } account
                ? (KubernetesNames.WithAccountId(username, account), [.. groups.Select(g => KubernetesNames.WithAccountId(g, account)).Order(Ordinal)])
                : (username, [.. groups.Order(Ordinal)]);

        /// <summary>
        /// A role of the stack's nodes or Fargate pods: the stack's node role, or one of its compute identities (the node and
        /// Fargate roles it creates, and those declared under access.nodeRoles).
        /// </summary>
        private bool IsComputeRole(string key) => key == nodeRole || plan.ComputeIdentities.Any(c => Canonical(c.RoleArn) == key);

        /// <summary>
        /// A node mapping or node-type entry of a role the model does not know. EKS makes these for managed node groups and
        /// Fargate profiles, but anyone allowed eks:CreateAccessEntry (or to edit aws-auth) can too (CreateAccessEntry: "If
        /// the principalArn is for an IAM role that's used for self-managed Amazon EC2 nodes, specify EC2_LINUX or
        /// EC2_WINDOWS"), and whoever assumes the role names an instance as the session and is that node to the cluster
        /// (aws-iam-authenticator renderTemplate fills {{EC2PrivateDNSName}} from the session name). It grants node
        /// permissions only, so it is flagged without failing the audit. access.nodeRoles declares Linux, Windows and Fargate
        /// roles only: an Auto Mode, hybrid or HyperPod entry has no declaration to point to.
        /// </summary>
        private static AuditFinding UnknownNodeRole(string arn, string title, string detail, string what, string? entryType = null, IReadOnlyList<string>? groups = null) =>
            new(AuditSection.Unmanaged, arn, title, entryType switch
            {
                "EC2" or "HYBRID_LINUX" or "HYPERPOD_LINUX" => $"{detail}; the model declares no {(entryType == "EC2" ? "EKS Auto Mode" : entryType == "HYBRID_LINUX" ? "EKS Hybrid Nodes" : "SageMaker HyperPod")} role, so keep it only if such nodes use it; otherwise its holders can register as any node: delete the {what}",
                _ when entryType == "FARGATE_LINUX" || (entryType is null && groups is not null && groups.Contains("system:node-proxier")) => $"{detail}; if a Fargate profile made outside the stack runs its pods with it, declare it under eks-infra:access.nodeRoles with kind: fargate; otherwise its holders can register as any node: delete the {what}",
                _ => $"{detail}; if nodes made outside the stack run with it, declare it under eks-infra:access.nodeRoles with kind: {(entryType == "EC2_WINDOWS" || (groups?.Contains(KubernetesNames.KubeProxyWindows) ?? false) ? "windows" : "linux")} (and managedNodeGroup: true for a managed node group's role); otherwise its holders can register as any node: delete the {what}",
            });

        /// <summary>
        /// A mapping whose principal has a live access entry grants nothing while the entry matches the principal; it is
        /// listed only where it is not the model's. An entry holds the principal's ID, so one left from a principal that
        /// was deleted and made again no longer matches it ("the access entry won't work"), and EKS then reads this
        /// mapping; the exports hold no IDs, so the audit cannot tell, and a mapping that would make the principal cluster
        /// admin beyond the model fails it, as a live one would.
        /// </summary>
        private void NotRead(LiveMapping mapping, AccessSubject subject, LiveAccessEntry entry, ModelMapping? wanted)
        {
            var admin = judge.IsClusterAdmin(subject);
            var title = $"{(admin ? "cluster admin once read, " : "")}aws-auth mapping the cluster does not read while the principal's access entry matches it ({mapping.Where}; entry: {entry.Where})";
            var dormant = $"EKS reads this mapping instead{(admin ? ", making the principal cluster admin," : "")} once that entry is deleted, or no longer matches because the IAM principal was deleted and made again (an entry holds the principal's ID, which the exports do not show)";
            if (wanted is not { } m)
            {
                findings.Add(new AuditFinding(AuditSection.Unmanaged, mapping.Arn, title, $"username {Show(mapping.Username)}, groups {Show(mapping.Groups)}, not granted by the model; {dormant}; it could do: {Describe(judge, subject)}. Remove the mapping", admin));
            }
            else if (Rendered(mapping.Arn, mapping.Username, mapping.Groups) is var (liveUsername, liveGroups)
                && Rendered(mapping.Arn, m.Username, m.Groups) is var (modelUsername, modelGroups)
                && (modelUsername != liveUsername || !modelGroups.SequenceEqual(liveGroups, Ordinal)))
            {
                var gains = admin && !modelAuthorizer.IsClusterAdmin(new AccessSubject(m.Arn, "role", m.Username, m.Groups, []));
                findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, title, $"username {Show(mapping.Username)}, groups {Show(mapping.Groups)} live; username {Show(m.Username)}, groups {Show(m.Groups)} in the model; {dormant}", gains));
            }
        }

        /// <summary>
        /// A mapping of a principal the model grants by its access entry, which the stack in API no longer writes, on a
        /// cluster that still reads aws-auth: pulumi-eks wrote it in the earlier mode. It fails only where it makes the
        /// principal cluster admin beyond what the model grants it.
        /// </summary>
        private void LeftFromEarlierMode(LiveMapping mapping, AccessSubject subject, AccessSubject granted, bool shadowed)
        {
            if (!shadowed)
            {
                liveSubjects.Add(subject);
            }

            var gains = judge.IsClusterAdmin(subject) && !modelAuthorizer.IsClusterAdmin(granted);
            findings.Add(new AuditFinding(AuditSection.Differs, mapping.Arn, $"aws-auth mapping the stack in API does not write, read until the cluster is in API ({mapping.Where}){(gains ? ": cluster admin the model does not grant" : "")}", $"username {Show(mapping.Username)}, groups {Show(mapping.Groups)} live; the model grants {Show(granted.Username)} by its access entry{(shadowed ? ", which EKS reads instead while it matches the principal" : "")}; it could do: {Describe(judge, subject)}", gains));
        }

        /// <summary>
        /// aws-auth's mapAccounts: the authenticator maps every IAM principal of a listed account, as its own ARN
        /// (pkg/mapper/configmap AWSAccount), so an account added by hand is access the model does not grant.
        /// </summary>
        public void CompareAccounts(IReadOnlyList<string> accounts)
        {
            if (!mode.UsesConfigMap())
            {
                return;
            }

            IReadOnlyList<string> expected = plan.AwsAuth?.MapAccounts ?? [];
            foreach (var account in accounts.Except(expected, Ordinal))
            {
                findings.Add(new AuditFinding(AuditSection.Unmanaged, account, "account mapped in aws-auth (data.mapAccounts)", $"every IAM user and role of account {account} authenticates to the cluster as its own ARN, with no groups; the model maps no such account. {(plan.AwsAuth is null ? $"Remove it: a stack in {plan.Mode.ToConfigValue()} writes no aws-auth, and access entries map no accounts" : "Remove it, or add it under eks-infra:access.mapAccounts")}"));
            }

            foreach (var account in expected.Except(accounts, Ordinal))
            {
                findings.Add(new AuditFinding(AuditSection.Missing, account, "account mapping missing live (data.mapAccounts)", $"the model maps account {account}; the live aws-auth does not"));
            }
        }

        public void CompareAccessEntries(IReadOnlyList<LiveAccessEntry> entries)
        {
            var want = plan.AccessEntries.ToDictionary(e => Canonical(e.PrincipalArn), Ordinal);
            var seen = new HashSet<string>(Ordinal);
            foreach (var entry in entries)
            {
                var key = Canonical(entry.PrincipalArn);
                seen.Add(key);
                var subject = new AccessSubject(entry.PrincipalArn, entry.PrincipalArn.Contains(":user/", StringComparison.Ordinal) ? "user" : "role", entry.Username, entry.Groups, entry.Policies, "access entry");
                liveSubjects.Add(subject);
                if (want.TryGetValue(key, out var e))
                {
                    var differences = new List<string>();
                    if (e.Type != entry.Type)
                    {
                        differences.Add($"type {entry.Type} live, {e.Type} in the model");
                    }

                    // EKS User Guide, "Create access entries": EKS sets the username of an EC2_LINUX or EC2_WINDOWS entry
                    // itself (system:node:{{EC2PrivateDNSName}}), and its groups; the stack sends neither, so only a
                    // STANDARD entry's are the model's to compare.
                    var standard = e.Type == AccessPlanner.AccessEntryTypeStandard && entry.Type == AccessPlanner.AccessEntryTypeStandard;
                    if (standard && e.Username != entry.Username)
                    {
                        differences.Add($"username {Show(entry.Username)} live, {Show(e.Username)} in the model");
                    }

                    if (standard && !e.KubernetesGroups.Order(Ordinal).SequenceEqual(entry.Groups, Ordinal))
                    {
                        differences.Add($"kubernetesGroups {Show(entry.Groups)} live, {Show(e.KubernetesGroups)} in the model");
                    }

                    var livePolicies = entry.Policies.Select(p => p.ToString()).Order(Ordinal).ToList();
                    var modelPolicies = e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope).ToString()).Order(Ordinal).ToList();
                    if (!livePolicies.SequenceEqual(modelPolicies, Ordinal))
                    {
                        differences.Add($"access policies {Show(livePolicies)} live, {Show(modelPolicies)} in the model");
                    }

                    if (!string.Equals(e.PrincipalArn, entry.PrincipalArn, StringComparison.Ordinal))
                    {
                        differences.Add($"principalArn {entry.PrincipalArn} live, {e.PrincipalArn} in the model (an access entry keeps the IAM path, case as IAM shows it)");
                    }

                    if (differences.Count > 0)
                    {
                        // A compute role's entry is not among the model's subjects: the model grants it no admin.
                        var gains = judge.IsClusterAdmin(subject) && !(modelByKey.TryGetValue(key, out var modelSubject) && modelAuthorizer.IsClusterAdmin(modelSubject));
                        findings.Add(new AuditFinding(AuditSection.Differs, entry.PrincipalArn, $"access entry differs{(gains ? ": cluster admin the model does not grant" : "")}", string.Join("; ", differences), gains));
                    }
                }
                // Only the node types are EKS's: they take no groups and no access policy (CreateAccessEntry,
                // AssociateAccessPolicy: STANDARD only), so a STANDARD entry on the node role was made by someone and is judged.
                else if (NodeEntryTypes.Contains(entry.Type))
                {
                    var detail = $"username {Show(entry.Username)}, groups {Show(entry.Groups)}";
                    findings.Add(
                        key == nodeRole ? new AuditFinding(AuditSection.EksOwn, entry.PrincipalArn, $"the node role's {entry.Type} entry, made by EKS for the managed node group", detail)
                        : IsComputeRole(key) ? new AuditFinding(AuditSection.EksOwn, entry.PrincipalArn, $"{entry.Type} entry of a node or Fargate role of this stack", detail)
                        : UnknownNodeRole(entry.PrincipalArn, $"{entry.Type} entry of a role the model does not know ({entry.Where})", detail, "entry", entry.Type));
                }
                else if (key == deployer)
                {
                    findings.Add(new AuditFinding(AuditSection.EksOwn, entry.PrincipalArn, "the cluster creator's entry (deployerArn, else the role of aws:assumeRoles), made by EKS", $"access policies {Show([.. entry.Policies.Select(p => p.ToString())])}"));
                }
                else if (entry.PrincipalArn.Contains(":role/aws-service-role/", StringComparison.Ordinal))
                {
                    findings.Add(new AuditFinding(AuditSection.EksOwn, entry.PrincipalArn, "a service-linked role's entry, made by AWS", $"access policies {Show([.. entry.Policies.Select(p => p.ToString())])}"));
                }
                else
                {
                    // Two entries whose ARNs differ only in the IAM path: only one names the role IAM holds, and the audit
                    // cannot tell which, so each is judged and neither hides the other's access.
                    unmanaged[unmanaged.ContainsKey(key) ? $"{key}\n{entry.PrincipalArn}" : key] = (subject, entry.Where);
                }
            }

            foreach (var (_, e) in want.Where(w => !seen.Contains(w.Key)))
            {
                findings.Add(new AuditFinding(AuditSection.Missing, e.PrincipalArn, "access entry missing live", $"username {Show(e.Username)}, kubernetesGroups {Show(e.KubernetesGroups)}, access policies {Show([.. e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope).ToString())])}"));
            }
        }
    }

    private static void CompareRbac(AccessPlan plan, Authorizer modelAuthorizer, ClusterRbac live, List<AccessSubject> principals, List<AuditFinding> findings)
    {
        var authorizer = new Authorizer(live);
        // Only the stack's own bindings are expected live: the bootstrap ones the model also holds are Kubernetes' to
        // make, and a live one is listed below as Kubernetes' own.
        var modelBindings = ClusterRbac.StackBindings(plan).ToDictionary(b => (b.Namespace, b.Name));
        var liveByKey = live.Bindings.GroupBy(b => (b.Namespace, b.Name)).ToDictionary(g => g.Key, g => g.First());
        foreach (var (key, want) in modelBindings)
        {
            if (!liveByKey.TryGetValue(key, out var got))
            {
                findings.Add(new AuditFinding(AuditSection.Missing, want.Display, "RBAC binding missing live", $"binds {Subjects(want)} to {want.RoleDisplay}"));
            }
            else if (got.RoleKind != want.RoleKind || got.RoleName != want.RoleName || Subjects(got) != Subjects(want))
            {
                // Blocking when the live binding makes cluster admin of anyone the model's binding does not: a hand edit that
                // adds a subject to the stack's own cluster-admin binding counts, as any other would.
                var (liveReached, liveAdmin) = ReachesAdmin(authorizer, got, principals);
                var (modelReached, modelAdmin) = ReachesAdmin(modelAuthorizer, want, principals);
                var gains = liveAdmin && (!modelAdmin
                    || liveReached.Except(modelReached, StringComparer.OrdinalIgnoreCase).Any()
                    || (BindsAllAuthenticated(got) && !BindsAllAuthenticated(want)));
                findings.Add(new AuditFinding(AuditSection.Differs, want.Display, "RBAC binding differs", $"live binds {Subjects(got)} to {got.RoleDisplay}; the model binds {Subjects(want)} to {want.RoleDisplay}", gains));
            }
        }

        foreach (var role in plan.Rbac.ClusterRoles)
        {
            if (!live.ClusterRoles.TryGetValue(role.Name, out var rules))
            {
                findings.Add(new AuditFinding(AuditSection.Missing, $"ClusterRole {role.Name}", "stack-defined ClusterRole missing live", $"{role.Rules.Count} rule{(role.Rules.Count == 1 ? "" : "s")}; every binding to it grants nothing"));
            }
            else if (!RuleSet(rules).SetEquals(RuleSet(role.Rules)))
            {
                var widened = Widened(plan, role.Name, rules, role.Rules, live.AggregatedClusterRoles.Contains);
                findings.Add(new AuditFinding(AuditSection.Differs, $"ClusterRole {role.Name}", $"stack-defined ClusterRole's rules differ{(widened ? $": widened to {AdminReach}, and bound cluster-wide" : "")}", $"{rules.Count} rules live, {role.Rules.Count} in the model", widened));
            }
        }

        // Built-in roles take extra rules by aggregation (add-ons do that), so only rules that reach cluster admin are flagged.
        foreach (var (name, builtIn) in RbacData.BuiltInClusterRoles.Where(r => r.Key != "cluster-admin"))
        {
            if (live.ClusterRoles.TryGetValue(name, out var rules) && Widened(plan, name, rules, builtIn, live.AggregatedClusterRoles.Contains))
            {
                findings.Add(new AuditFinding(AuditSection.Differs, $"ClusterRole {name}", $"built-in ClusterRole widened to {AdminReach}, and the stack binds it cluster-wide", "the bootstrap policy gives it no such rule: a ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-" + name + " (Kubernetes aggregates its rules into this one) or a hand edit added it", true));
            }
        }

        foreach (var binding in live.Bindings.Where(b => !modelBindings.ContainsKey((b.Namespace, b.Name))).OrderBy(b => b.Namespace, Ordinal).ThenBy(b => b.Name, Ordinal))
        {
            var (reached, admin) = ReachesAdmin(authorizer, binding, principals);
            var all = BindsAllAuthenticated(binding);
            var anonymous = BindsAnonymous(binding);
            if (reached.Count == 0 && !all && !anonymous)
            {
                continue;
            }

            var whom = anonymous ? "anyone who reaches the API server, with no credentials at all (Kubernetes, \"Anonymous requests\")" : all ? "every authenticated principal" : string.Join(", ", reached);
            var detail = $"binds {Subjects(binding)} to {binding.RoleDisplay}{(binding.IsClusterRoleBinding ? " cluster-wide" : $" in {binding.Namespace}")}; reaches {whom}{ActsAsSystemAccounts(authorizer, binding)}";
            // The bootstrap policy's one admin binding is cluster-admin to system:masters; a "system" binding that makes
            // anyone else cluster admin is not what Kubernetes or EKS install, whatever its name or labels say.
            var masqueradesAsSystem = admin && (all || anonymous || binding.Subjects.Any(s => s is not { Kind: "Group", Name: KubernetesNames.SystemMasters } && principals.Any(p => ClusterRbac.Applies(s, binding, p.Username, p.EffectiveGroups))));
            if (binding.IsSystemOwned && !masqueradesAsSystem)
            {
                findings.Add(new AuditFinding(AuditSection.EksOwn, binding.Display, "Kubernetes' or EKS's own binding", detail));
            }
            else
            {
                var managed = binding.IsManagedByStack ? "labelled managed-by eks-infra, but the model has no such binding (left from an earlier version?)" : "not created by the stack (no app.kubernetes.io/managed-by: eks-infra label)";
                findings.Add(new AuditFinding(AuditSection.UnmanagedBinding, binding.Display, $"{(admin ? "cluster admin, " : "")}{managed}", detail, admin));
            }
        }
    }

    /// <summary>
    /// The principals of mapped accounts that a live binding names: the authenticator gives such a principal, when no
    /// mapping or entry of its own answers, its canonical ARN as username and no groups (server.go, IsAccountAllowed),
    /// so a User subject holding that ARN reaches it. A canonical role ARN has no path.
    /// </summary>
    private static IEnumerable<AccessSubject> AccountPrincipals(ClusterRbac live, IReadOnlyList<string> accounts, HashSet<string> answeredOtherwise) =>
        live.Bindings.SelectMany(b => b.Subjects)
            .Where(s => s.Kind == "User")
            .Select(s => s.Name)
            .Distinct(Ordinal)
            .Order(Ordinal)
            .Where(name => Arns.CallerAccount(name) is { } account
                && accounts.Contains(account, Ordinal)
                && !answeredOtherwise.Contains(Canonical(name)))
            .Select(name => new AccessSubject(name, name.Contains(":user/", StringComparison.Ordinal) ? "user" : name.Contains(":role/", StringComparison.Ordinal) ? "role" : "principal", name, [], [], "aws-auth mapAccounts"));


    private const string AdminReach = "reach cluster admin (every verb on every resource, or a way to make its holders admin: bind, escalate or impersonate)";

    /// <summary>Whether the live rules of a role the stack binds cluster-wide reach cluster admin where the model's do not.</summary>
    private static bool Widened(AccessPlan plan, string role, IReadOnlyList<PolicyRulePlan> live, IReadOnlyList<PolicyRulePlan> model, Func<string, bool> aggregates) =>
        plan.Rbac.ClusterRoleBindings.Any(b => b.ClusterRole == role) && RbacRules.MakeHolderAdmin(live, [role], aggregates) && !RbacRules.MakeHolderAdmin(model, [role], aggregates);

    /// <summary>The principals a binding reaches, and whether it makes any of them cluster admin.</summary>
    private static (List<string> Reached, bool Admin) ReachesAdmin(Authorizer authorizer, RbacBinding binding, List<AccessSubject> principals)
    {
        var reached = principals
            .Where(p => binding.Subjects.Any(s => ClusterRbac.Applies(s, binding, p.Username, p.EffectiveGroups)))
            .Select(p => p.Principal)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(Ordinal)
            .ToList();
        var rules = authorizer.Rbac.RulesOf(binding);
        var wildcard = binding.IsClusterRoleBinding && RbacRules.MakeHolderAdmin(rules, binding.RoleKind == "ClusterRole" ? [binding.RoleName] : [], authorizer.Rbac.AggregatedClusterRoles.Contains);
        // A subject of Group system:masters gains nothing: a binding puts no one in a group, and its members bypass RBAC.
        return (reached, (reached.Count > 0 || BindsAllAuthenticated(binding) || BindsAnonymous(binding)) && wildcard);
    }

    private static bool BindsAllAuthenticated(RbacBinding binding) =>
        binding.Subjects.Any(s => s is { Kind: "Group", Name: AccessSubject.AllAuthenticated });

    /// <summary>
    /// Kubernetes, "Anonymous requests": a request no authenticator takes is served as user system:anonymous in group
    /// system:unauthenticated. Bootstrap binds them to system:public-info-viewer only; whether EKS answers them beyond its
    /// health paths on newer versions is not confirmed here, so a grant to them is judged as one to everyone.
    /// </summary>
    private static bool BindsAnonymous(RbacBinding binding) =>
        binding.Subjects.Any(s => s is { Kind: "Group", Name: KubernetesNames.AllUnauthenticated } or { Kind: "User", Name: KubernetesNames.Anonymous });

    /// <summary>A note when the binding lets its subjects act as kube-system's service accounts (<see cref="RbacRules.SystemAccountTakeover"/>).</summary>
    private static string ActsAsSystemAccounts(Authorizer authorizer, RbacBinding binding)
    {
        if (!binding.IsClusterRoleBinding && binding.Namespace != KubernetesValues.KubeSystem)
        {
            return "";
        }

        return RbacRules.SystemAccountTakeover(authorizer.Rbac.RulesOf(binding)) is { } takeover ? $"; it lets them {takeover}" : "";
    }

    /// <summary>Every group EKS maps a Linux, Windows or Fargate node role with: a mapping holding only these is EKS's.</summary>
    internal static readonly HashSet<string> NodeRoleGroups =
        [.. KubernetesNames.NodeGroups, .. KubernetesNames.WindowsNodeGroups, .. KubernetesNames.FargateGroups];

    private static bool IsNodeLike(string username, IReadOnlyList<string> groups) =>
        (username.StartsWith("system:node:", StringComparison.Ordinal) || groups.Contains("system:nodes") || groups.Contains("system:node-proxier"))
        && groups.All(NodeRoleGroups.Contains);

    private static HashSet<string> RuleSet(IEnumerable<PolicyRulePlan> rules) =>
        [.. rules.Select(r => string.Join("|", new[] { r.ApiGroups, r.Resources, r.Verbs, r.ResourceNames, r.NonResourceUrls }.Select(l => string.Join(",", l.Order(Ordinal)))))];

    private static string Subjects(RbacBinding binding) =>
        string.Join(", ", binding.Subjects.Select(s => $"{s.Kind} {(s.Namespace.Length > 0 ? s.Namespace + "/" : "")}{s.Name}").Order(Ordinal));

    /// <summary>What a subject can do, path by path: system:masters, each access policy, each binding that reaches it.</summary>
    public static string Describe(Authorizer authorizer, AccessSubject subject)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(subject);
        var parts = new List<string>();
        if (ClusterRbac.HasGroup(subject.Groups, KubernetesNames.SystemMasters))
        {
            parts.Add("everything (system:masters, bypasses RBAC)");
        }

        parts.AddRange(subject.Policies.Select(p => $"access policy {p}"));
        parts.AddRange(authorizer.BindingsOf(subject)
            .Where(b => !b.IsSystemOwned)
            .Select(b => $"{b.RoleDisplay} {(b.IsClusterRoleBinding ? "cluster-wide" : "in " + b.Namespace)} via {b.Display}"));
        return parts.Count == 0 ? "nothing beyond what every authenticated user may do" : string.Join("; ", parts);
    }

    /// <summary>EKS gives the cluster's creator a cluster-admin entry of its own; the model knows it only through deployerArn.</summary>
    private static string CreatorHint(AccessPlan plan, AccessSubject subject) =>
        plan.Cluster.DeployerArn is null && subject.Policies.Any(p => p.PolicyName == EksAccessPolicies.ClusterAdmin && p.Scope.Type == "cluster")
            ? "; if this is the principal that created the cluster, set eks-infra:cluster.deployerArn to its ARN"
            : "";

    /// <summary>
    /// A value as a difference shows it: quoted where a space opens or ends it, where it holds the comma that separates a
    /// list's values, or where it reads "(none)", so that 'ci-deployer ' live and ci-deployer in the model, or one group
    /// 'a, b' and the two groups a, b, do not read alike (a report also trims a table cell's edges).
    /// </summary>
    private static string Show(string text) =>
        text.Length == 0 ? "(none)" : text.Trim().Length != text.Length || text.Contains(',', StringComparison.Ordinal) || text == "(none)" ? $"'{text}'" : text;

    private static string Show(IReadOnlyList<string> list) => list.Count == 0 ? "(none)" : string.Join(", ", list.Select(Show));
}
