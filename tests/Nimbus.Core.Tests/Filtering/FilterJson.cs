// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Filtering;

namespace Nimbus.Core.Tests.Filtering;

/// <summary>Patterns and events written with single quotes, for readable test tables.</summary>
internal static class FilterJson
{
    public static string J(string singleQuoted) => singleQuoted.Replace('\'', '"');

    public static bool Matches(string pattern, string record)
    {
        var filter = EventFilter.Parse(J(pattern));
        using var document = JsonDocument.Parse(J(record));
        return filter.Matches(document.RootElement);
    }
}
