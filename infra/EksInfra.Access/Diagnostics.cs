namespace EksInfra.Access;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>Where a config value came from, so the tool can point at the line a reviewer must change.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One finding about a stack's config. <see cref="Path"/> is the Pulumi config path
/// (<c>eks-infra:access.mapRoles[2].rolearn</c>); <see cref="Message"/> says what is wrong and what would be right.
/// </summary>
public sealed record Diagnostic(Severity Severity, string Path, string Message, SourceLocation? Location = null)
{
    public bool IsError => Severity == Severity.Error;

    /// <summary>The text both entry points print: the Pulumi program and <c>eksinfra check</c> say the same thing.</summary>
    public override string ToString() =>
        Severity == Severity.Warning ? $"{Path}: warning: {Message}" : $"{Path}: {Message}";

    /// <summary>The same text with the file position appended, for the offline tool.</summary>
    public string ToStringWithLocation() => Location is null ? ToString() : $"{ToString()} ({Location})";
}

/// <summary>Collects diagnostics in the order rules find them; the final list is sorted so output is stable.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> items = [];

    public bool HasErrors => items.Exists(d => d.IsError);

    public void Error(string path, string message, SourceLocation? location = null) =>
        items.Add(new Diagnostic(Severity.Error, path, message, location));

    public void Warning(string path, string message, SourceLocation? location = null) =>
        items.Add(new Diagnostic(Severity.Warning, path, message, location));

    public void Error(Config.ConfigNode node, string message) => Error(node.Path, message, node.Location);

    public void Warning(Config.ConfigNode node, string message) => Warning(node.Path, message, node.Location);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => items.AddRange(diagnostics);

    /// <summary>Errors first, then by file position (unplaced ones last), then by path: the order a reader fixes them in.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList() =>
        [.. items.Distinct()
            .OrderBy(d => d.Severity)
            .ThenBy(d => d.Location is null ? 1 : 0)
            .ThenBy(d => d.Location?.File ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Location?.Line ?? int.MaxValue)
            .ThenBy(d => d.Location?.Column ?? int.MaxValue)
            .ThenBy(d => d.Path, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)];
}

/// <summary>Thrown by entry points that cannot go on with an invalid stack (the Pulumi program).</summary>
public sealed class InvalidStackConfigException : Exception
{
    public InvalidStackConfigException(IReadOnlyList<Diagnostic> diagnostics)
        : base(FormatMessage(diagnostics)) => Diagnostics = diagnostics;

    public InvalidStackConfigException()
        : this([]) { }

    public InvalidStackConfigException(string message)
        : base(message) => Diagnostics = [];

    public InvalidStackConfigException(string message, Exception inner)
        : base(message, inner) => Diagnostics = [];

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    private static string FormatMessage(IReadOnlyList<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Where(d => d.IsError).ToList();
        return $"the stack config is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):"
            + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
