// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// CloudWatch's checks on the parts every operation shares (namespace, metric name, dimensions, units, statistics,
/// periods) with AWS's messages (<c>The parameter X is required.</c>, <c>The value V for parameter X is invalid.</c>).
/// </summary>
internal static class MetricRules
{
    public const int MaxDimensions = 30;
    public const int MaxDatapoints = 1440;

    public static readonly string[] Statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

    public static readonly HashSet<string> Units = new(StringComparer.Ordinal)
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    };

    public static CloudWatchException Invalid(string parameter, string? value) =>
        CloudWatchException.InvalidParameterValue($"The value {value} for parameter {parameter} is invalid.");

    public static string Namespace(CloudWatchInput input, string member = "Namespace")
    {
        var ns = input.RequiredString(member);
        Length(input.Name(member), ns, 255);
        if (ns.StartsWith(':'))
        {
            throw Invalid(input.Name(member), ns);
        }

        return ns;
    }

    public static string MetricName(CloudWatchInput input, string member = "MetricName")
    {
        var name = input.RequiredString(member);
        Length(input.Name(member), name, 255);
        return name;
    }

    /// <summary>A metric's dimensions (Name and Value required), at most 30, no name twice.</summary>
    public static List<MetricDimension> Dimensions(CloudWatchInput input, string member = "Dimensions")
    {
        var items = input.Structures(member);
        if (items.Count > MaxDimensions)
        {
            throw TooMany(input.Name(member), MaxDimensions);
        }

        var dimensions = new List<MetricDimension>(items.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var name = item.RequiredString("Name");
            var value = item.RequiredString("Value");
            Length(item.Name("Name"), name, 255);
            Length(item.Name("Value"), value, 1024);
            if (!names.Add(name))
            {
                // AWS refuses a dimension named twice; its exact text is not documented.
                throw CloudWatchException.InvalidParameterValue($"The dimension {name} is specified more than once in {input.Name(member)}.");
            }

            dimensions.Add(new MetricDimension(name, value));
        }

        return dimensions;
    }

    public static string? Unit(CloudWatchInput input, string member = "Unit")
    {
        var unit = input.String(member);
        return unit is null || Units.Contains(unit) ? unit : throw Invalid(input.Name(member), unit);
    }

    /// <summary>A period in seconds: at least 60 and a multiple of 60 (Nimbus keeps 1-minute resolution only).</summary>
    public static int Period(CloudWatchInput input, string member = "Period")
    {
        var period = input.Int(member) ?? throw CloudWatchException.MissingParameter(input.Name(member));
        if (period < 1 || period % 60 != 0)
        {
            throw CloudWatchException.InvalidParameterValue($"The parameter {input.Name(member)} must be a multiple of 60.");
        }

        return period;
    }

    /// <summary>A percentile statistic, <c>p0</c>–<c>p100</c> with up to two decimals; null for anything else.</summary>
    public static double? Percentile(string statistic)
    {
        if (statistic.Length < 2 || statistic[0] != 'p')
        {
            return null;
        }

        var number = statistic.AsSpan(1);
        var dot = number.IndexOf('.');
        if ((dot >= 0 && number.Length - dot - 1 is < 1 or > 2) || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) || p > 100)
        {
            return null;
        }

        return p;
    }

    /// <summary>One statistic of an aggregate; null when it cannot be told (a percentile without a histogram).</summary>
    public static double? Value(MetricAggregate aggregate, string statistic) => statistic switch
    {
        "SampleCount" => aggregate.SampleCount,
        "Average" => aggregate.Average,
        "Sum" => aggregate.Sum,
        "Minimum" => aggregate.Minimum,
        "Maximum" => aggregate.Maximum,
        _ => Percentile(statistic) is { } p ? aggregate.Percentile(p) : null,
    };

    /// <summary>The span asked for, start rounded down to the minute; start must come before end.</summary>
    public static (long Start, long End) Span(CloudWatchInput input)
    {
        var start = input.Timestamp("StartTime") ?? throw CloudWatchException.MissingParameter(input.Name("StartTime"));
        var end = input.Timestamp("EndTime") ?? throw CloudWatchException.MissingParameter(input.Name("EndTime"));
        if (start >= end)
        {
            throw CloudWatchException.InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.");
        }

        return (MetricsAggregator.MinuteOf(start.ToUnixTimeMilliseconds()), end.ToUnixTimeMilliseconds());
    }

    public static MetricSeries Series(Scope scope, string ns, string name, List<MetricDimension> dimensions) => MetricSeries.Of(scope, ns, name, dimensions);

    public static CloudWatchException TooMany(string parameter, int limit) =>
        CloudWatchException.InvalidParameterValue($"The collection {parameter} must not have a size greater than {limit}.");

    private static void Length(string parameter, string value, int max)
    {
        if (value.Length == 0 || value.Length > max)
        {
            // The model's length constraint (min 1, max N); AWS's text for it is not documented.
            throw CloudWatchException.InvalidParameterValue($"The parameter {parameter} must be between 1 and {max} characters long.");
        }
    }
}
