using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Platform;

namespace EksInfra.Access.Migration;

public sealed record MigrationResult(
    string? NewFileText,
    IReadOnlyList<string> Steps,
    IReadOnlyList<string> Carried,
    IReadOnlyList<Diagnostic> Blockers)
{
    /// <summary>What check would warn of once the mode is changed, at paths it gives no warning at now (the creator's entry, a node role no group owns).</summary>
    public IReadOnlyList<Diagnostic> NewWarnings { get; init; } = [];

    public bool CanWrite => NewFileText is not null && Blockers.Count == 0;

    /// <summary>
    /// No change to the stack lets this migration run, only another target: the mode it is in, one behind it, or API in
    /// one step from CONFIG_MAP.
    /// </summary>
    public bool TargetRefused { get; init; }
}

/// <summary>
/// The one-way authentication mode migration, CONFIG_MAP → API_AND_CONFIG_MAP → API: the config change, the
/// ordered steps, what each mapping becomes, and what cannot be carried into access entries.
/// </summary>
public static partial class ModeMigration
{
    public static MigrationResult Plan(string stackName, string fileName, string fileText, AuthenticationMode target)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        return Plan(stackName, fileName, fileText, Evaluate(stackName, fileName, fileText), target);
    }

    /// <summary>
    /// The migration of a stack the caller has already evaluated from the bytes <paramref name="fileText"/> was decoded
    /// from; the edit is made at the positions that evaluation holds.
    /// </summary>
    public static MigrationResult Plan(string stackName, string fileName, string fileText, StackEvaluation current, AuthenticationMode target)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        ArgumentNullException.ThrowIfNull(current);
        if (!current.IsValid)
        {
            return new MigrationResult(null, [], [], [.. current.Errors]);
        }

        var plan = current.Plan!;
        var from = plan.Mode;
        var path = $"{StackBinder.AccessKey}.authenticationMode";
        if (target <= from)
        {
            return Refuse(path, target == from
                ? $"the stack is already in {from.ToConfigValue()}"
                : $"{from.ToConfigValue()} → {target.ToConfigValue()} moves backwards; {AuthenticationModes.ForwardOnly}") with { TargetRefused = true };
        }

        // EKS takes CONFIG_MAP → API in one update (EKS User Guide, "Change authentication mode to use access entries":
        // "If you want to disable the ConfigMap method permanently, replace API_AND_CONFIG_MAP with API"). This tool
        // does not: that one update creates the access entries and stops aws-auth together, for good, so nobody can
        // see the entries work before the mappings they replace are gone.
        if (from == AuthenticationMode.ConfigMap && target == AuthenticationMode.Api)
        {
            return Refuse(path, $"{OneStepToApi}; migrate to API_AND_CONFIG_MAP first (`eksinfra migrate {stackName} --to API_AND_CONFIG_MAP --write`), apply it, check every principal's access entry, then migrate to API") with { TargetRefused = true };
        }

        var byHand = $"; set 'authenticationMode: {target.ToConfigValue()}' under {StackBinder.AccessKey} by hand";
        var events = YamlEvents(fileText);
        if (events.Any(e => e.StartsWith("alias ", StringComparison.Ordinal)))
        {
            // An edit under an anchor would change every alias of it as well.
            return Refuse(path, $"{fileName} uses YAML aliases, so one value can stand for several keys and this tool does not edit it" + byHand);
        }

        var (newText, handEdit) = Rewrite(fileText, current.Config!, target);
        if (newText is null)
        {
            return Refuse(path, (handEdit ?? $"could not find where to set authenticationMode in {fileName}") + byHand);
        }

        var next = Evaluate(stackName, fileName, newText);
        if (next.Config?.Access.Mode != target || !OnlyTheModeDiffers(events, YamlEvents(newText), from, target))
        {
            // Positions count lines as the YAML reader does (a lone CR, NEL or U+2028 ends one too); the edit counts '\n'.
            return Refuse(path, $"the edit this tool would make to {fileName} changes something other than eks-infra:access.authenticationMode" + byHand);
        }

        var carried = Carried(plan, next.Plan, target);
        // Many warnings are worded for the mode (system:masters reads differently where access entries exist), so one at a
        // path check warns of now is the same finding said again, not a new one.
        var before = current.Warnings.Select(w => w.Path).ToHashSet(StringComparer.Ordinal);

        // A node role no managed node group owns is among these in API (check warns that its nodes cannot join): warned,
        // not refused, since on a Fargate-only cluster nothing runs with it. API_AND_CONFIG_MAP warns at its path already,
        // but of a move to come; this move is the one that stops its nodes joining, so it is said again.
        var stopsJoining = target == AuthenticationMode.Api && next.Plan is { } nextPlan
            ? ComputePlanner.WithoutAccessEntry(nextPlan).Select(c => c.ConfigPath).ToHashSet(StringComparer.Ordinal)
            : [];
        return new MigrationResult(newText, Steps(plan, next.Plan, target, stackName, fileName), carried, [.. next.Errors])
        {
            NewWarnings = [.. next.Warnings.Where(w => !before.Contains(w.Path) || stopsJoining.Contains(w.Path))],
        };
    }

    /// <summary>The file's YAML events without their positions and styles, or none where it does not parse.</summary>
    private static List<string> YamlEvents(string text)
    {
        var events = new List<string>();
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                events.Add(parser.Current switch
                {
                    Scalar scalar => $"scalar {scalar.Anchor} {scalar.Tag} {scalar.Value}",
                    AnchorAlias alias => $"alias {alias.Value}",
                    MappingStart map => $"map {map.Anchor} {map.Tag}",
                    SequenceStart list => $"list {list.Anchor} {list.Tag}",
                    var other => other!.GetType().Name,
                });
            }
        }
        catch (YamlException)
        {
            events.Clear();
        }

        return events;
    }

    /// <summary>
    /// Whether <paramref name="after"/> is <paramref name="before"/> with one scalar changed from the old mode to the new
    /// one, or with the key and the new mode inserted next to each other.
    /// </summary>
    private static bool OnlyTheModeDiffers(List<string> before, List<string> after, AuthenticationMode from, AuthenticationMode target)
    {
        var first = 0;
        while (first < before.Count && first < after.Count && before[first] == after[first])
        {
            first++;
        }

        if (after.Count == before.Count && first < before.Count)
        {
            return before[first].EndsWith(" " + from.ToConfigValue(), StringComparison.Ordinal)
                && after[first] == before[first][..^from.ToConfigValue().Length] + target.ToConfigValue()
                && before.Skip(first + 1).SequenceEqual(after.Skip(first + 1));
        }

        // The two events of the inserted line, as the reader gives them for that line alone.
        var inserted = YamlEvents($"authenticationMode: {target.ToConfigValue()}\n")[3..5];
        return after.Count == before.Count + 2 && first < before.Count
            && after.Skip(first).Take(2).SequenceEqual(inserted)
            && before.Skip(first).SequenceEqual(after.Skip(first + 2));
    }

    private static StackEvaluation Evaluate(string stackName, string fileName, string text) =>
        StackEvaluator.Evaluate(StackFileReader.Read(stackName, fileName, Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Why CONFIG_MAP → API in one update is refused, by `migrate` and by `diff` alike. pulumi-eks v4.3.0 creates every
    /// access entry with <c>dependsOn: [eksCluster]</c> (cluster.ts), so the entries come only after the cluster update that
    /// stops EKS reading aws-auth.
    /// </summary>
    public const string OneStepToApi =
        "CONFIG_MAP → API in one step is refused by this tool's own safety rule, not by EKS (EKS allows it): that one `pulumi up` would create the access entries and stop EKS reading aws-auth together (pulumi-eks creates each entry only after the cluster's update, so a mapped principal has no access between the two), and the mode never moves back, so a principal whose entry is missing or wrong loses access with no aws-auth to fall back on";

    private static MigrationResult Refuse(string path, string message) =>
        new(null, [], [], [new Diagnostic(Severity.Error, path, message)]);

    /// <summary>
    /// Changes one value in place, so the file's comments and layout survive the edit; or, where the edit could not be
    /// that one value, nothing, with why. The reader's positions are of the node, and an anchored or tagged value starts
    /// at the anchor or tag, so the value is replaced only where it is one plain or quoted scalar right after its own key,
    /// and the mode is inserted only as the first line of a block mapping that follows its key. (Files with aliases are
    /// refused before, and the caller checks the result's YAML events, which catches a position this split misreads.)
    /// </summary>
    private static (string? Text, string? HandEdit) Rewrite(string text, StackConfig config, AuthenticationMode target)
    {
        // Positions count from after a byte order mark, which the decoded text still holds.
        var bom = text.Length - text.TrimStart('\uFEFF').Length;
        var lines = text[bom..].Split('\n');
        var value = target.ToConfigValue();
        if (config.LocationOf($"{StackBinder.AccessKey}.authenticationMode") is { } at)
        {
            if (at.Line > lines.Length || at.Column - 1 > lines[at.Line - 1].Length
                || !FollowsKey(lines, at.Line - 1, at.Column - 1, "authenticationMode"))
            {
                return (null, "authenticationMode's value is not written right after its own key on the line the reader gives (a complex key, or a line break other than LF), so this tool cannot change it alone");
            }

            var line = lines[at.Line - 1];
            var col = at.Column - 1;
            var token = ScalarToken().Match(line[col..]);
            if (!token.Success || "&*!|>".Contains(token.Value[0], StringComparison.Ordinal)
                || (token.Value[0] is '"' or '\'' && (token.Length < 2 || token.Value[^1] != token.Value[0]))
                || !ScalarEnd().IsMatch(line[(col + token.Length)..]))
            {
                return (null, "authenticationMode's value is written with a YAML anchor, tag, block scalar or a quote that spans lines, which this tool does not edit");
            }

            // The user's quotes stay: the mode names need none, but a file that quotes its values keeps doing so.
            var quote = token.Value[0] is '"' or '\'' ? token.Value[..1] : "";
            lines[at.Line - 1] = line[..col] + quote + value + quote + line[(col + token.Length)..];
            return (text[..bom] + string.Join('\n', lines), null);
        }

        if (config.LocationOf(StackBinder.AccessKey) is { } block && block.Line <= lines.Length
            && block.Column - 1 <= lines[block.Line - 1].Length
            && string.IsNullOrWhiteSpace(lines[block.Line - 1][..(block.Column - 1)])
            && lines[block.Line - 1][(block.Column - 1)..] is [not ('&' or '!' or '*' or '{' or '[' or '|' or '>'), ..]
            && FollowsKey(lines, block.Line - 1, block.Column - 1, StackBinder.AccessKey))
        {
            var list = lines.ToList();
            var lineEnd = lines[block.Line - 1].EndsWith('\r') ? "\r" : "";
            list.Insert(block.Line - 1, new string(' ', block.Column - 1) + $"authenticationMode: {value}{lineEnd}");
            return (text[..bom] + string.Join('\n', list), null);
        }

        return (null, null);
    }

    /// <summary>
    /// Whether the node at <paramref name="column"/> of line <paramref name="index"/> is the value of <paramref name="key"/>:
    /// the key ends the text before it on its line, or that text is blank and the key ends the nearest line above that
    /// holds more than a comment.
    /// </summary>
    private static bool FollowsKey(string[] lines, int index, int column, string key)
    {
        var before = lines[index][..column];
        if (KeyAt(key, "$").IsMatch(before))
        {
            return true;
        }

        if (!string.IsNullOrWhiteSpace(before))
        {
            return false;
        }

        for (var i = index - 1; i >= 0; i--)
        {
            var above = lines[i].TrimEnd('\r');
            if (!string.IsNullOrWhiteSpace(above) && !above.TrimStart().StartsWith('#'))
            {
                return KeyAt(key, @"(?:\s#.*)?$").IsMatch(above);
            }
        }

        return false;
    }

    private static Regex KeyAt(string key, string after)
    {
        var name = Regex.Escape(key);
        return new Regex($@"(?:^|[\s{{,])(?:{name}|""{name}""|'{name}')\s*:\s*{after}", RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// What EKS does with aws-auth's node mappings when a cluster leaves CONFIG_MAP: it makes the access entries of
    /// managed node group and Fargate profile roles itself (EKS User Guide, "Migrating existing aws-auth ConfigMap
    /// entries to access entries": create entries "for all entries except" those "created by Amazon EKS for a Fargate
    /// profile and a managed node group"; aws/containers-roadmap#185, AWS: "entries in the aws-auth ConfigMap managed by
    /// MNG and Fargate will be automatically migrated to node type access entries").
    /// </summary>
    public const string NodeEntriesMadeByEks =
        "if the role belongs to a managed node group that this stack does not declare (made by eksctl, the console or another tool), EKS makes its access entry itself when the mode leaves CONFIG_MAP, and the stack's own entry would fail with HTTP 409: set managedNodeGroup: true on its access.nodeRoles entry before the move, so the stack keeps its aws-auth mapping and writes no entry (never remove it while the mode is CONFIG_MAP: aws-auth is all EKS reads then, and the stack writes aws-auth whole); leave Karpenter and self-managed nodes' roles as they are (a Fargate profile's role belongs there as kind fargate, for which the stack makes no entry)";

    private static List<string> Carried(AccessPlan before, AccessPlan? after, AuthenticationMode target)
    {
        var carried = new List<string>();
        if (after is null)
        {
            return carried;
        }

        foreach (var entry in after.AccessEntries)
        {
            if (entry.Type != AccessPlanner.AccessEntryTypeStandard)
            {
                carried.Add($"{entry.PrincipalArn} → access entry {entry.Key}: type {entry.Type} (EKS gives it the node permissions; no username or groups){(before.Mode == AuthenticationMode.ConfigMap ? "; " + NodeEntriesMadeByEks : "")}");
                continue;
            }

            var policies = entry.AccessPolicies.Count == 0 ? "" : "; policies " + string.Join(", ", entry.AccessPolicies.Select(p => $"{p.PolicyName} ({p.Scope})"));
            carried.Add($"{entry.PrincipalArn} → access entry {entry.Key}: username {entry.Username}, groups [{string.Join(", ", entry.KubernetesGroups)}]{policies}");
        }

        // A Fargate role of a profile made outside the stack has its entry from EKS in both access-entry modes, and no
        // other line would say where its access goes.
        foreach (var compute in before.ComputeIdentities.Where(c => c.EntryCreatedByEks && (target == AuthenticationMode.Api || c.Owners.Count == 0)))
        {
            carried.Add(compute.Kind == ComputeKind.Fargate && compute.Owners.Count == 0
                ? $"{compute.RoleArnWithoutPath} ({compute.Describe()}) → the FARGATE_LINUX access entry EKS makes for a profile (the stack makes none): EKS makes it when the profile is created where access entries exist, and is said to when the mode leaves CONFIG_MAP; check it is there (`{DescribeEntry(before, compute.RoleArn)}`) and create it if not (`{CreateEntry(before, compute.RoleArn, compute.AccessEntryType)}`) before aws-auth stops counting"
                : compute.Kind == ComputeKind.Fargate
                ? $"{compute.RoleArnWithoutPath} ({compute.Describe()}) → the FARGATE_LINUX access entry EKS creates for the Fargate profile"
                : $"{compute.RoleArnWithoutPath} ({compute.Describe()}) → the {compute.AccessEntryType} access entry EKS creates for the managed node group");
        }

        return carried;
    }

    private static List<string> Steps(AccessPlan plan, AccessPlan? next, AuthenticationMode target, string stack, string fileName)
    {
        var from = plan.Mode.ToConfigValue();
        var to = target.ToConfigValue();
        var cluster = ClusterOptions(plan);
        var policyChecks = PolicyChecks(next ?? plan);
        if (target == AuthenticationMode.ApiAndConfigMap)
        {
            return
            [
                $"Set eks-infra:access.authenticationMode to {to} in {fileName} (`eksinfra migrate {stack} --to {to} --write`).",
                $"Open a pull request; the preview shows the mode change and one new access entry per mapping, with aws-auth unchanged.",
                $"`pulumi up --stack {stack}`: EKS switches {from} → {to} in place (one-way); aws-auth keeps working, and an access entry wins where both exist.",
                $"Check: `aws eks list-access-entries {cluster}` lists every principal, and `kubectl auth can-i` as each role still answers as before{AsItself}.",
                .. policyChecks,
                $"Later, when nothing relies on aws-auth alone: `eksinfra migrate {stack} --to API`.",
            ];
        }

        return
        [
            $"Check that every principal works through its access entry: `aws eks list-access-entries {cluster}`.",
            .. EksMadeEntryChecks(plan),
            $"Set eks-infra:access.authenticationMode to {to} (`eksinfra migrate {stack} --to {to} --write`); the preview shows aws-auth deleted and no access entry changed.",
            $"`pulumi up --stack {stack}`: EKS stops reading aws-auth (one-way); nodes keep joining through their roles' access entries (EKS's for each managed node group's role, the stack's for each access.nodeRoles role of kind linux or windows that is not managedNodeGroup).",
            $"Check: `kubectl get nodes` as an admin role, and `kubectl auth can-i --list` as each other role{AsItself}; it lists only what RBAC gives the entry's username and groups, not its access policies (EKS User Guide, \"Associate access policies with access entries\").",
            .. policyChecks,
        ];
    }

    /// <summary>EKS drops an access entry's policies for a request made with --as or --as-group, which forces RBAC alone.</summary>
    private const string AsItself = " (signed in as the principal itself: kubectl's --as and --as-group force RBAC alone, without access policies)";

    /// <summary>
    /// Once aws-auth is no longer read, nodes and Fargate pods join only through the entries EKS was to make for their
    /// roles (EC2_LINUX: a Windows managed node group is refused before API, so none comes this way); the EKS User Guide
    /// has them checked before aws-auth's entries go ("Migrating existing aws-auth ConfigMap entries to access entries":
    /// "double check if the correct access entries for those specific resources exist").
    /// </summary>
    private static IEnumerable<string> EksMadeEntryChecks(AccessPlan plan) =>
        plan.ComputeIdentities
            .Where(c => c.EntryCreatedByEks)
            .DistinctBy(c => c.RoleArn, StringComparer.Ordinal)
            .Select(c => $"Check that EKS made the access entry of {c.RoleArn} ({c.Describe()}), since its {(c.Kind == ComputeKind.Fargate ? "pods" : "nodes")} join only through it once aws-auth is not read: `{DescribeEntry(plan, c.RoleArn)}` shows type {c.AccessEntryType}; if it is missing, create it (`{CreateEntry(plan, c.RoleArn, c.AccessEntryType)}`).");

    /// <summary>The options every AWS CLI command of the steps needs: DescribeAccessEntry and CreateAccessEntry require the cluster.</summary>
    private static string ClusterOptions(AccessPlan plan) => $"--cluster-name {plan.Cluster.Name} --region {plan.Cluster.Region}";

    internal static string DescribeEntry(AccessPlan plan, string principalArn) => $"aws eks describe-access-entry {ClusterOptions(plan)} --principal-arn {Reports.ShellWord.Of(principalArn)}";

    internal static string NodeGroupRoles(AccessPlan plan) =>
        $"for g in $(aws eks list-nodegroups {ClusterOptions(plan)} --query 'nodegroups[]' --output text); do aws eks describe-nodegroup {ClusterOptions(plan)} --nodegroup-name \"$g\" --query nodegroup.nodeRole --output text; done";

    internal static string CreateEntry(AccessPlan plan, string principalArn, string type) => $"aws eks create-access-entry {ClusterOptions(plan)} --principal-arn {Reports.ShellWord.Of(principalArn)} --type {type}";

    /// <summary>
    /// One `kubectl auth can-i` per access policy and scope, with the principals that hold it: `can-i --list` cannot show
    /// a policy's grants, a request it allows can.
    /// </summary>
    private static IEnumerable<string> PolicyChecks(AccessPlan plan) =>
        plan.AccessEntries
            .SelectMany(e => e.AccessPolicies.Select(p => (Principal: e.PrincipalArn, Policy: p)))
            .GroupBy(x => (x.Policy.PolicyName, Scope: x.Policy.Scope.ToString()))
            .OrderBy(g => g.Key.PolicyName, StringComparer.Ordinal).ThenBy(g => g.Key.Scope, StringComparer.Ordinal)
            .Select(g =>
            {
                var scope = g.First().Policy.Scope;
                var principals = g.Select(x => x.Principal).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                var who = principals.Count <= 3 ? string.Join(", ", principals) : $"{string.Join(", ", principals.Take(3))} and {principals.Count - 3:N0} more";
                var where = scope.Namespaces.Count == 0
                    ? "--all-namespaces"
                    : $"-n {(scope.Namespaces[0].Contains('*', StringComparison.Ordinal) ? $"<a namespace matching {scope.Namespaces[0]}>" : scope.Namespaces[0])}";
                var others = scope.Namespaces.Count > 1 ? $", and likewise in {string.Join(", ", scope.Namespaces.Skip(1))}" : "";
                var request = EksAccessPolicyTable.CanIProbes.TryGetValue(g.Key.PolicyName, out var probe)
                    ? $"`kubectl auth can-i {probe} {where}` answers yes{others}"
                    : $"`kubectl auth can-i VERB RESOURCE {where}` answers yes for a request the policy allows (EKS User Guide, \"Review access policy permissions\"){others}";
                return $"Check {g.Key.PolicyName} ({scope}) as {who}: {request}.";
            });

    [GeneratedRegex(@"^(""[^""]*""|'[^']*'|[^\s#,\]}]+)")]
    private static partial Regex ScalarToken();

    /// <summary>What may follow a one-line scalar: blanks, then the line's end, a comment, or a flow collection's next item or end.</summary>
    [GeneratedRegex(@"^[ \t]*(?:\r?$|[#,}\]])")]
    private static partial Regex ScalarEnd();
}
