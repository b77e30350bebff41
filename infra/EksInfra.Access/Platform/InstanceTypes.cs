namespace EksInfra.Access.Platform;

/// <summary>The CPU architecture an EC2 instance family runs, as EKS AMI types name it.</summary>
public enum CpuArchitecture
{
    X86,
    Arm64,
}

/// <summary>The accelerator an instance family carries, where an EKS AMI type needs one.</summary>
public enum Accelerator
{
    None,
    NvidiaGpu,
    AmdGpu,
    Neuron,
}

public sealed record InstanceFamily(string Name, CpuArchitecture Architecture, Accelerator Accelerator = Accelerator.None)
{
    /// <summary>
    /// EKS User Guide, "Choose an optimal Amazon EC2 node instance type" (choosing-instance-type.adoc): "For Arm-based
    /// instances, Amazon Linux 2023 (AL2023) only supports instance types that use Graviton2 or later processors. AL2023
    /// doesn't support A1 instances."
    /// </summary>
    public bool RunsAl2023 => Name != "a1";

    /// <summary>
    /// The same page: "Arm and non-accelerated Amazon EKS AMIs don't support the g3, g4, inf, and p families." (g3 is a
    /// Xen family this table leaves out.)
    /// </summary>
    public bool NeedsAcceleratedAmi => Name.StartsWith("g4", StringComparison.Ordinal) || Name.StartsWith("inf", StringComparison.Ordinal) || Name.StartsWith('p');
}

