using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EksInfra.Benchmarks;

/// <summary>What YamlDotNet's parser emitted again, so a check can tell the round trip kept every event.</summary>
public sealed record YamlRoundTrip(int Events, string Yaml);

/// <summary>
/// The floor for the pipeline: YamlDotNet's own parse of the stack file's bytes and an emit of what it parsed,
/// event by event, with the settings the renderers use. The pipeline parses the same bytes and emits about as much
/// YAML (aws-auth), so its time over this one is what the access core itself costs.
/// </summary>
public static class YamlFloor
{
    public static YamlRoundTrip ParseAndEmit(byte[] bytes)
    {
        var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        var parser = new Parser(new StringReader(text));
        using var output = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(output, new EmitterSettings().WithNewLine("\n"));
        var events = 0;
        while (parser.MoveNext())
        {
            emitter.Emit(parser.Current!);
            events++;
        }

        return new YamlRoundTrip(events, output.ToString());
    }

    /// <summary>How many events the parser reads from <paramref name="yaml"/>: a round trip that lost none reads as many.</summary>
    public static int CountEvents(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var events = 0;
        while (parser.MoveNext())
        {
            events++;
        }

        return events;
    }
}
