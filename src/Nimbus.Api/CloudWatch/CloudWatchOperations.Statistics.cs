// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Metrics;

namespace Nimbus.Api.CloudWatch;

internal static partial class CloudWatchOperations
{
    /// <summary>
    /// GetMetricStatistics: one datapoint per period that has data (ascending), with the statistics and percentiles
    /// asked for. At most 1,440 periods may be asked for; percentiles need values counted one by one (a histogram).
    /// </summary>
    private static async Task GetMetricStatisticsAsync(CloudWatchCall call)
    {
        await call.AuthorizeAsync("GetMetricStatistics");
        var input = call.Input;
        var ns = MetricRules.Namespace(input);
        var name = MetricRules.MetricName(input);
        var dimensions = MetricRules.Dimensions(input);
        var (start, end) = MetricRules.Span(input);
        var period = MetricRules.Period(input);
        var unit = MetricRules.Unit(input);
        var statistics = input.Strings("Statistics");
        var extended = input.Strings("ExtendedStatistics");
        if (statistics.Count == 0 && extended.Count == 0)
        {
            // AWS's text for this case is not documented; this says what it checks.
            throw CloudWatchException.InvalidParameterCombination("At least one of the parameters Statistics and ExtendedStatistics must be specified.");
        }

        if (statistics.Count > 5)
        {
            throw MetricRules.TooMany("Statistics", 5);
        }

        if (extended.Count > 10)
        {
            throw MetricRules.TooMany("ExtendedStatistics", 10);
        }

        for (var i = 0; i < statistics.Count; i++)
        {
            if (Array.IndexOf(MetricRules.Statistics, statistics[i]) < 0)
            {
                throw MetricRules.Invalid($"Statistics.member.{i + 1}", statistics[i]);
            }
        }

        for (var i = 0; i < extended.Count; i++)
        {
            if (MetricRules.Percentile(extended[i]) is null)
            {
                throw MetricRules.Invalid($"ExtendedStatistics.member.{i + 1}", extended[i]);
            }
        }

        var periodMs = period * 1000L;
        var requested = (end - start + periodMs - 1) / periodMs;
        if (requested > MetricRules.MaxDatapoints)
        {
            throw CloudWatchException.InvalidParameterCombination(string.Create(
                CultureInfo.InvariantCulture,
                $"You have requested up to {requested:N0} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range."));
        }

        var reading = await call.Metrics.ReadAsync(MetricRules.Series(call.Scope, ns, name, dimensions), start, end, unit, call.Aborted);
        var periods = reading.Periods(start, periodMs);
        var output = call.Output;
        output.StartStructure(null, 2);
        output.String("Label", name);
        output.StartList("Datapoints", periods.Count);
        foreach (var (at, aggregate) in periods)
        {
            var percentiles = new List<KeyValuePair<string, double>>(extended.Count);
            foreach (var statistic in extended)
            {
                if (MetricRules.Value(aggregate, statistic) is { } value)
                {
                    percentiles.Add(new(statistic, value));
                }
            }

            output.StartStructure(null, 2 + statistics.Count + (percentiles.Count > 0 ? 1 : 0));
            output.Timestamp("Timestamp", DateTimeOffset.FromUnixTimeMilliseconds(at));
            foreach (var statistic in statistics)
            {
                output.Double(statistic, MetricRules.Value(aggregate, statistic) ?? 0);
            }

            output.String("Unit", reading.Unit ?? MetricNames.None);
            if (percentiles.Count > 0)
            {
                output.Map("ExtendedStatistics", percentiles);
            }

            output.EndStructure();
        }

        output.EndList();
        output.EndStructure();
    }

