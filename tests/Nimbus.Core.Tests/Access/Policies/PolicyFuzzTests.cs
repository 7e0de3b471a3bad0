// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Tests.Access.Policies;

/// <summary>
/// Fixed-seed fuzzing of the parser and the evaluator: mutated and generated documents, random requests. Whatever comes
/// in, the parser answers with a document or IAM's error (MalformedPolicyDocument or LimitExceeded) and the evaluator
/// with a decision; no other exception escapes.
/// </summary>
public sealed class PolicyFuzzTests
{
    private static readonly string[] Seeds =
    [
        """{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["lambda:Get*","lambda:List*"],"Resource":"arn:aws:lambda:*:000000000000:function:${aws:username}-*"},{"Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:s3:::b/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"Bool":{"aws:SecureTransport":false}}}]}""",
        """{"Version":"2012-10-17","Id":"default","Statement":{"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com","AWS":["111122223333","arn:aws:iam::000000000000:role/r"]},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:*:*:t"},"ForAllValues:StringLike":{"aws:TagKeys":["a*","${*}b"]}}}}""",
        """{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"DateLessThanEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericGreaterThanIfExists":{"s3:max-keys":10},"Null":{"aws:username":"true"},"ForAnyValue:StringNotEqualsIgnoreCase":{"aws:TagKeys":"x"}}}]}""",
        """{"Version":"2008-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"*","Resource":"arn:aws:s3:::${aws:username}/?","Condition":{"BinaryEquals":{"s3:k":"QQ=="},"StringEqualsIfExists":{"aws:RequestedRegion":["us-east-1"]}}}]}""",
    ];

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"", ":", ",", "*", "?", "${", "}", "${aws:username", "$", "\\", "\\u0000", "null", "true", "1e309", "-0",
        "\"Statement\"", "\"Effect\"", "\"Allow\"", "\"Deny\"", "\"Principal\"", "\"Condition\"", "\"ForAllValues:\"", "IfExists",
        "arn:", "::", "/", "\u00e9", "\ud83d\ude00", "\ud800", " ", "\n",
    ];

    private static readonly string[] Operators =
    [
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals",
        "DateGreaterThan", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotLike", "Null",
        "Nope", "StringLikeIfExists", "ForAnyValue:StringLike", "ForAllValues:NumericLessThan", "ForAllValues:IpAddressIfExists",
    ];

    private static readonly string[] Keys =
        ["aws:username", "aws:SourceIp", "aws:CurrentTime", "aws:EpochTime", "aws:TagKeys", "aws:SecureTransport", "lambda:FunctionArn", "aws:SourceArn", "s3:max-keys"];

    private static readonly string[] Values =
        ["alice", "*", "a*b?", "10.0.0.0/8", "::1", "2001:db8::/129", "999.1.1.1/33", "2020-01-01T00:00:00Z", "1588334400", "true", "FALSE", "12.5",
         "-1e400", "", "arn:aws:lambda:us-east-1:000000000000:function:f", "arn:*:*", "${aws:username}", "${aws:username, 'x'}", "${", "${*}${?}${$}", "QQ=="];

    [Fact]
    public void MutatedDocuments_GiveIamErrorOrDecision()
    {
        var random = new Random(20261203);
        var parsed = 0;
        for (var i = 0; i < 6000; i++)
        {
            var document = Mutate(random, Seeds[random.Next(Seeds.Length)]);
            parsed += Check(random, document) ? 1 : 0;
        }

        // The mutations must leave enough documents whole for the evaluator to be exercised too.
        Assert.InRange(parsed, 300, 6000);
    }

    [Fact]
    public void GeneratedDocuments_GiveIamErrorOrDecision()
    {
        var random = new Random(7);
        var parsed = 0;
        for (var i = 0; i < 4000; i++)
        {
            parsed += Check(random, Generate(random)) ? 1 : 0;
        }

        Assert.InRange(parsed, 400, 4000);
    }

    private static bool Check(Random random, string document)
    {
        var any = false;
        foreach (var kind in (PolicyKind[])[PolicyKind.Identity, PolicyKind.Resource, PolicyKind.Trust])
        {
            var limit = random.Next(4) == 0 ? PolicySizeLimit.UserInlinePolicy : null;
            if (!PolicyParser.TryParse(document, kind, limit, out var policy, out var error))
            {
                Assert.Contains(error.Code, (string[])[PolicyErrors.MalformedPolicyDocument, PolicyErrors.LimitExceeded]);
                Assert.False(string.IsNullOrEmpty(error.Message));
                var thrown = Assert.Throws<PolicyDocumentException>(() => PolicyParser.Parse(document, kind, limit));
                Assert.Equal(error, thrown.Error);
                continue;
            }

            any = true;
            for (var r = 0; r < 4; r++)
            {
                var request = RandomRequest(random);
                var result = kind == PolicyKind.Identity
                    ? PolicyEvaluator.Evaluate(request, [policy])
                    : PolicyEvaluator.Evaluate(request, [], policy);
                Assert.True(Enum.IsDefined(result.Decision));
                Assert.True(Enum.IsDefined(result.Reason));
                if (!result.IsAllowed)
                {
                    Assert.StartsWith("User: ", AccessDeniedMessage.Format(request, result), StringComparison.Ordinal);
                }
            }
        }

        return any;
    }

    private static string Mutate(Random random, string seed)
    {
        var text = new StringBuilder(seed);
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(7))
            {
                case 0:
                    text.Remove(at, Math.Min(1 + random.Next(8), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    text[at] = (char)random.Next(0x20, 0x7F);
                    break;
                case 3:
                    var length = Math.Min(random.Next(40), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
                case 4:
                    text.Length = at;
                    break;
                case 5:
                    text.Insert(at, new string('[', random.Next(40)));
                    break;
                default:
                    ReplaceValue(random, text);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Swaps a quoted string for another JSON value: keeps the document's shape mostly valid while changing types.</summary>
    private static void ReplaceValue(Random random, StringBuilder text)
    {
        var current = text.ToString();
        var start = current.IndexOf('"', random.Next(current.Length));
        var end = start < 0 ? -1 : current.IndexOf('"', start + 1);
        if (end < 0)
        {
            return;
        }

        string[] replacements = ["null", "1", "true", "[]", "{}", "\"\"", "[\"*\", 5]", "{\"AWS\": \"*\"}", "\"" + new string('x', 3000) + "\"", Quote(Values[random.Next(Values.Length)])];
        text.Remove(start, end - start + 1).Insert(start, replacements[random.Next(replacements.Length)]);
    }

    private static string Generate(Random random)
    {
        var statements = new List<string>();
        for (var s = random.Next(1, 4); s > 0; s--)
        {
            var parts = new List<string> { $"\"Effect\": \"{(random.Next(20) == 0 ? "Maybe" : random.Next(2) == 0 ? "Allow" : "Deny")}\"" };
            if (random.Next(12) > 0)
            {
                parts.Add($"\"{Pick(random, "Action", "NotAction")}\": {List(random, "lambda:Get*", "*", "s3:?etObject", "iam:*AccessKey*", "LAMBDA:INVOKEFUNCTION", "lambda:Get*", "*", "s3:?etObject", "iam:*AccessKey*", "LAMBDA:INVOKEFUNCTION", "nope")}");
            }

            if (random.Next(3) > 0)
            {
                parts.Add($"\"{Pick(random, "Resource", "NotResource")}\": {List(random, "*", "arn:aws:lambda:*:*:function:*", "arn:aws:s3:::b/${aws:username}/*", "arn:", "arn:aws:iam::*", "*", "arn:aws:lambda:*:*:function:*", "arn:aws:s3:::b/${aws:username}/*", "arn:aws:iam::*", "x")}");
            }

            if (random.Next(2) == 0)
            {
                parts.Add($"\"{Pick(random, "Principal", "NotPrincipal")}\": {Pick(random, "\"*\"", "{\"AWS\": \"000000000000\"}", "{\"Service\": \"lambda.amazonaws.com\"}", "{\"AWS\": [\"arn:aws:iam::000000000000:role/r\", \"arn:aws:sts::000000000000:assumed-role/r/s\"]}", "{\"AWS\": \"bob\"}", "{\"Federated\": \"x\"}")}");
            }

            if (random.Next(2) == 0)
            {
                var clauses = new List<string>();
                for (var c = random.Next(1, 4); c > 0; c--)
                {
                    clauses.Add($"\"{Operators[random.Next(Operators.Length)]}\": {{\"{Keys[random.Next(Keys.Length)]}\": {List(random, Values)}}}");
                }

                parts.Add($"\"Condition\": {{{string.Join(", ", clauses)}}}");
            }

            if (random.Next(4) == 0)
            {
                parts.Add($"\"Sid\": {Quote(Pick(random, "a", "b", "a b", ""))}");
            }

            statements.Add("{" + string.Join(", ", parts.OrderBy(_ => random.Next())) + "}");
        }

        return $"{{\"Version\": \"{Pick(random, "2012-10-17", "2012-10-17", "2008-10-17", "2012-10-17", "2012-10-17", "2008-10-17", "2020-01-01")}\", \"Statement\": [{string.Join(", ", statements)}]}}";
    }

    private static RequestContext RandomRequest(Random random)
    {
        var keys = new ContextKeys();
        for (var k = random.Next(6); k > 0; k--)
        {
            var key = Keys[random.Next(Keys.Length)];
            keys.Set(key, random.Next(3) == 0
                ? ContextValue.Of([.. Enumerable.Range(0, random.Next(4)).Select(_ => Values[random.Next(Values.Length)])])
                : ContextValue.Of(Values[random.Next(Values.Length)]));
        }

        var principal = Pick(random, "arn:aws:iam::000000000000:user/alice", "arn:aws:sts::000000000000:assumed-role/r/s", "arn:aws:iam::111122223333:root", "", "arn:");
        var action = Pick(random, "lambda:GetFunction", "s3:GetObject", "iam:CreateAccessKey", "", "x", "*");
        var resource = Pick(random, "arn:aws:lambda:us-east-1:000000000000:function:f", "arn:aws:s3:::b/alice/k", "*", "", "arn:aws:iam::000000000000:user/alice", "::::::");
        return random.Next(5) == 0
            ? new RequestContext(principal, action, resource, keys) { ServicePrincipal = "lambda.amazonaws.com" }
            : new RequestContext(principal, action, resource, keys);
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    private static string List(Random random, params string[] choices) => random.Next(2) == 0
        ? Quote(Pick(random, choices))
        : "[" + string.Join(", ", Enumerable.Range(0, random.Next(4)).Select(_ => Quote(Pick(random, choices)))) + "]";

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
