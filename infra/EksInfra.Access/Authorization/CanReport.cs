using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EksInfra.Access.Config;
using EksInfra.Access.Model;
using EksInfra.Access.Planning;
using EksInfra.Access.Rendering;
using EksInfra.Access.Reports;

namespace EksInfra.Access.Authorization;

/// <summary>
/// A question to <c>eksinfra can</c>, parsed: the request, how it is scoped, and what was assumed.
/// <see cref="IfClusterScoped"/> is the same request without its namespace when the resource's scope is not known:
/// a grant that holds only for the namespaced reading (a RoleBinding's, a namespace-scoped policy's) is not certain.
/// </summary>
public sealed partial record CanQuestion(AccessRequest Request, string Text, string Scope, IReadOnlyList<string> Notes, AccessRequest? IfClusterScoped = null)
{
    /// <summary>How a path reads that grants only if the resource of unknown scope is namespaced.</summary>
    public const string OnlyIfNamespaced = " (only if the resource is namespaced: its scope is not known here)";

    /// <summary>
    /// Parses VERB and RESOURCE[.GROUP][/SUBRESOURCE] (or a /non-resource/path) and the namespace, as
    /// <c>kubectl auth can-i</c> would send them. Returns null with <paramref name="error"/> when they are not a request.
    /// </summary>
    public static CanQuestion? Parse(string verb, string resource, string? ns, string? name, out string error)
    {
        ArgumentNullException.ThrowIfNull(verb);
        ArgumentNullException.ThrowIfNull(resource);
        error = "";
        var notes = new List<string>();
        if (!Word().IsMatch(verb))
        {
            error = $"VERB '{verb}' is not a Kubernetes verb; use a lowercase verb such as get, list, watch, create, update, patch, delete, deletecollection, impersonate or *";
            return null;
        }

        if (NamespaceError(ns) is { } badNamespace)
        {
            error = badNamespace;
            return null;
        }

        if (VerbError(verb, resource.StartsWith('/'), notes) is { } refused)
        {
            error = refused;
            return null;
        }

        if (resource.StartsWith('/'))
        {
            // The API server matches a non-resource URL against the request's path, which is printable ASCII.
            if (!resource.All(c => c is > ' ' and < '\u007F'))
            {
                error = $"RESOURCE '{Printable.Of(resource)}' is not a URL path: a non-resource URL is printable ASCII without spaces, such as /healthz or /metrics";
                return null;
            }

            if (RbacRules.IsResourcePath(resource))
            {
                error = $"RESOURCE '{resource}' is a resource path: the API server serves /api/VERSION/... and /apis/GROUP/VERSION/... as requests on resources (apiserver requestinfo.go), which no non-resource rule matches; ask for the resource instead, as RESOURCE[.GROUP] with --namespace (e.g. `secrets --namespace kube-system` for /api/v1/namespaces/kube-system/secrets)";
                return null;
            }

            if (ns is not null)
            {
                notes.Add($"{resource} is a non-resource URL, which has no namespace: --namespace {ns} is ignored");
            }

            // NonResourceAttributes carry a verb and a path only (authorization/v1 SubjectAccessReview), so no rule sees a name.
            if (name is not null)
            {
                notes.Add($"{resource} is a non-resource URL, which names no object: --name {name} is ignored");
            }

            return new CanQuestion(AccessRequest.NonResource(verb, resource), $"{verb} {resource}", "non-resource URL", notes);
        }

        var match = ResourcePattern().Match(resource);
        if (!match.Success)
        {
            error = $"RESOURCE '{resource}' is not a resource; write it lowercase and plural, as RESOURCE, RESOURCE.GROUP or RESOURCE/SUBRESOURCE (pods, deployments.apps, pods/exec), or a URL path (/healthz)";
            return null;
        }

        var plural = match.Groups["resource"].Value;
        var subresource = match.Groups["sub"].Value;
        string group;
        if (match.Groups["group"].Success)
        {
            group = match.Groups["group"].Value;
        }
        else if (plural == RbacRules.All)
        {
            group = RbacRules.All;
        }
        else if (KubernetesResources.GroupOf(plural) is { } known)
        {
            group = known;
        }
        else
        {
            group = "";
            notes.Add($"'{plural}' is not a built-in resource, so it is asked of the core API group; name a custom resource with its group (widgets.example.com)");
        }

        var knownScope = KubernetesResources.IsNamespaced(group, plural);
        var namespaced = knownScope ?? ns is not null;
        var scopeUnknown = knownScope is null && ns is not null && plural != RbacRules.All;
        if (scopeUnknown)
        {
            // rule.go VisitRulesFor consults RoleBindings only for a request with a namespace, and a request on a
            // cluster-scoped resource has none, so a RoleBinding's grant holds only if the resource is namespaced.
            notes.Add($"{Display(group, plural)} is not in this tool's table of Kubernetes' built-in resources (up to 1.35), so its scope is not known: it is asked in namespace {ns}, and a grant through a RoleBinding or a namespace-scoped access policy holds only if it is namespaced (a custom resource's CustomResourceDefinition says, in spec.scope)");
        }

        var requestNamespace = "";
        var requestName = name ?? "";
        if (name is not null && subresource.Length == 0 && verb is "create" or "deletecollection")
        {
            // requestinfo.go takes a request's name from its path only: create POSTs to the collection and deletecollection
            // DELETEs it, so neither carries a name, and a rule limited to resourceNames never allows them.
            requestName = "";
            notes.Add($"{verb} addresses the collection, so the request carries no name: --name {name} is ignored, and a rule limited to resourceNames does not allow it");
        }

        string scope;
        if (plural == "namespaces" && group.Length == 0 && (ns is not null || name is not null))
        {
            // apiserver RequestInfo (k8s.io/apiserver pkg/endpoints/request/requestinfo.go, NewRequestInfo): a request
            // on one namespace object (/api/v1/namespaces/X, and its status and finalize: get, update, patch, delete)
            // carries X as its namespace and its name, so RoleBindings in X apply; list, watch and create address the
            // collection /api/v1/namespaces, which carries no namespace, so only cluster-wide grants reach them.
            if (OneObjectVerbs.Contains(verb))
            {
                if (ns is not null && name is not null && name != ns)
                {
                    error = $"--namespace {ns} and --name {name} name two namespaces, but a request on one namespace is authorized in that namespace itself; give the namespace once, as --name";
                    return null;
                }

                var target = name ?? ns!;
                requestNamespace = target;
                requestName = target;
                scope = $"the namespace {target} itself";
            }
            else
            {
                scope = "the namespaces collection (cluster-scoped)";
                if (ns is not null)
                {
                    notes.Add($"{verb} acts on the namespaces collection, which is cluster-scoped: --namespace {ns} is ignored, and only cluster-wide grants count");
                }
            }
        }
        else if (!namespaced)
        {
            scope = "cluster-scoped";
            if (ns is not null)
            {
                notes.Add($"{Display(group, plural)} is cluster-scoped: --namespace {ns} is ignored, and only cluster-wide grants count");
            }
        }
        else if (ns is not null)
        {
            requestNamespace = ns;
            scope = $"in namespace {ns}";
        }
        else
        {
            scope = "cluster-wide: every namespace at once";
        }

        var text = $"{verb} {Display(group, plural)}{(subresource.Length > 0 ? "/" + subresource : "")}{(requestName.Length > 0 && plural != "namespaces" ? $" named {requestName}" : "")}";
        var request = new AccessRequest(verb, group, plural, subresource, requestName, requestNamespace);
        return new CanQuestion(request, text, scope, notes, scopeUnknown ? request with { Namespace = "" } : null);
    }

