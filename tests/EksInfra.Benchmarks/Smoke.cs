using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Benchmarks;

/// <summary>
/// For CI: runs every [Benchmark] body once for every [Params] value, in process, and checks what it returns,
/// then runs the ConfigMap limit search. Exits non-zero on any failure, so the benchmarks cannot rot.
/// </summary>
public static class Smoke
{
    public static int Run()
    {
        var passed = 0;
        var failed = 0;
        var total = Stopwatch.StartNew();
        var types = typeof(Smoke).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in types)
        {
            var parameter = type.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
            var values = parameter?.GetCustomAttribute<ParamsAttribute>()!.Values ?? [null];
            foreach (var value in values)
            {
                var label = parameter is null ? type.Name : $"{type.Name}({parameter.Name}={value})";
                object instance;
                try
                {
                    instance = Activator.CreateInstance(type)!;
                    parameter?.SetValue(instance, value);
                    foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null))
                    {
                        setup.Invoke(instance, null);
                    }
                }
                catch (TargetInvocationException e)
                {
                    Console.WriteLine($"FAIL {label} setup: {e.InnerException}");
                    failed++;
                    continue;
                }

                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).OrderBy(m => m.MetadataToken))
                {
                    var clock = Stopwatch.StartNew();
                    string? problem;
                    try
                    {
                        problem = Check(method.Invoke(instance, null), value as int?);
                    }
                    catch (TargetInvocationException e)
                    {
                        problem = e.InnerException?.ToString() ?? e.ToString();
                    }

                    Console.WriteLine($"{(problem is null ? "ok  " : "FAIL")} {label}.{method.Name} {clock.Elapsed.TotalMilliseconds:F0} ms{(problem is null ? "" : ": " + problem)}");
                    _ = problem is null ? passed++ : failed++;
                }
            }
        }

        foreach (var check in LimitChecks())
        {
            var clock = Stopwatch.StartNew();
            string? problem;
            try
            {
                problem = check.Run();
            }
            catch (InvalidOperationException e)
            {
                problem = e.Message;
            }

            Console.WriteLine($"{(problem is null ? "ok  " : "FAIL")} {check.Name} {clock.Elapsed.TotalMilliseconds:F0} ms{(problem is null ? "" : ": " + problem)}");
            _ = problem is null ? passed++ : failed++;
        }

        Console.WriteLine($"benchmark smoke run took {total.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"smoke: {passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private sealed record LimitCheck(string Name, Func<string?> Run);

    private static IEnumerable<LimitCheck> LimitChecks() =>
    [
        new("Limits.Search(realistic role mappings)", () =>
        {
            var fit = Limits.Search("realistic", n => StackModels.RoleMappingsOnly(n, NameProfile.Realistic));
            return fit.Largest < 1000 || fit.AwsAuthBytes > StackEvaluator.MaxConfigMapBytes || fit.BytesOver <= StackEvaluator.MaxConfigMapBytes
                ? $"implausible result {fit}"
                : null;
        }),
    ];

    /// <summary>Null when the benchmark's result is what a working pipeline returns; else what is wrong.</summary>
    private static string? Check(object? result, int? identities) => result switch
    {
        null => "returned null",
        string s => s.Length > 0 ? null : "returned an empty string",
        YamlRoundTrip trip => trip.Events > 0 && YamlFloor.CountEvents(trip.Yaml) == trip.Events ? null : $"the emitted YAML does not read back as the {trip.Events} events parsed",
        StackSource source => (source.Values.Count > 0 || source.Bound is not null) && !source.ReadDiagnostics.Any(d => d.IsError) && !(source.Bound?.Diagnostics.Any(d => d.IsError) ?? false) ? null : "the read found errors or nothing",
        StackConfig config => config.Access.Roles.Count + config.Access.MapRoles.Count + config.Access.MapUsers.Count == identities ? null : "the bound model has the wrong number of identities",
        IReadOnlyList<Diagnostic> diagnostics => diagnostics.FirstOrDefault(d => d.IsError) is { } error ? $"validation error: {error}" : null,
        StackEvaluation evaluation => evaluation.IsValid ? null : $"invalid: {evaluation.Errors.First()}",
        AccessPlan plan => plan.AwsAuth is { } awsAuth && awsAuth.MapRoles.Count + awsAuth.MapUsers.Count == identities + 1 ? null : "the plan's aws-auth does not hold every identity plus the node role",
        IReadOnlyList<(string RelativePath, string Content)> files => CheckFiles(files, identities),
        _ => $"unexpected result type {result.GetType()}",
    };

    private static string? CheckFiles(IReadOnlyList<(string RelativePath, string Content)> files, int? identities)
    {
        if (files.Count == 0 || files.Any(f => f.Content.Length == 0))
        {
            return "no files, or an empty one";
        }

        var awsAuth = files.FirstOrDefault(f => f.RelativePath == StackRenderer.AwsAuthFile).Content;
        if (awsAuth is null)
        {
            return "no aws-auth.yaml";
        }

        var mappings = CountOf(awsAuth, "- rolearn: ") + CountOf(awsAuth, "- userarn: ");
        if (mappings != identities + 1)
        {
            return $"aws-auth.yaml holds {mappings} mappings, not {identities} identities plus the node role";
        }

        var created = StackModels.Mix(identities ?? 0).Created;
        var iamFiles = files.Count(f => f.RelativePath.StartsWith(StackRenderer.IamFolder + "/", StringComparison.Ordinal));
        return iamFiles == created + 2 ? null : $"{iamFiles} IAM role files, not {created} created roles plus the service and node roles";
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

}
