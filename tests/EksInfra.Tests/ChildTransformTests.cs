using System.Collections;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pulumi;

namespace EksInfra.Tests;

/// <summary>
/// The transforms on pulumi-eks's children as the engine runs them, which the mock engine never does: through the SDK's
/// own callback (Deployment.AllocateTransform, reached by reflection), with a TransformRequest as the engine sends it
/// (an unknown input is Pulumi's unknown sentinel), reading the TransformResponse the engine uses in place of the
/// child's inputs when it holds any.
/// </summary>
public sealed class ChildTransformTests
{
    /// <summary>Pulumi's sentinel for an unknown value (the SDK's Constants.UnknownValue, the engine's UnknownStringValue).</summary>
    private const string Unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    private static Struct AccessEntry(string principalArn)
    {
        var props = new Struct();
        props.Fields["clusterName"] = Value.ForString("my-cluster");
        props.Fields["principalArn"] = Value.ForString(principalArn);
        props.Fields["type"] = Value.ForString("STANDARD");
        props.Fields["userName"] = Value.ForString("eks-admin");
        props.Fields["kubernetesGroups"] = Value.ForList(Value.ForString("readers"));
        return props;
    }

    private static Struct Cluster(string roleArn, string securityGroup)
    {
        var vpc = new Struct();
        vpc.Fields["endpointPrivateAccess"] = Value.ForBool(true);
        vpc.Fields["securityGroupIds"] = Value.ForList(Value.ForString(securityGroup));
        vpc.Fields["subnetIds"] = Value.ForList(Value.ForString("subnet-0a1b2c3d4e5f60001"));
        var props = new Struct();
        props.Fields["name"] = Value.ForString("prod-cluster");
        props.Fields["roleArn"] = Value.ForString(roleArn);
        props.Fields["vpcConfig"] = Value.ForStruct(vpc);
        return props;
    }

    /// <summary>
    /// In a preview pulumi-eks registers the entry of a role the same run creates with principalArn unknown. An answer would
    /// drop it (the SDK reads unknown as null and leaves null keys out) and the AWS provider would fail the preview on the
    /// missing required argument; no answer keeps the child's own inputs.
    /// </summary>
    [Fact]
    public async Task In_a_preview_a_child_with_an_unknown_input_keeps_its_own_inputs()
    {
        var entry = await RoundTripAsync(AccessReplacement.DeleteFirst(dryRun: true), AccessReplacement.AccessEntryType, AccessEntry(Unknown));
        Assert.Null(entry.Properties);
        Assert.Null(entry.Options);

        var cluster = await RoundTripAsync(Protection.ProtectEksCluster(dryRun: true), Protection.EksClusterType, Cluster("arn:aws:iam::123456789012:role/prod-eks-cluster-role", Unknown));
        Assert.Null(cluster.Properties);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_child_whose_inputs_are_known_gets_them_back_unchanged_with_the_option_set(bool dryRun)
    {
        var sent = AccessEntry("arn:aws:iam::123456789012:role/eks-admin-role");
        var entry = await RoundTripAsync(AccessReplacement.DeleteFirst(dryRun), AccessReplacement.AccessEntryType, sent);
        Assert.Equal(sent, entry.Properties);
        Assert.True(entry.Option("DeleteBeforeReplace"));

        var clusterSent = Cluster("arn:aws:iam::123456789012:role/prod-eks-cluster-role", "sg-0a1b2c3d4e5f60718");
        var cluster = await RoundTripAsync(Protection.ProtectEksCluster(dryRun), Protection.EksClusterType, clusterSent);
        Assert.Equal(clusterSent, cluster.Properties);
        Assert.True(cluster.Option("Protect"));
    }

    /// <summary>Where the apply runs every input is known; an unknown there is not kept from the transform.</summary>
    [Fact]
    public async Task Outside_a_preview_the_transform_always_answers()
    {
        var entry = await RoundTripAsync(AccessReplacement.DeleteFirst(dryRun: false), AccessReplacement.AccessEntryType, AccessEntry(Unknown));
        Assert.True(entry.Option("DeleteBeforeReplace"));
    }

    /// <summary>The response's properties, and its options read by name (the SDK's protobuf types are internal).</summary>
    private sealed record Response(Struct? Properties, object? Options)
    {
        public bool Option(string name) => (bool)Options!.GetType().GetProperty(name)!.GetValue(Options)!;
    }

    /// <summary>Runs one transform through the SDK's callback wrapper, as the engine calls it for a child.</summary>
    private static async Task<Response> RoundTripAsync(ResourceTransform transform, string type, Struct properties)
    {
        var sdk = typeof(Deployment).Assembly;
        var callbacksType = sdk.GetType("Pulumi.Callbacks", throwOnError: true)!;
        var callbacks = Activator.CreateInstance(callbacksType, BindingFlags.Public | BindingFlags.Instance, null, [Task.FromResult("127.0.0.1:0"), null], null)!;
        var allocate = typeof(Deployment).GetMethod("AllocateTransform", BindingFlags.NonPublic | BindingFlags.Static)!;
        var allocated = (Task)allocate.Invoke(null, [callbacks, transform])!;
        await allocated;
        var registered = allocated.GetType().GetProperty("Result")!.GetValue(allocated)!;
        var token = (string)registered.GetType().GetProperty("Token")!.GetValue(registered)!;
        var table = (IDictionary)callbacksType.GetField("_callbacks", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(callbacks)!;
        var callback = (Delegate)table[token]!;

        var requestType = sdk.GetType("Pulumirpc.TransformRequest", throwOnError: true)!;
        var request = (IMessage)Activator.CreateInstance(requestType)!;
        requestType.GetProperty("Type")!.SetValue(request, type);
        requestType.GetProperty("Name")!.SetValue(request, "child");
        requestType.GetProperty("Custom")!.SetValue(request, true);
        requestType.GetProperty("Parent")!.SetValue(request, "urn:pulumi:dev::eks-infra::eks-infra:cluster:EksCluster$eks:index:Cluster::my-cluster-eks");
        requestType.GetProperty("Properties")!.SetValue(request, properties);
        requestType.GetProperty("Options")!.SetValue(request, Activator.CreateInstance(sdk.GetType("Pulumirpc.TransformResourceOptions", throwOnError: true)!));

        var invoked = (Task)callback.DynamicInvoke(request.ToByteString(), CancellationToken.None)!;
        await invoked;
        var response = invoked.GetType().GetProperty("Result")!.GetValue(invoked)!;
        var responseType = response.GetType();
        return new Response((Struct?)responseType.GetProperty("Properties")!.GetValue(response), responseType.GetProperty("Options")!.GetValue(response));
    }
}
