using EksInfra.Access.Model;

namespace EksInfra.Access.Validation;

/// <summary>One IAM principal to look up by name in the stack's account, with every config path that names it.</summary>
public sealed record PrincipalLookup(PrincipalKind Kind, string Name, string Arn, IReadOnlyList<LookupReference> References)
{
    /// <summary>What IAM's GetRole and GetUser take: the name alone, without the path (IAM names are unique whatever the path).</summary>
    public string LookupName => Name;
}

/// <summary>Where the config names the principal, and whether an absent one fails the update there.</summary>
public sealed record LookupReference(string Path, string Arn, bool MissingFailsApply, string Why);

/// <summary>The outcome of one lookup: the ARN IAM returned, or that it does not exist, or that the lookup itself failed.</summary>
public sealed record LookupResult(PrincipalLookup Lookup, string? FoundArn, bool Missing, string? FailureMessage = null);

/// <summary>Which principals the program looks up before anything is registered, and what it says about the answers.</summary>
public sealed record PrincipalLookupPlan(IReadOnlyList<PrincipalLookup> Lookups, IReadOnlyList<string> ForeignArns, string AccountId);

/// <summary>
/// EKS refuses an access entry for a principal that does not exist, and IAM refuses a trust policy naming one
/// (MalformedPolicyDocument: invalid principal); aws-auth never checks, so a typo there is silently nobody. The
/// program asks IAM (GetRole, GetUser) about every existing principal of the stack's own account at start,
/// so a preview fails with the config path instead of an update failing halfway. Pure: the program only invokes.
/// </summary>
public static class PrincipalLookups
{
    public static PrincipalLookupPlan For(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var account = config.Aws.AccountId;
        var entries = config.Access.Mode.UsesAccessEntries();
        var refs = new List<(IamArn Arn, LookupReference Ref)>();
        var foreign = new SortedSet<string>(StringComparer.Ordinal);

        void Add(string path, string text, bool fails, string why)
        {
            if (!Arns.TryParse(text, out var arn, out _) || arn.Kind is not (PrincipalKind.Role or PrincipalKind.User) || arn.AccountId.Length == 0)
            {
                return;
            }

            if (arn.AccountId != account)
            {
                foreign.Add(arn.Full);
                return;
            }

            refs.Add((arn, new LookupReference(path, arn.Full, fails, why)));
        }

        foreach (var mapping in config.Access.MapRoles.Concat(config.Access.MapUsers))
        {
            Add($"{mapping.Path}.{mapping.ArnKey}", mapping.Arn, entries, entries ? "EKS refuses an access entry for a principal that does not exist" : "aws-auth accepts it, but it maps nobody");
        }

        foreach (var nodeRole in config.Access.NodeRoles)
        {
            Add($"{nodeRole.Path}.rolearn", nodeRole.RoleArn, entries, entries ? "EKS refuses an access entry for a principal that does not exist" : "aws-auth accepts it, but no node can join with a role that does not exist");
        }

        var created = config.Access.Roles.Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var role in config.Access.Roles)
        {
            for (var i = 0; i < role.AssumedBy.Count; i++)
            {
                // A role the stack itself creates does not exist before apply; the plan orders it.
                if (Arns.TryParse(role.AssumedBy[i], out var trusted, out _) && trusted.Kind == PrincipalKind.Role && created.Contains(trusted.Name) && trusted.AccountId == account)
                {
                    continue;
                }

                Add($"{role.Path}.assumedBy[{i}]", role.AssumedBy[i], true, "IAM refuses a trust policy that names a principal that does not exist");
            }
        }

        if (config.Cluster.DeployerArn is { Length: > 0 } deployer)
        {
            Add($"{config.Cluster.Path}.deployerArn", deployer, entries, "it is not who runs `pulumi up`, so the check against a second access entry for the deployer guards nobody");
        }

        var lookups = refs
            .GroupBy(r => (r.Arn.Kind, Name: r.Arn.Name.ToLowerInvariant()))
            .Select(g => new PrincipalLookup(g.Key.Kind, g.First().Arn.Name, g.First().Arn.Full, [.. g.Select(r => r.Ref)]))
            .OrderBy(l => l.Kind).ThenBy(l => l.Name, StringComparer.Ordinal)
            .ToList();
        return new PrincipalLookupPlan(lookups, [.. foreign], account);
    }

    /// <summary>One message per reference to a missing principal (an error where apply would fail), and one note for other accounts.</summary>
    public static IReadOnlyList<Diagnostic> Judge(PrincipalLookupPlan plan, IEnumerable<LookupResult> results)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(results);
        var bag = new DiagnosticBag();
        foreach (var result in results)
        {
            var lookup = result.Lookup;
            var what = lookup.Kind == PrincipalKind.Role ? "role" : "user";
            foreach (var reference in lookup.References)
            {
                if (result.Missing)
                {
                    var message = $"the IAM {what} '{reference.Arn}' does not exist in account {plan.AccountId} (IAM Get{(lookup.Kind == PrincipalKind.Role ? "Role" : "User")} of '{lookup.LookupName}' found nothing): {reference.Why}; create it first, or correct the ARN";
                    if (reference.MissingFailsApply)
                    {
                        bag.Error(reference.Path, message);
                    }
                    else
                    {
                        bag.Warning(reference.Path, message);
                    }
                }
                else if (result.FailureMessage is { } failure)
                {
                    bag.Warning(reference.Path, $"could not check that the IAM {what} '{reference.Arn}' exists ({failure}); give the deployer iam:Get{(lookup.Kind == PrincipalKind.Role ? "Role" : "User")}");
                }
                else if (result.FoundArn is { } found && !string.Equals(found, reference.Arn, StringComparison.Ordinal))
                {
                    // Same name, other path or case: aws-auth would still match, but an access entry or trust policy names the wrong ARN.
                    var message = $"IAM knows this {what} as '{found}', not '{reference.Arn}'; write the ARN exactly as IAM shows it, path included";
                    if (reference.MissingFailsApply)
                    {
                        bag.Error(reference.Path, message);
                    }
                    else
                    {
                        bag.Warning(reference.Path, message);
                    }
                }
            }
        }

        if (plan.ForeignArns.Count > 0)
        {
            bag.Warning(Config.StackBinder.AccessKey, $"{plan.ForeignArns.Count} principal{(plan.ForeignArns.Count == 1 ? " is" : "s are")} in other accounts than {plan.AccountId} ({string.Join(", ", plan.ForeignArns)}) and cannot be looked up from this one; EKS and IAM refuse them at apply if they do not exist");
        }

        return bag.ToSortedList();
    }

    /// <summary>
    /// Whether an invoke's error says the principal does not exist: IAM answers NoSuchEntity ("The role with name X
    /// cannot be found."), which the AWS provider reports inside its own message.
    /// </summary>
    public static bool IsNotFound(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Contains("NoSuchEntity", StringComparison.Ordinal)
            || message.Contains("cannot be found", StringComparison.OrdinalIgnoreCase)
            || message.Contains("couldn't find resource", StringComparison.OrdinalIgnoreCase);
    }
}
