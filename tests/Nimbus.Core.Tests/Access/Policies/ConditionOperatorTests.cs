// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;
using static Nimbus.Core.Tests.Access.Policies.PolicyJson;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>
/// Condition operators (IAM User Guide, reference_policies_elements_condition_operators), with several keys and values
/// (reference_policies_condition-logic-multiple-context-keys-or-values) and the set operators
/// (reference_policies_condition-single-vs-multi-valued-context-keys). Keys: "name=value;name=v1|v2".
/// </summary>
public sealed class ConditionOperatorTests
{
    [Theory]
    [InlineData("{'StringEquals': {'aws:username': 'alice'}}", "aws:username=alice", true)]
    [InlineData("{'StringEquals': {'aws:username': 'alice'}}", "aws:username=Alice", false)]
    [InlineData("{'StringEquals': {'AWS:UserName': 'alice'}}", "aws:username=alice", true)]
    [InlineData("{'StringEquals': {'aws:username': 'al*'}}", "aws:username=alice", false)]
    [InlineData("{'StringEquals': {'aws:username': 'al*'}}", "aws:username=al*", true)]
    [InlineData("{'StringEquals': {'aws:username': ['bob', 'alice']}}", "aws:username=alice", true)]
    [InlineData("{'StringEquals': {'aws:username': 'alice'}}", "", false)]
    [InlineData("{'StringNotEquals': {'aws:username': ['bob', 'carol']}}", "aws:username=alice", true)]
    [InlineData("{'StringNotEquals': {'aws:username': ['bob', 'alice']}}", "aws:username=alice", false)]
    [InlineData("{'StringNotEquals': {'aws:username': 'bob'}}", "", true)]
    [InlineData("{'StringEqualsIgnoreCase': {'aws:username': 'ALICE'}}", "aws:username=alice", true)]
    [InlineData("{'StringNotEqualsIgnoreCase': {'aws:username': 'ALICE'}}", "aws:username=alice", false)]
    [InlineData("{'StringLike': {'s3:prefix': ['home/*']}}", "s3:prefix=home/alice/x", true)]
    [InlineData("{'StringLike': {'s3:prefix': ['home/?']}}", "s3:prefix=home/ab", false)]
    [InlineData("{'StringLike': {'s3:prefix': ['Home/*']}}", "s3:prefix=home/alice", false)]
    [InlineData("{'StringNotLike': {'s3:prefix': ['home/*']}}", "s3:prefix=etc/passwd", true)]
    [InlineData("{'StringNotLike': {'s3:prefix': ['home/*']}}", "", true)]
    [InlineData("{'StringEqualsIfExists': {'ec2:InstanceType': 't2.micro'}}", "", true)]
    [InlineData("{'StringEqualsIfExists': {'ec2:InstanceType': 't2.micro'}}", "ec2:InstanceType=t2.micro", true)]
    [InlineData("{'StringEqualsIfExists': {'ec2:InstanceType': 't2.micro'}}", "ec2:InstanceType=m5.large", false)]
    public void String_Operators(string condition, string keys, bool holds) => Assert.Equal(holds, Holds(condition, keys));

    [Theory]
    [InlineData("{'NumericEquals': {'lambda:MemorySize': '128'}}", "lambda:MemorySize=128", true)]
    [InlineData("{'NumericEquals': {'lambda:MemorySize': 128}}", "lambda:MemorySize=128.0", true)]
    [InlineData("{'NumericNotEquals': {'lambda:MemorySize': 128}}", "lambda:MemorySize=256", true)]
    [InlineData("{'NumericLessThan': {'s3:max-keys': '10'}}", "s3:max-keys=9", true)]
    [InlineData("{'NumericLessThan': {'s3:max-keys': '10'}}", "s3:max-keys=10", false)]
    [InlineData("{'NumericLessThanEquals': {'s3:max-keys': '10'}}", "s3:max-keys=10", true)]
    [InlineData("{'NumericGreaterThan': {'s3:max-keys': '10'}}", "s3:max-keys=10.5", true)]
    [InlineData("{'NumericGreaterThanEquals': {'s3:max-keys': '10'}}", "s3:max-keys=9.99", false)]
    [InlineData("{'NumericLessThan': {'s3:max-keys': '10'}}", "s3:max-keys=ten", false)]
    [InlineData("{'NumericLessThan': {'s3:max-keys': 'ten'}}", "s3:max-keys=1", false)]
    [InlineData("{'NumericLessThanIfExists': {'s3:max-keys': '10'}}", "", true)]
    public void Numeric_Operators(string condition, string keys, bool holds) => Assert.Equal(holds, Holds(condition, keys));

