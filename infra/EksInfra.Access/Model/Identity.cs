using EksInfra.Access.Planning;

namespace EksInfra.Access.Model;

/// <summary>
/// One IAM principal the model maps, whichever list it came from: the validator and the planner both
/// walk this list, so a rule about principals is written once.
/// </summary>
public sealed record Identity(
    ItemPath Item,
    PrincipalKind Kind,
    IamArn? Arn,
    string Username,
    IReadOnlyList<string> Groups,
    IReadOnlyList<AccessPolicySettings> AccessPolicies,
    MappingSource Source,
    string? CreatedRoleName,
    string ArnText = "")
{
    /// <summary>The config path of the principal's list item, built when asked for.</summary>
    public string Path => Item.ToString();

    /// <summary>Where the principal's ARN is set: built when a diagnostic names it, not once per identity.</summary>
    public string ArnPath => Source == MappingSource.CreatedRole ? $"{Path}.name" : $"{Path}.{MappingSettings.ArnKeyOf(Kind)}";

    public string KindName => Source == MappingSource.CreatedRole ? "created role" : Kind == PrincipalKind.Role ? "role" : "user";

    /// <summary>Every identity of the model, in config order; ARNs that do not parse are left null (the validator reports them).</summary>
    public static IReadOnlyList<Identity> All(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var aws = config.Aws;
        var partition = aws.Partition;
        var account = aws.AccountId;
        var access = config.Access;
        var list = new List<Identity>(access.Roles.Count + access.MapRoles.Count + access.MapUsers.Count);
        foreach (var role in access.Roles)
        {
            IamArn? arn = Arns.IsValidRoleName(role.Name) && Arns.IsValidIamPath(role.IamPath)
                ? new IamArn(partition, account, PrincipalKind.Role, role.IamPath, role.Name)
                : null;
            list.Add(new Identity(role.Item, PrincipalKind.Role, arn, role.Username, role.Groups, role.AccessPolicies, MappingSource.CreatedRole, role.Name));
        }

        AddMappings(list, access.MapRoles, account);
        AddMappings(list, access.MapUsers, account);
        return list;
    }

    private static void AddMappings(List<Identity> list, IReadOnlyList<MappingSettings> mappings, string account)
    {
        var usualPath = "/";
        for (var i = 0; i < mappings.Count; i++)
        {
            var mapping = mappings[i];
            IamArn? arn = null;
            if (Arns.TryParse(mapping.Arn, account, usualPath, out var parsed, out _))
            {
                // Listed principals often share the path of the one before (an SSO permission set's, a team's).
                usualPath = parsed.HasPath ? parsed.IamPath : usualPath;
                arn = parsed.Kind == mapping.Kind ? parsed : null;
            }

            list.Add(new Identity(mapping.Item, mapping.Kind, arn, mapping.Username, mapping.Groups, mapping.AccessPolicies, MappingSource.Existing, null, mapping.Arn));
        }
    }
}
