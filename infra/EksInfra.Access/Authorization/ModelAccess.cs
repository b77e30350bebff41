using EksInfra.Access.Model;
using EksInfra.Access.Planning;

namespace EksInfra.Access.Authorization;

/// <summary>The identities a stack's plan gives its principals, as the cluster will see them, and its RBAC.</summary>
public sealed record ModelAccess(IReadOnlyList<AccessSubject> Subjects, Authorizer Authorizer, IReadOnlyList<string> Notes)
{
    private IReadOnlyDictionary<string, List<string>> notesAbout = new Dictionary<string, List<string>>(StringComparer.Ordinal);
    private IReadOnlyList<string> notesForEveryone = [];

    /// <summary>
    /// The notes that bear on what one principal may do: those about it (an external group, a policy or a role whose
    /// rules the tool lacks), the cluster creator left unnamed (it may be this principal, then cluster admin), and the
    /// built-in roles read as of a newer Kubernetes than the stack's. Notes about other principals, the compute
    /// identities among them, are left out: printed beside one principal's permissions they would read as its own.
    /// </summary>
    public IReadOnlyList<string> NotesFor(string principal) =>
        [.. notesAbout.GetValueOrDefault(principal) ?? [], .. notesForEveryone];

    /// <summary>
    /// The username EKS gives an access entry made without one (EKS User Guide, "Create access entries"): a role's
    /// assumed-role ARN with the session name, a user's own ARN.
    /// </summary>
    public static string CreatorUsername(string principalArn) =>
        Arns.TryParse(principalArn, out var arn, out _) && arn.Kind == PrincipalKind.Role
            ? $"arn:{arn.Partition}:sts::{arn.AccountId}:assumed-role/{arn.Name}/{{{{SessionName}}}}"
            : principalArn;

    private const string ByAccessEntry = "cluster admin through an access entry of its own";

    /// <summary>
    /// EKS User Guide, "Add IAM principals to your Amazon EKS cluster" (auth-configmap): in CONFIG_MAP the principal that
    /// creates the cluster "is automatically granted system:masters permissions" and "doesn't appear in any visible configuration".
    /// </summary>
    private const string OutsideAwsAuth = "system:masters itself, outside aws-auth";

    public const string CreatorNote = "the cluster creator: EKS makes it " + ByAccessEntry;

    public const string ConfigMapCreatorNote = "the cluster creator: EKS makes it " + OutsideAwsAuth;

    /// <summary>
    /// The authenticator applies the first mapping that matches (aws-iam-authenticator pkg/server/server.go, doMapping),
    /// never two together, and EKS does not document whether its own creator mapping or aws-auth's comes first: a
    /// security report takes the larger, so the row holds both mappings' groups, and the mapping is no limit to rely on.
    /// </summary>
    public const string MappedCreatorNote = ConfigMapCreatorNote + "; whether EKS applies that or its aws-auth mapping is not documented, so both are counted";

    /// <summary>
    /// The principal of <paramref name="plan"/> that is its cluster creator (deployerArn) and is mapped in aws-auth as well,
    /// or null. Only CONFIG_MAP has one: in the access-entry modes mapping the creator again is refused.
    /// </summary>
    public static PrincipalAccess? MappedCreator(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return !plan.Mode.UsesAccessEntries() && plan.Cluster.DeployerArn is { } deployer && Arns.PrincipalKey(deployer) is var key
            ? plan.Principals.FirstOrDefault(p => Arns.PrincipalKey(p.Principal) == key)
            : null;
    }

    /// <summary>What EKS makes the cluster creator in <paramref name="mode"/>, as the reports word it.</summary>
    public static string HowEksMakesCreatorAdmin(AuthenticationMode mode) => mode.UsesAccessEntries() ? ByAccessEntry : OutsideAwsAuth;

    /// <summary>
    /// What an account in aws-auth's mapAccounts gives its principals. aws-iam-authenticator v0.7.18 pkg/server/server.go
    /// doMapping: a caller no mapping names, of an allowed account, gets <c>return identity.CanonicalARN, []string{}, nil</c>;
    /// where access entries exist, the caller's entry is read first.
    /// </summary>
    public static string MappedAccountNote(string account, AuthenticationMode mode) =>
        $"Every IAM principal of account {account} (mapAccounts) that {(mode.UsesAccessEntries() ? "no access entry and no aws-auth mapping names" : "aws-auth does not map")} authenticates with its ARN (a role's without its path) as username and no groups, so it holds what system:authenticated holds.";

