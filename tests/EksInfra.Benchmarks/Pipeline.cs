using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Rendering;

namespace EksInfra.Benchmarks;

/// <summary>The whole path from stack-file bytes to every rendered file, through the public entry points the tool uses.</summary>
public static class Pipeline
{
    public const string StackName = "bench";
    public const string FileName = "Pulumi.bench.yaml";

    public static IReadOnlyList<(string RelativePath, string Content)> Run(byte[] stackFile)
    {
        var source = StackFileReader.Read(StackName, FileName, stackFile);
        var evaluation = StackEvaluator.Evaluate(source);
        return StackRenderer.RenderFiles(evaluation.RequirePlan());
    }

    /// <summary>Reads and evaluates, failing loudly when a generated model is not valid: a benchmark of an error path measures nothing useful.</summary>
    public static StackEvaluation EvaluateValid(byte[] stackFile)
    {
        var evaluation = StackEvaluator.Evaluate(StackFileReader.Read(StackName, FileName, stackFile));
        if (!evaluation.IsValid)
        {
            throw new InvalidOperationException("the generated model is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, evaluation.Errors.Take(5)));
        }

        return evaluation;
    }
}
