using EksInfra.Access.Model;

namespace EksInfra.Access.Validation;

/// <summary>
/// The rules of <c>eks-infra:access.namespaces</c>: names, labels, ResourceQuota and LimitRange values,
/// checked by Kubernetes' own rules so that the API server never refuses what the plan writes.
/// </summary>
public static class NamespaceValidator
{
    /// <summary>long.MaxValue / 1000: the largest count whose thousandths fit Kubernetes' int64 MilliValue.</summary>
    private static readonly QuantityValue MaxPodsQuota = QuantityValue.Of(long.MaxValue / 1000, 0);

    public static IReadOnlyList<Diagnostic> Validate(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var bag = new DiagnosticBag();
        void Error(string path, string message) => bag.Error(path, message, config.LocationOf(path));
        void Warning(string path, string message) => bag.Warning(path, message, config.LocationOf(path));

        foreach (var name in Planning.NamespacePlanner.OwnedNamespaces(config.Access))
        {
            if (name.StartsWith(KubernetesValues.ReservedNamespacePrefix, StringComparison.Ordinal))
            {
                Warning(PathNaming(config.Access, name), $"the stack creates the namespace '{name}', and Kubernetes reserves the prefix '{KubernetesValues.ReservedNamespacePrefix}' for its own system namespaces (a later Kubernetes or EKS add-on may claim the name); choose another name, or set managedElsewhere: true under eks-infra:access.namespaces.{name} if it exists already");
            }
        }

        foreach (var ns in config.Access.Namespaces)
        {
            if (KubernetesValues.IsSystemNamespace(ns.Name))
            {
                Error(ns.Path, $"'{ns.Name}' exists in every cluster ({string.Join(", ", KubernetesValues.SystemNamespaces)}) and the stack never creates or changes it; remove this entry");
                continue;
            }

            if (!KubernetesNames.IsDns1123Label(ns.Name))
            {
                Error(ns.Path, $"'{ns.Name}' is not a namespace name; {KubernetesNames.NamespaceNameRule}");
            }

            if (ns.ManagedElsewhere && (ns.Labels.Count > 0 || ns.Quota.Count > 0 || ns.DefaultRequest.Count > 0 || ns.DefaultLimit.Count > 0))
            {
                Error($"{ns.Path}.managedElsewhere", "a namespace managed elsewhere gets nothing from this stack, so its labels, quota and limitRange would be ignored; remove them or drop managedElsewhere");
            }

            foreach (var (key, value) in ns.Labels)
            {
                var path = $"{ns.Path}.labels.{key}";
                if (key == KubernetesNames.ManagedByLabel)
                {
                    Error(path, $"the stack sets {KubernetesNames.ManagedByLabel}: {KubernetesNames.ManagedByValue} on every namespace it creates, so a reader of the cluster can tell where it came from; remove this label");
                }
                else if (key == KubernetesValues.NamespaceNameLabel && value != ns.Name)
                {
                    // Kubernetes pkg/apis/core/v1 SetDefaults_Namespace: obj.Labels[LabelMetadataName] = obj.Name.
                    Error(path, $"Kubernetes sets {KubernetesValues.NamespaceNameLabel} to the namespace's own name ('{ns.Name}') and overwrites any other value, so selectors on '{value}' would never match and every run would show a change; remove this label");
                }
                else if (KubernetesValues.LabelKeyProblem(key) is { } problem)
                {
                    Error(path, $"'{key}' is not a Kubernetes label key: {problem}");
                }
                else if (KubernetesValues.PodSecurityLabelProblem(key, value) is { } podSecurityProblem)
                {
                    Error(path, podSecurityProblem);
                }
                else if (key.StartsWith(KubernetesValues.PodSecurityLabelPrefix, StringComparison.Ordinal) && !KubernetesValues.PodSecurityLabels.Contains(key, StringComparer.Ordinal))
                {
                    Warning(path, $"PodSecurity admission never reads '{key}', so it sets no policy for '{ns.Name}'; its labels are {string.Join(", ", KubernetesValues.PodSecurityLabels)}");
                }
                else if (!key.StartsWith(KubernetesValues.PodSecurityLabelPrefix, StringComparison.Ordinal) && KubernetesValues.KubernetesReservedPrefix(key) is { } reserved
                    && !KubernetesValues.IsUnderDomain(reserved, "app.kubernetes.io") && key != KubernetesValues.NamespaceNameLabel)
                {
                    // The recommended labels (app.kubernetes.io/) and PodSecurity's are Kubernetes' own, given for users to set.
                    Warning(path, $"'{key}' is under {reserved}/, which Kubernetes reserves for its core components (\"Well-Known Labels, Annotations and Taints\": \"Kubernetes reserves all labels, annotations and taints in the kubernetes.io and k8s.io namespaces\"); the API server takes it, but a component may read or set it: use a prefix of your own (example.com/{key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]})");
                }

                if (!KubernetesValues.IsValidLabelValue(value))
                {
                    Error(path, $"'{value}' is not a Kubernetes label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (or empty)");
                }
            }

            var quota = Quantities(ns.Quota, Error);
            var requests = Quantities(ns.DefaultRequest, Error);
            var limits = Quantities(ns.DefaultLimit, Error);

            // Kubernetes docs, "Resource Management for Pods and Containers": memory takes "whole numbers of bytes"; "If you
            // request 400m of memory, this is a request for 0.4 bytes". The API server warns of it on a pod
            // (pkg/api/pod/warnings.go: "fractional byte value ... is invalid, must be an integer"), never on a quota or a
            // LimitRange, and pods that take such a default come from controllers, whose warnings nobody reads.
            foreach (var memory in new[] { quota.GetValueOrDefault("requests.memory"), quota.GetValueOrDefault("limits.memory"), requests.GetValueOrDefault("memory"), limits.GetValueOrDefault("memory") })
            {
                if (memory is not null && !memory.Value.IsWholeAtMilliScale())
                {
                    Warning(memory.Path, $"'{memory.Text}' is not a whole number of bytes{(memory.Text.EndsWith('m') ? $" ('m' is a thousandth: {memory.Text} is {memory.Text[..^1]} thousandths of a byte)" : "")}; Kubernetes takes it, but a container's memory is whole bytes, so write the unit you mean{(memory.Text.EndsWith('m') ? $": Mi for mebibytes ({memory.Text[..^1]}Mi) or M for megabytes" : ", without a fraction of a byte (in Mi, Gi or bytes)")}");
                }
            }

            // ResourceQuota validation: pods is a count (ValidateResourceQuantityValue: value.MilliValue()%1000 for
            // integer resources, MilliValue rounding up).
            if (quota.TryGetValue("pods", out var pods) && !pods.Value.IsWholeAtMilliScale())
            {
                Error(pods.Path, $"'{pods.Text}' is not a whole number; pods is a count of pods");
            }
            else if (pods is not null && pods.Value > MaxPodsQuota)
            {
                // MilliValue is an int64 and wraps past MaxInt64 / 1000, so the API server's % 1000 test then fails
                // for most such values (1e16 is refused, 8Ei passes): this tool's rule, refusing all of them.
                Error(pods.Path, $"'{pods.Text}' is more than {MaxPodsQuota}, past which Kubernetes' integer check of a quota (MilliValue, an int64 of thousandths) overflows and the API server may refuse it as not an integer; no cluster runs that many pods, so write a smaller count");
            }

            // LimitRange validation: a container's default request may not exceed its default limit.
            foreach (var (resource, request) in requests)
            {
                if (limits.TryGetValue(resource, out var limit) && request.Value > limit.Value)
                {
                    Error(request.Path, $"the default {resource} request {request.Text} is more than the default {resource} limit {limit.Text}; Kubernetes refuses such a LimitRange, so lower the request or raise the limit");
                }
            }

            // With a quota on requests or limits, the API server refuses every pod that does not state them
            // (Kubernetes docs, "Resource Quotas"); a LimitRange default is what fills them in.
            foreach (var resource in BuiltInCompute)
            {
                if (quota.TryGetValue($"requests.{resource}", out var capped) && !requests.ContainsKey(resource) && !limits.ContainsKey(resource))
                {
                    Warning(capped.Path, $"the quota caps requests.{resource}, and Kubernetes then refuses every pod in '{ns.Name}' that sets no {resource} request; give a default under {ns.Path}.limitRange.defaultRequest.{resource}");
                }

                if (quota.TryGetValue($"limits.{resource}", out var cappedLimit) && !limits.ContainsKey(resource))
                {
                    Warning(cappedLimit.Path, $"the quota caps limits.{resource}, and Kubernetes then refuses every pod in '{ns.Name}' that sets no {resource} limit; give a default under {ns.Path}.limitRange.default.{resource}");
                }

                // A default fills in what a container leaves out, and the quota then counts it: a default above the whole
                // namespace's cap refuses every pod that relies on it. A default limit with no default request is the
                // request too (SetDefaults_LimitRangeItem).
                if ((requests.GetValueOrDefault(resource) ?? limits.GetValueOrDefault(resource)) is { } defaultRequest
                    && quota.TryGetValue($"requests.{resource}", out var requestCap) && defaultRequest.Value > requestCap.Value)
                {
                    Warning(defaultRequest.Path, $"a container that sets no {resource} request gets {defaultRequest.Text}, more than the quota's requests.{resource} of {requestCap.Text} for all of '{ns.Name}', so Kubernetes refuses every such pod (exceeded quota); lower the default or raise the quota");
                }

                if (limits.GetValueOrDefault(resource) is { } defaultLimit && quota.TryGetValue($"limits.{resource}", out var limitCap) && defaultLimit.Value > limitCap.Value)
                {
                    Warning(defaultLimit.Path, $"a container that sets no {resource} limit gets {defaultLimit.Text}, more than the quota's limits.{resource} of {limitCap.Text} for all of '{ns.Name}', so Kubernetes refuses every such pod (exceeded quota); lower the default or raise the quota");
                }
            }
        }

        return bag.ToSortedList();
    }