    /// <summary>
    /// What the authenticator makes of <paramref name="principalArn"/> when no mapping names it but mapAccounts lists its
    /// account (doMapping, as <see cref="MappedAccountNote"/> says), or null when no listed account holds it.
    /// </summary>
    public static AccessSubject? ViaMappedAccount(AccessPlan plan, string principalArn)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(principalArn);
        if (plan.AwsAuth?.MapAccounts is not { Count: > 0 } accounts || !Arns.TryParse(Arns.RoleOfSession(principalArn) ?? principalArn, out var arn, out _)
            || !accounts.Contains(arn.AccountId, StringComparer.Ordinal) || arn.Partition != plan.Cluster.Partition)
        {
            return null;
        }

        // The authenticator's canonical ARN: an assumed role's is its role's, without the path; a user's is as IAM shows it.
        var username = arn.Kind == PrincipalKind.Role ? arn.WithoutPath : arn.Full;
        return new AccessSubject(username, "account in mapAccounts", username, [], [], $"no mapping names it; its account {arn.AccountId} is in mapAccounts");
    }

    /// <summary>The Kubernetes version of Authorization/builtin-cluster-roles.json (see its source).</summary>
    public static string RoleDataVersion => $"Kubernetes 1.{RoleDataMinor}";

    private const int RoleDataMinor = 35;

    /// <summary>The stack's version when it is an older 1.N than the role data's, or null.</summary>
    private static string? OlderThanRoleData(string? version) =>
        Platform.EksVersions.MinorOf(version) < RoleDataMinor ? version : null;

    /// <summary>How reports name the creator's username in CONFIG_MAP, which EKS keeps to itself.</summary>
    public const string ConfigMapCreatorUsername = "(EKS's own mapping, not in aws-auth)";

    /// <summary>What a report says when the stack does not name its cluster creator, who is cluster admin all the same.</summary>
    public static string CreatorNotListed(AuthenticationMode mode) =>
        $"The cluster creator is not listed (set eks-infra:cluster.deployerArn to name it): EKS makes it {HowEksMakesCreatorAdmin(mode)}.";

    /// <summary>
    /// In the access-entry modes EKS uses the access entry where one exists (and the plan makes one for every
    /// principal), so a principal is what its entry says: system:masters is there an AmazonEKSClusterAdminPolicy
    /// association. In CONFIG_MAP, aws-auth's username and groups. Compute identities (node group, Karpenter,
    /// self-managed and Fargate roles) are left out: their permissions come from the Node authorizer and
    /// system:nodes, which this tool does not model.
    /// </summary>
    public static ModelAccess Of(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var subjects = new List<AccessSubject>();
        var kinds = plan.Principals.ToDictionary(p => p.Principal, p => p.Kind, StringComparer.Ordinal);
        var compute = plan.ComputeIdentities.Select(c => c.RoleArn).Append(plan.NodeRole.Arn).ToHashSet(StringComparer.Ordinal);
        if (plan.Mode.UsesAccessEntries())
        {
            var masters = plan.Principals.Where(p => p.FromSystemMasters).Select(p => p.Principal).ToHashSet(StringComparer.Ordinal);
            subjects.AddRange(plan.AccessEntries.Where(e => !compute.Contains(e.PrincipalArn)).Select(e => new AccessSubject(
                e.PrincipalArn,
                kinds.GetValueOrDefault(e.PrincipalArn, "role"),
                e.Username,
                e.KubernetesGroups,
                [.. e.AccessPolicies.Select(p => new PolicyAssociation(p.PolicyName, p.Scope))],
                masters.Contains(e.PrincipalArn) ? "the model's system:masters, carried by its access entry as AmazonEKSClusterAdminPolicy" : null)));
            if (plan.Cluster.DeployerArn is { } deployer)
            {
                subjects.Add(new AccessSubject(deployer, "cluster creator", CreatorUsername(deployer), [], [new PolicyAssociation(EksAccessPolicies.ClusterAdmin, AccessScopePlan.Cluster)], CreatorNote));
            }
        }
        else
        {
            var mappedCreator = MappedCreator(plan);
            subjects.AddRange(plan.Principals
                .Where(p => !compute.Contains(p.Principal))
                .Select(p => p == mappedCreator
                    ? new AccessSubject(p.Principal, p.Kind, p.Username, ClusterRbac.HasGroup(p.Groups, KubernetesNames.SystemMasters) ? p.Groups : [.. p.Groups, KubernetesNames.SystemMasters], [], MappedCreatorNote)
                    : new AccessSubject(p.Principal, p.Kind, p.Username, p.Groups, [])));
            if (plan.Cluster.DeployerArn is { } deployer && !subjects.Any(s => s.Note == MappedCreatorNote))
            {
                subjects.Add(new AccessSubject(deployer, "cluster creator", ConfigMapCreatorUsername, [KubernetesNames.SystemMasters], [], ConfigMapCreatorNote));
            }
        }

        var about = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var forEveryone = new List<string>();
        var notes = new List<string>
        {
            compute.Count == 1
                ? $"{plan.NodeRole.Arn} (the node role) is not evaluated: nodes are authorized by the Node authorizer and system:nodes."
                : $"{compute.Count} compute identities (node, Karpenter, self-managed and Fargate roles; `who` lists them) are not evaluated: nodes are authorized by the Node authorizer and system:nodes.",
        };
        // eks-access-policies.json holds the rules of the policies for people; a principal holding another
        // may be allowed more than the reports show, and saying "nothing" or leaving it out would be wrong.
        // The same holds for a binding to a ClusterRole the cluster has but whose rules the tool lacks.
        var authorizer = new Authorizer(ClusterRbac.OfPlan(plan));
        var external = plan.Principals.SelectMany(p => p.Grants).Where(g => g.Via == GrantVia.ExternalBinding).Select(g => g.Target).ToHashSet(StringComparer.Ordinal);
        foreach (var subject in subjects.OrderBy(s => s.Principal, StringComparer.Ordinal))
        {
            if (subject.Groups.Where(external.Contains).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } groups)
            {
                About(subject.Principal, $"{subject.Principal} is in {string.Join(", ", groups)}, which another tool binds (externalGroups), so what {(groups.Count == 1 ? "it allows" : "they allow")} is not evaluated here.");
            }

            foreach (var policy in subject.Policies.Where(p => !RbacData.AccessPolicies.ContainsKey(p.PolicyName)).Select(p => p.PolicyName).Distinct(StringComparer.Ordinal))
            {
                About(subject.Principal, $"{subject.Principal} holds {policy}, whose rules are not in this tool's table (Authorization/eks-access-policies.json holds those of the policies for people), so what it allows is not evaluated here.");
            }

            foreach (var binding in authorizer.BindingsOf(subject).Where(authorizer.Rbac.RulesNotKnown))
            {
                About(subject.Principal, $"{subject.Principal} is bound to {binding.RoleDisplay} ({binding.Display}), whose rules are not in this tool's table (Kubernetes' controller roles and EKS's eks: roles have none it can cite), so what it allows is not evaluated here.");
            }
        }

        notes.AddRange((plan.AwsAuth?.MapAccounts ?? []).Select(a => MappedAccountNote(a, plan.Mode)));

        if (plan.Cluster.DeployerArn is null)
        {
            ForEveryone(CreatorNotListed(plan.Mode));
        }

        if (OlderThanRoleData(plan.Cluster.KubernetesVersion) is { } version)
        {
            ForEveryone($"Kubernetes' built-in roles (admin, edit, view, system:*) are evaluated as of {RoleDataVersion}; on {version} they grant less, such as events.k8s.io events in view and edit (added in 1.35) and resource.k8s.io claims in edit (1.34).");
        }

        return new ModelAccess([.. subjects.OrderBy(s => s.Principal, StringComparer.Ordinal)], authorizer, notes) { notesAbout = about, notesForEveryone = forEveryone };

        void About(string principal, string note)
        {
            notes.Add(note);
            (about.TryGetValue(principal, out var list) ? list : about[principal] = []).Add(note);
        }

        void ForEveryone(string note)
        {
            notes.Add(note);
            forEveryone.Add(note);
        }
    }
}
