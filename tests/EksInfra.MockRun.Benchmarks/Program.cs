using System.Diagnostics;
using BenchmarkDotNet.Running;
using EksInfra.Tests;

// `smoke` (CI): each stack's mock run once to warm up, then once timed, checked to register the cluster;
// anything else goes to BenchmarkDotNet's own command line.
if (args.FirstOrDefault() is "smoke")
{
    var passed = 0;
    var failed = 0;
    foreach (var stack in StackFiles.Stacks)
    {
        var benchmark = new MockRunBenchmarks { Stack = stack };
        benchmark.Setup();
        try
        {
            var clock = Stopwatch.StartNew();
            await benchmark.MockRun();
            var first = clock.ElapsedMilliseconds;
            clock.Restart();
            var registered = await benchmark.MockRun();
            var ok = registered > 0;
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")} MockRun({stack}) {registered} registrations, {clock.ElapsedMilliseconds} ms after warm-up (first run {first} ms)");
            passed += ok ? 1 : 0;
            failed += ok ? 0 : 1;
        }
#pragma warning disable CA1031 // A smoke run reports every failure and goes on to the next stack.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.WriteLine($"FAIL MockRun({stack}): {e}");
            failed++;
        }
    }

    Console.WriteLine($"mock-run smoke: {passed} passed, {failed} failed");
    return failed == 0 ? 0 : 1;
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(MockRunBenchmarks).Assembly).Run(args).ToList();
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