    /// <summary>Why <paramref name="ns"/>, given as --namespace, cannot name a namespace; null when it can or is not given.</summary>
    public static string? NamespaceError(string? ns) =>
        ns is not null && !KubernetesNames.IsDns1123Label(ns) ? $"--namespace '{ns}' is not a namespace name; {KubernetesNames.NamespaceNameRule}" : null;

    private static readonly string[] OneObjectVerbs = ["get", "update", "patch", "delete"];

    /// <summary>
    /// The verbs Kubernetes itself asks about a resource: those the API server derives from a request
    /// (k8s.io/apiserver pkg/endpoints/request/requestinfo.go: get, list, watch, create, update, patch, delete,
    /// deletecollection, and the path verb proxy) and the special ones its own checks ask for (use, bind, escalate,
    /// impersonate, approve, sign, attest), as kubectl auth can-i knows them (k8s.io/kubectl pkg/cmd/auth/cani.go,
    /// resourceVerbs).
    /// </summary>
    public static readonly IReadOnlyList<string> ResourceVerbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy", "use", "bind", "escalate", "impersonate", "approve", "sign", "attest", RbacRules.All];

    /// <summary>A non-resource URL's verb is its request's HTTP method in lower case (requestinfo.go; cani.go, nonResourceURLVerbs).</summary>
    public static readonly IReadOnlyList<string> NonResourceVerbs = ["get", "put", "post", "head", "options", "delete", "patch", RbacRules.All];

