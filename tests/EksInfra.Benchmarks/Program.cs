using BenchmarkDotNet.Running;
using EksInfra.Benchmarks;

// Modes: `smoke` (CI: every benchmark body once, outputs checked), `limits` (the 1 MiB search),
// `coldstart` (fresh `eksinfra check` processes); anything else goes to BenchmarkDotNet's own command line.
return args.FirstOrDefault() switch
{
    "smoke" or "--smoke" => Smoke.Run(),
    "limits" => Limits.Run(args[1..]),
    "coldstart" => ColdStart.Run(args[1..]),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(args).ToList();
    Growth.Print(summaries);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
