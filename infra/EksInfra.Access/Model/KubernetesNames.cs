using System.Text.RegularExpressions;

namespace EksInfra.Access.Model;

/// <summary>The naming rules of Kubernetes and of EKS access entries that the model must respect.</summary>
public static partial class KubernetesNames
{
    public const string SystemMasters = "system:masters";

    /// <summary>The user and group Kubernetes gives a request no authenticator takes ("Anonymous requests").</summary>
    public const string Anonymous = "system:anonymous";

    public const string AllUnauthenticated = "system:unauthenticated";

    /// <summary>The label on every Kubernetes object the stack writes, so a reader of the cluster can tell where it came from.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "eks-infra";
    public const string NodeUsername = "system:node:{{EC2PrivateDNSName}}";
    public static readonly IReadOnlyList<string> NodeGroups = ["system:bootstrappers", "system:nodes"];

    /// <summary>AWS, "Deploy Windows nodes on EKS clusters": a Windows node role also needs this group, or kube-proxy cannot start.</summary>
    public const string KubeProxyWindows = "eks:kube-proxy-windows";

    public static readonly IReadOnlyList<string> WindowsNodeGroups = [KubeProxyWindows, "system:bootstrappers", "system:nodes"];

    /// <summary>AWS, "Amazon EKS Pod execution IAM role": Fargate's kubelet registers under the session name.</summary>
    public const string FargateUsername = "system:node:{{SessionName}}";

    public static readonly IReadOnlyList<string> FargateGroups = ["system:bootstrappers", "system:node-proxier", "system:nodes"];

    /// <summary>The user-facing ClusterRoles every cluster has, offered first in suggestions (the full set: <see cref="Platform.KubernetesClusterRoles"/>).</summary>
    public static IReadOnlyList<string> BuiltInClusterRoles => Platform.KubernetesClusterRoles.UserFacing;

    /// <summary>
    /// Username prefixes EKS access entries refuse. Source: EKS User Guide, "Create access entries" (and "Set a custom
    /// username for EKS access entries"): a username "can't start with system:, eks:, aws:, amazon:, or iam:".
    /// </summary>
    public static readonly IReadOnlyList<string> ReservedUsernamePrefixes = ["system:", "eks:", "aws:", "amazon:", "iam:"];

    /// <summary>
    /// The templates the authenticator fills in a username. Source: aws-iam-authenticator pkg/server/server.go
    /// (renderTemplate: {{AccountID}}, {{SessionName}}, {{SessionNameRaw}}, {{EC2PrivateDNSName}}, {{AccessKeyID}}),
    /// and README.md, "Full Configuration Format".
    /// </summary>
    public static readonly IReadOnlyList<string> UsernameTemplates = [AccountIdTemplate, "{{SessionName}}", "{{SessionNameRaw}}", "{{EC2PrivateDNSName}}", "{{AccessKeyID}}"];

    /// <summary>The one template the caller's ARN fixes: renderTemplate fills it with the caller's account (GetCallerIdentity's Account), which is the mapped ARN's.</summary>
    public const string AccountIdTemplate = "{{AccountID}}";

