// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Filtering;
using static Nimbus.Core.Tests.Filtering.FilterJson;

namespace Nimbus.Core.Tests.Filtering;

/// <summary>
/// Matching, with the examples of the Lambda guide (invocation-eventfiltering), the EventBridge guide and event-ruler's
/// README, and the cases of LocalStack's AWS-validated event-pattern templates.
/// </summary>
public sealed class EventFilterMatchTests
{
    [Theory]
    // Equals, Or, And, Null, Empty (the guide's table of comparison operators)
    [InlineData("{'Name': ['Alice']}", "{'Name': 'Alice'}", true)]
    [InlineData("{'Name': ['Alice']}", "{'Name': 'alice'}", false)]
    [InlineData("{'PaymentType': ['Credit', 'Debit']}", "{'PaymentType': 'Debit'}", true)]
    [InlineData("{'PaymentType': ['Credit', 'Debit']}", "{'PaymentType': 'Cash'}", false)]
    [InlineData("{'Location': ['New York'], 'Day': ['Monday']}", "{'Location': 'New York', 'Day': 'Monday'}", true)]
    [InlineData("{'Location': ['New York'], 'Day': ['Monday']}", "{'Location': 'New York', 'Day': 'Friday'}", false)]
    [InlineData("{'Location': ['New York'], 'Day': ['Monday']}", "{'Location': 'New York'}", false)]
    [InlineData("{'UserID': [null]}", "{'UserID': null}", true)]
    [InlineData("{'UserID': [null]}", "{'UserID': 'null'}", false)]
    [InlineData("{'UserID': [null]}", "{}", false)]
    [InlineData("{'LastName': ['']}", "{'LastName': ''}", true)]
    [InlineData("{'LastName': ['']}", "{'LastName': 'x'}", false)]
    [InlineData("{'flag': [true]}", "{'flag': true}", true)]
    [InlineData("{'flag': [true]}", "{'flag': 'true'}", false)]
    [InlineData("{'flag': [false]}", "{'flag': true}", false)]
    // Numbers compare as numbers: 300 matches 300.0 (LocalStack's AWS-validated number_comparison_float)
    [InlineData("{'a': [1, 2]}", "{'a': 2}", true)]
    [InlineData("{'a': [5.0]}", "{'a': 5}", true)]
    [InlineData("{'number': [300]}", "{'number': 300.0}", true)]
    [InlineData("{'number': [300]}", "{'number': 3.0e2}", true)]
    [InlineData("{'number': [300]}", "{'number': '300'}", false)]
    [InlineData("{'number': ['300']}", "{'number': 300}", false)]
    // Nested objects (the guide's Kinesis and DynamoDB examples)
    [InlineData("{'partitionKey': ['1'], 'data': {'Location': ['Los Angeles']}}", "{'partitionKey': '1', 'data': {'Location': 'Los Angeles'}}", true)]
    [InlineData("{'partitionKey': ['1'], 'data': {'Location': ['Los Angeles']}}", "{'partitionKey': '2', 'data': {'Location': 'Los Angeles'}}", false)]
    [InlineData("{'dynamodb': {'Keys': {'Id': {'N': ['101']}}}}", "{'dynamodb': {'Keys': {'Id': {'N': '101'}}, 'SizeBytes': 26}}", true)]
    [InlineData("{'dynamodb': {'Keys': {'Id': {'N': ['101']}}}}", "{'dynamodb': {'Keys': {'Id': {'S': '101'}}}}", false)]
    [InlineData("{'dynamodb': {'Keys': {'Id': {'N': ['101']}}}}", "{'dynamodb': 'flat'}", false)]
    [InlineData("{'Key': ['x']}", "{'key': 'x'}", false)]
    // Leaves match only scalars: an object is not a value
    [InlineData("{'a': ['x']}", "{'a': {'b': 'x'}}", false)]
    public void Matches_ExactValues(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'resources': ['arn:1']}", "{'resources': ['arn:0', 'arn:1']}", true)]
    [InlineData("{'resources': ['arn:1']}", "{'resources': ['arn:0']}", false)]
    [InlineData("{'resources': ['arn:1']}", "{'resources': []}", false)]
    [InlineData("{'resources': [null]}", "{'resources': []}", false)]
    [InlineData("{'a': [3]}", "{'a': [[1, 2], [3]]}", true)]
    [InlineData("{'employees': {'firstName': ['Anna']}}", "{'employees': [{'firstName': 'John'}, {'firstName': 'Anna'}]}", true)]
    // Fields from different elements of one array never combine (event-ruler's rulesForJSONEvent)
    [InlineData("{'employees': {'firstName': ['Anna'], 'lastName': ['Jones']}}", "{'employees': [{'firstName': 'Anna', 'lastName': 'Smith'}, {'firstName': 'Peter', 'lastName': 'Jones'}]}", false)]
    [InlineData("{'employees': {'firstName': ['Anna'], 'lastName': ['Smith']}}", "{'employees': [{'firstName': 'Anna', 'lastName': 'Smith'}, {'firstName': 'Peter', 'lastName': 'Jones'}]}", true)]
    [InlineData("{'employees': {'firstName': ['Anna']}}", "{'employees': [[{'firstName': 'John'}], [{'firstName': 'Anna'}]]}", true)]
    [InlineData("{'n': [{'numeric': ['>', 10]}]}", "{'n': [1, 20]}", true)]
    public void Matches_Arrays_AnyElement(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'Region': [{'prefix': 'us-'}]}", "{'Region': 'us-east-1'}", true)]
    [InlineData("{'Region': [{'prefix': 'us-'}]}", "{'Region': 'eu-west-1'}", false)]
    [InlineData("{'Region': [{'prefix': 'us-'}]}", "{'Region': 'US-east-1'}", false)]
    [InlineData("{'a': [{'prefix': ''}]}", "{'a': 'anything'}", true)]
    [InlineData("{'a': [{'prefix': '1'}]}", "{'a': 12}", false)]
    [InlineData("{'service': [{'prefix': {'equals-ignore-case': 'EventB'}}]}", "{'service': 'EvEnTbridge'}", true)]
    [InlineData("{'FileName': [{'suffix': '.png'}]}", "{'FileName': 'image.png'}", true)]
    [InlineData("{'FileName': [{'suffix': '.png'}]}", "{'FileName': 'image.PNG'}", false)]
    [InlineData("{'FileName': [{'suffix': {'equals-ignore-case': '.png'}}]}", "{'FileName': 'image.PNG'}", true)]
    [InlineData("{'source': [{'equals-ignore-case': 'EC2'}]}", "{'source': 'ec2'}", true)]
    [InlineData("{'source': [{'equals-ignore-case': 'EC2'}]}", "{'source': 'ec3'}", false)]
    [InlineData("{'source': [{'equals-ignore-case': 'straße'}]}", "{'source': 'STRASSE'}", false)]
    [InlineData("{'source': [{'equals-ignore-case': 'émile'}]}", "{'source': 'ÉMILE'}", true)]
    [InlineData("{'s': [{'prefix': 'caf\\u00e9'}]}", "{'s': 'caf\\u00e9 noir'}", true)]
    public void Matches_StringOperators(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'Price': [{'numeric': ['=', 100]}]}", "{'Price': 100}", true)]
    [InlineData("{'Price': [{'numeric': ['=', 100]}]}", "{'Price': 100.0}", true)]
    [InlineData("{'Price': [{'numeric': ['=', 100]}]}", "{'Price': 100.5}", false)]
    [InlineData("{'Price': [{'numeric': ['=', 100]}]}", "{'Price': '100'}", false)]
    [InlineData("{'Price': [{'numeric': ['>', 10, '<=', 20]}]}", "{'Price': 20}", true)]
    [InlineData("{'Price': [{'numeric': ['>', 10, '<=', 20]}]}", "{'Price': 10}", false)]
    [InlineData("{'Price': [{'numeric': ['>', 10, '<=', 20]}]}", "{'Price': 20.5}", false)]
    [InlineData("{'c': [{'numeric': ['>', 0, '<=', 5]}]}", "{'c': 5}", true)]
    [InlineData("{'c': [{'numeric': ['>=', 100, '<', 200]}]}", "{'c': 100}", true)]
    [InlineData("{'c': [{'numeric': ['>=', 100, '<', 200]}]}", "{'c': 200}", false)]
    [InlineData("{'c': [{'numeric': ['<', 100]}]}", "{'c': 99}", true)]
    [InlineData("{'c': [{'numeric': ['<', 100]}]}", "{'c': 100}", false)]
    [InlineData("{'c': [{'numeric': ['<=', 100]}]}", "{'c': 100}", true)]
    [InlineData("{'c': [{'numeric': ['>', 100]}]}", "{'c': 101.0}", true)]
    [InlineData("{'c': [{'numeric': ['>=', -1.5]}]}", "{'c': -1.5}", true)]
    [InlineData("{'x': [{'numeric': ['=', 3.018e2]}]}", "{'x': 301.8}", true)]
    [InlineData("{'c': [{'numeric': ['>', 0]}]}", "{'c': null}", false)]
    [InlineData("{'c': [{'numeric': ['>', 0]}]}", "{}", false)]
    public void Matches_Numeric(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'ProductName': [{'exists': true}]}", "{'ProductName': 'x'}", true)]
    [InlineData("{'ProductName': [{'exists': true}]}", "{'ProductName': null}", true)]
    [InlineData("{'ProductName': [{'exists': true}]}", "{'Other': 'x'}", false)]
    [InlineData("{'ProductName': [{'exists': true}]}", "{'ProductName': []}", false)]
    [InlineData("{'ProductName': [{'exists': false}]}", "{'Other': 'x'}", true)]
    [InlineData("{'ProductName': [{'exists': false}]}", "{'ProductName': 'x'}", false)]
    [InlineData("{'ProductName': [{'exists': false}]}", "{'ProductName': null}", false)]
    // exists works on leaves only (event-ruler's README): an object is not a present leaf
    [InlineData("{'detail': {'c-count': [{'exists': false}]}}", "{'detail': {'c-count': {'c1': 100}}}", true)]
    [InlineData("{'detail': {'c-count': [{'exists': true}]}}", "{'detail': {'c-count': {'c1': 100}}}", false)]
    [InlineData("{'detail': {'c-count': [{'exists': false}]}}", "{'source': 'x'}", true)]
    // LocalStack's or-exists-parent: the missing parent fails anything-but but satisfies exists false
    [InlineData("{'dynamodb': {'NewImage': {'homemade': {'S': [{'anything-but': ['roses']}, {'exists': false}]}}}}", "{'dynamodb': {'NewImage': {'purchased': {'N': '789'}}}}", true)]
    [InlineData("{'a': ['x', {'exists': false}]}", "{'a': 'x'}", true)]
    [InlineData("{'a': ['x', {'exists': false}]}", "{'a': 'y'}", false)]
    public void Matches_Exists(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'Weather': [{'anything-but': ['Raining']}]}", "{'Weather': 'Sunny'}", true)]
    [InlineData("{'Weather': [{'anything-but': ['Raining']}]}", "{'Weather': 'Raining'}", false)]
    [InlineData("{'Weather': [{'anything-but': ['Raining']}]}", "{}", false)]
    [InlineData("{'state': [{'anything-but': 'initializing'}]}", "{'state': 'running'}", true)]
    [InlineData("{'state': [{'anything-but': 'initializing'}]}", "{'state': null}", true)]
    [InlineData("{'state': [{'anything-but': ['stopped', 'overloaded']}]}", "{'state': 'overloaded'}", false)]
    [InlineData("{'state': [{'anything-but': ['stopped', 'overloaded']}]}", "{'state': ['stopped', 'running']}", true)]
    [InlineData("{'x': [{'anything-but': 123}]}", "{'x': 123}", false)]
    [InlineData("{'x': [{'anything-but': 123}]}", "{'x': 123.0}", false)]
    [InlineData("{'x': [{'anything-but': [100, 200, 300]}]}", "{'x': 999}", true)]
    [InlineData("{'x': [{'anything-but': [100, 200, 300]}]}", "{'x': 200}", false)]
    [InlineData("{'x': [{'anything-but': 0}]}", "{'x': 1}", true)]
    [InlineData("{'state': [{'anything-but': {'prefix': 'init'}}]}", "{'state': 'initializing'}", false)]
    [InlineData("{'state': [{'anything-but': {'prefix': 'init'}}]}", "{'state': 'post-init'}", true)]
    [InlineData("{'state': [{'anything-but': {'prefix': 'init'}}]}", "{'state': 12}", true)]
    [InlineData("{'state': [{'anything-but': {'prefix': ['init', 'test']}}]}", "{'state': 'test-1'}", false)]
    [InlineData("{'f': [{'anything-but': {'suffix': '.bak'}}]}", "{'f': 'file.txt.bak'}", false)]
    [InlineData("{'f': [{'anything-but': {'suffix': '.bak'}}]}", "{'f': 'file.txt'}", true)]
    [InlineData("{'s': [{'anything-but': {'equals-ignore-case': 'Stopped'}}]}", "{'s': 'STOPPED'}", false)]
    [InlineData("{'s': [{'anything-but': {'equals-ignore-case': ['Stopped', 'Idle']}}]}", "{'s': 'idle'}", false)]
    [InlineData("{'s': [{'anything-but': {'equals-ignore-case': ['Stopped', 'Idle']}}]}", "{'s': 'running'}", true)]
    [InlineData("{'p': [{'anything-but': {'wildcard': '*/dir/*'}}]}", "{'p': 'dir/init/file'}", true)]
    [InlineData("{'p': [{'anything-but': {'wildcard': '*/dir/*'}}]}", "{'p': 'a/dir/b'}", false)]
    [InlineData("{'p': [{'anything-but': {'wildcard': '*/dir/*'}}]}", "{'p': 123}", true)]
    public void Matches_AnythingBut(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'source': [{'wildcard': 'Simple*Service'}]}", "{'source': 'SimpleQueueService'}", true)]
    [InlineData("{'source': [{'wildcard': 'Simple*Service'}]}", "{'source': 'SimpleService'}", true)]
    [InlineData("{'source': [{'wildcard': 'Simple*Service'}]}", "{'source': 'SimpleServices'}", false)]
    [InlineData("{'a': [{'wildcard': 'arn:aws:events:us-east-1:*:event-bus/*'}]}", "{'a': 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus'}", true)]
    [InlineData("{'a': [{'wildcard': 'dir/*.png'}]}", "{'a': 'dir/a.jpg'}", false)]
    [InlineData("{'a': [{'wildcard': '*a*a*'}]}", "{'a': 'banana'}", true)]
    [InlineData("{'a': [{'wildcard': '*a*a*a*'}]}", "{'a': 'aa'}", false)]
    [InlineData("{'a': [{'wildcard': 'ab*ba'}]}", "{'a': 'aba'}", false)]
    [InlineData("{'a': [{'wildcard': 'ab*ba'}]}", "{'a': 'abba'}", true)]
    [InlineData("{'a': [{'wildcard': ''}]}", "{'a': ''}", true)]
    [InlineData("{'a': [{'wildcard': ''}]}", "{'a': 'x'}", false)]
    [InlineData("{'a': [{'wildcard': 'x\\\\*y'}]}", "{'a': 'x*y'}", true)]
    [InlineData("{'a': [{'wildcard': 'x\\\\*y'}]}", "{'a': 'xzy'}", false)]
    [InlineData("{'a': [{'wildcard': '*'}]}", "{'a': 5}", false)]
    public void Matches_Wildcard(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    [InlineData("{'ip': [{'cidr': '10.0.0.0/24'}]}", "{'ip': '10.0.0.255'}", true)]
    [InlineData("{'ip': [{'cidr': '10.0.0.0/24'}]}", "{'ip': '10.0.1.0'}", false)]
    [InlineData("{'ip': [{'cidr': '10.0.0.0/8'}]}", "{'ip': '10.200.3.4'}", true)]
    [InlineData("{'ip': [{'cidr': '10.0.0.0/24'}]}", "{'ip': 'not-an-ip'}", false)]
    [InlineData("{'ip': [{'cidr': '2001:db8::/64'}]}", "{'ip': '2001:db8::1'}", true)]
    [InlineData("{'ip': [{'cidr': '2001:db8::/64'}]}", "{'ip': '2001:db9::1'}", false)]
    public void Matches_Cidr(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Theory]
    // event-ruler's README: source && (metricName || namespace)
    [InlineData("{'source': ['aws.cloudwatch'], '$or': [{'metricName': ['CPUUtilization']}, {'namespace': ['AWS/EC2']}]}", "{'source': 'aws.cloudwatch', 'namespace': 'AWS/EC2'}", true)]
    [InlineData("{'source': ['aws.cloudwatch'], '$or': [{'metricName': ['CPUUtilization']}, {'namespace': ['AWS/EC2']}]}", "{'source': 'aws.cloudwatch', 'namespace': 'AWS/ES'}", false)]
    [InlineData("{'source': ['aws.cloudwatch'], '$or': [{'metricName': ['CPUUtilization']}, {'namespace': ['AWS/EC2']}]}", "{'source': 'aws.ec2', 'metricName': 'CPUUtilization'}", false)]
    [InlineData("{'$or': [{'metricType': ['M'], 'namespace': ['AWS/EC2']}, {'scope': ['Service']}]}", "{'metricType': 'M', 'namespace': 'AWS/ES'}", false)]
    [InlineData("{'$or': [{'metricType': ['M'], 'namespace': ['AWS/EC2']}, {'scope': ['Service']}]}", "{'metricType': 'M', 'namespace': 'AWS/EC2'}", true)]
    [InlineData("{'detail': {'$or': [{'c': [{'numeric': ['>', 5]}]}, {'d': [{'numeric': ['<', 10]}]}]}}", "{'detail': {'d': 3}}", true)]
    [InlineData("{'detail': {'$or': [{'c': [{'numeric': ['>', 5]}]}, {'d': [{'numeric': ['<', 10]}]}]}}", "{'detail': {'c': 3, 'd': 30}}", false)]
    [InlineData("{'$or': [{'a': ['1']}, {'b': ['2'], '$or': [{'c': ['3']}, {'d': ['4']}]}]}", "{'b': '2', 'd': '4'}", true)]
    [InlineData("{'$or': [{'a': ['1']}, {'b': ['2'], '$or': [{'c': ['3']}, {'d': ['4']}]}]}", "{'b': '2', 'e': '4'}", false)]
    [InlineData("{'$or': [{'a': [{'exists': false}]}, {'b': ['2']}]}", "{'a': 'x', 'b': '2'}", true)]
    public void Matches_Or(string pattern, string record, bool expected) =>
        Assert.Equal(expected, Matches(pattern, record));

    [Fact]
    public void Matches_Utf8Record_SameAsElement()
    {
        var filter = EventFilter.Parse(J("{'a': [{'prefix': 'x'}]}"));

        Assert.True(filter.Matches(Encoding.UTF8.GetBytes(J("{'a': 'xyz'}"))));
        Assert.False(filter.Matches(Encoding.UTF8.GetBytes(J("{'a': 'abc'}"))));
        Assert.False(filter.Matches("not json"u8));
        Assert.False(filter.Matches("[{\"a\": \"xyz\"}]"u8));
    }

    [Fact]
    public void Matches_LongStringValue_DecodesBeyondStackBuffer()
    {
        var value = new string('é', 600) + "end";
        var filter = EventFilter.Parse(J("{'a': [{'suffix': 'éend'}]}"));

        Assert.True(filter.Matches(Encoding.UTF8.GetBytes($$"""{"a": "{{value}}"}""")));
    }

    [Fact]
    public void Matches_EscapedStringValue_Unescapes()
    {
        var filter = EventFilter.Parse(J("{'a': [{'prefix': 'line1\\nline2'}]}"));

        Assert.True(filter.Matches("{\"a\": \"line1\\nline2 and more\"}"u8));
        Assert.True(filter.Matches("{\"a\": \"\\u006cine1\\nline2\"}"u8));
    }
}
