using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;
using Pulumi;
using PulumiConfig = Pulumi.Config;

namespace EksInfra;

/// <summary>The Pulumi program: read the config, evaluate it, build the resources, return the outputs.</summary>
internal static class EksInfraProgram
{
    /// <summary>The config keys the program reads, as full Pulumi keys: the same keys the offline tool reads from the stack file.</summary>
    public static readonly (string Namespace, string Key)[] ConfigKeys =
    [
        ("aws", "region"),
        ("aws", "allowedAccountIds"),
        (StackBinder.Namespace, "cluster"),
        (StackBinder.Namespace, "access"),
    ];

    /// <summary>Runs the program inside a Pulumi deployment; <c>Program.cs</c> and the tests both call it.</summary>
    public static Dictionary<string, object?> Run()
    {
        var source = ReadConfig();
        var plan = Evaluate(source);
        return EksInfraStack.Build(plan);
    }

    /// <summary>The raw text of each config value (JSON for structured values), keyed by its full key.</summary>
    public static StackSource ReadConfig()
    {
        var raw = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (ns, key) in ConfigKeys)
        {
            raw[$"{ns}:{key}"] = new PulumiConfig(ns).Get(key);
        }

        return JsonConfigReader.FromPulumiValues(Deployment.Instance.StackName, raw);
    }

    /// <summary>
    /// Binds, validates and plans. Called before any resource is registered, so an invalid config
    /// registers nothing; warnings (such as <c>system:masters</c> use) are logged and do not fail the run.
    /// </summary>
    public static AccessPlan Evaluate(StackSource source)
    {
        AccessPlan plan;
        try
        {
            plan = StackEvaluator.Evaluate(source).RequirePlan();
        }
        catch (InvalidStackConfigException e)
        {
            // A RunException ends the run with its message alone: the errors, not a stack trace.
            throw new RunException(e.Message, e);
        }

        foreach (var warning in plan.Warnings)
        {
            Pulumi.Log.Warn(warning.ToString());
        }

        return plan;
    }
}
