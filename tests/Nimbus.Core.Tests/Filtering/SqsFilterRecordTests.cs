// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Core.Filtering;
using static Nimbus.Core.Tests.Filtering.FilterJson;

namespace Nimbus.Core.Tests.Filtering;

/// <summary>
/// SQS: Lambda filters on the message record with body parsed when it is JSON; a JSON pattern on a plain body, or a
/// plain pattern on a JSON body, drops the message (with-sqs-filtering; LocalStack's AWS-validated test_sqs_event_filter).
/// </summary>
public sealed class SqsFilterRecordTests
{
    [Theory]
    // the Lambda guide's SQS examples
    [InlineData("{'body': {'RequestCode': ['BBBB']}}", "{\"RecordNumber\": 1234, \"RequestCode\": \"BBBB\"}", true)]
    [InlineData("{'body': {'RequestCode': ['BBBB']}}", "{\"RecordNumber\": 1234, \"RequestCode\": \"AAAA\"}", false)]
    [InlineData("{'body': {'RecordNumber': [{'numeric': ['>', 9999]}]}}", "{\"RecordNumber\": 10000}", true)]
    [InlineData("{'body': {'RecordNumber': [{'numeric': ['>', 9999]}]}}", "{\"RecordNumber\": 1234}", false)]
    // LocalStack's AWS-validated test_sqs_event_filter
    [InlineData("{'body': {'my-key': ['my-value']}}", "{\"my-key\": \"my-value\"}", true)]
    [InlineData("{'body': {'my-key': ['my-value']}}", "{\"my-key\": \"other-value\"}", false)]
    [InlineData("{'body': {'my-key': ['my-value']}}", "plain-string", false)]
    [InlineData("{'body': {'my-key': [{'exists': true}]}}", "{\"other-key\": \"any-value-two\"}", false)]
    [InlineData("{'body': {'my-key': [{'prefix': 'yes'}]}}", "{\"my-key\": \"yes-value\"}", true)]
    [InlineData("{'body': {'my-number': [{'numeric': ['>=', 100, '<', 200]}]}}", "{\"my-number\": 200}", false)]
    // the format table: plain pattern on plain body filters, on a JSON body drops
    [InlineData("{'body': ['plain-string']}", "plain-string", true)]
    [InlineData("{'body': ['plain-string']}", "plain-string-not-matching", false)]
    [InlineData("{'body': [{'prefix': 'Result: '}]}", "Result: ok", true)]
    [InlineData("{'body': ['plain-string']}", "{\"valid-json-key\": \"plain-string\"}", false)]
    [InlineData("{'body': {'k': [{'exists': false}]}}", "not json", false)]
    // a body that is JSON but not an object is JSON too
    [InlineData("{'body': [42]}", "42", true)]
    [InlineData("{'body': ['42']}", "42", false)]
    [InlineData("{'body': {'items': {'sku': ['B']}}}", "{\"items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}]}", true)]
    public void Matches_Body(string pattern, string body, bool expected)
    {
        Assert.Equal(expected, MatchesSqs(pattern, body));
    }

    [Theory]
    [InlineData("{'messageAttributes': {'type': {'stringValue': ['x']}}}", true)]
    [InlineData("{'messageAttributes': {'type': {'stringValue': ['y']}}}", false)]
    [InlineData("{'messageAttributes': {'type': {'dataType': ['String']}}}", true)]
    [InlineData("{'messageAttributes': {'missing': {'stringValue': [{'exists': true}]}}}", false)]
    [InlineData("{'messageAttributes': {'missing': {'stringValue': [{'exists': false}]}}}", true)]
    [InlineData("{'attributes': {'ApproximateReceiveCount': ['1']}}", true)]
    [InlineData("{'attributes': {'SenderId': [{'prefix': 'AIDA'}]}, 'eventSource': ['aws:sqs']}", true)]
    [InlineData("{'eventSourceARN': [{'suffix': ':my-queue'}], 'awsRegion': ['us-west-2']}", true)]
    [InlineData("{'awsRegion': ['us-east-1']}", false)]
    public void Matches_RecordFields(string pattern, bool expected) =>
        Assert.Equal(expected, MatchesSqs(pattern, "plain body"));

    [Fact]
    public void Create_JsonBody_Parsed_PlainBody_Kept()
    {
        using var json = SqsFilterRecord.Create(Record("{\"a\": [1, 2]}").RootElement);
        using var plain = SqsFilterRecord.Create(Record("hello {").RootElement);

        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("body").ValueKind);
        Assert.Equal(2, json.RootElement.GetProperty("body").GetProperty("a")[1].GetInt32());
        Assert.Equal("hello {", plain.RootElement.GetProperty("body").GetString());
        Assert.Equal("059f36b4-87a3-44ab-83d2-661975830a7d", json.RootElement.GetProperty("messageId").GetString());
        Assert.Equal("x", json.RootElement.GetProperty("messageAttributes").GetProperty("type").GetProperty("stringValue").GetString());
    }

    [Theory]
    [InlineData("{\"a\": 1}", true)]
    [InlineData("  [1, 2]", true)]
    [InlineData("42", true)]
    [InlineData("\"quoted\"", true)]
    [InlineData("true", true)]
    [InlineData("plain", false)]
    [InlineData("", false)]
    [InlineData("{broken", false)]
    [InlineData("1 2", false)]
    [InlineData("nope", false)]
    public void IsJson_Body(string body, bool expected) =>
        Assert.Equal(expected, SqsFilterRecord.IsJson(body));

    private static bool MatchesSqs(string pattern, string body)
    {
        var filter = EventFilter.Parse(J(pattern));
        using var message = Record(body);
        using var record = SqsFilterRecord.Create(message.RootElement);
        return filter.Matches(record.RootElement);
    }

    /// <summary>The Lambda guide's example SQS record, with the given body and one message attribute.</summary>
    private static JsonDocument Record(string body)
    {
        var record = new Dictionary<string, object?>
        {
            ["messageId"] = "059f36b4-87a3-44ab-83d2-661975830a7d",
            ["receiptHandle"] = "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
            ["body"] = body,
            ["attributes"] = new Dictionary<string, string>
            {
                ["ApproximateReceiveCount"] = "1",
                ["SentTimestamp"] = "1545082649183",
                ["SenderId"] = "AIDAIENQZJOLO23YVJ4VO",
                ["ApproximateFirstReceiveTimestamp"] = "1545082649185",
            },
            ["messageAttributes"] = new Dictionary<string, object?>
            {
                ["type"] = new Dictionary<string, object?>
                {
                    ["stringValue"] = "x",
                    ["binaryValue"] = null,
                    ["stringListValues"] = Array.Empty<string>(),
                    ["binaryListValues"] = Array.Empty<string>(),
                    ["dataType"] = "String",
                },
            },
            ["md5OfBody"] = "e4e68fb7bd0e697a0ae8f1bb342846b3",
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = "arn:aws:sqs:us-west-2:123456789012:my-queue",
            ["awsRegion"] = "us-west-2",
        };
        return JsonDocument.Parse(JsonSerializer.Serialize(record));
    }
}
