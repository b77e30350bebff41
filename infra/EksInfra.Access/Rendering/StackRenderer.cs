using EksInfra.Access.Planning;

namespace EksInfra.Access.Rendering;

/// <summary>Every file <c>eksinfra render</c> writes, by relative path, so the tool and tests share one list.</summary>
public static class StackRenderer
{
    public const string AwsAuthFile = "aws-auth.yaml";
    public const string RbacFile = "rbac.yaml";
    public const string NamespacesFile = "namespaces.yaml";
    public const string AccessEntriesFile = "access-entries.json";
    public const string IamFolder = "iam";

    public static IReadOnlyList<(string RelativePath, string Content)> RenderFiles(AccessPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var files = new List<(string, string)>();
        if (AwsAuthRenderer.Render(plan) is { } awsAuth)
        {
            files.Add((AwsAuthFile, awsAuth));
        }

        if (NamespaceRenderer.Render(plan) is { Length: > 0 } namespaces)
        {
            files.Add((NamespacesFile, namespaces));
        }

        // An empty manifest file is one `kubectl apply -f` refuses ("no objects passed to apply").
        if (RbacRenderer.Render(plan) is { Length: > 0 } rbac)
        {
            files.Add((RbacFile, rbac));
        }

        files.Add((AccessEntriesFile, AccessEntriesRenderer.Render(plan)));
        files.AddRange(plan.Roles.Select(r => ($"{IamFolder}/{IamRenderer.FileName(r)}", IamRenderer.Render(r))));
        return files;
    }
}
