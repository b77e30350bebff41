using System.Collections.Immutable;
using EksInfra.Access.Planning;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace EksInfra.Tests;

/// <summary>All Pulumi tests share one collection, run one at a time: the SDK does not support concurrent runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PulumiTestGroup
{
    public const string Name = "Pulumi";
}

/// <summary>One run of the program under mocks, with the plan it was built from.</summary>
internal sealed record StackRun(
    string Stack,
    AccessPlan Plan,
    StackMocks Mocks,
    ImmutableArray<Resource> Resources,
    IDictionary<string, object?> Outputs,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> Requests)
{
    public string Prefix => Plan.Cluster.LogicalName;

    /// <summary>The one request that registered that type and name, with the options the SDK sent.</summary>
    public System.Text.Json.Nodes.JsonObject Registered(string type, string name)
    {
        var matches = Requests.Where(r => (string?)r["type"] == type && (string?)r["name"] == name).ToList();
        Assert.True(matches.Count == 1, $"expected one {type} named {name} registered, found {matches.Count}");
        return matches[0];
    }

    public List<MockResourceArgs> OfType(string type) => Mocks.Registrations.FindAll(r => r.Type == type);

    /// <summary>The inputs of the one registration with that type and name.</summary>
    public ImmutableDictionary<string, object> Inputs(string type, string name)
    {
        var matches = Mocks.Registrations.FindAll(r => r.Type == type && r.Name == name);
        Assert.True(matches.Count == 1, $"expected one {type} named {name}, found {matches.Count}");
        return matches[0].Inputs;
    }
}

internal static class PulumiHarness
{
    public static TestOptions Options(string stack) => new() { IsPreview = false, ProjectName = "eks-infra", StackName = stack };

    /// <summary>Runs the program the way <c>pulumi up</c> would, with the stack's config in <c>PULUMI_CONFIG</c>.</summary>
    public static async Task<StackRun> RunAsync(string stack, Dictionary<string, string?> raw, Action<StackMocks>? arrange = null)
    {
        var plan = StackFiles.PlanOf(stack, raw);
        var mocks = StackMocks.ForStack(stack, raw);
        arrange?.Invoke(mocks);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", StackFiles.PulumiConfigJson(raw));
        Func<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> requests = () => [];
        var (resources, outputs) = await Deployment.TestAsync(mocks.Mock.Object, Options(stack), () =>
        {
            requests = RegisteredRequests.Install();
            return EksInfraProgram.Run();
        });
        return new StackRun(stack, plan, mocks, resources, outputs, requests());
    }

    /// <summary>The URN a resource got: the mock monitor, like the engine, puts its parent's type before its own.</summary>
    public static Task<string> UrnOf(Resource resource) => OutputUtilities.GetValueAsync(resource.Urn);

    /// <summary>Asserts the registration named each resource among its dependencies: the engine creates it after them.</summary>
    public static async Task AssertWaitsForAsync(System.Text.Json.Nodes.JsonObject registered, IEnumerable<Resource> resources)
    {
        var dependencies = (registered["dependencies"]?.AsArray() ?? []).Select(d => (string)d!).ToHashSet(StringComparer.Ordinal);
        var expected = resources.ToList();
        Assert.NotEmpty(expected);
        foreach (var resource in expected)
        {
            var urn = await UrnOf(resource);
            Assert.True(dependencies.Contains(urn), $"{registered["type"]} {registered["name"]} must wait for {urn}; it waits for {string.Join(", ", dependencies)}");
        }
    }

    public static Task<StackRun> RunShippedAsync(string stack) => RunAsync(stack, StackFiles.RawValues(stack));
}

/// <summary>Reading the values the mock monitor hands over: maps, lists, strings and doubles.</summary>
internal static class Values
{
    public static ImmutableDictionary<string, object> Map(object? value) => Assert.IsType<ImmutableDictionary<string, object>>(value);

    public static ImmutableArray<object> List(object? value) => Assert.IsType<ImmutableArray<object>>(value);

    public static string Str(object? value) => Assert.IsType<string>(value);

    /// <summary>A list of strings; a list never set counts as empty.</summary>
    public static List<string> Strings(object? value)
    {
        if (value is null)
        {
            return [];
        }

        return [.. List(value).Select(Str)];
    }

    public static List<string> Strings(ImmutableDictionary<string, object> map, string key) =>
        map.TryGetValue(key, out var value) ? Strings(value) : [];

    /// <summary>Whether the input is a non-empty list.</summary>
    public static bool HasItems(ImmutableDictionary<string, object> map, string key) =>
        map.TryGetValue(key, out var value) && List(value).Length > 0;

    /// <summary>A map never set counts as empty.</summary>
    public static ImmutableDictionary<string, object> MapOrEmpty(ImmutableDictionary<string, object> map, string key) =>
        map.TryGetValue(key, out var value) ? Map(value) : ImmutableDictionary<string, object>.Empty;

    public static string Joined(IEnumerable<string> values) => string.Join(",", values);
}
