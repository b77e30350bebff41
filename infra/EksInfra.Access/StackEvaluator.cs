using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using EksInfra.Access.Validation;

namespace EksInfra.Access;

/// <summary>The outcome of reading one stack: its typed config, its plan when valid, and every finding.</summary>
public sealed record StackEvaluation(StackConfig? Config, AccessPlan? Plan, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => Plan is not null;

    /// <summary>
    /// The errors of reading the file and binding it (unknown keys, wrong types, missing or unknown values), before
    /// the validator judged its meaning: where the config does not hold what the file says.
    /// </summary>
    public IReadOnlyList<Diagnostic> ReadErrors { get; init; } = [];

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    /// <summary>The plan, or an exception listing every error: for entry points that must not go on.</summary>
    public AccessPlan RequirePlan() => Plan ?? throw new InvalidStackConfigException(Diagnostics);
}

/// <summary>The one path from config to plan that both entry points take: bind, validate, plan, check limits.</summary>
public static class StackEvaluator
{
    /// <summary>Kubernetes refuses a ConfigMap whose data values (their bytes; keys are not counted) pass 1 MiB.</summary>
    public const int MaxConfigMapBytes = 1024 * 1024;

    /// <summary>EKS holds at most 3,000 access entries per cluster; the quota is not adjustable.</summary>
    public const int MaxAccessEntries = 3000;

