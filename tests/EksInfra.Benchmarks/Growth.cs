using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace EksInfra.Benchmarks;

/// <summary>Prints, per benchmark, mean and allocation by model size, the ratio to the next-smaller size, and that ratio per 10x of identities.</summary>
public static class Growth
{
    public static void Print(IEnumerable<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports)
            .Where(r => r.Success && r.ResultStatistics is not null && r.BenchmarkCase.HasParameters)
            .Select(r => (
                Method: r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                Size: Convert.ToInt32(r.BenchmarkCase.Parameters.Items[0].Value, CultureInfo.InvariantCulture),
                MeanNs: r.ResultStatistics!.Mean,
                Bytes: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var sb = new StringBuilder();
        sb.AppendLine("| Operation | Identities | Mean | Allocated | Time ratio to previous row | Alloc ratio | Time per 10x identities | Alloc per 10x |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in rows.GroupBy(r => r.Method))
        {
            var ordered = group.OrderBy(r => r.Size).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var r = ordered[i];
                var previous = i > 0 ? ordered[i - 1] : default;
                if (i == 0)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Method} | {r.Size:N0} | {Time(r.MeanNs)} | {Size(r.Bytes)} | - | - | - | - |");
                    continue;
                }

                // 10 -> 1,000 is a 100x step: the per-10x figure is the ratio's log10(step)-th root, so linear reads 10.0x.
                var decades = Math.Log10((double)r.Size / previous.Size);
                var time = r.MeanNs / previous.MeanNs;
                var alloc = previous.Bytes > 0 ? (double)r.Bytes / previous.Bytes : double.NaN;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Method} | {r.Size:N0} | {Time(r.MeanNs)} | {Size(r.Bytes)} | {time:F1}x | {alloc:F1}x | {Math.Pow(time, 1 / decades):F1}x | {Math.Pow(alloc, 1 / decades):F1}x |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Growth (each size against the previous one; linear is 10.0x per 10x identities):");
        Console.WriteLine(sb.ToString());
        var folder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "growth.md"), sb.ToString());
    }

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
