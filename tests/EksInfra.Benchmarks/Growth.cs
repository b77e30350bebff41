using System.Globalization;
using System.Text;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;

namespace EksInfra.Benchmarks;

/// <summary>Prints, per benchmark, mean and allocation by model size, the ratio to the next-smaller size, and that ratio per 10x of identities.</summary>
public static class Growth
{
    /// <summary>
    /// The runtime's tiered compilation recompiles a method optimized after this many calls: until a benchmark body has
    /// run that often, the methods it calls once per run are still quick-JIT code (docs/benchmarks.md).
    /// </summary>
    private const int TierUpCalls = 30;

    public static void Print(IEnumerable<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports)
            .Where(r => r.Success && r.ResultStatistics is not null && r.BenchmarkCase.HasParameters)
            .Select(r => (
                Method: r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                Size: Convert.ToInt32(r.BenchmarkCase.Parameters.Items[0].Value, CultureInfo.InvariantCulture),
                MeanNs: r.ResultStatistics!.Mean,
                Bytes: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0,
                CallsBefore: CallsBeforeMeasuring(r.AllMeasurements)))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var sb = new StringBuilder();
        sb.AppendLine("| Operation | Identities | Mean | Allocated | Time ratio to previous row | Alloc ratio | Time per 10x identities | Alloc per 10x | Calls before measuring |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in rows.GroupBy(r => r.Method))
        {
            var ordered = group.OrderBy(r => r.Size).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var r = ordered[i];
                var previous = i > 0 ? ordered[i - 1] : default;
                if (i == 0)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Method} | {r.Size:N0} | {Time(r.MeanNs)} | {Size(r.Bytes)} | - | - | - | - | {Calls(r.CallsBefore)} |");
                    continue;
                }

                // 10 -> 1,000 is a 100x step: the per-10x figure is the ratio's log10(step)-th root, so linear reads 10.0x.
                var decades = Math.Log10((double)r.Size / previous.Size);
                var time = r.MeanNs / previous.MeanNs;
                var alloc = previous.Bytes > 0 ? (double)r.Bytes / previous.Bytes : double.NaN;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Method} | {r.Size:N0} | {Time(r.MeanNs)} | {Size(r.Bytes)} | {time:F1}x | {alloc:F1}x | {Math.Pow(time, 1 / decades):F1}x | {Math.Pow(alloc, 1 / decades):F1}x | {Calls(r.CallsBefore)} |");
            }
        }

        if (rows.Any(r => BeforeTierUp(r.CallsBefore)))
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Rows marked * were measured after fewer than {TierUpCalls} calls (jitting, pilot and warm-up), so part of their mean is unoptimized code; for a growth figure, run again with --warmupCount 20.");
        }

        Console.WriteLine();
        Console.WriteLine("Growth (each size against the previous one; linear is 10.0x per 10x identities):");
        Console.WriteLine(sb.ToString());
        var folder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "growth.md"), sb.ToString());
    }

    /// <summary>How often the body ran before the first measured iteration: its jitting, pilot and warm-up iterations.</summary>
    private static long CallsBeforeMeasuring(IEnumerable<Measurement> measurements) =>
        measurements.Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage is IterationStage.Jitting or IterationStage.Pilot or IterationStage.Warmup)
            .Sum(m => m.Operations);

    private static bool BeforeTierUp(long calls) => calls < TierUpCalls;

    private static string Calls(long calls) => string.Create(CultureInfo.InvariantCulture, $"{calls:N0}{(BeforeTierUp(calls) ? " *" : "")}");

    internal static string Time(double ns) => ns switch
    {
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e9:F2} s"),
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:F2} ms"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:F1} us"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns:F0} ns"),
    };

    internal static string Size(long bytes) => bytes switch
    {
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F2} MB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