    /// <summary>
    /// Why VERB is refused, or null. A rule's verbs are free strings (pkg/apis/rbac/validation ValidatePolicyRule asks
    /// only for one), and an admission webhook or an aggregated API server may ask for a verb of its own, so a verb
    /// Kubernetes does not know is a legal question: it is asked as written, with a note that only a rule naming it
    /// (or '*') grants it. What is refused is a verb the binder's misspelling rule (<see cref="StackBinder.Suggest"/>)
    /// takes for one Kubernetes knows, since `delet` would be answered for the wildcard holders alone, and on a
    /// resource an HTTP method the API server turns into another verb.
    /// </summary>
    private static string? VerbError(string verb, bool nonResource, List<string> notes)
    {
        var known = nonResource ? NonResourceVerbs : ResourceVerbs;
        if (known.Contains(verb))
        {
            return null;
        }

        var valid = nonResource
            ? $"a URL path's verbs are the HTTP methods {string.Join(", ", NonResourceVerbs.SkipLast(1))}, or *"
            : $"a resource's verbs are {string.Join(", ", ResourceVerbs.Take(8))}, the special {string.Join(", ", ResourceVerbs.Skip(8).SkipLast(1))}, or *";
        if (!nonResource && HttpMethodVerbs.FirstOrDefault(m => m.Method == verb) is { Method: not null } method)
        {
            return $"VERB '{verb}' is an HTTP method: on a resource the API server asks for {method.Verb} ({string.Join(", ", HttpMethodVerbs.Select(m => $"{m.Method.ToUpperInvariant()} → {m.Verb}"))}); {valid}";
        }

        var hint = StackBinder.Suggest(verb, known.SkipLast(1));
        if (hint.Length > 0)
        {
            return $"VERB '{verb}' is not a Kubernetes verb{hint} {char.ToUpperInvariant(valid[0])}{valid[1..]}; a verb of your own (one a webhook or an aggregated API asks for) is asked as written unless it reads as a misspelling of these";
        }

        notes.Add($"'{verb}' is not a verb Kubernetes asks for ({valid}); it is asked as a custom verb (one an admission webhook or an aggregated API server checks), which only a rule naming it or * grants");
        return null;
    }

    /// <summary>requestinfo.go: the verb a resource request's HTTP method becomes, where the two differ.</summary>
    private static readonly (string Method, string Verb)[] HttpMethodVerbs = [("post", "create"), ("put", "update"), ("head", "get")];

    private static string Display(string group, string resource) => group.Length == 0 || group == RbacRules.All && resource == RbacRules.All ? resource : $"{resource}.{group}";

    [GeneratedRegex(@"^([a-z]+|\*)$")]
    private static partial Regex Word();

    [GeneratedRegex(@"^(?<resource>[a-z0-9-]+|\*)(\.(?<group>[a-z0-9.-]+|\*))?(/(?<sub>[a-z0-9-]+))?$")]
    private static partial Regex ResourcePattern();
}

public sealed record CanAnswer(string Principal, string Kind, string Username, IReadOnlyList<string> Paths, string? Note);

/// <summary><c>eksinfra can</c>: who may make one request, and by which path; or everything one principal may do.</summary>
public static class CanReport
{
    /// <summary>The row of a path whose rules the tool lacks: it may grant anything, so the report must not say "nothing".</summary>
    public const string NotEvaluated = "(its rules are not in this tool's table: not evaluated)";