/// <summary>
/// The EC2 instance families EKS managed node groups can run, with their architecture and accelerator, and the size
/// names EC2 uses. Source: "Amazon EC2 instance types" (docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html:
/// current and previous generation families, and the accelerated-computing and Graviton pages), as of 2026-12-01, checked
/// against the EC2 API's own list (botocore ec2/2016-11-15 service-2.json, shape InstanceType, of 2026-08-07), whose
/// newer families are added below; its Xen-era families (m1, c1, t1, ...) and the Mac ones are left out, since EKS
/// runs no managed nodes on them. A family AWS launches later is refused until it is added here; that is one line, below.
/// </summary>
public static class InstanceTypes
{
    private static readonly InstanceFamily[] Families =
    [
        // General purpose, x86_64 (Intel and AMD).
        X("t2"), X("t3"), X("t3a"), X("m4"), X("m5"), X("m5a"), X("m5ad"), X("m5d"), X("m5dn"), X("m5n"), X("m5zn"),
        X("m6a"), X("m6i"), X("m6id"), X("m6idn"), X("m6in"), X("m7a"), X("m7i"), X("m7i-flex"), X("m8a"), X("m8i"), X("m8i-flex"),
        X("m8azn"), X("m8ib"), X("m8id"), X("m8idb"), X("m8idn"), X("m8in"), X("m8ine"),
        // Compute optimised, x86_64.
        X("c4"), X("c5"), X("c5a"), X("c5ad"), X("c5d"), X("c5n"), X("c6a"), X("c6i"), X("c6id"), X("c6in"), X("c7a"), X("c7i"),
        X("c7i-flex"), X("c8a"), X("c8i"), X("c8i-flex"), X("c8ib"), X("c8id"), X("c8in"), X("c8ine"),
        // Memory optimised, x86_64.
        X("r4"), X("r5"), X("r5a"), X("r5ad"), X("r5b"), X("r5d"), X("r5dn"), X("r5n"), X("r6a"), X("r6i"), X("r6id"), X("r6idn"),
        X("r6in"), X("r7a"), X("r7i"), X("r7iz"), X("r8a"), X("r8i"), X("r8i-flex"), X("x1"), X("x1e"), X("x2idn"), X("x2iedn"),
        X("r8ib"), X("r8id"), X("r8idb"), X("r8idn"), X("r8in"),
        X("x2iezn"), X("x8aedz"), X("x8i"), X("z1d"), X("u-3tb1"), X("u-6tb1"), X("u-9tb1"), X("u-12tb1"), X("u-18tb1"), X("u-24tb1"),
        X("u7i-6tb"), X("u7i-8tb"), X("u7i-12tb"), X("u7ib-12tb"), X("u7in-16tb"), X("u7in-24tb"), X("u7in-32tb"), X("u7inh-32tb"),
        // Storage optimised, x86_64.
        X("d2"), X("d3"), X("d3en"), X("h1"), X("i3"), X("i3en"), X("i4i"), X("i7i"), X("i7ie"),
        // High performance computing, x86_64.
        X("hpc6a"), X("hpc6id"), X("hpc7a"), X("hpc8a"),
        // Accelerated computing, x86_64.
        X("p3", Accelerator.NvidiaGpu), X("p3dn", Accelerator.NvidiaGpu), X("p4d", Accelerator.NvidiaGpu), X("p4de", Accelerator.NvidiaGpu),
        X("p5", Accelerator.NvidiaGpu), X("p5e", Accelerator.NvidiaGpu), X("p5en", Accelerator.NvidiaGpu), X("p6-b200", Accelerator.NvidiaGpu),
        X("p6-b300", Accelerator.NvidiaGpu), X("g7", Accelerator.NvidiaGpu), X("g7e", Accelerator.NvidiaGpu),
        X("g4dn", Accelerator.NvidiaGpu), X("g5", Accelerator.NvidiaGpu), X("g6", Accelerator.NvidiaGpu), X("g6e", Accelerator.NvidiaGpu),
        X("g6f", Accelerator.NvidiaGpu), X("gr6", Accelerator.NvidiaGpu), X("gr6f", Accelerator.NvidiaGpu), X("g4ad", Accelerator.AmdGpu),
        X("inf1", Accelerator.Neuron), X("inf2", Accelerator.Neuron), X("trn1", Accelerator.Neuron), X("trn1n", Accelerator.Neuron),
        X("trn2", Accelerator.Neuron), X("dl1"), X("dl2q"), X("f1"), X("f2"), X("vt1"),

        // Graviton (arm64).
        A("a1"), A("t4g"), A("m6g"), A("m6gd"), A("m7g"), A("m7gd"), A("m8g"), A("m8gd"), A("c6g"), A("c6gd"), A("c6gn"), A("c7g"),
        A("c7gd"), A("c7gn"), A("c8g"), A("c8gd"), A("c8gn"), A("r6g"), A("r6gd"), A("r7g"), A("r7gd"), A("r8g"), A("r8gd"), A("x2gd"),
        A("x8g"), A("im4gn"), A("is4gen"), A("i4g"), A("i8g"), A("i8ge"), A("hpc7g"), A("g5g", Accelerator.NvidiaGpu),
        A("c8gb"), A("c9g"), A("c9gd"), A("m8gb"), A("m8gn"), A("m9g"), A("m9gd"), A("r8gb"), A("r8gn"),
        // NVIDIA GB200: Grace (arm64) CPUs beside Blackwell GPUs.
        A("p6e-gb200", Accelerator.NvidiaGpu),
    ];

    /// <summary>EC2's size names: the fixed ones, <c>Nxlarge</c> for the multiples EC2 sells, and the bare-metal forms.</summary>
    private static readonly HashSet<string> Sizes = new(
        new[] { "nano", "micro", "small", "medium", "large", "xlarge", "metal", "metal-12xl", "metal-16xl", "metal-24xl", "metal-32xl", "metal-48xl", "metal-96xl" }
            .Concat(new[] { 2, 3, 4, 6, 8, 9, 10, 12, 16, 18, 24, 32, 36, 48, 56, 64, 96, 112, 192, 224, 384, 480 }
                .Select(n => $"{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}xlarge")),
        StringComparer.Ordinal);

    private static readonly Dictionary<string, InstanceFamily> ByName = Families.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static IEnumerable<string> FamilyNames => ByName.Keys.Order(StringComparer.Ordinal);

