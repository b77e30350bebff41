using System.Diagnostics;
using System.Globalization;

namespace EksInfra.Benchmarks;

/// <summary>Wall time of fresh <c>dotnet eksinfra.dll check --dir REPO</c> processes: the tool's cold start on the shipped stacks.</summary>
public static class ColdStart
{
    public static int Run(string[] args)
    {
        var repo = Option(args, "--dir") ?? FindRepoRoot();
        var dll = Option(args, "--dll") ?? Path.Combine(repo, "infra", "EksInfra.Cli", "bin", "Release", "net10.0", "eksinfra.dll");
        var runs = int.Parse(Option(args, "--runs") ?? "20", CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup") ?? "2", CultureInfo.InvariantCulture);
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"coldstart: {dll} does not exist; build it first: dotnet build -c Release infra/EksInfra.Cli");
            return 2;
        }

        Console.WriteLine($"coldstart: dotnet {dll} check --dir {repo}: {warmup} warm-up runs (disk cache), then {runs} measured");
        var times = new List<double>();
        int? exitCode = null;
        for (var i = 0; i < warmup + runs; i++)
        {
            var (ms, code, output) = Once(dll, repo);
            if (exitCode is null)
            {
                Console.WriteLine($"first run: exit {code}; output:");
                Console.WriteLine(string.Join(Environment.NewLine, output.Split('\n').Take(15).Select(l => "  " + l.TrimEnd())));
            }
            else if (code != exitCode)
            {
                Console.Error.WriteLine($"coldstart: run {i} exited {code}, the first {exitCode}");
                return 1;
            }

            exitCode = code;
            if (i >= warmup)
            {
                times.Add(ms);
            }
        }

        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        var mean = times.Average();
        var sd = Math.Sqrt(times.Sum(t => (t - mean) * (t - mean)) / Math.Max(1, times.Count - 1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold start of check ({times.Count} processes): mean {mean:F0} ms ± {sd:F0}, median {median:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms; exit code {exitCode}"));
        return 0;
    }

    private static (double Ms, int Code, string Output) Once(string dll, string repo)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("--dir");
        start.ArgumentList.Add(repo);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        return (clock.Elapsed.TotalMilliseconds, process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EksInfra.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository (EksInfra.sln) above the current directory; pass --dir");
    }
}
