using BenchmarkDotNet.Attributes;
using Pulumi;
using Pulumi.Testing;

namespace EksInfra.Tests;

/// <summary>
/// One whole run of the Pulumi program under the mock tests' engine mocks, per shipped stack: config read,
/// evaluation, and every resource registration the SDK serialises. Goal: under 2 s per stack after warm-up.
/// </summary>
[MemoryDiagnoser]
public class MockRunBenchmarks
{
    private Dictionary<string, string?> raw = [];

    [Params("dev", "staging", "prod")]
    public string Stack { get; set; } = "dev";

    [GlobalSetup]
    public void Setup() => raw = StackFiles.RawValues(Stack);

    /// <summary>Returns how many resources the run registered, so the work cannot be optimised away.</summary>
    [Benchmark]
    public async Task<int> MockRun()
    {
        var mocks = StackMocks.ForStack(Stack, raw);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));
        var options = new TestOptions { IsPreview = false, ProjectName = "eks-infra", StackName = Stack };
        await Deployment.TestAsync(mocks.Mock.Object, options, EksInfraProgram.Run);
        return mocks.Registrations.Count;
    }
}
