using System.Text;
using EksInfra.Access.Config;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksInfra.Access.Tests;

/// <summary>
/// Maps and lists nested thousands deep overflowed the reader's recursion and killed the process. Past
/// <see cref="YamlConfigReader.MaxNesting"/> they are refused with the config path and the place where the nesting
/// passes the limit, aliases counted as what they expand to; up to it they read as before.
/// </summary>
public class NestingLimitTests
{
    private const int Limit = YamlConfigReader.MaxNesting;

    /// <summary>The collections open around <c>eks-infra:access.extra</c>'s value: the file's map, config, eks-infra:access.</summary>
    private const int Above = 3;

    private const string TooDeep = "maps and lists are nested deeper than 64 levels here (aliases expanded)";

    private static string Stack(string extra) => Stacks.Minimal() + $"    extra: {extra}\n";

    private static string FlowMaps(int levels) => string.Concat(Enumerable.Repeat("{a: ", levels)) + "1" + new string('}', levels);

    private static string FlowLists(int levels) => new string('[', levels) + new string(']', levels);

    private static string BlockMaps(int levels)
    {
        var text = new StringBuilder();
        for (var level = 1; level < levels; level++)
        {
            text.Append('\n').Append(' ', 4 + (2 * level)).Append("a:");
        }

        return text.Append(" {}").ToString();
    }

    private static string Repeat(string segment, int times) => string.Concat(Enumerable.Repeat(segment, times));

    private static Diagnostic? NestingError(StackEvaluation evaluation) =>
        evaluation.Errors.SingleOrDefault(e => e.Message.Contains("nested deeper", StringComparison.Ordinal));

    private static Diagnostic Refused(StackEvaluation evaluation)
    {
        Assert.False(evaluation.IsValid);
        Assert.Null(evaluation.Plan);
        var error = NestingError(evaluation);
        Assert.True(error is not null, Stacks.Describe(evaluation));
        Assert.Equal(TooDeep + "; no stack file or aws-auth export nests that deep: remove the extra nesting (or fix what generated the file)", error.Message);
        return error;
    }

