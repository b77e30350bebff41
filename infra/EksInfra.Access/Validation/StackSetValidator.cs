using EksInfra.Access.Model;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Validation;

/// <summary>
/// Rules that span stacks: IAM role names are global to an account, and cluster names to an account's region,
/// so two stacks in one account must not create the same ones.
/// </summary>
public static class StackSetValidator
{
    /// <param name="stacks">The stacks that are valid on their own: their config, with the positions of its values.</param>
    public static IReadOnlyList<Diagnostic> Validate(IReadOnlyList<StackConfig> stacks)
    {
        ArgumentNullException.ThrowIfNull(stacks);
        var bag = new DiagnosticBag();
        var roles = stacks
            .SelectMany(s => s.CreatedRoles().Select(r => (Stack: s, r.Path, r.Name)))
            .GroupBy(x => (x.Stack.Aws.AccountId, Name: x.Name.ToUpperInvariant()));
        foreach (var group in roles.Where(g => g.Select(x => x.Stack.StackName).Distinct().Count() > 1))
        {
            var names = group.Select(x => x.Stack.StackName).Distinct().Order(StringComparer.Ordinal).ToList();
            foreach (var (stack, path, name) in group)
            {
                var others = names.Where(s => s != stack.StackName).ToList();
                // DESIGN: dev may keep the seed's role names, which people already assume; the other stacks rename.
                var fix = stack.StackName == StackSettingsReport.First
                    ? $"; dev keeps the names people already assume, so give the role of {string.Join(", ", others)} its own name there (e.g. '{others[0]}-{name}')"
                    : $", so give this stack's role its own name (e.g. '{stack.StackName}-{name}')";
                bag.Error(path, $"stack {stack.StackName} creates IAM role '{name}' in account {group.Key.AccountId}, and so do {string.Join(", ", others)}; IAM role names are unique in an account{fix}", Located(stack, path));
            }
        }

        var clusters = stacks.GroupBy(s => (s.Aws.AccountId, s.Aws.Region, Name: s.Cluster.Name.ToUpperInvariant()));
        foreach (var group in clusters.Where(g => g.Count() > 1))
        {
            foreach (var stack in group)
            {
                var path = $"{stack.Cluster.Path}.name";
                bag.Error(path, $"stack {stack.StackName} names its cluster '{stack.Cluster.Name}' in account {group.Key.AccountId}, region {group.Key.Region}, and so do {string.Join(", ", group.Where(s => s != stack).Select(s => s.StackName))}; give each stack's cluster its own name", Located(stack, path));
            }
        }

        return bag.ToSortedList();
    }

    /// <summary>Where the value stands in its stack's file; a defaulted name stands nowhere, so its map's position.</summary>
    private static SourceLocation? Located(StackConfig stack, string path)
    {
        for (var at = path; at.Length > 0; at = at[..Math.Max(0, at.LastIndexOfAny(['.', '[']))])
        {
            if (stack.LocationOf(at) is { } location)
            {
                return location;
            }
        }

        return null;
    }
}
