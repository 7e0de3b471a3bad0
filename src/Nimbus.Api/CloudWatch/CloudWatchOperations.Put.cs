// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Metrics;

namespace Nimbus.Api.CloudWatch;

internal static partial class CloudWatchOperations
{
    private const int MaxMetricData = 1000;
    private const int MaxValues = 150;

    /// <summary>CloudWatch refuses values beyond ±2^360 (and NaN, ±Infinity).</summary>
    private static readonly double s_maxMagnitude = Math.Pow(2, 360);

    /// <summary>
    /// PutMetricData into the caller's own namespaces (not <c>AWS/</c>): each datum is a Value, a Values/Counts
    /// pair, or StatisticValues; timestamps from two weeks back to two hours ahead (default now). Stored at once at
    /// 1-minute resolution (StorageResolution 1 is accepted and kept at a minute).
    /// </summary>
    private static async Task PutMetricDataAsync(CloudWatchCall call)
    {
        await call.AuthorizeAsync("PutMetricData");
        var input = call.Input;
        var ns = MetricRules.Namespace(input);
        if (ns.StartsWith("AWS/", StringComparison.Ordinal))
        {
            throw MetricRules.Invalid("Namespace", ns);
        }

        var data = input.Structures("MetricData");
        if (data.Count > MaxMetricData)
        {
            throw MetricRules.TooMany("MetricData", MaxMetricData);
        }

        var now = call.Time.GetUtcNow();
        var points = new Dictionary<(MetricSeries Series, long Minute, string Unit), MetricAggregate>();
        foreach (var datum in data)
        {
            var name = MetricRules.MetricName(datum);
            var dimensions = MetricRules.Dimensions(datum);
            var unit = MetricRules.Unit(datum) ?? MetricNames.None;
            var at = datum.Timestamp("Timestamp") ?? now;
            if (at < now.AddDays(-14))
            {
                throw CloudWatchException.InvalidParameterValue($"The parameter {datum.Name("Timestamp")} must specify a time no more than two weeks in the past.");
            }

            if (at > now.AddHours(2))
            {
                throw CloudWatchException.InvalidParameterValue($"The parameter {datum.Name("Timestamp")} must specify a time no more than two hours in the future.");
            }

            if (datum.Int("StorageResolution") is { } resolution && resolution is not (1 or 60))
            {
                throw MetricRules.Invalid(datum.Name("StorageResolution"), resolution.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var aggregate = Datum(datum);
            var key = (MetricSeries.Of(call.Scope, ns, name, dimensions), MetricsAggregator.MinuteOf(at.ToUnixTimeMilliseconds()), unit);
            if (points.TryGetValue(key, out var existing))
            {
                existing.Merge(aggregate);
            }
            else
            {
                points[key] = aggregate;
            }
        }

        var list = new List<MetricPoint>(points.Count);
        foreach (var ((series, minute, unit), aggregate) in points)
        {
            list.Add(new MetricPoint(series, minute, unit, aggregate));
        }

        if (list.Count > 0)
        {
            await call.Metrics.PutAsync(list, call.Aborted);
        }

        call.Output.StartStructure(null, 0);
        call.Output.EndStructure();
    }

    /// <summary>One datum's values, checked as CloudWatch checks them.</summary>
    private static MetricAggregate Datum(CloudWatchInput datum)
    {
        var value = datum.Double("Value");
        var statistics = datum.Structure("StatisticValues");
        var hasValues = datum.Has("Values");
        if (value is not null && statistics is not null)
        {
            throw Exclusive(datum, "Value", "StatisticValues");
        }

        if (value is not null && hasValues)
        {
            throw Exclusive(datum, "Value", "Values");
        }

        if (statistics is not null && hasValues)
        {
            throw Exclusive(datum, "StatisticValues", "Values");
        }

        if (statistics is not null)
        {
            var count = Checked(statistics, "SampleCount", statistics.Double("SampleCount"));
            var sum = Checked(statistics, "Sum", statistics.Double("Sum"));
            var minimum = Checked(statistics, "Minimum", statistics.Double("Minimum"));
            var maximum = Checked(statistics, "Maximum", statistics.Double("Maximum"));
            if (count <= 0)
            {
                throw MetricRules.Invalid(statistics.Name("SampleCount"), Text(count));
            }

            if (minimum > maximum)
            {
                // AWS's text for a set whose minimum exceeds its maximum is not documented.
                throw CloudWatchException.InvalidParameterValue($"The parameter {statistics.Name("Minimum")} must not be greater than {statistics.Name("Maximum")}.");
            }

            return MetricAggregate.Of(count, sum, minimum, maximum, buckets: null);
        }

        var aggregate = MetricAggregate.Distribution();
        if (hasValues)
        {
            var values = datum.Doubles("Values");
            var counts = datum.Doubles("Counts");
            if (values.Count > MaxValues)
            {
                throw MetricRules.TooMany(datum.Name("Values"), MaxValues);
            }

            if (counts.Count > 0 && counts.Count != values.Count)
            {
                throw CloudWatchException.InvalidParameterValue($"The parameters {datum.Name("Values")} and {datum.Name("Counts")} must be of the same size.");
            }

            for (var i = 0; i < values.Count; i++)
            {
                var item = Checked(datum, $"Values.member.{i + 1}", values[i]);
                var times = counts.Count > 0 ? counts[i] : 1;
                if (!double.IsFinite(times) || times < 0)
                {
                    throw MetricRules.Invalid(datum.Name($"Counts.member.{i + 1}"), Text(times));
                }

                if (times > 0)
                {
                    aggregate.Add(item, times);
                }
            }

            return aggregate;
        }

        if (value is null)
        {
            // A datum needs one of its value members; AWS names Value when none is given.
            throw CloudWatchException.MissingParameter(datum.Name("Value"));
        }

        aggregate.Add(Checked(datum, "Value", value));
        return aggregate;
    }

    private static double Checked(CloudWatchInput owner, string member, double? value)
    {
        if (value is not { } number)
        {
            throw CloudWatchException.MissingParameter(owner.Name(member));
        }

        if (!double.IsFinite(number) || Math.Abs(number) > s_maxMagnitude)
        {
            throw MetricRules.Invalid(owner.Name(member), Text(number));
        }

        return number;
    }

    private static CloudWatchException Exclusive(CloudWatchInput datum, string a, string b) =>
        CloudWatchException.InvalidParameterCombination($"The parameters {datum.Name(a)} and {datum.Name(b)} are mutually exclusive and you have specified both.");

    private static string Text(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
