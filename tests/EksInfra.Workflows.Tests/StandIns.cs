namespace EksInfra.Workflows.Tests;

/// <summary>Stand-ins for the tools a workflow step calls (aws, kubectl, gh, eksinfra): small sh scripts on a PATH of their own.</summary>
internal static class StandIns
{
    /// <summary>Writes <paramref name="script"/> as the executable <paramref name="name"/> in <paramref name="dir"/>, with LF line ends.</summary>
    public static string Write(string dir, string name, string script)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, script.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