    /// <summary>
    /// GetMetricData for queries with a MetricStat (metric math is not served: an Expression is refused). Every
    /// result is Complete, newest first unless ScanBy says TimestampAscending; no pagination is needed.
    /// </summary>
    private static async Task GetMetricDataAsync(CloudWatchCall call)
    {
        await call.AuthorizeAsync("GetMetricData");
        var input = call.Input;
        if (input.Count("MetricDataQueries") == 0)
        {
            throw CloudWatchException.MissingParameter("MetricDataQueries");
        }

        var queries = input.Structures("MetricDataQueries");
        if (queries.Count > 500)
        {
            throw MetricRules.TooMany("MetricDataQueries", 500);
        }

        var (start, end) = MetricRules.Span(input);
        var ascending = input.String("ScanBy") switch
        {
            null or "TimestampDescending" => false,
            "TimestampAscending" => true,
            var other => throw MetricRules.Invalid("ScanBy", other),
        };
        if (input.String("NextToken") is { } token)
        {
            // Nimbus answers every query whole, so it never hands out a token to come back with.
            throw new CloudWatchException("InvalidNextToken", "InvalidNextToken", $"The service cannot recognize the token {token}.");
        }

        var results = new List<(string Id, string Label, List<(long At, double Value)> Values)>(queries.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            var id = query.RequiredString("Id");
            if (id.Length > 255 || !char.IsAsciiLetterLower(id[0]) || !id.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw MetricRules.Invalid(query.Name("Id"), id);
            }

            if (!ids.Add(id))
            {
                throw CloudWatchException.InvalidParameterValue($"The value {id} for parameter {query.Name("Id")} is not unique.");
            }

            if (query.Has("Expression"))
            {
                // Metric math is left out (issue 13): refused by name rather than answered wrongly.
                throw CloudWatchException.InvalidParameterValue(
                    $"The parameter {query.Name("Expression")} is not supported: Nimbus serves MetricStat queries only, not metric math expressions.");
            }

            var stat = query.Structure("MetricStat") ?? throw CloudWatchException.MissingParameter(query.Name("MetricStat"));
            var metric = stat.Structure("Metric") ?? throw CloudWatchException.MissingParameter(stat.Name("Metric"));
            var ns = MetricRules.Namespace(metric);
            var name = MetricRules.MetricName(metric);
            var dimensions = MetricRules.Dimensions(metric);
            var period = MetricRules.Period(stat);
            var statistic = stat.RequiredString("Stat");
            if (Array.IndexOf(MetricRules.Statistics, statistic) < 0 && MetricRules.Percentile(statistic) is null)
            {
                throw MetricRules.Invalid(stat.Name("Stat"), statistic);
            }

            var unit = MetricRules.Unit(stat);
            var reading = await call.Metrics.ReadAsync(MetricRules.Series(call.Scope, ns, name, dimensions), start, end, unit, call.Aborted);
            var values = new List<(long, double)>();
            foreach (var (at, aggregate) in reading.Periods(start, period * 1000L))
            {
                if (MetricRules.Value(aggregate, statistic) is { } value)
                {
                    values.Add((at, value));
                }
            }

            if (!ascending)
            {
                values.Reverse();
            }

            if (query.Bool("ReturnData") is not false)
            {
                results.Add((id, query.String("Label") ?? name, values));
            }
        }

        var output = call.Output;
        output.StartStructure(null, 2);
        output.StartList("MetricDataResults", results.Count);
        foreach (var (id, label, values) in results)
        {
            output.StartStructure(null, 5);
            output.String("Id", id);
            output.String("Label", label);
            output.StartList("Timestamps", values.Count);
            foreach (var (at, _) in values)
            {
                output.Timestamp(null, DateTimeOffset.FromUnixTimeMilliseconds(at));
            }

            output.EndList();
            output.StartList("Values", values.Count);
            foreach (var (_, value) in values)
            {
                output.Double(null, value);
            }

            output.EndList();
            output.String("StatusCode", "Complete");
            output.EndStructure();
        }

        output.EndList();
        output.StartList("Messages", 0);
        output.EndList();
        output.EndStructure();
    }
}
