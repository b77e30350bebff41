using System.Text;
using System.Text.Json;
using CsCheck;
using EksInfra.Access.Model;
using EksInfra.Access.Rendering;

namespace EksInfra.Access.Tests;

/// <summary>Properties over generated valid stacks, through the whole path: stack file, bind, validate, plan, render, re-parse.</summary>
public class PropertyTests
{
    private const int Iterations = 150;

    private static (StackSpec Spec, AccessPlanResult Result) Evaluate(StackSpec spec)
    {
        var yaml = spec.ToYaml();
        var evaluation = Stacks.EvaluateText(yaml);
        Assert.True(evaluation.IsValid, $"generated stack is invalid:\n{Stacks.Describe(evaluation)}\n{yaml}");
        return (spec, new AccessPlanResult(evaluation.Plan!, Stacks.Render(evaluation.Plan!)));
    }

    public sealed record AccessPlanResult(Planning.AccessPlan Plan, IReadOnlyDictionary<string, string> Files);

    [Fact]
    public void Generated_stacks_are_valid_with_warnings_only()
    {
        var withCompute = 0;
        StackGen.Stack.Sample(spec =>
        {
            var (_, result) = Evaluate(spec);
            withCompute += result.Plan.ComputeIdentities.Count > 1 ? 1 : 0;
        }, iter: Iterations, threads: 1, print: s => s.ToYaml());

        // The generator reaches node groups, extra node roles, Fargate profiles and existing node roles.
        Assert.InRange(withCompute, Iterations / 4, Iterations);
    }

    [Fact]
    public void Aws_auth_reparses_to_exactly_the_models_mappings_node_role_included()
    {
        StackGen.Stack.Where(s => s.UsesConfigMap).Sample(spec =>
        {
            var (_, result) = Evaluate(spec);
            var awsAuth = Reparse.AwsAuth(result.Files[StackRenderer.AwsAuthFile]);
            var expectedRoles = spec.Identities.Where(i => i.Kind != IdentityKind.User)
                .Select(i => new Mapping(spec.AwsAuthArn(i), i.Username, [.. i.Groups.Order(StringComparer.Ordinal)]).Key)
                .Concat(spec.ComputeMappings().Select(m => m.Key))
                .Order(StringComparer.Ordinal);
            Assert.Equal(expectedRoles, awsAuth.Roles.Select(m => (m with { Groups = [.. m.Groups.Order(StringComparer.Ordinal)] }).Key).Order(StringComparer.Ordinal));
            var expectedUsers = spec.Identities.Where(i => i.Kind == IdentityKind.User)
                .Select(i => new Mapping(spec.Arn(i), i.Username, [.. i.Groups.Order(StringComparer.Ordinal)]).Key)
                .Order(StringComparer.Ordinal);
            Assert.Equal(expectedUsers, awsAuth.Users.Select(m => (m with { Groups = [.. m.Groups.Order(StringComparer.Ordinal)] }).Key).Order(StringComparer.Ordinal));
            Assert.Equal(spec.MapAccounts.Order(StringComparer.Ordinal), awsAuth.Accounts.Order(StringComparer.Ordinal));
        }, iter: Iterations, threads: 1, print: s => s.ToYaml());
    }

    [Fact]
    public void Rendered_bytes_do_not_depend_on_input_order()
    {
        Gen.Select(StackGen.Stack, Gen.Int).Sample((spec, seed) =>
        {
            var (_, result) = Evaluate(spec);
            var shuffled = Stacks.EvaluateText(spec.ToYaml(new Random(seed)));
            Assert.True(shuffled.IsValid, Stacks.Describe(shuffled));
            Assert.Equal(result.Files, Stacks.Render(shuffled.Plan!));
        }, iter: Iterations, threads: 1, print: t => t.Item1.ToYaml());
    }

