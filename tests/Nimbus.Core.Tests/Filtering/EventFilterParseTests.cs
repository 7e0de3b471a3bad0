// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Filtering;
using static Nimbus.Core.Tests.Filtering.FilterJson;

namespace Nimbus.Core.Tests.Filtering;

/// <summary>
/// Pattern validation. AWS answers every malformed pattern with InvalidParameterValueException "Invalid filter
/// pattern definition." (LocalStack's AWS-recorded snapshots of test_sqs_invalid_event_filter and
/// test_dynamodb_invalid_event_filter); which patterns are malformed follows EventBridge's rule compiler.
/// </summary>
public sealed class EventFilterParseTests
{
    private const string Message = "Invalid filter pattern definition.";

    [Theory]
    // LocalStack's AWS-recorded cases: null, "simple string", a non-array leaf, an empty leaf array, broken JSON
    [InlineData("null")]
    [InlineData("simple string")]
    [InlineData("single-string")]
    [InlineData("{'eventSource': 'aws:sqs'}")]
    [InlineData("{'eventSource': []}")]
    [InlineData("[{'eventName': ['INSERT'=123}]")]
    // not an object, empty, not JSON
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("['a']")]
    [InlineData("42")]
    [InlineData("{'a': ['x']")]
    [InlineData("{'a': ['x'],}")]
    [InlineData("{'a': {}}")]
    [InlineData("{'a': {'b': {}}}")]
    [InlineData("{'a': 5}")]
    [InlineData("{'a': null}")]
    [InlineData("{'a': true}")]
    [InlineData("{'a': [['x']]}")]
    // match expressions
    [InlineData("{'a': [{}]}")]
    [InlineData("{'a': [{'prefix': 'x', 'suffix': 'y'}]}")]
    [InlineData("{'a': [{'unknown': 'x'}]}")]
    [InlineData("{'a': [{'Prefix': 'x'}]}")]
    [InlineData("{'a': [{'exact': 'x'}]}")]
    [InlineData("{'a': [{'prefix': 5}]}")]
    [InlineData("{'a': [{'prefix': ['x']}]}")]
    [InlineData("{'a': [{'prefix': {'suffix': 'x'}}]}")]
    [InlineData("{'a': [{'suffix': 5}]}")]
    [InlineData("{'a': [{'suffix': null}]}")]
    [InlineData("{'a': [{'equals-ignore-case': 5}]}")]
    [InlineData("{'a': [{'equals-ignore-case': {'prefix': 'ec2'}}]}")]
    [InlineData("{'a': [{'equals-ignore-case': ['x']}]}")]
    [InlineData("{'a': [{'exists': 'true'}]}")]
    [InlineData("{'a': [{'exists': 1}]}")]
    [InlineData("{'a': [{'exists': true, 'prefix': 'x'}]}")]
    [InlineData("{'a': [{'numeric': 10}]}")]
    [InlineData("{'a': [{'numeric': []}]}")]
    [InlineData("{'a': [{'numeric': ['>', 0, '>', 0]}]}")]
    [InlineData("{'a': [{'numeric': ['<', 10, '>', 0]}]}")]
    [InlineData("{'a': [{'numeric': ['>', '0']}]}")]
    [InlineData("{'a': [{'numeric': ['=', 1, '<', 5]}]}")]
    [InlineData("{'a': [{'numeric': ['==', 1]}]}")]
    [InlineData("{'a': [{'numeric': ['GT', 1]}]}")]
    [InlineData("{'a': [{'numeric': ['>', 5, '<', 5]}]}")]
    [InlineData("{'a': [{'numeric': ['>', 10, '<', 5]}]}")]
    [InlineData("{'a': [{'numeric': ['>', 1, '<=']}]}")]
    [InlineData("{'a': [{'numeric': ['>', 1, '<=', 5, 6]}]}")]
    [InlineData("{'a': [{'anything-but': null}]}")]
    [InlineData("{'a': [{'anything-but': true}]}")]
    [InlineData("{'a': [{'anything-but': []}]}")]
    [InlineData("{'a': [{'anything-but': ['x', 1]}]}")]
    [InlineData("{'a': [{'anything-but': ['x', null]}]}")]
    [InlineData("{'a': [{'anything-but': [['x']]}]}")]
    [InlineData("{'a': [{'anything-but': {'prefix': ''}}]}")]
    [InlineData("{'a': [{'anything-but': {'suffix': ''}}]}")]
    [InlineData("{'a': [{'anything-but': {'prefix': 5}}]}")]
    [InlineData("{'a': [{'anything-but': {'prefix': [5]}}]}")]
    [InlineData("{'a': [{'anything-but': {'prefix': []}}]}")]
    [InlineData("{'a': [{'anything-but': {'numeric': ['>', 1]}}]}")]
    [InlineData("{'a': [{'anything-but': {'exists': true}}]}")]
    [InlineData("{'a': [{'anything-but': {'prefix': 'x', 'suffix': 'y'}}]}")]
    [InlineData("{'a': [{'anything-but': {}}]}")]
    [InlineData("{'a': [{'wildcard': 'a**b'}]}")]
    [InlineData("{'a': [{'wildcard': 'a\\\\b'}]}")]
    [InlineData("{'a': [{'wildcard': 'ab\\\\'}]}")]
    [InlineData("{'a': [{'wildcard': 5}]}")]
    [InlineData("{'a': [{'wildcard': ['x*']}]}")]
    [InlineData("{'a': [{'cidr': 'bad-/64filter'}]}")]
    [InlineData("{'a': [{'cidr': '10.0.0.0/33'}]}")]
    [InlineData("{'a': [{'cidr': '10.0.0.0'}]}")]
    [InlineData("{'a': [{'cidr': '2001:db8::/129'}]}")]
    [InlineData("{'a': [{'cidr': 10}]}")]
    // $or: an array of two or more objects, no operator names as fields
    [InlineData("{'$or': []}")]
    [InlineData("{'$or': [{'a': ['1']}]}")]
    [InlineData("{'$or': {'a': ['1']}}")]
    [InlineData("{'$or': [{'a': ['1']}, 'b']}")]
    [InlineData("{'$or': [{'a': ['1']}, {}]}")]
    [InlineData("{'$or': [{'numeric': [123]}, {'prefix': ['abc']}]}")]
    [InlineData("{'$or': [{'a': {'exists': [true]}}, {'b': ['2']}]}")]
    public void Parse_InvalidPattern_ThrowsInvalidParameter(string pattern) =>
        LambdaAssert.InvalidParameter(Message, () => EventFilter.Parse(J(pattern)));

    [Fact]
    public void Parse_Null_ThrowsInvalidParameter() =>
        LambdaAssert.InvalidParameter(Message, () => EventFilter.Parse(null));

    [Theory]
    [InlineData("{'a': ['x']}")]
    [InlineData("{ \n 'a' : [ 'x' ] \n}")]
    [InlineData("{'body': {'RequestCode': ['BBBB']}}")]
    [InlineData("{'a': ['x', 1, 2.5, -3e2, true, false, null, '']}")]
    [InlineData("{'a': [{'prefix': ''}]}")]
    [InlineData("{'a': [{'suffix': ''}]}")]
    [InlineData("{'a': [{'equals-ignore-case': ''}]}")]
    [InlineData("{'a': [{'wildcard': '*'}]}")]
    [InlineData("{'a': [{'wildcard': 'a\\\\\\\\b'}]}")]
    [InlineData("{'a': [{'numeric': ['>', 0, '<=', 5]}]}")]
    [InlineData("{'a': [{'numeric': ['>=', 0, '<', 5]}]}")]
    [InlineData("{'a': [{'numeric': ['=', 100]}]}")]
    [InlineData("{'a': [{'exists': false}, {'exists': true}]}")]
    [InlineData("{'a': [{'anything-but': 'x'}, {'anything-but': 5}]}")]
    [InlineData("{'a': [{'anything-but': {'prefix': ['x', 'y']}}]}")]
    [InlineData("{'a': [{'anything-but': {'equals-ignore-case': 'x'}}]}")]
    [InlineData("{'a': [{'anything-but': {'wildcard': 'x*'}}]}")]
    [InlineData("{'a': [{'cidr': '10.0.0.1/24'}]}")]
    [InlineData("{'a': [{'cidr': '::/0'}]}")]
    [InlineData("{'$or': [{'a': ['1']}, {'b': {'c': ['2']}}]}")]
    [InlineData("{'x': {'$or': [{'a': ['1']}, {'b': ['2']}]}}")]
    [InlineData("{'prefix': ['a'], 'numeric': {'exists': [1]}}")]
    public void Parse_ValidPattern_Compiles(string pattern)
    {
        var filter = EventFilter.Parse(J(pattern));

        Assert.Equal(J(pattern), filter.Pattern);
        Assert.Equal(J(pattern), filter.ToString());
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalse()
    {
        Assert.False(EventFilter.TryParse("{}", out var invalid));
        Assert.Null(invalid);
        Assert.True(EventFilter.TryParse(J("{'a': ['x']}"), out var valid));
        Assert.NotNull(valid);
    }
}