    [Fact]
    public void YamlDotNet_parses_nested_flow_collections_without_recursing()
    {
        // Its parser keeps a stack of states, not of calls: were it recursive, 10,000 levels would overflow a 256 KB
        // stack. (It was run at 100,000 levels too, which passes in some 9 minutes: its time grows with the square of
        // the depth, one more reason the reader stops at MaxNesting, long before that shows.)
        const int Levels = 10_000;
        var events = 0;
        var skipped = false;
        var thread = new Thread(
            () =>
            {
                foreach (var text in new[] { FlowMaps(Levels), FlowLists(Levels) })
                {
                    var parser = new Parser(new StringReader(text));
                    while (parser.MoveNext())
                    {
                        events++;
                    }
                }

                var skipping = new Parser(new StringReader("[" + FlowLists(Levels) + ", x]"));
                skipping.Consume<StreamStart>();
                skipping.Consume<DocumentStart>();
                skipping.Consume<SequenceStart>();
                skipping.SkipThisAndNestedEvents();
                skipped = skipping.Current is Scalar { Value: "x" };
            },
            maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();

        // Stream, document, Levels maps of one key and one value (or Levels lists), one scalar in the maps.
        Assert.Equal((4 + (3 * Levels) + 1) + (4 + (2 * Levels)), events);
        Assert.True(skipped);
    }

    [Theory]
    [InlineData("flow maps")]
    [InlineData("flow lists")]
    [InlineData("block maps")]
    public void A_value_nested_one_level_past_the_limit_is_refused_at_the_level_that_passes_it(string shape)
    {
        var levels = Limit - Above + 1;
        var (value, path) = shape switch
        {
            "flow maps" => (FlowMaps(levels), "eks-infra:access.extra" + Repeat(".a", levels - 1)),
            "flow lists" => (FlowLists(levels), "eks-infra:access.extra" + Repeat("[0]", levels - 1)),
            _ => (BlockMaps(levels), "eks-infra:access.extra" + Repeat(".a", levels - 1)),
        };
        var text = Stack(value);

        var error = Refused(Stacks.EvaluateText(text));

        Assert.Equal(path, error.Path);
        var lines = text.Split('\n');
        var (line, column) = shape switch
        {
            "flow maps" => (lines.Length - 1, 12 + (4 * (levels - 1))),
            "flow lists" => (lines.Length - 1, 12 + (levels - 1)),
            _ => (lines.Length - 1, 4 + (2 * (levels - 1)) + 4),
        };
        Assert.Equal(new SourceLocation("Pulumi.test.yaml", line, column), error.Location);
    }

    [Theory]
    [InlineData("flow maps")]
    [InlineData("flow lists")]
    [InlineData("block maps")]
    public void A_value_nested_up_to_the_limit_is_read_as_before(string shape)
    {
        var levels = Limit - Above;
        var value = shape switch { "flow maps" => FlowMaps(levels), "flow lists" => FlowLists(levels), _ => BlockMaps(levels) };

        var evaluation = Stacks.EvaluateText(Stack(value));

        Assert.Null(NestingError(evaluation));
        Assert.Contains(evaluation.Errors, e => e.Path == "eks-infra:access.extra");
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(100_000)]
    public void Thousands_of_levels_are_refused_and_the_process_lives(int levels)
    {
        foreach (var value in new[] { FlowMaps(levels), FlowLists(levels) })
        {
            var text = Stack(value);
            Assert.Equal("eks-infra:access.extra", Refused(Stacks.EvaluateText(text)).Path[.."eks-infra:access.extra".Length]);

            // The reader that keeps the values as trees refuses them the same way.
            var values = StackFileReader.ReadValues("test", "Pulumi.test.yaml", Encoding.UTF8.GetBytes(text));
            var error = Assert.Single(values.ReadDiagnostics, d => d.IsError);
            Assert.StartsWith(TooDeep, error.Message, StringComparison.Ordinal);
            Assert.StartsWith("eks-infra:access.extra", error.Path, StringComparison.Ordinal);
        }
    }

    /// <summary><c>x: &amp;deep</c> nested <paramref name="height"/> lists, and <c>y</c> nested <paramref name="around"/> lists around <c>*deep</c>.</summary>
    private static string AliasStack(int height, int around) =>
        Stacks.Minimal()
        + $"    x: &deep {FlowLists(height)}\n"
        + $"    y: {new string('[', around)}*deep{new string(']', around)}\n";

    [Fact]
    public void An_alias_counts_as_the_nesting_it_expands_to()
    {
        const int Height = 40;
        var fits = Limit - Above - Height;

        var within = Stacks.EvaluateText(AliasStack(Height, fits));
        Assert.Null(NestingError(within));

        var text = AliasStack(Height, fits + 1);
        var error = Refused(Stacks.EvaluateText(text));
        Assert.Equal("eks-infra:access.y" + Repeat("[0]", fits + 1), error.Path);
        var line = text.Split('\n').Length - 1;
        Assert.Equal(new SourceLocation("Pulumi.test.yaml", line, 8 + fits + 1), error.Location);
    }

    [Fact]
    public void Aliases_of_aliases_cannot_nest_past_the_limit_one_anchor_at_a_time()
    {
        // Each anchor alone nests within the limit; a1 holds a0 at depth 13, 63 levels; a2 would put a1 at 65.
        var text = Stacks.Minimal()
            + $"    a0: &a0 {FlowLists(50)}\n"
            + $"    a1: &a1 {new string('[', 10)}*a0{new string(']', 10)}\n"
            + "    a2: [[*a1]]\n";

        var error = Refused(Stacks.EvaluateText(text));

        Assert.Equal("eks-infra:access.a2[0][0]", error.Path);
    }
}