    [Fact]
    public void Access_entries_hold_no_system_group_and_system_masters_becomes_cluster_admin()
    {
        StackGen.Stack.Where(s => s.UsesAccessEntries).Sample(spec =>
        {
            var (_, result) = Evaluate(spec);
            var all = Entries(result);
            var entries = all.Where(e => e.GetProperty("type").GetString() == "STANDARD").ToDictionary(e => e.GetProperty("principalArn").GetString()!);
            Assert.Equal(spec.Identities.Length, entries.Count);

            // Each compute identity EKS does not cover itself gets exactly one entry of its type, with no username or groups;
            // EKS makes the entry of every Fargate profile's role, an existing profile's too.
            var nodeEntries = all.Where(e => e.GetProperty("type").GetString() != "STANDARD").ToList();
            Assert.Equal(
                spec.ComputeEntries().Where(e => e.Type != "FARGATE_LINUX").Select(e => $"{e.Arn} {e.Type}").Order(StringComparer.Ordinal),
                nodeEntries.Select(e => $"{e.GetProperty("principalArn").GetString()} {e.GetProperty("type").GetString()}").Order(StringComparer.Ordinal));
            Assert.All(nodeEntries, e => Assert.False(e.TryGetProperty("username", out _) || e.TryGetProperty("kubernetesGroups", out _)));
            foreach (var identity in spec.Identities)
            {
                var entry = entries[spec.Arn(identity)];
                var groups = entry.GetProperty("kubernetesGroups").EnumerateArray().Select(g => g.GetString()!).ToList();
                Assert.DoesNotContain(groups, g => g.StartsWith("system:", StringComparison.Ordinal));
                Assert.Equal(identity.Groups.Where(g => !g.StartsWith("system:", StringComparison.Ordinal)).Order(StringComparer.Ordinal), groups.Order(StringComparer.Ordinal));
                var policies = entry.GetProperty("associatedAccessPolicies").EnumerateArray()
                    .Select(p => (Name: p.GetProperty("policyArn").GetString()!.Split('/')[^1], Scope: p.GetProperty("accessScope").GetProperty("type").GetString()))
                    .ToList();
                Assert.Equal(identity.Groups.Contains("system:masters"), policies.Contains(("AmazonEKSClusterAdminPolicy", "cluster")));
                Assert.Equal(
                    identity.Policies.Select(p => p.Policy).Concat(identity.Groups.Contains("system:masters") ? ["AmazonEKSClusterAdminPolicy"] : []).Order(StringComparer.Ordinal),
                    policies.Select(p => p.Name).Order(StringComparer.Ordinal));
                Assert.Equal(identity.Username, entry.GetProperty("username").GetString());
            }
        }, iter: Iterations, threads: 1, print: s => s.ToYaml());
    }

    [Fact]
    public void Role_arns_are_path_free_in_aws_auth_and_keep_their_path_in_access_entries()
    {
        StackGen.Stack.Where(s => s.Mode == "API_AND_CONFIG_MAP").Sample(spec =>
        {
            var (_, result) = Evaluate(spec);
            var awsAuth = Reparse.AwsAuth(result.Files[StackRenderer.AwsAuthFile]);
            Assert.All(awsAuth.Roles, r => Assert.Matches(@"^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/[^/]+$", r.Arn));
            var arns = Entries(result).Select(e => e.GetProperty("principalArn").GetString()!).ToHashSet(StringComparer.Ordinal);
            foreach (var identity in spec.Identities)
            {
                Assert.Contains(spec.Arn(identity), arns);
            }

            Assert.All(spec.Identities.Where(i => i.Kind != IdentityKind.User && i.IamPath != "/"), i => Assert.DoesNotContain(spec.AwsAuthArn(i), arns));
        }, iter: Iterations, threads: 1, print: s => s.ToYaml());
    }

