using System.Diagnostics;
using System.Globalization;

namespace EksInfra.Benchmarks;

/// <summary>
/// Wall time of fresh <c>dotnet eksinfra.dll check --dir DIR</c> processes: the tool's cold start on the shipped stacks,
/// or, with <c>--identities N</c>, on one generated stack of N identities (what a large organisation's pull request runs).
/// </summary>
public static class ColdStart
{
    public static int Run(string[] args)
    {
        var repo = Option(args, "--dir") ?? FindRepoRoot();
        var dll = Option(args, "--dll") ?? Path.Combine(repo, "infra", "EksInfra.Cli", "bin", "Release", "net10.0", "eksinfra.dll");
        var runs = int.Parse(Option(args, "--runs") ?? "20", CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup") ?? "2", CultureInfo.InvariantCulture);
        var identities = Option(args, "--identities") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : (int?)null;
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"coldstart: {dll} does not exist; build it first: dotnet build -c Release infra/EksInfra.Cli");
            return 2;
        }

        var generated = identities is { } count ? GeneratedProject(repo, count) : null;
        try
        {
            return Measure(dll, generated ?? repo, runs, warmup, mustPass: generated is not null);
        }
        finally
        {
            if (generated is not null)
            {
                Directory.Delete(generated, recursive: true);
            }
        }
    }

    /// <summary>A project folder holding the repository's Pulumi.yaml and one stack, <c>bench</c>, of <paramref name="identities"/> identities.</summary>
    private static string GeneratedProject(string repo, int identities)
    {
        var dir = Directory.CreateTempSubdirectory("eksinfra-coldstart-").FullName;
        File.Copy(Path.Combine(repo, "Pulumi.yaml"), Path.Combine(dir, "Pulumi.yaml"));
        File.WriteAllBytes(Path.Combine(dir, "Pulumi.bench.yaml"), StackModels.Generate(identities));
        return dir;
    }

    /// <param name="mustPass">Whether <c>check</c> must exit 0: a generated stack is valid, so any other exit is a fault of the run.</param>
    private static int Measure(string dll, string project, int runs, int warmup, bool mustPass)
    {
        Console.WriteLine($"coldstart: dotnet {dll} check --dir {project}: {warmup} warm-up runs (disk cache), then {runs} measured");
        var times = new List<double>();
        int? exitCode = null;
        for (var i = 0; i < warmup + runs; i++)
        {
            var (ms, code, output) = Once(dll, project);
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
            if (mustPass && code != 0)
            {
                Console.Error.WriteLine($"coldstart: check exited {code} on the generated stack, which is valid; the runs measure nothing");
                return 1;
            }

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
