// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Nimbus.Core.Metrics;

namespace Nimbus.Api.CloudWatch;

internal static partial class CloudWatchOperations
{
    /// <summary>ListMetrics' page size (AWS: up to 500 results per call).</summary>
    private const int ListPageSize = 500;

    /// <summary>
    /// ListMetrics: the metrics with data, filtered by namespace, name and dimension filters (a filter without a
    /// value matches any value of that dimension); RecentlyActive=PT3H keeps those with data in the past 3 hours.
    /// </summary>
    private static async Task ListMetricsAsync(CloudWatchCall call)
    {
        await call.AuthorizeAsync("ListMetrics");
        var input = call.Input;
        var ns = input.Has("Namespace") ? MetricRules.Namespace(input) : null;
        var name = input.Has("MetricName") ? MetricRules.MetricName(input) : null;
        var filters = input.Structures("Dimensions");
        if (filters.Count > 10)
        {
            throw MetricRules.TooMany("Dimensions", 10);
        }

        var wanted = new List<(string Name, string? Value)>(filters.Count);
        foreach (var filter in filters)
        {
            wanted.Add((filter.RequiredString("Name"), filter.String("Value")));
        }

        long? since = input.String("RecentlyActive") switch
        {
            null => null,
            "PT3H" => call.Time.GetUtcNow().AddHours(-3).ToUnixTimeMilliseconds(),
            var other => throw MetricRules.Invalid("RecentlyActive", other),
        };
        var offset = Offset(input.String("NextToken"));

        var all = await call.Metrics.ListAsync(call.Scope, ns, name, since, call.Aborted);
        var matching = new List<(MetricSeries Series, IReadOnlyList<MetricDimension> Dimensions)>();
        foreach (var series in all)
        {
            var dimensions = MetricDimensions.Decode(series.Dimensions);
            if (Matches(dimensions, wanted))
            {
                matching.Add((series, dimensions));
            }
        }

        var page = matching.Skip(offset).Take(ListPageSize).ToList();
        var more = offset + page.Count < matching.Count;
        var output = call.Output;
        output.StartStructure(null, more ? 2 : 1);
        output.StartList("Metrics", page.Count);
        foreach (var (series, dimensions) in page)
        {
            output.StartStructure(null, 3);
            output.String("Namespace", series.Namespace);
            output.String("MetricName", series.MetricName);
            output.StartList("Dimensions", dimensions.Count);
            foreach (var dimension in dimensions)
            {
                output.StartStructure(null, 2);
                output.String("Name", dimension.Name);
                output.String("Value", dimension.Value);
                output.EndStructure();
            }

            output.EndList();
            output.EndStructure();
        }

        output.EndList();
        if (more)
        {
            output.String("NextToken", Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + page.Count).ToString(CultureInfo.InvariantCulture))));
        }

        output.EndStructure();
    }

    private static bool Matches(IReadOnlyList<MetricDimension> dimensions, List<(string Name, string? Value)> wanted)
    {
        foreach (var (name, value) in wanted)
        {
            var found = false;
            foreach (var dimension in dimensions)
            {
                if (dimension.Name == name && (value is null || dimension.Value == value))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static int Offset(string? token)
    {
        if (token is null)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        // ListMetrics' model names no InvalidNextToken error; an unreadable token is a bad parameter value.
        throw MetricRules.Invalid("NextToken", token);
    }
}
