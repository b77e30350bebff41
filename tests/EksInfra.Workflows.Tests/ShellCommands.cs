using System.Text;
using System.Text.RegularExpressions;

namespace EksInfra.Workflows.Tests;

/// <summary>One eksinfra command line found in a workflow run: script or a document.</summary>
/// <param name="Source">Where it was found, e.g. <c>.github/workflows/preview.yml jobs.build step 'Check every stack'</c>.</param>
/// <param name="Line">The command line as written.</param>
/// <param name="Args">The arguments after the program, placeholders substituted.</param>
internal sealed record CliInvocation(string Source, string Line, IReadOnlyList<string> Args)
{
    /// <summary>Options of the tool that take a value (so the value is not a positional argument).</summary>
    private static readonly HashSet<string> ValueOptions = ["--dir", "--base", "--format", "--out", "--to", "--aws-auth", "--access-entries", "--rbac", "--namespace", "-n", "--name", "--principal"];

    public string? Verb => Words().FirstOrDefault();

    /// <summary>Positional arguments after the verb (stacks, files).</summary>
    public List<string> Positionals => [.. Words().Skip(1)];

    private IEnumerable<string> Words()
    {
        for (var i = 0; i < Args.Count; i++)
        {
            if (ValueOptions.Contains(Args[i]))
            {
                i++;
            }
            else if (!Args[i].StartsWith('-'))
            {
                yield return Args[i];
            }
        }
    }
}

/// <summary>
/// Finds eksinfra invocations in shell text: <c>eksinfra VERB ...</c>, <c>dotnet .../eksinfra.dll VERB ...</c>
/// and <c>dotnet run --project infra/EksInfra.Cli -- VERB ...</c>. GitHub expressions and shell variables
/// become placeholder values so that the command line can be parsed by the real CLI.
/// </summary>
internal static partial class ShellCommands
{
    public static List<CliInvocation> FindEksinfra(string script, string source)
    {
        var found = new List<CliInvocation>();
        foreach (var line in LogicalLines(script))
        {
            var tokens = Tokenize(GithubExpression().Replace(line, m => Placeholder(m.Groups[1].Value)));
            for (var i = 0; i < tokens.Count; i++)
            {
                var start = CommandStart(tokens, i);
                if (start < 0)
                {
                    continue;
                }

                var args = tokens.Skip(start).TakeWhile(t => !t.IsOperator).Select(t => t.Text).ToList();
                found.Add(new CliInvocation(source, line.Trim(), args));
                i = start + args.Count;
            }
        }

        return found;
    }

    /// <summary>A placeholder for a GitHub expression or a shell variable, chosen by its name.</summary>
    public static string Placeholder(string name)
    {
        var upper = name.ToUpperInvariant();
        if (upper.Contains("STACK"))
        {
            return "dev";
        }

        if (upper.Contains("SHA") || upper.Contains("BASE") || upper.Contains("REV"))
        {
            return "HEAD";
        }

        return upper.Contains("FORMAT") ? "markdown" : "placeholder";
    }

    private static int CommandStart(List<Token> tokens, int i)
    {
        var token = tokens[i];
        if (token.IsOperator)
        {
            return -1;
        }

        if (token.Text == "eksinfra")
        {
            return i + 1;
        }

        // `dotnet PATH/eksinfra.dll VERB`: only as the program dotnet runs, not a path in another command.
        if ((token.Text.EndsWith("/eksinfra.dll", StringComparison.Ordinal) || token.Text == "eksinfra.dll")
            && i > 0 && tokens[i - 1] is { IsOperator: false, Text: "dotnet" })
        {
            return i + 1;
        }

        if (token.Text == "--project" && i + 2 < tokens.Count
            && tokens[i + 1].Text.TrimEnd('/').EndsWith("infra/EksInfra.Cli", StringComparison.Ordinal)
            && tokens[i + 2].Text == "--")
        {
            return i + 3;
        }

        return -1;
    }

    private static IEnumerable<string> LogicalLines(string script)
    {
        var current = new StringBuilder();
        foreach (var raw in script.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.EndsWith('\\'))
            {
                current.Append(line, 0, line.Length - 1).Append(' ');
                continue;
            }

            current.Append(line);
            yield return current.ToString();
            current.Clear();
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static List<Token> Tokenize(string line)
    {
        var tokens = new List<Token>();
        var word = new StringBuilder();
        var inWord = false;

        void EndWord()
        {
            if (inWord)
            {
                tokens.Add(new Token(word.ToString(), false));
            }

            word.Clear();
            inWord = false;
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t':
                    EndWord();
                    break;
                case '#' when !inWord:
                    EndWord();
                    return tokens;
                case '\'':
                    inWord = true;
                    var close = line.IndexOf('\'', i + 1);
                    close = close < 0 ? line.Length : close;
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; i < line.Length && line[i] != '"'; i++)
                    {
                        if (line[i] == '\\' && i + 1 < line.Length && "\"\\$`".Contains(line[i + 1], StringComparison.Ordinal))
                        {
                            word.Append(line[++i]);
                        }
                        else if (line[i] == '$')
                        {
                            i = AppendVariable(line, i, word);
                        }
                        else
                        {
                            word.Append(line[i]);
                        }
                    }

                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < line.Length)
                    {
                        word.Append(line[++i]);
                    }

                    break;
                case '$':
                    inWord = true;
                    i = AppendVariable(line, i, word);
                    break;
                case ';' or '|' or '&' or '<' or '>' or '(' or ')':
                    // "2>" and "2>&1": the digits belong to the redirection, not to the command.
                    var redirection = inWord && word.ToString().All(char.IsDigit) && c is '<' or '>';
                    if (!redirection)
                    {
                        EndWord();
                    }

                    word.Clear();
                    inWord = false;
                    var op = new StringBuilder().Append(c);
                    while (i + 1 < line.Length && line[i + 1] is ';' or '|' or '&' or '<' or '>')
                    {
                        op.Append(line[++i]);
                    }

                    tokens.Add(new Token(op.ToString(), true));
                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        EndWord();
        return tokens;
    }

    /// <summary>Appends the placeholder for <c>$NAME</c>, <c>${NAME...}</c> or <c>$(...)</c> at <paramref name="i"/>; returns the last index used.</summary>
    private static int AppendVariable(string line, int i, StringBuilder word)
    {
        if (i + 1 >= line.Length)
        {
            word.Append('$');
            return i;
        }

        if (line[i + 1] == '{')
        {
            var close = line.IndexOf('}', i + 2);
            close = close < 0 ? line.Length - 1 : close;
            word.Append(Placeholder(line[(i + 2)..close]));
            return close;
        }

        var end = i + 1;
        while (end < line.Length && (char.IsLetterOrDigit(line[end]) || line[end] == '_'))
        {
            end++;
        }

        if (end == i + 1)
        {
            word.Append('$');
            return i;
        }

        word.Append(Placeholder(line[(i + 1)..end]));
        return end - 1;
    }

    [GeneratedRegex(@"\$\{\{(.*?)\}\}")]
    private static partial Regex GithubExpression();

    private readonly record struct Token(string Text, bool IsOperator);
}
