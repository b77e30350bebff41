namespace EksInfra.Access.Tests;

/// <summary>Reordering any list or map in a stack file leaves every rendered byte unchanged.</summary>
public class DeterminismTests
{
    /// <summary>A stack with every kind of list: created roles, mapRoles, mapUsers, mapAccounts, groups, namespaces, policies.</summary>
    public const string Rich = """
        config:
          aws:region: us-west-2
          aws:allowedAccountIds: ["123456789012"]
          eks-infra:cluster:
            name: rich-cluster
            version: "1.35"
            vpcId: vpc-0a1b2c3d
            privateSubnetIds: [subnet-0000000b, subnet-0000000a, subnet-0000000c]
            publicSubnetIds: [subnet-000000f2, subnet-000000f1]
            nodeGroup: { instanceType: t3.large, desiredSize: 2, minSize: 1, maxSize: 4 }
          eks-infra:access:
            authenticationMode: API_AND_CONFIG_MAP
            roles:
              - name: zeta-admin
                username: zeta
                groups: [system:masters]
                assumedBy: ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/break-glass", "arn:aws:iam::123456789012:user/ops"]
              - name: alpha-reader
                path: /teams/
                username: alpha
                groups: [readers, deployers]
            mapRoles:
              - rolearn: arn:aws:iam::123456789012:role/ci/zz-deployer
                username: "ci:{{SessionName}}"
                groups: [deployers, readers]
                accessPolicies:
                  - policy: AmazonEKSViewPolicy
                    namespaces: [web, apps]
                  - policy: AmazonEKSEditPolicy
              - rolearn: arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0123456789abcdef
                username: "sso:{{SessionName}}"
                groups: [readers]
              - rolearn: arn:aws:iam::123456789012:role/aa-auditor
                username: auditor
                groups: [auditors]
            mapUsers:
              - userarn: arn:aws:iam::123456789012:user/zed
                username: zed
                groups: [readers, auditors]
              - userarn: arn:aws:iam::123456789012:user/people/amy
                username: amy
                groups: [deployers]
            mapAccounts: ["444455556666", "111122223333"]
            groups:
              readers: { clusterRole: read-only }
              deployers: { clusterRole: edit, namespaces: [web, apps, jobs] }
              auditors: { clusterRole: view, namespaces: [kube-system, apps] }
        """;

    public static TheoryData<string> StackTexts() => new()
    {
        File.ReadAllText(Repo.StackFile("dev")),
        File.ReadAllText(Repo.StackFile("staging")),
        File.ReadAllText(Repo.StackFile("prod")),
        Rich,
    };

    [Theory]
    [MemberData(nameof(StackTexts))]
    public void Reversing_every_list_and_map_leaves_the_rendered_bytes_unchanged(string yaml)
    {
        var original = Stacks.Render(Stacks.ValidPlanOf(yaml));
        var reversed = YamlReorder.Reverse(yaml);
        Assert.NotEqual(yaml, reversed);
        Assert.Equal(original, Stacks.Render(Stacks.ValidPlanOf(reversed)));
    }

    [Theory]
    [MemberData(nameof(StackTexts))]
    public void Shuffling_every_list_and_map_leaves_the_rendered_bytes_unchanged(string yaml)
    {
        var original = Stacks.Render(Stacks.ValidPlanOf(yaml));
        for (var seed = 1; seed <= 10; seed++)
        {
            Assert.Equal(original, Stacks.Render(Stacks.ValidPlanOf(YamlReorder.Shuffle(yaml, seed))));
        }
    }

    [Fact]
    public void Rich_stack_renders_what_it_declares()
    {
        var files = Stacks.Render(Stacks.ValidPlanOf(Rich));
        var awsAuth = Reparse.AwsAuth(files["aws-auth.yaml"]);
        Assert.Equal(["111122223333", "444455556666"], awsAuth.Accounts.Order(StringComparer.Ordinal));
        Assert.Contains(awsAuth.Roles, r => r.Arn == "arn:aws:iam::123456789012:role/alpha-reader" && r.Groups.Order(StringComparer.Ordinal).SequenceEqual(["deployers", "readers"]));
        Assert.Contains(awsAuth.Roles, r => r.Arn == "arn:aws:iam::123456789012:role/AWSReservedSSO_Dev_0123456789abcdef");
        Assert.Contains(awsAuth.Users, u => u.Arn == "arn:aws:iam::123456789012:user/people/amy");
        var entries = Reparse.Json(files["access-entries.json"]).GetProperty("accessEntries").EnumerateArray().ToList();
        var ci = entries.Single(e => e.GetProperty("principalArn").GetString() == "arn:aws:iam::123456789012:role/ci/zz-deployer");
        var policies = ci.GetProperty("associatedAccessPolicies").EnumerateArray().ToDictionary(p => p.GetProperty("policyArn").GetString()!.Split('/')[^1]);
        Assert.Equal("cluster", policies["AmazonEKSEditPolicy"].GetProperty("accessScope").GetProperty("type").GetString());
        var view = policies["AmazonEKSViewPolicy"].GetProperty("accessScope");
        Assert.Equal("namespace", view.GetProperty("type").GetString());
        Assert.Equal(["apps", "web"], view.GetProperty("namespaces").EnumerateArray().Select(n => n.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(entries, e => e.GetProperty("principalArn").GetString() == "arn:aws:iam::123456789012:role/teams/alpha-reader");
    }
}