    /// <summary>
    /// The entries EKS makes itself, which count against the same quota: the cluster creator's (pulumi-eks always sets
    /// bootstrapClusterCreatorAdminPermissions) and one per managed node group or Fargate profile role, once per role.
    /// </summary>
    public static int AccessEntriesCreatedByEks(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return 1 + plan.ComputeIdentities.Where(c => c.EntryCreatedByEks).Select(c => c.RoleArn).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>
    /// IAM quota "Role trust policy length" (IAM User Guide, "IAM and AWS STS quotas"): 2,048 characters by default,
    /// adjustable through Service Quotas; past it CreateRole fails with LimitExceeded ("Cannot exceed quota for
    /// ACLSizePerRole: 2048").
    /// </summary>
    public const int RoleTrustPolicyLengthQuota = 2048;

    /// <summary>
    /// The highest the "Role trust policy length" quota is published to go (IAM User Guide tables give 4,096, newer copies
    /// 8,192; which holds today is not confirmed): past it no quota request helps, so CreateRole always fails.
    /// </summary>
    public const int RoleTrustPolicyLengthCeiling = 8192;

    public static StackEvaluation Evaluate(StackSource source) => Evaluate(source, StackValidator.Today());

    /// <summary><paramref name="today"/> (UTC) decides which Kubernetes versions are still supported; tests fix it.</summary>
    public static StackEvaluation Evaluate(StackSource source, DateOnly today)
    {
        var (config, bindDiagnostics) = StackBinder.Bind(source);
        var identities = Identity.All(config);
        var bag = new DiagnosticBag();
        bag.AddRange(bindDiagnostics);
        // A value the binder refused is missing from the model; a rule's warning that it is not set would contradict the error.
        var refused = bindDiagnostics.Where(d => d.IsError).Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        bag.AddRange(StackValidator.Validate(config, identities, today).Where(d => d.IsError || !refused.Contains(d.Path)));
        IReadOnlyList<Diagnostic> readErrors = [.. bindDiagnostics.Where(d => d.IsError)];
        if (bag.HasErrors)
        {
            return new StackEvaluation(config, null, bag.ToSortedList()) { ReadErrors = readErrors };
        }

        var warnings = bag.ToSortedList();
        var plan = AccessPlanner.Plan(config, identities, warnings);
        CheckLimits(plan, config, bag);
        var all = bag.ToSortedList();
        if (bag.HasErrors)
        {
            return new StackEvaluation(config, null, all) { ReadErrors = readErrors };
        }

        // A limit may warn too (an adjustable quota), and the plan carries every warning to the Pulumi program.
        return new StackEvaluation(config, all.Count == warnings.Count ? plan : plan with { Warnings = all }, all);
    }

    /// <summary>
    /// The size of aws-auth's data as Kubernetes counts it, in the larger of its two forms: what <c>pulumi up</c>
    /// applies (pulumi-eks's js-yaml, which indents and folds more) and this tool's aws-auth.yaml, for kubectl.
    /// </summary>
    public static long AwsAuthDataBytes(AwsAuthPlan awsAuth) => Math.Max(PulumiEksAwsAuth.DataBytes(awsAuth), AwsAuthRenderer.DataBytes(awsAuth));

    private static void CheckLimits(AccessPlan plan, StackConfig config, DiagnosticBag bag)
    {
        var access = config.Access.Path;
        if (plan.AwsAuth is { } awsAuth)
        {
            var bytes = AwsAuthDataBytes(awsAuth);
            if (bytes > MaxConfigMapBytes)
            {
                bag.Error(access, $"the aws-auth ConfigMap's data would be {bytes:N0} bytes with {plan.AwsAuth!.MapRoles.Count:N0} role and {plan.AwsAuth.MapUsers.Count:N0} user mappings (its values, as pulumi-eks writes them), over Kubernetes' {MaxConfigMapBytes:N0}-byte limit for a ConfigMap; map fewer principals (one role per team rather than per person) or move authenticationMode to API", config.LocationOf(access));
            }
        }

        var entries = plan.AccessEntries.Count;
        var byEks = AccessEntriesCreatedByEks(plan);
        if (entries > 0 && entries + byEks > MaxAccessEntries)
        {
            bag.Error(access, $"the stack needs {entries:N0} access entries, plus {byEks} that EKS creates itself (the cluster creator's{(byEks > 1 ? ", and one per managed node group or Fargate profile role" : "")}), over the {MaxAccessEntries:N0} a cluster can hold (not adjustable); map fewer principals, for example one role per team", config.LocationOf(access));
        }

        // Measured on the trust policy the plan hands to IAM, as IAM counts it. The quota is adjustable, so, as with
        // EKS's adjustable quotas, this warns (an account may have it raised) where a fixed limit is an error.
        foreach (var role in plan.Roles)
        {
            var length = IamPolicies.QuotaLength(role.TrustPolicyJson);
            if (length <= RoleTrustPolicyLengthQuota)
            {
                continue;
            }

            // Only an access role's trust grows with the config (assumedBy); the others trust one AWS service.
            var accessRole = role.Purpose == RolePurpose.Access ? config.Access.Roles.FirstOrDefault(r => string.Equals(r.Name, role.Name, StringComparison.Ordinal)) : null;
            var path = accessRole is null ? config.Cluster.Path : $"{accessRole.Path}.assumedBy";
            var principals = role.TrustedPrincipals is { } trusted ? $" for its {trusted.Count:N0} principals" : "";
            var measured = $"the trust policy of IAM role '{role.Name}' is {length:N0} characters{principals} as IAM counts them (white space left out)";
            if (length > RoleTrustPolicyLengthCeiling)
            {
                bag.Error(path, $"{measured}, over {RoleTrustPolicyLengthCeiling:N0}, the most IAM's quota \"Role trust policy length\" can be raised to: CreateRole would fail with LimitExceeded whatever the account's quota; let fewer principals assume the role, for example one role they reach first", config.LocationOf(path));
                continue;
            }

            bag.Warning(path, $"{measured}, over IAM's default quota \"Role trust policy length\" of {RoleTrustPolicyLengthQuota:N0}: `pulumi up` fails creating or updating the role with LimitExceeded unless the account's quota was raised; raise it first (Service Quotas, AWS Identity and Access Management, \"Role trust policy length\", in us-east-1) or let fewer principals assume the role, for example one role they reach first", config.LocationOf(path));
        }
    }
}
