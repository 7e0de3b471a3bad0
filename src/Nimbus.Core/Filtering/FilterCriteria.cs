// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.Json;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Filtering;

/// <summary>
/// The compiled <c>FilterCriteria</c> of an event source mapping: its filters OR together, so a record goes to the
/// function when any filter matches and is discarded when none does. With no filters every record matches.
/// Immutable and safe to share between threads.
/// </summary>
public sealed class FilterCriteria
{
    /// <summary>Filters per event source mapping: 5 by default, raisable to 10 as a quota.</summary>
    public const int DefaultMaxFilters = 5;

    private readonly EventFilter[] _filters;

    private FilterCriteria(EventFilter[] filters) => _filters = filters;

    /// <summary>Criteria without filters: every record matches.</summary>
    public static FilterCriteria None { get; } = new([]);

    /// <summary>The filters, in the order given.</summary>
    public IReadOnlyList<EventFilter> Filters => _filters;

    /// <summary>
    /// Validates and compiles the patterns of <c>FilterCriteria.Filters</c> as CreateEventSourceMapping and
    /// UpdateEventSourceMapping do: first the model's length limit, every violation in one ValidationException (at
    /// <c>filterCriteria.filters.N.member.pattern</c>); then the number of filters (InvalidParameterValueException);
    /// then each pattern (InvalidParameterValueException "Invalid filter pattern definition.").
    /// </summary>
    /// <param name="patterns">Each filter's <c>Pattern</c>; null where a filter has none.</param>
    /// <param name="maxFilters">The account's quota of filters per mapping.</param>
    /// <exception cref="LambdaException">A pattern is too long or invalid, or there are too many filters.</exception>
    public static FilterCriteria Create(IReadOnlyList<string?> patterns, int maxFilters = DefaultMaxFilters)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Count == 0)
        {
            return None;
        }

        var errors = new ValidationErrors();
        for (var i = 0; i < patterns.Count; i++)
        {
            errors.Length(patterns[i], string.Create(CultureInfo.InvariantCulture, $"filterCriteria.filters.{i + 1}.member.pattern"), 0, EventFilter.MaxPatternLength);
        }

        errors.ThrowIfAny();
        if (patterns.Count > maxFilters)
        {
            // AWS's wording for this case was not found in any public source; this one is Nimbus's.
            throw LambdaErrors.InvalidParameter(string.Create(
                CultureInfo.InvariantCulture,
                $"The number of filters in FilterCriteria ({patterns.Count}) exceeds the limit of {maxFilters}."));
        }

        var filters = new EventFilter[patterns.Count];
        for (var i = 0; i < filters.Length; i++)
        {
            filters[i] = EventFilter.Parse(patterns[i]);
        }

        return new FilterCriteria(filters);
    }

    /// <summary>Whether any filter matches the record (true when there are no filters).</summary>
    public bool Matches(JsonElement record)
    {
        if (_filters.Length == 0)
        {
            return true;
        }

        foreach (var filter in _filters)
        {
            if (filter.Matches(record))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any filter matches the record given as UTF-8 JSON; with filters, false when it is not JSON.</summary>
    public bool Matches(ReadOnlySpan<byte> utf8Record)
    {
        if (_filters.Length == 0)
        {
            return true;
        }

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
}