    /// <summary>The family of <paramref name="instanceType"/> (<c>m6i.large</c> → m6i), or null when EC2 has no such type.</summary>
    public static InstanceFamily? FamilyOf(string instanceType)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        var dot = instanceType.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && ByName.TryGetValue(instanceType[..dot], out var family) ? family : null;
    }

    /// <summary>Whether the part after the dot is a size EC2 sells (large, 2xlarge, metal, ...).</summary>
    public static bool IsKnownSize(string instanceType)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        var dot = instanceType.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Sizes.Contains(instanceType[(dot + 1)..]);
    }

    private static InstanceFamily X(string name, Accelerator accelerator = Accelerator.None) => new(name, CpuArchitecture.X86, accelerator);

    private static InstanceFamily A(string name, Accelerator accelerator = Accelerator.None) => new(name, CpuArchitecture.Arm64, accelerator);
}

/// <summary>
/// What an EKS managed node group AMI type needs of its instances. <paramref name="LastKubernetesMinor"/>: the newest
/// Kubernetes minor version (1.N) EKS publishes this AMI type for, where it stops short of the newest.
/// <paramref name="AlsoServes"/>: a second accelerator whose drivers it carries.
/// </summary>
public sealed record AmiTypeInfo(string Name, CpuArchitecture Architecture, Accelerator Needs, bool IsWindows, int? LastKubernetesMinor = null, Accelerator? AlsoServes = null)
{
    /// <summary>The last day EKS published AMIs of this type, for a type it no longer publishes; null while it does.</summary>
    public DateOnly? PublishedUntil { get; init; }

    public bool Serves(Accelerator accelerator) => accelerator == Needs || accelerator == AlsoServes;
}

/// <summary>
/// EKS managed node group AMI types: every value of the <c>AMITypes</c> enum, CreateNodegroup <c>amiType</c>, in the
/// botocore model (boto/botocore botocore/data/eks/2017-11-01/service-2.json, read 2026-12-03 at commit 0e6e2404;
/// the API reference page docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html lists the same).
/// <c>CUSTOM</c> is left out on purpose: it needs a launch template with its own AMI, which this model does not carry.
/// </summary>
public static class AmiTypes
{
    public const string Custom = "CUSTOM";

    /// <summary>
    /// EKS User Guide, "Create nodes with optimized Amazon Linux AMIs" (eks-optimized-ami.html; awsdocs/amazon-eks-user-guide
    /// latest/ug/nodes/eks-optimized-ami.adoc): "Kubernetes version 1.32 is the last version for which Amazon EKS will
    /// release AL2 AMIs. From version 1.33 onwards, Amazon EKS will continue to release AL2023 and Bottlerocket based AMIs."
    /// </summary>
    public const int LastAl2KubernetesMinor = 32;

    /// <summary>
    /// EKS User Guide, "EKS AL2 and AL2-Accelerated AMIs transition features guide" (eks-ami-deprecation-faqs.html): "Amazon
    /// EKS stopped publishing EKS-optimized Amazon Linux 2 (AL2) AMIs on November 26, 2025", and after that date "EKS will
    /// not release any new Kubernetes versions or updates to AL2 AMIs, including minor releases, patches, and bug fixes".
    /// Existing AL2 AMIs still launch.
    /// </summary>
    public static readonly DateOnly Al2PublishedUntil = new(2025, 11, 26);

    /// <summary>
    /// EKS CreateNodegroup <c>diskSize</c> (botocore eks service-2.json): "The default disk size is 20 GiB for Linux and
    /// Bottlerocket. The default disk size is 50 GiB for Windows." With no amiType EKS picks a Linux one.
    /// </summary>
    public static int DefaultDiskSize(AmiTypeInfo? ami) => ami is { IsWindows: true } ? 50 : 20;

