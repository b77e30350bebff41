using BenchmarkDotNet.Attributes;
using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using EksInfra.Access.Validation;

namespace EksInfra.Benchmarks;

/// <summary>
/// The pipeline from stack-file bytes to rendered files, whole and phase by phase, for generated valid models
/// (CONFIG_MAP mode: the only one in which 10,000 identities are allowed at all, since EKS holds 3,000 access entries).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private byte[] stackFile = [];
    private StackSource source = null!;
    private StackSource values = null!;
    private StackConfig config = null!;
    private IReadOnlyList<Diagnostic> warnings = [];
    private AccessPlan plan = null!;

    [Params(10, 1_000, 10_000)]
    public int Identities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        stackFile = StackModels.Generate(Identities);
        var evaluation = Pipeline.EvaluateValid(stackFile);
        source = StackFileReader.Read(Pipeline.StackName, Pipeline.FileName, stackFile);
        values = StackFileReader.ReadValues(Pipeline.StackName, Pipeline.FileName, stackFile);
        config = evaluation.Config!;
        warnings = evaluation.Warnings.ToList();
        plan = evaluation.Plan!;
    }

    /// <summary>Parse + bind + validate + plan + limit check + render every file.</summary>
    [Benchmark]
    public IReadOnlyList<(string RelativePath, string Content)> WholePipeline() => Pipeline.Run(stackFile);

    /// <summary>The floor: YamlDotNet alone parsing the same bytes and emitting every event again.</summary>
    [Benchmark]
    public YamlRoundTrip YamlDotNetFloor() => YamlFloor.ParseAndEmit(stackFile);

    /// <summary>Stack-file bytes to the typed model in one pass over the parser's events (<c>StackFileReader.Read</c>): parse and bind.</summary>
    [Benchmark]
    public StackSource ReadAndBind() => StackFileReader.Read(Pipeline.StackName, Pipeline.FileName, stackFile);

    /// <summary>The same bytes to config value trees (<c>StackFileReader.ReadValues</c>): how the stack file was read before it was bound from events.</summary>
    [Benchmark]
    public StackSource ReadValues() => StackFileReader.ReadValues(Pipeline.StackName, Pipeline.FileName, stackFile);

    /// <summary>Value trees to the typed model (<c>StackBinder.Bind</c>), as Pulumi's JSON config is bound.</summary>
    [Benchmark]
    public StackConfig BindValues() => StackBinder.Bind(values).Config;

    /// <summary>Every rule (<c>StackValidator.Validate</c>); a valid model yields warnings only.</summary>
    [Benchmark]
    public IReadOnlyList<Diagnostic> Validate() => StackValidator.Validate(config);

    /// <summary>The access plan (<c>AccessPlanner.Plan</c>).</summary>
    [Benchmark]
    public AccessPlan Plan() => AccessPlanner.Plan(config, warnings);

    /// <summary>Validate + plan + limit check of a read stack (<c>StackEvaluator.Evaluate</c>; the limit check renders aws-auth once).</summary>
    [Benchmark]
    public StackEvaluation Evaluate() => StackEvaluator.Evaluate(source);

    /// <summary>The aws-auth ConfigMap alone (<c>AwsAuthRenderer.Render</c>).</summary>
    [Benchmark]
    public string? RenderAwsAuth() => AwsAuthRenderer.Render(plan);

    /// <summary>Every output file (<c>StackRenderer.RenderFiles</c>): aws-auth, RBAC, access entries, one IAM file per created role.</summary>
    [Benchmark]
    public IReadOnlyList<(string RelativePath, string Content)> RenderFiles() => StackRenderer.RenderFiles(plan);
}