    /// <summary>A username or group as the authenticator renders it for a caller of <paramref name="account"/> (server.go renderTemplate: every {{AccountID}} becomes the caller's account).</summary>
    public static string WithAccountId(string text, string account)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace(AccountIdTemplate, account, StringComparison.Ordinal);
    }

    /// <summary>
    /// The first template <paramref name="name"/> holds, or null: aws-iam-authenticator pkg/server/server.go renderTemplates
    /// fills a mapping's groups as it fills its username, per request, so a group holding one is never the name as written.
    /// </summary>
    public static string? TemplateIn(string name) => UsernameTemplates.FirstOrDefault(t => name.Contains(t, StringComparison.Ordinal));

    /// <summary>
    /// The session templates EKS access entries want a ':' before. Source: EKS User Guide, "Create access entries":
    /// "If you add either {{SessionName}} or {{SessionNameRaw}} to your username, the username must include a colon
    /// before {{SessionName}}".
    /// </summary>
    public static readonly IReadOnlyList<string> SessionTemplates = ["{{SessionName}}", "{{SessionNameRaw}}"];

    public static bool IsSystemGroup(string group) => HasSystemPrefix(group);

    /// <summary>The prefix Kubernetes keeps for its own users, groups and RBAC objects.</summary>
    public static bool HasSystemPrefix(string name) => name.StartsWith("system:", StringComparison.Ordinal);

    /// <summary>
    /// A namespace name: a DNS-1123 label, at most 63 characters. Source: Kubernetes pkg/apis/core/validation
    /// ValidateNamespaceName = apimachinery ValidateNamespaceName → validation.IsDNS1123Label.
    /// </summary>
    public static bool IsDns1123Label(string name) => name.Length is > 0 and <= 63 && Dns1123Label().IsMatch(name);

    /// <summary>What <see cref="IsDns1123Label"/> asks of a namespace name, for every message that refuses one.</summary>
    public const string NamespaceNameRule = "a namespace is a DNS-1123 label: up to 63 lower-case letters, digits and '-', starting and ending with a letter or digit";

    /// <summary>
    /// A namespace in an EKS access-policy scope: a namespace name, or a name's beginning followed by '*'.
    /// Source: EKS User Guide, "Associate access policies with access entries": "You can use wildcard characters for
    /// a namespace name. For example, ... all namespaces that start with dev-, you can specify dev-* as a namespace
    /// name." The trailing form is the one documented; a '*' elsewhere is refused, as no page says what it means.
    /// </summary>
    public static bool IsAccessScopeNamespace(string name) =>
        IsDns1123Label(name) || (name.Length is > 1 and <= 63 && name[^1] == '*' && NamespacePrefix().IsMatch(name[..^1]));

    /// <summary>
    /// Kubernetes checks a group name only for being non-empty (pkg/apis/rbac/validation validateRoleBindingSubject,
    /// GroupKind). This tool names each group's binding eks-infra:GROUP, and a binding name is a path segment
    /// name (see <see cref="IsValidRbacName"/>): so a group name may not hold '/' or '%'.
    /// </summary>
    public static bool IsValidGroupName(string name) => name.Length > 0 && IsValidRbacName(name);

    /// <summary>
    /// The name of a Role, ClusterRole or binding. Source: Kubernetes pkg/apis/rbac/validation/validation.go,
    /// minimalNameRequirements = apimachinery pkg/api/validation/path.IsValidPathSegmentName: not "." or "..",
    /// and no '/' or '%'. Any other character, upper case included, is accepted.
    /// </summary>
    public static bool IsValidRbacName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.AsSpan().IndexOfAny('/', '%') < 0;

    public static bool IsValidClusterRoleName(string name) => IsValidRbacName(name);

    /// <summary>The <c>{{...}}</c> templates of a username, leftmost first and not overlapping (as the pattern <c>\{\{[^}]*\}\}</c> finds them).</summary>
    public static IEnumerable<string> TemplatesIn(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return Found(username);

        static IEnumerable<string> Found(string username)
        {
            for (var start = 0; NextTemplate(username, ref start, out var template);)
            {
                yield return username[template];
            }
        }
    }

    /// <summary>
    /// The next template of <paramref name="username"/> from <paramref name="start"/>, which moves past it. A template
    /// is "{{", any characters but '}', and "}}": at a "{{" whose first '}' is not doubled there is none, and the
    /// search goes on from the next character.
    /// </summary>
    internal static bool NextTemplate(string username, ref int start, out Range template)
    {
        while (start < username.Length)
        {
            var open = username.IndexOf("{{", start, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            var close = username.IndexOf('}', open + 2);
            if (close >= 0 && close + 1 < username.Length && username[close + 1] == '}')
            {
                template = open..(close + 2);
                start = close + 2;
                return true;
            }

            start = open + 1;
        }

        template = default;
        start = username.Length;
        return false;
    }

    /// <summary>Kebab-case form for Pulumi logical names: lower case, runs of other characters become one dash.</summary>
    public static string Kebab(string text) =>
        System.Text.Ascii.IsValid(text) ? AsciiKebab(text) : NonKebab().Replace(text.ToLowerInvariant(), "-").Trim('-');

    /// <summary>
    /// <see cref="Kebab"/> of ASCII text, in one pass: invariant lower-casing changes only A-Z there, each run of
    /// characters other than [a-z0-9] becomes one dash, and runs at either end go (the trim). A name that is kebab case
    /// already (most are) comes back as it is, with nothing allocated.
    /// </summary>
    private static string AsciiKebab(string text)
    {
        const int StackLimit = 256;
        Span<char> kebab = text.Length <= StackLimit ? stackalloc char[StackLimit] : new char[text.Length];
        var length = 0;
        var dashPending = false;
        foreach (var c in text)
        {
            var lower = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            if (char.IsAsciiLetterLower(lower) || char.IsAsciiDigit(lower))
            {
                if (dashPending)
                {
                    kebab[length++] = '-';
                    dashPending = false;
                }

                kebab[length++] = lower;
            }
            else
            {
                dashPending = length > 0;
            }
        }

        var result = kebab[..length];
        return result.SequenceEqual(text) ? text : result.ToString();
    }

    // \z, not $: .NET's $ also matches before a final newline, which a YAML block scalar leaves in a value.
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9][-a-z0-9]*\z")]
    private static partial Regex NamespacePrefix();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonKebab();
}

/// <summary>The EKS access policies a principal's access entry may be associated with.</summary>
public static class EksAccessPolicies
{
    public const string ClusterAdmin = "AmazonEKSClusterAdminPolicy";

    /// <summary>The policies a principal of this model may be given (the whole vocabulary: <see cref="Platform.EksAccessPolicyTable"/>).</summary>
    public static IReadOnlyList<string> Known => Platform.EksAccessPolicyTable.ForPeople;

    public static string Arn(string partition, string policyName) => $"arn:{partition}:eks::aws:cluster-access-policy/{policyName}";

    public static bool GrantsClusterAdmin(string policyName) => policyName == ClusterAdmin;
}