    public static readonly IReadOnlyList<AmiTypeInfo> All =
    [
        new("AL2_x86_64", CpuArchitecture.X86, Accelerator.None, false, LastAl2KubernetesMinor) { PublishedUntil = Al2PublishedUntil },
        // EKS User Guide, "Amazon EKS optimized accelerated Amazon Linux AMIs": NVIDIA drivers and the AWS Neuron driver,
        // for GPU, Inferentia and Trainium workloads.
        new("AL2_x86_64_GPU", CpuArchitecture.X86, Accelerator.NvidiaGpu, false, LastAl2KubernetesMinor, Accelerator.Neuron) { PublishedUntil = Al2PublishedUntil },
        new("AL2_ARM_64", CpuArchitecture.Arm64, Accelerator.None, false, LastAl2KubernetesMinor) { PublishedUntil = Al2PublishedUntil },
        new("AL2023_x86_64_STANDARD", CpuArchitecture.X86, Accelerator.None, false),
        new("AL2023_ARM_64_STANDARD", CpuArchitecture.Arm64, Accelerator.None, false),
        new("AL2023_x86_64_NEURON", CpuArchitecture.X86, Accelerator.Neuron, false),
        new("AL2023_x86_64_NVIDIA", CpuArchitecture.X86, Accelerator.NvidiaGpu, false),
        new("AL2023_ARM_64_NVIDIA", CpuArchitecture.Arm64, Accelerator.NvidiaGpu, false),
        new("BOTTLEROCKET_x86_64", CpuArchitecture.X86, Accelerator.None, false),
        new("BOTTLEROCKET_ARM_64", CpuArchitecture.Arm64, Accelerator.None, false),
        new("BOTTLEROCKET_x86_64_FIPS", CpuArchitecture.X86, Accelerator.None, false),
        new("BOTTLEROCKET_ARM_64_FIPS", CpuArchitecture.Arm64, Accelerator.None, false),
        new("BOTTLEROCKET_x86_64_NVIDIA", CpuArchitecture.X86, Accelerator.NvidiaGpu, false),
        new("BOTTLEROCKET_ARM_64_NVIDIA", CpuArchitecture.Arm64, Accelerator.NvidiaGpu, false),
        new("BOTTLEROCKET_x86_64_NVIDIA_FIPS", CpuArchitecture.X86, Accelerator.NvidiaGpu, false),
        new("BOTTLEROCKET_ARM_64_NVIDIA_FIPS", CpuArchitecture.Arm64, Accelerator.NvidiaGpu, false),
        new("WINDOWS_CORE_2019_x86_64", CpuArchitecture.X86, Accelerator.None, true),
        new("WINDOWS_FULL_2019_x86_64", CpuArchitecture.X86, Accelerator.None, true),
        new("WINDOWS_CORE_2022_x86_64", CpuArchitecture.X86, Accelerator.None, true),
        new("WINDOWS_FULL_2022_x86_64", CpuArchitecture.X86, Accelerator.None, true),
        new("WINDOWS_CORE_2025_x86_64", CpuArchitecture.X86, Accelerator.None, true),
        new("WINDOWS_FULL_2025_x86_64", CpuArchitecture.X86, Accelerator.None, true),
    ];

    private static readonly Dictionary<string, AmiTypeInfo> ByName = All.ToDictionary(a => a.Name, StringComparer.Ordinal);

    public static AmiTypeInfo? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>
    /// The AL2023 and Bottlerocket types that stand in for <paramref name="ami"/> on any Kubernetes version: the same
    /// architecture and accelerator, Linux, FIPS only if it was.
    /// </summary>
    public static IEnumerable<string> CurrentReplacements(AmiTypeInfo ami)
    {
        ArgumentNullException.ThrowIfNull(ami);
        var fips = ami.Name.EndsWith("_FIPS", StringComparison.Ordinal);
        return All.Where(a => a.Architecture == ami.Architecture && a.Needs == ami.Needs && !a.IsWindows && a.LastKubernetesMinor is null
                && a.Name.EndsWith("_FIPS", StringComparison.Ordinal) == fips)
            .Select(a => a.Name);
    }
}
