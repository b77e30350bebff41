using System.Collections.Concurrent;
using System.Collections.Immutable;
using Moq;
using Pulumi;
using Pulumi.Testing;

namespace EksInfra.Tests;

/// <summary>
/// Engine mocks made with Moq: every registration is recorded and echoed back, plus the outputs the
/// providers would compute (a role's ARN; the remote <c>eks:index:Cluster</c> component's kubeconfig and core data).
/// </summary>
internal sealed class StackMocks
{
    public const string Endpoint = "https://0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com";

    public const string KubeconfigJson =
        """{"apiVersion":"v1","kind":"Config","clusters":[{"name":"kubernetes","cluster":{"server":"https://0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com"}}],"contexts":[{"name":"aws","context":{"cluster":"kubernetes","user":"aws"}}],"current-context":"aws","users":[{"name":"aws","user":{"exec":{"apiVersion":"client.authentication.k8s.io/v1beta1","command":"aws","args":["eks","get-token","--cluster-name","test"]}}}]}""";

    private readonly ConcurrentQueue<MockResourceArgs> registrations = new();
    private readonly string partition;
    private readonly string accountId;

    public StackMocks(string partition, string accountId)
    {
        this.partition = partition;
        this.accountId = accountId;
        Mock.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .ReturnsAsync((MockResourceArgs args) => NewResource(args));
        Mock.Setup(m => m.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) => (object)Call(args));
    }

    public const string GetKubeconfigToken = "eks:index:Cluster/getKubeconfig";

    /// <summary>What pulumi-eks's getKubeconfig answers here: the kubeconfig with the profile (and role) it was asked for.</summary>
    public static string KubeconfigWithProfile(string profile, string? role = null) => $"{{\"kubeconfig\":\"with --profile {profile}{(role is null ? "" : $" --role {role}")}\"}}";

    public const string GetRoleToken = "aws:iam/getRole:getRole";
    public const string GetUserToken = "aws:iam/getUser:getUser";

    /// <summary>The IAM roles that exist, by name, with the ARN IAM answers; a name not here is NoSuchEntity.</summary>
    public Dictionary<string, string> ExistingRoles { get; } = new(StringComparer.Ordinal);

    /// <summary>The IAM users that exist, by name.</summary>
    public Dictionary<string, string> ExistingUsers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every invoke the program made, in order.</summary>
    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    private ImmutableDictionary<string, object> Call(MockCallArgs args)
    {
        Calls.Enqueue(args);
        switch (args.Token)
        {
            case GetRoleToken:
                var role = (string)args.Args["name"];
                return ExistingRoles.TryGetValue(role, out var roleArn)
                    ? ImmutableDictionary<string, object>.Empty.Add("arn", roleArn).Add("name", role).Add("id", role)
                    : throw new InvalidOperationException($"reading IAM Role ({role}): operation error IAM: GetRole, NoSuchEntity: The role with name {role} cannot be found.");
            case GetUserToken:
                var user = (string)args.Args["userName"];
                return ExistingUsers.TryGetValue(user, out var userArn)
                    ? ImmutableDictionary<string, object>.Empty.Add("arn", userArn).Add("userName", user).Add("id", user)
                    : throw new InvalidOperationException($"reading IAM User ({user}): operation error IAM: GetUser, NoSuchEntity: The user with name {user} cannot be found.");
            case GetKubeconfigToken:
                return ImmutableDictionary<string, object>.Empty.Add("result", KubeconfigWithProfile((string)args.Args["profileName"], args.Args.TryGetValue("roleArn", out var asRole) ? (string)asRole : null));
            default:
                return ImmutableDictionary<string, object>.Empty;
        }
    }

    /// <summary>Mocks of an account in which every principal the config names exists, exactly as the config writes it.</summary>
    public static StackMocks ForStack(string stack, Dictionary<string, string?> raw)
    {
        var evaluation = EksInfra.Access.StackEvaluator.Evaluate(EksInfra.Access.Config.JsonConfigReader.FromPulumiValues(stack, raw));
        var config = evaluation.Config!;
        var mocks = new StackMocks(config.Aws.Partition, config.Aws.AccountId);
        foreach (var lookup in EksInfra.Access.Validation.PrincipalLookups.For(config).Lookups)
        {
            (lookup.Kind == EksInfra.Access.Model.PrincipalKind.Role ? mocks.ExistingRoles : mocks.ExistingUsers)[lookup.LookupName] = lookup.Arn;
        }

        return mocks;
    }

    public Mock<IMocks> Mock { get; } = new();

    /// <summary>Every resource the program registered (reads of existing resources excluded), in order.</summary>
    public List<MockResourceArgs> Registrations => [.. registrations];

    /// <summary>The ARN AWS gives a role of that name and path.</summary>
    public string RoleArn(string path, string name) => $"arn:{partition}:iam::{accountId}:role{path}{name}";

    private (string? Id, object State) NewResource(MockResourceArgs args)
    {
        if (string.IsNullOrEmpty(args.Id))
        {
            registrations.Enqueue(args);
        }

        var inputs = args.Inputs ?? ImmutableDictionary<string, object>.Empty;
        var state = ImmutableDictionary.CreateBuilder<string, object>();
        foreach (var (key, value) in inputs)
        {
            // Resource references go back as inputs only: echoing them would hand a component its children.
            if (!ContainsResource(value))
            {
                state[key] = value;
            }
        }

        switch (args.Type)
        {
            case "aws:iam/role:Role":
                var name = inputs.TryGetValue("name", out var n) ? (string)n : args.Name ?? "";
                var path = inputs.TryGetValue("path", out var p) ? (string)p : "/";
                state["arn"] = RoleArn(path, name);
                break;
            case "eks:index:Cluster":
                state["kubeconfigJson"] = KubeconfigJson;
                state["kubeconfig"] = ImmutableDictionary<string, object>.Empty
                    .Add("apiVersion", "v1")
                    .Add("kind", "Config");
                state["core"] = ImmutableDictionary<string, object>.Empty
                    .Add("endpoint", Endpoint);
                break;
        }

        return ($"{args.Name}-id", state.ToImmutable());
    }

    private static bool ContainsResource(object? value) => value switch
    {
        Resource => true,
        ImmutableArray<object> items => items.Any(ContainsResource),
        ImmutableDictionary<string, object> map => map.Values.Any(ContainsResource),
        _ => false,
    };
}