    [Theory]
    // reference_policies_examples_aws-dates: allow within a window of aws:CurrentTime.
    [InlineData("{'DateGreaterThan': {'aws:CurrentTime': '2020-04-01T00:00:00Z'}, 'DateLessThan': {'aws:CurrentTime': '2020-06-30T23:59:59Z'}}", "aws:CurrentTime=2020-05-01T12:00:00Z", true)]
    [InlineData("{'DateGreaterThan': {'aws:CurrentTime': '2020-04-01T00:00:00Z'}, 'DateLessThan': {'aws:CurrentTime': '2020-06-30T23:59:59Z'}}", "aws:CurrentTime=2020-07-01T00:00:00Z", false)]
    [InlineData("{'DateEquals': {'aws:CurrentTime': '2020-05-01T12:00:00Z'}}", "aws:CurrentTime=2020-05-01T14:00:00+02:00", true)]
    [InlineData("{'DateNotEquals': {'aws:CurrentTime': '2020-05-01T12:00:00Z'}}", "aws:CurrentTime=2020-05-01T12:00:01Z", true)]
    [InlineData("{'DateLessThanEquals': {'aws:EpochTime': '1588334400'}}", "aws:EpochTime=1588334400", true)]
    [InlineData("{'DateGreaterThanEquals': {'aws:CurrentTime': 1588334400}}", "aws:CurrentTime=2020-05-01T12:00:00Z", true)]
    [InlineData("{'DateLessThan': {'aws:CurrentTime': '2020-05-01'}}", "aws:CurrentTime=2020-04-30T23:59:59Z", true)]
    [InlineData("{'DateLessThan': {'aws:CurrentTime': '2020-05-01'}}", "aws:CurrentTime=yesterday", false)]
    public void Date_Operators(string condition, string keys, bool holds) => Assert.Equal(holds, Holds(condition, keys));

