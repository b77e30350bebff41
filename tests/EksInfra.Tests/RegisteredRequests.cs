using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Pulumi;

namespace EksInfra.Tests;

/// <summary>
/// The RegisterResourceRequests the SDK sends the engine, options included, as their protobuf JSON. An IMocks sees a
/// registration's type, name and inputs only (pulumi-dotnet v3.112 Testing/MockMonitor.cs), so a component that lost
/// its dependsOn or transforms would look the same to it; this sits between the SDK and the mock monitor and keeps
/// each request.
/// </summary>
/// <remarks>
/// The SDK's monitor and its gRPC messages are internal (Deployment.Monitor, of the internal interface IMonitor;
/// Pulumirpc.*), so the monitor is reached by reflection and the messages through protobuf's own descriptors. An SDK
/// that moves them fails with the member it did not find, not with a test that passes on nothing.
/// </remarks>
public class RegisteredRequests : DispatchProxy
{
    private static readonly Assembly Sdk = typeof(Deployment).Assembly;

    private static readonly Method<byte[], byte[]> InvokeCallback = new(
        MethodType.Unary, "pulumirpc.Callbacks", "Invoke", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private object inner = null!;
    private ConcurrentQueue<JsonObject> requests = null!;

    /// <summary>Puts a recorder in front of the current deployment's monitor; call it first in the program.</summary>
    internal static Func<IReadOnlyList<JsonObject>> Install()
    {
        var deployment = typeof(DeploymentInstance).GetProperty("Internal", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(Deployment.Instance)
            ?? throw new InvalidOperationException("Pulumi.DeploymentInstance has no Internal property in this SDK version");
        var field = deployment.GetType().GetField("<Monitor>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{deployment.GetType()} has no Monitor property in this SDK version");
        var proxy = DispatchProxy.Create(Sdk.GetType("Pulumi.IMonitor", throwOnError: true)!, typeof(RegisteredRequests));
        var recorder = (RegisteredRequests)proxy;
        recorder.inner = field.GetValue(deployment)!;
        recorder.requests = new ConcurrentQueue<JsonObject>();
        field.SetValue(deployment, proxy);
        return () => [.. recorder.requests];
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == "RegisterResourceAsync" && args is [_, IMessage request])
        {
            requests.Enqueue(JsonNode.Parse(JsonFormatter.Default.Format(request))!.AsObject());
        }

        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } cause)
        {
            ExceptionDispatchInfo.Throw(cause);
            throw;
        }
    }

    /// <summary>
    /// The options (TransformResourceOptions, as JSON) a child of <paramref name="type"/> ends with after the transforms
    /// <paramref name="registered"/> carries, called in order through the SDK's callback server as the engine calls
    /// them on a component's children.
    /// </summary>
    internal static async Task<JsonObject> TransformedAsync(JsonObject registered, string type)
    {
        var options = new JsonObject();
        var properties = new JsonObject();
        foreach (var callback in registered["transforms"]?.AsArray() ?? [])
        {
            var request = new JsonObject
            {
                ["type"] = type,
                ["name"] = "child",
                ["custom"] = true,
                ["properties"] = properties.DeepClone(),
                ["options"] = options.DeepClone(),
            };
            var invoke = new JsonObject
            {
                ["token"] = (string)callback!["token"]!,
                ["request"] = Convert.ToBase64String(Message("TransformRequest", request).ToByteArray()),
            };

            using var channel = GrpcChannel.ForAddress($"http://{(string)callback["target"]!}");
            var reply = Json("CallbackInvokeResponse", await channel.CreateCallInvoker().AsyncUnaryCall(InvokeCallback, null, default, Message("CallbackInvokeRequest", invoke).ToByteArray()));
            var response = Json("TransformResponse", Convert.FromBase64String((string?)reply["response"] ?? ""));
            if (response["options"] is JsonObject changed)
            {
                options = changed;
                properties = response["properties"] as JsonObject ?? properties;
            }
        }

        return options;
    }

    private static MessageDescriptor Descriptor(string name) =>
        (MessageDescriptor)(Sdk.GetType($"Pulumirpc.{name}", throwOnError: true)!.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    private static IMessage Message(string name, JsonObject json) => JsonParser.Default.Parse(json.ToJsonString(), Descriptor(name));

    private static JsonObject Json(string name, byte[] bytes) =>
        JsonNode.Parse(JsonFormatter.Default.Format(Descriptor(name).Parser.ParseFrom(bytes)))!.AsObject();
}
