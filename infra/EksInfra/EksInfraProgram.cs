using EksInfra.Access;
using EksInfra.Access.Config;
using EksInfra.Access.Planning;
using EksInfra.Access.Validation;
using Pulumi;
using Pulumi.Aws.Iam;
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
        ("aws", "assumeRoles"),
        ("aws", "assumeRoleWithWebIdentity"),
        (StackBinder.Namespace, "cluster"),
        (StackBinder.Namespace, "access"),
    ];

    /// <summary>
    /// Runs the program inside a Pulumi deployment; <c>Program.cs</c> and the tests both call it. Every principal
    /// the config names in the stack's account is looked up in IAM before any resource is registered.
    /// </summary>
    public static async Task<IDictionary<string, object?>> Run()
    {
        var source = ReadConfig();
        var (config, plan) = Evaluate(source);
        await CheckPrincipalsAsync(config).ConfigureAwait(false);
        return EksInfraStack.Build(plan);
    }

    /// <summary>
    /// Asks IAM for each principal EksInfra.Access names (GetRole and GetUser take the name, not the ARN) and fails
    /// the run with its judgement: one message per missing principal, with its config path.
    /// </summary>
    public static async Task CheckPrincipalsAsync(Access.Model.StackConfig config)
    {
        var lookups = PrincipalLookups.For(config);
        var results = await Task.WhenAll(lookups.Lookups.Select(LookUpAsync)).ConfigureAwait(false);
        var findings = PrincipalLookups.Judge(lookups, results);
        foreach (var warning in findings.Where(f => !f.IsError))
        {
            Pulumi.Log.Warn(warning.ToString());
        }

        if (findings.Any(f => f.IsError))
        {
            throw new RunException(new InvalidStackConfigException(findings).Message);
        }
    }

    private static async Task<LookupResult> LookUpAsync(PrincipalLookup lookup)
    {
        try
        {
            var arn = lookup.Kind == Access.Model.PrincipalKind.Role
                ? (await GetRole.InvokeAsync(new GetRoleArgs { Name = lookup.LookupName }).ConfigureAwait(false)).Arn
                : (await GetUser.InvokeAsync(new GetUserArgs { UserName = lookup.LookupName }).ConfigureAwait(false)).Arn;
            return new LookupResult(lookup, arn, Missing: false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The provider reports IAM's NoSuchEntity inside its own message; anything else (access denied) is not an absence.
            return PrincipalLookups.IsNotFound(e.Message)
                ? new LookupResult(lookup, null, Missing: true)
                : new LookupResult(lookup, null, Missing: false, FailureMessage: e.Message);
        }
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
    public static (Access.Model.StackConfig Config, AccessPlan Plan) Evaluate(StackSource source)
    {
        AccessPlan plan;
        var evaluation = StackEvaluator.Evaluate(source);
        try
        {
            plan = evaluation.RequirePlan();
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

        return (evaluation.Config!, plan);
    }
}