    /// <summary>Where the model names a namespace it creates: its own entry, else the first group binding into it, else the access block (an access policy's scope).</summary>
    private static string PathNaming(AccessSettings access, string name)
    {
        if (access.Namespaces.FirstOrDefault(n => n.Name == name) is { } declared)
        {
            return declared.Path;
        }

        foreach (var group in access.Groups)
        {
            for (var i = 0; i < group.Namespaces.Count; i++)
            {
                if (group.Namespaces[i] == name)
                {
                    return $"{group.Path}.namespaces[{i}]";
                }
            }
        }

        return access.Path;
    }

    private static readonly string[] BuiltInCompute = ["cpu", "memory"];

    private sealed record Parsed(string Path, string Text, QuantityValue Value);

    private static Dictionary<string, Parsed> Quantities(IReadOnlyList<QuantitySetting> settings, Action<string, string> error)
    {
        var parsed = new Dictionary<string, Parsed>(StringComparer.Ordinal);
        foreach (var q in settings)
        {
            if (q.Quantity.Length == 0)
            {
                continue;
            }

            if (!KubernetesValues.TryParseQuantity(q.Quantity, out var value))
            {
                error(q.Path, $"'{q.Quantity}' is not a Kubernetes quantity; write a number with an optional suffix, such as 500m or 2 (cpu), 512Mi or 4Gi (memory), 20 (pods); suffixes are case-sensitive: Ki Mi Gi Ti Pi Ei, m k M G T P E");
            }
            else if (value.Sign < 0)
            {
                error(q.Path, $"'{q.Quantity}' is negative; quota and default amounts must be 0 or more");
            }
            else
            {
                parsed[q.Resource] = new Parsed(q.Path, q.Quantity, value);
            }
        }

        return parsed;
    }
}
