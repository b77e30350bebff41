using System.Text;
using System.Text.Json;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Tests;

/// <summary>
/// aws-auth as pulumi-eks writes it (js-yaml's dump), against js-yaml 4.2.0's own output for the same mappings
/// (tests/pulumi-eks-aws-auth: cases.json, and expected.json written by its generate.js).
/// </summary>
public class PulumiEksAwsAuthTests
{
    private static readonly string Dir = Path.Combine(Repo.Root, "tests", "pulumi-eks-aws-auth");

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases())
        {
            names.Add(c.GetProperty("name").GetString()!);
        }

        return names;
    }

    private static List<JsonElement> Cases() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json"))).RootElement.EnumerateArray()];

    private static JsonElement Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "expected.json"))).RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static AwsAuthPlan PlanOf(string name)
    {
        var c = Cases().Single(c => c.GetProperty("name").GetString() == name);
        static IReadOnlyList<string> Groups(JsonElement m) => [.. m.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!)];
        var roles = c.GetProperty("roles").EnumerateArray().Select(m => new RoleMappingPlan(m.GetProperty("arn").GetString()!, m.GetProperty("username").GetString()!, Groups(m), MappingSource.Existing, null)).ToList();
        var users = c.GetProperty("users").EnumerateArray().Select(m => new UserMappingPlan(m.GetProperty("arn").GetString()!, m.GetProperty("username").GetString()!, Groups(m))).ToList();
        return new AwsAuthPlan(roles, users, []);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_case_is_written_as_js_yaml_writes_it(string name)
    {
        var plan = PlanOf(name);
        var expected = Expected(name);
        Assert.Equal(expected.GetProperty("mapRoles").GetString(), PulumiEksAwsAuth.MapRoles(plan));
        Assert.Equal(expected.GetProperty("mapUsers").GetString(), PulumiEksAwsAuth.MapUsers(plan));
        var bytes = Encoding.UTF8.GetByteCount(expected.GetProperty("mapRoles").GetString()!) + Encoding.UTF8.GetByteCount(expected.GetProperty("mapUsers").GetString()!);
        Assert.Equal(bytes, PulumiEksAwsAuth.DataBytes(plan));
    }

    [Fact]
    public void What_pulumi_eks_writes_reads_back_as_the_same_mappings()
    {
        foreach (var c in Cases())
        {
            var plan = PlanOf(c.GetProperty("name").GetString()!);
            var roles = (YamlDotNet.RepresentationModel.YamlSequenceNode)Reparse.Yaml(PulumiEksAwsAuth.MapRoles(plan)).Documents[0].RootNode;
            Assert.Equal(plan.MapRoles.Select(r => r.Username), roles.Children.Select(r => Reparse.Str(r, "username")));
            Assert.Equal(plan.MapRoles.Select(r => r.RoleArn), roles.Children.Select(r => Reparse.Str(r, "rolearn")));
            Assert.Equal(plan.MapRoles.SelectMany(r => r.Groups), roles.Children.SelectMany(r => Reparse.Strings(Reparse.Get(r, "groups"))));
        }
    }

    [Fact]
    public void The_seed_stack_is_written_with_its_node_role_last_as_pulumi_eks_appends_instance_roles()
    {
        // The seed case of cases.json is the dev stack's aws-auth: pulumi-eks takes the role mappings, then the node role.
        var plan = Stacks.ValidPlan(Stacks.Shipped("dev")).AwsAuth!;
        Assert.Equal(Expected("seed").GetProperty("mapRoles").GetString(), PulumiEksAwsAuth.MapRoles(plan));
        Assert.Equal(Expected("seed").GetProperty("mapUsers").GetString(), PulumiEksAwsAuth.MapUsers(plan));
    }

    [Fact]
    public void Import_reads_a_live_aws_auth_as_pulumi_eks_wrote_it()
    {
        // What `kubectl get configmap aws-auth -o yaml` shows on a cluster this stack (through pulumi-eks) wrote.
        var plan = PlanOf("long ARNs and names are folded");
        var manifest = Yaml.Emit(Yaml.Map(
            ("apiVersion", Yaml.Str("v1")),
            ("kind", Yaml.Str("ConfigMap")),
            ("metadata", Yaml.Map(("name", Yaml.Str("aws-auth")), ("namespace", Yaml.Str("kube-system")))),
            ("data", Yaml.Map(("mapRoles", Yaml.Block(PulumiEksAwsAuth.MapRoles(plan))), ("mapUsers", Yaml.Block(PulumiEksAwsAuth.MapUsers(plan)))))));
        Assert.Contains("rolearn: >-", manifest, StringComparison.Ordinal);

        var imported = Import.AwsAuthImporter.Import(Encoding.UTF8.GetBytes(manifest), "aws-auth.yaml");
        Assert.Empty(imported.Errors);
        var access = Reparse.Root(imported.AccessBlockYaml!)["config"]["eks-infra:access"];
        var roles = (YamlDotNet.RepresentationModel.YamlSequenceNode)access["mapRoles"];
        Assert.Equal(plan.MapRoles.Select(r => r.RoleArn), roles.Children.Select(r => Reparse.Str(r, "rolearn")));
        Assert.Equal(plan.MapRoles.Select(r => r.Username), roles.Children.Select(r => Reparse.Str(r, "username")));
        Assert.Equal(plan.MapRoles.Select(r => string.Join(",", r.Groups)), roles.Children.Select(r => string.Join(",", Reparse.Strings(Reparse.Get(r, "groups")))));
        var users = (YamlDotNet.RepresentationModel.YamlSequenceNode)access["mapUsers"];
        Assert.Equal(plan.MapUsers.Select(u => u.UserArn), users.Children.Select(u => Reparse.Str(u, "userarn")));
    }
}
