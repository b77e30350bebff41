using System.Text.Json.Nodes;
using EksInfra.Access.Authorization;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Tests;

/// <summary>
/// In CONFIG_MAP EKS makes the cluster creator system:masters outside aws-auth, and other users "can't manage or remove
/// the initial user" (EKS User Guide, grant-k8s-access): a mapping of the creator in aws-auth does not lower it, so the
/// reports must not show it as only what the mapping says.
/// </summary>
public class MappedCreatorTests
{
    private const string Deployer = "arn:aws:iam::123456789012:role/ci/deployer";

    /// <summary>The minimal stack, whose ci/deployer role aws-auth maps to edit, named as the cluster creator as well.</summary>
    private static string CreatorMapped(string mode = "CONFIG_MAP") =>
        Stacks.Minimal(mode).Replace("    name: my-cluster\n", $"    name: my-cluster\n    deployerArn: {Deployer}\n", StringComparison.Ordinal);

    private static IReadOnlyList<CanAnswer> Ask(string stack, string verb, string resource)
    {
        var question = CanQuestion.Parse(verb, resource, null, null, out var error);
        Assert.True(question is not null, error);
        return CanReport.Who(ModelAccess.Of(Stacks.ValidPlanOf(stack)), question);
    }

    [Fact]
    public void Can_lists_a_creator_mapped_in_aws_auth_as_system_masters_too()
    {
        var creator = Assert.Single(Ask(CreatorMapped(), "delete", "nodes"), a => a.Principal == Deployer);

        Assert.Contains(creator.Paths, p => p.Contains("system:masters", StringComparison.Ordinal));
        Assert.Equal(ModelAccess.MappedCreatorNote, creator.Note);
        Assert.Equal("ci-deployer", creator.Username);
        Assert.Contains("not documented, so both are counted", creator.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_says_the_mapped_creator_is_listed_and_counts_it_in_system_masters()
    {
        var table = WhoReport.Render(Stacks.ValidPlanOf(CreatorMapped()), ReportFormat.Table);

        Assert.DoesNotContain("Not listed", table, StringComparison.Ordinal);
        Assert.Contains($"Listed above as aws-auth maps it: the cluster creator ({Deployer}), whom EKS makes system:masters itself, outside aws-auth", table, StringComparison.Ordinal);
        Assert.Contains("2 principals in system:masters", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Who_json_marks_the_mapped_creator_as_bypassing_rbac_and_says_it_is_listed()
    {
        var json = JsonNode.Parse(WhoReport.Render(Stacks.ValidPlanOf(CreatorMapped()), ReportFormat.Json))!;

        var row = json["principals"]!.AsArray().Single(p => p!["principal"]!.GetValue<string>() == Deployer)!;
        Assert.True(row["bypassesRbac"]!.GetValue<bool>());
        Assert.True(row["clusterAdmin"]!.GetValue<bool>());
        Assert.Equal(Deployer, json["clusterCreator"]!["principal"]!.GetValue<string>());
        Assert.True(json["clusterCreator"]!["listed"]!.GetValue<bool>());
    }

    [Fact]
    public void A_creator_that_is_not_mapped_is_still_reported_as_not_listed()
    {
        var stack = Stacks.Minimal("CONFIG_MAP").Replace("    name: my-cluster\n", "    name: my-cluster\n    deployerArn: arn:aws:iam::123456789012:role/ci/other\n", StringComparison.Ordinal);
        var plan = Stacks.ValidPlanOf(stack);

        var json = JsonNode.Parse(WhoReport.Render(plan, ReportFormat.Json))!;
        Assert.False(json["clusterCreator"]!["listed"]!.GetValue<bool>());
        Assert.False(json["principals"]!.AsArray().Single(p => p!["principal"]!.GetValue<string>() == Deployer)!["bypassesRbac"]!.GetValue<bool>());
        Assert.Contains("Not listed: the cluster creator (arn:aws:iam::123456789012:role/ci/other)", WhoReport.Render(plan, ReportFormat.Table), StringComparison.Ordinal);
        Assert.Equal(ModelAccess.ConfigMapCreatorNote, Assert.Single(Ask(stack, "delete", "nodes"), a => a.Principal == "arn:aws:iam::123456789012:role/ci/other").Note);
    }

    [Fact]
    public void Check_warns_that_mapping_the_creator_in_config_map_does_not_limit_it()
    {
        var evaluation = Stacks.EvaluateText(CreatorMapped());

        Assert.True(evaluation.IsValid, Stacks.Describe(evaluation));
        var warning = Assert.Single(evaluation.Warnings, w => w.Message.Contains("cluster creator", StringComparison.Ordinal));
        Assert.Equal("eks-infra:access.mapRoles[0].rolearn", warning.Path);
        Assert.Contains("eks-infra:cluster.deployerArn", warning.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be relied on to limit it", warning.Message, StringComparison.Ordinal);
        Assert.Contains("remove the mapping", warning.Message, StringComparison.Ordinal);
    }
}
