using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EksInfra.Access.Planning;

/// <summary>
/// IAM policy documents, written by a JSON writer in a fixed key order: indented by two spaces, strings escaped by
/// System.Text.Json's default encoder (what <c>JsonNode.ToJsonString</c> with <c>WriteIndented</c> writes, byte for byte).
/// </summary>
public static class IamPolicies
{
    public const string Version = "2012-10-17";

    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>The seed's trust policy for <c>eks-cluster-role</c>: EKS itself assumes the role.</summary>
    public static string ServiceTrust(string service) => ServiceTrust([service]);

    /// <summary>A trust policy letting the AWS services <paramref name="services"/> assume the role.</summary>
    public static string ServiceTrust(IReadOnlyList<string> services) => PrincipalTrust("Service", services);

    /// <summary>
    /// The EC2 service principals a node role trusts. In aws-cn EKS's CreateNodegroup refuses a node role without
    /// ec2.amazonaws.com.cn ("Following required service principals [ec2.amazonaws.com.cn] were not found in the trust
    /// relationships of nodeRole", InvalidParameterException, reported in awslabs/cdk-eks-blueprints#558 and
    /// bottlerocket-update-operator#316), the partition's DNS suffix being amazonaws.com.cn (botocore partitions.json);
    /// ec2.amazonaws.com is kept beside it, as terraform-aws-eks does there. EKS's own principal stays eks.amazonaws.com.
    /// </summary>
    public static IReadOnlyList<string> NodeServicePrincipals(string partition) =>
        partition == Platform.EksRegions.China ? ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] : ["ec2.amazonaws.com"];

    /// <summary>
    /// A Fargate pod execution role's trust: EKS's Fargate service, only on behalf of this cluster's profiles. AWS,
    /// "Amazon EKS Pod execution IAM role", recommends the aws:SourceArn condition against the confused-deputy problem.
    /// </summary>
    public static string FargatePodTrust(string fargateProfileArnPattern) => Document(fargateProfileArnPattern, static (json, pattern) =>
    {
        json.WriteString("Effect", "Allow");
        json.WriteStartObject("Condition");
        json.WriteStartObject("ArnLike");
        json.WriteString("aws:SourceArn", pattern);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("Principal");
        json.WriteString("Service", "eks-fargate-pods.amazonaws.com");
        json.WriteEndObject();
        json.WriteString("Action", "sts:AssumeRole");
    });

    /// <summary>Trust for people and CI: the listed principals may assume the role.</summary>
    public static string AwsPrincipalTrust(IReadOnlyList<string> principals) => PrincipalTrust("AWS", principals);

    /// <summary>Principals of one kind (AWS, Service) may assume the role: one written as a string, several as a list.</summary>
    private static string PrincipalTrust(string kind, IReadOnlyList<string> principals)
    {
        ArgumentNullException.ThrowIfNull(principals);
        return Document((kind, principals), static (json, state) =>
        {
            json.WriteString("Effect", "Allow");
            json.WriteStartObject("Principal");
            if (state.principals.Count == 1)
            {
                json.WriteString(state.kind, state.principals[0]);
            }
            else
            {
                json.WriteStartArray(state.kind);
                foreach (var principal in state.principals)
                {
                    json.WriteStringValue(principal);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteString("Action", "sts:AssumeRole");
        });
    }

    /// <summary>Lets a role run <c>aws eks update-kubeconfig</c> for this one cluster and nothing else.</summary>
    public static string DescribeCluster(string clusterArn) => Document(clusterArn, static (json, clusterArn) =>
    {
        json.WriteString("Effect", "Allow");
        json.WriteString("Action", "eks:DescribeCluster");
        json.WriteString("Resource", clusterArn);
    });

    public static string ManagedPolicyArn(string partition, string name) => $"arn:{partition}:iam::aws:policy/{name}";

    /// <summary>
    /// A policy document's length as IAM counts it against its size quotas: "IAM does not count white space when
    /// calculating the size of a policy" (IAM User Guide, "IAM and AWS STS quotas"). IAM is not sent this text: the
    /// AWS provider re-encodes it first (terraform-provider-aws iam/role.go, structure.NormalizeJsonString: Go's
    /// json.Marshal, compact), which writes <c>+</c>, <c>'</c> and <c>`</c> as themselves where this document's encoder
    /// writes <c>\u002B</c>, and escapes only <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 as six characters.
    /// The white space counted out is JSON's own (space, tab, line feed, carriage return, RFC 8259), which inside a
    /// string is always escaped.
    /// </summary>
    public static int QuotaLength(string policyJson)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        var length = 0;
        for (var i = 0; i < policyJson.Length; i++)
        {
            var c = policyJson[i];
            if (c == '\\' && i + 5 < policyJson.Length && policyJson[i + 1] == 'u')
            {
                var escaped = (char)int.Parse(policyJson.AsSpan(i + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture);
                length += escaped is '<' or '>' or '&' or '\u2028' or '\u2029' ? 6 : 1;
                i += 5;
            }
            else if (c == '\\')
            {
                length += 2;
                i++;
            }
            else if (c is not (' ' or '\t' or '\n' or '\r'))
            {
                length++;
            }
        }

        return length;
    }

    /// <summary>A policy document of one statement, whose members <paramref name="writeStatement"/> writes.</summary>
    private static string Document<T>(T state, Action<Utf8JsonWriter, T> writeStatement)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            json.WriteStartObject();
            json.WriteString("Version", Version);
            json.WriteStartArray("Statement");
            json.WriteStartObject();
            writeStatement(json, state);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