    [Theory]
    // reference_policies_examples_aws_deny-ip and the aws:SecureTransport example.
    [InlineData("{'Bool': {'aws:SecureTransport': 'true'}}", "aws:SecureTransport=true", true)]
    [InlineData("{'Bool': {'aws:SecureTransport': true}}", "aws:SecureTransport=TRUE", true)]
    [InlineData("{'Bool': {'aws:SecureTransport': 'false'}}", "aws:SecureTransport=true", false)]
    [InlineData("{'BoolIfExists': {'aws:MultiFactorAuthPresent': 'false'}}", "", true)]
    [InlineData("{'BinaryEquals': {'s3:x-amz-key': 'QmluYXJ5VmFsdWU='}}", "s3:x-amz-key=QmluYXJ5VmFsdWU=", true)]
    [InlineData("{'BinaryEquals': {'s3:x-amz-key': 'QmluYXJ5VmFsdWU='}}", "s3:x-amz-key=qmluYXJ5VmFsdWU=", false)]
    [InlineData("{'IpAddress': {'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24']}}", "aws:SourceIp=203.0.113.7", true)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '192.0.2.0/24'}}", "aws:SourceIp=192.0.3.1", false)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '192.0.2.5/24'}}", "aws:SourceIp=192.0.2.200", true)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '192.0.2.5'}}", "aws:SourceIp=192.0.2.5", true)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '2001:DB8:1234:5678::/64'}}", "aws:SourceIp=2001:db8:1234:5678::1", true)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '2001:DB8:1234:5678::/64'}}", "aws:SourceIp=2001:db8:1234:5679::1", false)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '127.0.0.0/8'}}", "aws:SourceIp=::ffff:127.0.0.1", true)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '10.0.0.0/8'}}", "aws:SourceIp=not-an-ip", false)]
    // A bare number is not an address (IPAddress.TryParse alone would take "10" for 0.0.0.10).
    [InlineData("{'IpAddress': {'aws:SourceIp': '0.0.0.0/24'}}", "aws:SourceIp=10", false)]
    [InlineData("{'IpAddress': {'aws:SourceIp': '10/8'}}", "aws:SourceIp=0.0.0.1", false)]
    [InlineData("{'NotIpAddress': {'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24']}}", "aws:SourceIp=198.51.100.1", true)]
    [InlineData("{'NotIpAddress': {'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24']}}", "aws:SourceIp=192.0.2.1", false)]
    [InlineData("{'ArnLike': {'aws:SourceArn': 'arn:aws:sns:*:000000000000:*'}}", "aws:SourceArn=arn:aws:sns:us-east-1:000000000000:topic", true)]
    [InlineData("{'ArnEquals': {'aws:SourceArn': 'arn:aws:sns:*:000000000000:*'}}", "aws:SourceArn=arn:aws:sns:us-east-1:000000000000:topic", true)]
    [InlineData("{'ArnLike': {'aws:SourceArn': 'arn:aws:sns:*:000000000000:*'}}", "aws:SourceArn=arn:aws:sns:us-east-1:111122223333:topic", false)]
    [InlineData("{'ArnLike': {'aws:SourceArn': 'arn:aws:sns:*'}}", "aws:SourceArn=not-an-arn", false)]
    [InlineData("{'ArnNotLike': {'aws:SourceArn': 'arn:aws:sns:*:000000000000:*'}}", "aws:SourceArn=arn:aws:sns:us-east-1:111122223333:topic", true)]
    [InlineData("{'ArnNotEquals': {'aws:SourceArn': 'arn:aws:sns:*:000000000000:*'}}", "", true)]
    [InlineData("{'ArnLikeIfExists': {'aws:SourceArn': 'arn:aws:sns:*:000000000000:*'}}", "", true)]
    // Null: true wants the key absent, false present (reference_policies_elements_condition_operators, "Condition operator to check existence").
    [InlineData("{'Null': {'aws:TokenIssueTime': 'true'}}", "", true)]
    [InlineData("{'Null': {'aws:TokenIssueTime': 'true'}}", "aws:TokenIssueTime=2020-01-01T00:00:00Z", false)]
    [InlineData("{'Null': {'aws:TokenIssueTime': 'false'}}", "aws:TokenIssueTime=2020-01-01T00:00:00Z", true)]
    [InlineData("{'Null': {'aws:TokenIssueTime': 'maybe'}}", "", false)]
    public void Other_Operators(string condition, string keys, bool holds) => Assert.Equal(holds, Holds(condition, keys));

    [Theory]
    // Several keys AND, several values OR (reference_policies_condition-logic-multiple-context-keys-or-values).
    [InlineData("{'StringEquals': {'aws:PrincipalTag/dept': ['a', 'b'], 'aws:PrincipalTag/team': 'x'}}", "aws:PrincipalTag/dept=b;aws:PrincipalTag/team=x", true)]
    [InlineData("{'StringEquals': {'aws:PrincipalTag/dept': ['a', 'b'], 'aws:PrincipalTag/team': 'x'}}", "aws:PrincipalTag/dept=b;aws:PrincipalTag/team=y", false)]
    [InlineData("{'StringEquals': {'aws:PrincipalTag/dept': 'a'}, 'Bool': {'aws:SecureTransport': 'true'}}", "aws:PrincipalTag/dept=a;aws:SecureTransport=false", false)]
    public void Keys_And_Values_Or(string condition, string keys, bool holds) => Assert.Equal(holds, Holds(condition, keys));

    [Theory]
    // reference_policies_condition-single-vs-multi-valued-context-keys, with aws:TagKeys.
    [InlineData("{'ForAllValues:StringEquals': {'aws:TagKeys': ['environment', 'cost-center']}}", "aws:TagKeys=environment|cost-center", true)]
    [InlineData("{'ForAllValues:StringEquals': {'aws:TagKeys': ['environment', 'cost-center']}}", "aws:TagKeys=environment", true)]
    [InlineData("{'ForAllValues:StringEquals': {'aws:TagKeys': ['environment', 'cost-center']}}", "aws:TagKeys=environment|owner", false)]
    // ForAllValues with the key absent (or empty) holds: the documented pitfall.
    [InlineData("{'ForAllValues:StringEquals': {'aws:TagKeys': ['environment']}}", "", true)]
    [InlineData("{'ForAllValues:StringEquals': {'aws:TagKeys': ['environment']}}", "aws:TagKeys=", true)]
    [InlineData("{'ForAnyValue:StringEquals': {'aws:TagKeys': ['environment', 'cost-center']}}", "aws:TagKeys=owner|environment", true)]
    [InlineData("{'ForAnyValue:StringEquals': {'aws:TagKeys': ['environment', 'cost-center']}}", "aws:TagKeys=owner", false)]
    [InlineData("{'ForAnyValue:StringEquals': {'aws:TagKeys': ['environment']}}", "", false)]
    [InlineData("{'ForAnyValue:StringLike': {'aws:TagKeys': ['env*']}}", "aws:TagKeys=owner|environment", true)]
    // Negated with a set operator: each request value is tested against none of the policy's values.
    [InlineData("{'ForAllValues:StringNotEquals': {'aws:TagKeys': ['secret']}}", "aws:TagKeys=a|b", true)]
    [InlineData("{'ForAllValues:StringNotEquals': {'aws:TagKeys': ['secret']}}", "aws:TagKeys=a|secret", false)]
    [InlineData("{'ForAnyValue:StringNotEquals': {'aws:TagKeys': ['secret']}}", "aws:TagKeys=a|secret", true)]
    [InlineData("{'ForAnyValue:StringNotEquals': {'aws:TagKeys': ['secret']}}", "aws:TagKeys=secret", false)]
    // Without a set operator a multivalued key is tested as a whole: any value matching (NOR for a negated operator).
    [InlineData("{'StringEquals': {'aws:TagKeys': 'environment'}}", "aws:TagKeys=owner|environment", true)]
    [InlineData("{'StringNotEquals': {'aws:TagKeys': 'environment'}}", "aws:TagKeys=owner|environment", false)]
    [InlineData("{'ForAnyValue:StringEqualsIfExists': {'aws:TagKeys': ['environment']}}", "", true)]
    public void SetOperators(string condition, string keys, bool holds) => Assert.Equal(holds, Holds(condition, keys));

    private static bool Holds(string condition, string keys)
    {
        var policy = Statements($"{{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Condition': {condition}}}");
        return Decide(policy, Request("s3:GetObject", "arn:aws:s3:::b/k", Keys(keys))) == PolicyDecision.Allow;
    }
}
