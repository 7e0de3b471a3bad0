// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Filtering;

/// <summary>
/// One compiled filter pattern of an event source mapping (<c>FilterCriteria.Filters[].Pattern</c>): Lambda's event
/// filtering, the EventBridge pattern language. Compiled once; matching reads the record in place and allocates
/// little. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html. Objects nest by field; a leaf is an
/// array of alternatives (OR); fields AND together; <c>$or</c> takes two or more objects. Alternatives: exact
/// strings, numbers (compared as numbers), true, false, null; <c>prefix</c>, <c>suffix</c> (each also with
/// <c>equals-ignore-case</c> inside), <c>equals-ignore-case</c>, <c>wildcard</c>, <c>numeric</c>, <c>exists</c>,
/// <c>cidr</c> and <c>anything-but</c>. An array in the record matches when any element does.
/// </remarks>
public sealed class EventFilter
{
    /// <summary>The model's maximum length of a pattern (shape <c>Pattern</c>, max 4096).</summary>
    public const int MaxPatternLength = 4096;

    /// <summary>AWS's message for any malformed pattern (InvalidParameterValueException).</summary>
    public const string InvalidPatternMessage = "Invalid filter pattern definition.";

    private readonly ObjectPattern _root;

    private EventFilter(string pattern, ObjectPattern root)
    {
        Pattern = pattern;
        _root = root;
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>
    /// Compiles a pattern, or throws InvalidParameterValueException "Invalid filter pattern definition." when it is
    /// missing, not JSON, or not a valid pattern. The length limit is the request model's, checked by
    /// <see cref="FilterCriteria.Create"/>.
    /// </summary>
    /// <exception cref="LambdaException">The pattern is invalid.</exception>
    public static EventFilter Parse(string? pattern)
    {
        if (pattern is null)
        {
            throw PatternCompiler.Invalid();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(pattern);
        }
        catch (JsonException)
        {
            throw PatternCompiler.Invalid();
        }

        using (document)
        {
            return new EventFilter(pattern, PatternCompiler.Compile(document.RootElement));
        }
    }

    /// <summary>Compiles a pattern; false, with no exception, when it is invalid.</summary>
    public static bool TryParse(string? pattern, [NotNullWhen(true)] out EventFilter? filter)
    {
        try
        {
            filter = Parse(pattern);
            return true;
        }
        catch (LambdaException)
        {
            filter = null;
            return false;
        }
    }

    /// <summary>
    /// Whether the record matches. The record is what Lambda filters on: for SQS the message record with
    /// <c>body</c> already parsed when it is JSON (see <see cref="SqsFilterRecord"/>); for Kinesis the record with
    /// <c>data</c> decoded; for DynamoDB the stream record. A record that is not an object never matches.
    /// </summary>
    public bool Matches(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && _root.MatchesObject(record);

    /// <summary>Whether the record, given as UTF-8 JSON, matches; false when it is not JSON.</summary>
    public bool Matches(ReadOnlySpan<byte> utf8Record)
    {
        JsonDocument? document;
        try
        {
            var reader = new Utf8JsonReader(utf8Record);
            if (!JsonDocument.TryParseValue(ref reader, out document))
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            return Matches(document.RootElement);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
