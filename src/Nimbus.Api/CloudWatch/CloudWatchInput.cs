// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// One structure of a request, whichever protocol brought it: members are strings (the query protocol's form
/// values), or CBOR's numbers, booleans, timestamps, lists and maps. Accessors convert and name the parameter by its
/// query path (<c>MetricData.member.1.Value</c>) in errors, as AWS's awsQueryCompatible services do.
/// </summary>
internal sealed class CloudWatchInput(IReadOnlyDictionary<string, object?> members, string path)
{
    public static CloudWatchInput Empty { get; } = new(new Dictionary<string, object?>(), "");

    /// <summary>The query path of this structure ("" at the top).</summary>
    public string Path { get; } = path;

    public string Name(string member) => Path.Length == 0 ? member : Path + "." + member;

    public bool Has(string member) => members.TryGetValue(member, out var value) && value is not null;

    public string? String(string member) => Get(member) switch
    {
        null => null,
        string text => text,
        _ => throw CloudWatchException.Malformed(Name(member)),
    };

    public string RequiredString(string member) => String(member) ?? throw CloudWatchException.MissingParameter(Name(member));

    public double? Double(string member) => Number(Get(member), Name(member));

    public int? Int(string member)
    {
        var value = Get(member);
        return value switch
        {
            null => null,
            long number when number is >= int.MinValue and <= int.MaxValue => (int)number,
            ulong number when number <= int.MaxValue => (int)number,
            double number when number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue => (int)number,
            string text when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw CloudWatchException.Malformed(Name(member)),
        };
    }

    public bool? Bool(string member) => Get(member) switch
    {
        null => null,
        bool flag => flag,
        string text when bool.TryParse(text, out var flag) => flag,
        _ => throw CloudWatchException.Malformed(Name(member)),
    };

    public DateTimeOffset? Timestamp(string member) => Get(member) switch
    {
        null => null,
        DateTimeOffset time => time,
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) => time,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => FromSeconds(seconds),
        double seconds => FromSeconds(seconds),
        long seconds => DateTimeOffset.FromUnixTimeSeconds(seconds),
        _ => throw CloudWatchException.Malformed(Name(member)),
    };

    public CloudWatchInput? Structure(string member) => Get(member) switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> structure => new CloudWatchInput(structure, Name(member)),
        _ => throw CloudWatchException.Malformed(Name(member)),
    };

    /// <summary>A list of structures (each named <c>member.N</c>), empty when absent.</summary>
    public IReadOnlyList<CloudWatchInput> Structures(string member)
    {
        var items = List(member);
        var list = new List<CloudWatchInput>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var name = $"{Name(member)}.member.{i + 1}";
            list.Add(items[i] is IReadOnlyDictionary<string, object?> structure ? new CloudWatchInput(structure, name) : throw CloudWatchException.Malformed(name));
        }

        return list;
    }

    public IReadOnlyList<string> Strings(string member)
    {
        var items = List(member);
        var list = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            list.Add(items[i] as string ?? throw CloudWatchException.Malformed($"{Name(member)}.member.{i + 1}"));
        }

        return list;
    }

    public IReadOnlyList<double> Doubles(string member)
    {
        var items = List(member);
        var list = new List<double>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            list.Add(Number(items[i], $"{Name(member)}.member.{i + 1}") ?? throw CloudWatchException.Malformed($"{Name(member)}.member.{i + 1}"));
        }

        return list;
    }

    /// <summary>The number of items of a list member (0 when absent).</summary>
    public int Count(string member) => List(member).Count;

    private IReadOnlyList<object?> List(string member) => Get(member) switch
    {
        null => [],
        IReadOnlyList<object?> list => list,
        _ => throw CloudWatchException.Malformed(Name(member)),
    };

    private object? Get(string member) => members.TryGetValue(member, out var value) ? value : null;

    private static double? Number(object? value, string name) => value switch
    {
        null => null,
        double number => number,
        long number => number,
        ulong number => number,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
        _ => throw CloudWatchException.Malformed(name),
    };

    private static DateTimeOffset FromSeconds(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
}
