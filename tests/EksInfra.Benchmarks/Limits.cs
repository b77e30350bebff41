using System.Globalization;
using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Benchmarks;

/// <summary>
/// Finds, by binary search over generated models, the largest number of mappings whose aws-auth ConfigMap
/// (its data values, as the API server counts them, in the form pulumi-eks writes: StackEvaluator.AwsAuthDataBytes) stays within <see cref="StackEvaluator.MaxConfigMapBytes"/>. CONFIG_MAP mode,
/// so the 3,000 access-entry limit does not bind first.
/// </summary>
public static class Limits
{
    public sealed record Fit(string Model, int Largest, int AwsAuthBytes, int BytesOver);

    public static int Run(string[] args)
    {
        _ = args;
        Console.WriteLine($"aws-auth limit: {StackEvaluator.MaxConfigMapBytes:N0} bytes (StackEvaluator.MaxConfigMapBytes), CONFIG_MAP mode");
        Console.WriteLine();
        Console.WriteLine("| Model | Largest count that fits | aws-auth bytes at that count | bytes per mapping | one more gives |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var fit in All())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {fit.Model} | {fit.Largest:N0} | {fit.AwsAuthBytes:N0} | {(double)fit.AwsAuthBytes / fit.Largest:F0} | {fit.BytesOver:N0} |"));
        }

        return 0;
    }

    public static IEnumerable<Fit> All()
    {
        yield return Search("role mappings only, realistic (half SSO permission sets with path, 'sso-team0042:{{SessionName}}' usernames, 1-3 groups)", n => StackModels.RoleMappingsOnly(n, NameProfile.Realistic));
        yield return Search("role mappings only, compact names (ci00042 / r00042, 1-3 short groups)", n => StackModels.RoleMappingsOnly(n, NameProfile.Compact));
        yield return Search("benchmark mix (roles + mapRoles + mapUsers), realistic names: identities", n => StackModels.Generate(n, "CONFIG_MAP", NameProfile.Realistic));
        yield return Search("benchmark mix (roles + mapRoles + mapUsers), compact names: identities", n => StackModels.Generate(n, "CONFIG_MAP", NameProfile.Compact));
    }

    /// <summary>The largest n for which the model is valid; every failure must be the ConfigMap size, or the search is meaningless.</summary>
    public static Fit Search(string name, Func<int, byte[]> model)
    {
        int? Bytes(int n)
        {
            var evaluation = StackEvaluator.Evaluate(StackFileReader.Read(Pipeline.StackName, Pipeline.FileName, model(n)));
            if (evaluation.Plan is { } plan)
            {
                return (int)StackEvaluator.AwsAuthDataBytes(plan.AwsAuth!);
            }

            var other = evaluation.Errors.Where(e => !e.Message.Contains("the aws-auth ConfigMap's data would be", StringComparison.Ordinal)).ToList();
            if (other.Count > 0)
            {
                throw new InvalidOperationException($"{name}: the model of {n} is invalid for another reason than size: {other[0]}");
            }

            return null;
        }

        var lo = 1;
        if (Bytes(lo) is null)
        {
            throw new InvalidOperationException($"{name}: even one mapping does not fit");
        }

        var hi = 1024;
        while (Bytes(hi) is not null)
        {
            lo = hi;
            hi *= 2;
        }

        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Bytes(mid) is null)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        // hi does not fit: render its aws-auth from a plan made without the limit check, for the "one more" column.
        var (config, _) = StackBinder.Bind(StackFileReader.Read(Pipeline.StackName, Pipeline.FileName, model(hi)));
        var overBytes = (int)StackEvaluator.AwsAuthDataBytes(AccessPlanner.Plan(config, []).AwsAuth!);
        return new Fit(name, lo, Bytes(lo)!.Value, overBytes);
    }
}
