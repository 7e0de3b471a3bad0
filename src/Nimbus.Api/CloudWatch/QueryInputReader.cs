// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Api.CloudWatch;

/// <summary>
/// Turns a query-protocol form into the request's structure: <c>A.B=v</c> nests, <c>A.member.N</c> is the Nth item of
/// list A (from 1), so <c>MetricData.member.1.Dimensions.member.2.Name</c> lands where CBOR would put it.
/// </summary>
internal static class QueryInputReader
{
    public static CloudWatchInput Read(IEnumerable<KeyValuePair<string, string>> form)
    {
        var root = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            if (key is "Action" or "Version")
            {
                continue;
            }

            Set(root, key.Split('.'), value);
        }

        return new CloudWatchInput(root, "");
    }

    private static void Set(Dictionary<string, object?> root, string[] parts, string value)
    {
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == parts.Length - 1)
            {
                // "Statistics=" with nothing after it is how the query protocol sends an empty list.
                if (value.Length > 0 || !current.ContainsKey(part))
                {
                    current[part] = value.Length == 0 ? null : value;
                }

                return;
            }

            if (parts[i + 1] == "member" && i + 2 < parts.Length && int.TryParse(parts[i + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 10_000)
            {
                if (current.GetValueOrDefault(part) is not List<object?> list)
                {
                    current[part] = list = [];
                }

                while (list.Count < number)
                {
                    list.Add(null);
                }

                if (i + 2 == parts.Length - 1)
                {
                    list[number - 1] = value;
                    return;
                }

                if (list[number - 1] is not Dictionary<string, object?> item)
                {
                    list[number - 1] = item = new Dictionary<string, object?>(StringComparer.Ordinal);
                }

                current = item;
                i += 2;
                continue;
            }

            if (current.GetValueOrDefault(part) is not Dictionary<string, object?> next)
            {
                current[part] = next = new Dictionary<string, object?>(StringComparer.Ordinal);
            }

            current = next;
        }
    }
}