    [Fact]
    public void Plan_of_a_valid_model_obeys_the_rules_of_its_mode()
    {
        StackGen.Stack.Sample(spec =>
        {
            var (_, result) = Evaluate(spec);
            var plan = result.Plan;
            Assert.Equal(spec.Mode, plan.Mode.ToConfigValue());
            if (spec.Mode == "CONFIG_MAP")
            {
                Assert.Empty(plan.AccessEntries);
                Assert.Empty(Entries(result));
            }

            if (spec.Mode == "API")
            {
                Assert.Null(plan.AwsAuth);
                Assert.False(result.Files.ContainsKey(StackRenderer.AwsAuthFile));
            }
            else
            {
                var awsAuth = plan.AwsAuth!;
                Assert.Single(awsAuth.MapRoles, r => r.RoleArn == spec.NodeRoleArn && r.Username == KubernetesNames.NodeUsername && r.Groups.SequenceEqual(KubernetesNames.NodeGroups));
                Assert.Equal(awsAuth.MapRoles.Count, awsAuth.MapRoles.Select(r => r.RoleArn).Distinct(StringComparer.OrdinalIgnoreCase).Count());
                Assert.True(Encoding.UTF8.GetByteCount(result.Files[StackRenderer.AwsAuthFile]) <= StackEvaluator.MaxConfigMapBytes);
            }

            Assert.True(plan.AccessEntries.Count + StackEvaluator.AccessEntriesCreatedByEks(plan) <= StackEvaluator.MaxAccessEntries);
            foreach (var entry in plan.AccessEntries)
            {
                Assert.DoesNotContain(KubernetesNames.ReservedUsernamePrefixes, p => entry.Username.StartsWith(p, StringComparison.Ordinal));
                var session = entry.Username.IndexOf("{{SessionName}}", StringComparison.Ordinal);
                Assert.True(session < 0 || entry.Username[..session].Contains(':', StringComparison.Ordinal), entry.Username);
                Assert.DoesNotContain(entry.KubernetesGroups, KubernetesNames.IsSystemGroup);
                Assert.All(entry.AccessPolicies, p => Assert.Contains(p.PolicyName, EksAccessPolicies.Known));
            }

            // Every group anyone is mapped to is bound by RBAC, cluster-wide or in its namespaces.
            var bound = plan.Rbac.ClusterRoleBindings.Select(b => b.Group).Concat(plan.Rbac.RoleBindings.Select(b => b.Group)).ToHashSet(StringComparer.Ordinal);
            Assert.All(spec.Identities.SelectMany(i => i.Groups).Where(g => !KubernetesNames.IsSystemGroup(g)), g => Assert.Contains(g, bound));
            Assert.All(plan.Rbac.RoleBindings, b => Assert.True(KubernetesNames.IsDns1123Label(b.Namespace)));
            Assert.Contains(plan.Principals, p => p.IsClusterAdmin);

            // Every compute identity is one principal of the reports, whatever the mode.
            Assert.Equal(spec.ComputeArns().Order(StringComparer.Ordinal), plan.ComputeIdentities.Select(c => c.RoleArn).Order(StringComparer.Ordinal));
            Assert.All(spec.ComputeArns(), arn => Assert.Single(plan.Principals, p => p.Principal == arn));
            Assert.Empty(PlanInvariants.DuplicateLogicalNames(plan));
        }, iter: Iterations, threads: 1, print: s => s.ToYaml());
    }

    [Fact]
    public void Yaml_and_pulumi_json_entry_points_agree_on_generated_stacks()
    {
        StackGen.Stack.Sample(spec =>
        {
            var yaml = spec.ToYaml();
            var fromYaml = Stacks.ValidPlan(Stacks.EvaluateText(yaml));
            var fromJson = Stacks.ValidPlan(PulumiConfig.Evaluate(yaml));
            Assert.Equal(Stacks.Render(fromYaml), Stacks.Render(fromJson));
        }, iter: 60, threads: 1, print: s => s.ToYaml());
    }

    [Fact]
    public void Mutated_stack_files_never_throw()
    {
        var seed = File.ReadAllText(Repo.StackFile("staging"));
        var edits = Gen.Select(Gen.Int[0, seed.Length - 1], Gen.Int[0, 4], Gen.OneOfConst("[", "]", "{", "}", ":", "-", "\t", "\"", "'", "&a", "*a", "!!int ", "\n", " ", "#", "|", ">", "?", "%", "@", "`", "---\n", "\u00e9", "\0"));
        edits.Array[1, 6].Sample(ops =>
        {
            var text = new StringBuilder(seed);
            foreach (var (position, kind, token) in ops)
            {
                var at = Math.Min(position, text.Length);
                switch (kind)
                {
                    case 0: text.Insert(at, token); break;
                    case 1 when at < text.Length: text.Remove(at, Math.Min(token.Length, text.Length - at)); break;
                    case 2 when at < text.Length: text.Remove(at, 1).Insert(at, token); break;
                    default: text.Insert(at, token + token); break;
                }
            }

            var evaluation = Stacks.EvaluateText(text.ToString());
            Assert.True(evaluation.IsValid || evaluation.Errors.Any(), "invalid without an error");
            if (evaluation.IsValid)
            {
                _ = Stacks.Render(evaluation.Plan!);
            }
        }, iter: 400, threads: 1);
    }

    private static List<JsonElement> Entries(AccessPlanResult result) =>
        Reparse.Json(result.Files[StackRenderer.AccessEntriesFile]).GetProperty("accessEntries").EnumerateArray().ToList();
}
