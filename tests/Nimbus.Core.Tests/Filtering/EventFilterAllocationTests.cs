// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Filtering;
using Nimbus.TestKit;
using static Nimbus.Core.Tests.Filtering.FilterJson;

namespace Nimbus.Core.Tests.Filtering;

/// <summary>Matching a parsed record reads it in place: no allocation per record for unescaped strings.</summary>
public sealed class EventFilterAllocationTests
{
    [Fact]
    public void Matches_ParsedRecord_AllocatesNothing()
    {
        var filter = EventFilter.Parse(J(
            "{'body': {'RequestCode': ['BBBB', {'prefix': 'B'}], 'n': [{'numeric': ['>', 1, '<=', 5]}], 'tags': [{'anything-but': ['x']}], " +
            "'$or': [{'s': [{'equals-ignore-case': 'OK'}]}, {'w': [{'wildcard': 'a*c'}]}]}, 'messageAttributes': {'t': {'stringValue': [{'exists': true}]}}}"));
        using var record = JsonDocument.Parse(J(
            "{'body': {'RequestCode': 'BBBB', 'n': 3, 'tags': ['x', 'y'], 's': 'nope', 'w': 'abc'}, 'messageAttributes': {'t': {'stringValue': 'v'}}}"));
        Assert.True(filter.Matches(record.RootElement));

        var allocated = Allocations.LeastOf(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                filter.Matches(record.RootElement);
            }
        });

        Assert.Equal(0, allocated);
    }
}