    public static IReadOnlyList<CanAnswer> Who(ModelAccess access, CanQuestion question)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(question);
        return [.. access.Subjects
            .Select(s => (Subject: s, Paths: access.Authorizer.Why(s, question.Request), Certain: question.IfClusterScoped is { } alt ? access.Authorizer.Why(s, alt) : null))
            .Where(x => x.Paths.Count > 0)
            .Select(x => new CanAnswer(x.Subject.Principal, x.Subject.Kind, x.Subject.Username, [.. x.Paths.Select(p => x.Certain is null || x.Certain.Contains(p) ? p.Description : p.Description + CanQuestion.OnlyIfNamespaced)], x.Subject.Note))];
    }

    public static string RenderWho(AccessPlan plan, CanQuestion question, IReadOnlyList<CanAnswer> answers, IReadOnlyList<string> notes, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(notes);
        var allNotes = question.Notes.Concat(notes).ToList();
        if (format == ReportFormat.Json)
        {
            return Json.Write(new JsonObject
            {
                ["stack"] = plan.StackName,
                ["request"] = question.Text,
                ["scope"] = question.Scope,
                ["principals"] = new JsonArray([.. answers.Select(a => (JsonNode)new JsonObject
                {
                    ["principal"] = a.Principal,
                    ["kind"] = a.Kind,
                    ["username"] = a.Username,
                    ["paths"] = Json.Strings(a.Paths),
                    ["note"] = a.Note,
                })]),
                ["notes"] = Json.Strings(allNotes),
            });
        }

        var rows = answers.Select(a => new[] { a.Principal, a.Kind, a.Username, string.Join("; ", a.Paths) + (a.Note is null ? "" : $" ({a.Note})") }).ToList();
        string[] header = ["PRINCIPAL", "KIND", "USERNAME", "GRANTED BY"];
        var sb = new StringBuilder();
        var title = $"who can {Printable.Of(question.Text)} ({question.Scope}) in stack {plan.StackName}: {answers.Count} principal{(answers.Count == 1 ? "" : "s")}";
        if (format == ReportFormat.Markdown)
        {
            sb.Append($"### Who can {Markdown.Code(question.Text)} ({question.Scope}) in {Markdown.Code(plan.StackName)}\n\n");
            if (rows.Count > 0)
            {
                TextTable.Markdown(sb, ["Principal", "Kind", "Username", "Granted by"], rows, 0, 2);
            }
            else
            {
                sb.Append("_Nobody the stack maps._\n");
            }
        }
        else
        {
            sb.Append(title).Append("\n\n");
            if (rows.Count > 0)
            {
                TextTable.Plain(sb, header, rows);
            }
            else
            {
                sb.Append("nobody the stack maps\n");
            }
        }

        return AppendNotes(sb, allNotes, format).ToString();
    }

    private static StringBuilder AppendNotes(StringBuilder sb, IReadOnlyList<string> notes, ReportFormat format)
    {
        sb.Append(string.Concat(notes.Select(n => $"\nNote: {(format == ReportFormat.Markdown ? Markdown.Cell(n) : Printable.Of(n))}")));
        return sb.Append(notes.Count > 0 ? "\n" : "");
    }

    /// <summary>
    /// Everything one subject may do: one row per rule of each path, with the scope it applies in. With
    /// <paramref name="inNamespace"/>, only the paths that reach a request in that namespace, as
    /// <c>kubectl auth can-i --list --namespace NS</c> asks a SelfSubjectRulesReview for it: system:masters,
    /// cluster-wide grants, RoleBindings in NS and access policies whose scope covers NS.
    /// </summary>
    public static IReadOnlyList<string[]> Everything(Authorizer authorizer, AccessSubject subject, string? inNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(subject);
        var rows = new List<string[]>();
        if (ClusterRbac.HasGroup(subject.Groups, Model.KubernetesNames.SystemMasters))
        {
            rows.Add(["system:masters (bypasses RBAC)", "everywhere", "*", "*", "*"]);
        }

        foreach (var policy in subject.Policies.Where(p => inNamespace is null || Authorizer.PolicyApplies(p, inNamespace)))
        {
            var scope = policy.Scope.ToString();
            if (RbacData.AccessPolicies.TryGetValue(policy.PolicyName, out var rules))
            {
                rows.AddRange(rules.Select(r => Row($"access policy {policy.PolicyName}", scope, r)));
            }
            else
            {
                rows.Add([$"access policy {policy.PolicyName}", scope, "", NotEvaluated, ""]);
            }
        }

        foreach (var binding in authorizer.BindingsOf(subject).Where(b => inNamespace is null || ClusterRbac.Reaches(b, inNamespace)).OrderBy(b => b.Namespace, StringComparer.Ordinal).ThenBy(b => b.Name, StringComparer.Ordinal))
        {
            var scope = binding.IsClusterRoleBinding ? Grant.ClusterWide : $"namespace {binding.Namespace}";
            var rules = authorizer.Rbac.RulesOf(binding);
            if (rules.Count == 0)
            {
                rows.Add([binding.Via, scope, "", authorizer.Rbac.RulesNotKnown(binding) ? NotEvaluated : "(the role does not exist: nothing)", ""]);
            }

            rows.AddRange(rules.Select(r => Row(binding.Via, scope, r)));
        }

        return rows;
    }

    private static string[] Row(string via, string scope, PolicyRulePlan rule)
    {
        if (rule.NonResourceUrls.Count > 0)
        {
            return [via, scope == Grant.ClusterWide ? scope : $"{scope} (non-resource URLs apply only cluster-wide: nothing)", "", "URLs " + string.Join(",", rule.NonResourceUrls), string.Join(",", rule.Verbs)];
        }

        var resources = string.Join(",", rule.Resources) + (rule.ResourceNames.Count > 0 ? $" named {string.Join(",", rule.ResourceNames)}" : "");
        if (scope != Grant.ClusterWide && KubernetesResources.ClusterScoped(rule) is { Count: > 0 } unreachable)
        {
            // rbac.go VisitRulesFor: a request on a cluster-scoped resource has no namespace, so no namespaced grant reaches it.
            resources += $" ({string.Join(",", unreachable)} cluster-scoped: nothing in a namespace)";
        }

        return [via, scope, string.Join(",", rule.ApiGroups.Select(g => g.Length == 0 ? "core" : g)), resources, string.Join(",", rule.Verbs)];
    }

    /// <param name="notes">What the rows cannot say, as <see cref="ModelAccess.NotesFor"/> picks it for the subject.</param>
    public static string RenderEverything(AccessPlan plan, AccessSubject subject, IReadOnlyList<string[]> rows, IReadOnlyList<string> notes, ReportFormat format, string? inNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(notes);
        string[] header = ["VIA", "SCOPE", "API GROUPS", "RESOURCES", "VERBS"];
        if (format == ReportFormat.Json)
        {
            return Json.Write(new JsonObject
            {
                ["stack"] = plan.StackName,
                ["principal"] = subject.Principal,
                ["username"] = subject.Username,
                ["groups"] = Json.Strings(subject.Groups),
                ["note"] = subject.Note,
                ["namespace"] = inNamespace,
                ["permissions"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["via"] = r[0],
                    ["scope"] = r[1],
                    ["apiGroups"] = r[2],
                    ["resources"] = r[3],
                    ["verbs"] = r[4],
                })]),
                ["notes"] = Json.Strings(notes),
            });
        }

        var sb = new StringBuilder();
        var where = inNamespace is null ? "" : $" in namespace {inNamespace}";
        var who = $"{subject.Principal} (username {subject.Username}, groups {(subject.Groups.Count == 0 ? "none" : string.Join(", ", subject.Groups))})";
        if (format == ReportFormat.Markdown)
        {
            sb.Append($"### What {Markdown.Code(subject.Principal)} can do{(inNamespace is null ? "" : $" in namespace {Markdown.Code(inNamespace)}")} in {Markdown.Code(plan.StackName)}\n\nUsername {Markdown.Code(subject.Username)}, groups {(subject.Groups.Count == 0 ? "none" : string.Join(", ", subject.Groups.Select(Markdown.Code)))}.{(subject.Note is null ? "" : $" {subject.Note}.")}\n\n");
            TextTable.Markdown(sb, ["Via", "Scope", "API groups", "Resources", "Verbs"], rows);
        }
        else
        {
            sb.Append($"what {Printable.Of(who)} can do{where} in stack {plan.StackName}{(subject.Note is null ? "" : $" ({subject.Note})")}\n\n");
            TextTable.Plain(sb, header, rows);
        }

        if (rows.Count == 0)
        {
            sb.Append(format == ReportFormat.Markdown ? "\n_Nothing._\n" : "nothing\n");
        }

        return AppendNotes(sb, notes, format).ToString();
    }
}
