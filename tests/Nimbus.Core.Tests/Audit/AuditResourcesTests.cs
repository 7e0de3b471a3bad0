// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Audit;

namespace Nimbus.Core.Tests.Audit;

public sealed class AuditResourcesTests
{
    [Theory]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f", "AWS::Lambda::Function", "f")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:f:live", "AWS::Lambda::Function", "f")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:layer:l:3", "AWS::Lambda::LayerVersion", "l")]
    [InlineData("arn:aws:sqs:us-east-1:000000000000:q", "AWS::SQS::Queue", "q")]
    [InlineData("arn:aws:iam::000000000000:user/team/alice", "AWS::IAM::User", "alice")]
    [InlineData("arn:aws:iam::000000000000:role/r", "AWS::IAM::Role", "r")]
    [InlineData("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*", "AWS::Logs::LogGroup", "/aws/lambda/f")]
    public void FromArn_KnownKinds_NameTypeAndName(string arn, string type, string name)
    {
        var resource = AuditResources.FromArn(arn);

        Assert.NotNull(resource);
        Assert.Equal(type, resource.Type);
        Assert.Equal(name, resource.Name);
        Assert.Equal(arn, resource.Arn);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("arn:aws:iam::000000000000:user/")]
    [InlineData("arn:aws:s3:::bucket")]
    public void FromArn_NoSingleResource_IsNull(string arn) => Assert.Null(AuditResources.FromArn(arn));

    [Fact]
    public void Build_AssumedRole_WritesTheSessionIssuer()
    {
        var record = AuditRecord.Build(new AuditEvent
        {
            EventId = "e",
            EventTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Account = "000000000000",
            Region = "us-east-1",
            EventSource = "sqs.amazonaws.com",
            EventName = "SendMessage",
            ReadOnly = false,
            Management = false,
            RequestId = "r",
            PrincipalArn = "arn:aws:sts::000000000000:assumed-role/worker/fn",
            PrincipalId = "AROAEXAMPLE:fn",
            PrincipalType = "AssumedRole",
            AccessKeyId = "ASIAEXAMPLE",
            Resources = [new AuditResource("AWS::SQS::Queue", "q", "arn:aws:sqs:us-east-1:000000000000:q")],
        }).Record;

        Assert.Equal(
            """{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:fn","arn":"arn:aws:sts::000000000000:assumed-role/worker/fn","accountId":"000000000000","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::000000000000:role/worker","accountId":"000000000000","userName":"worker"},"attributes":{"mfaAuthenticated":"false"}}},"eventTime":"2026-01-02T03:04:05Z","eventSource":"sqs.amazonaws.com","eventName":"SendMessage","awsRegion":"us-east-1","sourceIPAddress":"","userAgent":"","requestParameters":null,"responseElements":null,"requestID":"r","eventID":"e","readOnly":false,"resources":[{"accountId":"000000000000","type":"AWS::SQS::Queue","ARN":"arn:aws:sqs:us-east-1:000000000000:q"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"000000000000","eventCategory":"Data"}""",
            record);
    }
}
