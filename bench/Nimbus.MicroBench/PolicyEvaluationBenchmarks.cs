// SPDX-License-Identifier: Apache-2.0
using System.Net;
using BenchmarkDotNet.Attributes;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Policies;

namespace Nimbus.MicroBench;

/// <summary>
/// Policy evaluation per request against a 10-statement identity policy (issue "Identity and access": target ≤ 5 µs
/// median, no allocation per request), and the one-time cost of parsing and compiling that policy.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PolicyEvaluationBenchmarks
{
    private const string Principal = "arn:aws:iam::000000000000:user/alice";
    private const string Function = "arn:aws:lambda:us-east-1:000000000000:function:f";

    /// <summary>Ten statements of the kinds real policies hold: wildcards, variables, IP, Bool, date, set and negated
    /// conditions, NotAction and NotResource.</summary>
    public const string TenStatements = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "ReadOwn", "Effect": "Allow", "Action": ["lambda:Get*", "lambda:List*"], "Resource": "arn:aws:lambda:*:000000000000:function:${aws:username}-*"},
          {"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:f", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}},
          {"Sid": "Office", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}},
          {"Sid": "Tls", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
          {"Sid": "Window", "Effect": "Allow", "Action": "lambda:Update*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
          {"Sid": "Regions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
          {"Sid": "Queues", "Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:000000000000:${aws:username}-*"},
          {"Sid": "Tags", "Effect": "Allow", "Action": "lambda:TagResource", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}},
          {"Sid": "Self", "Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "arn:aws:iam::000000000000:user/${aws:username}"},
          {"Sid": "NoDelete", "Effect": "Deny", "Action": "lambda:Delete*", "NotResource": "arn:aws:lambda:*:*:function:scratch-*"}
        ]}
        """;

    private readonly string _document = TenStatements;
    private PolicyDocument[] _policies = [];
    private RequestContext _allowed = null!;
    private RequestContext _explicitDeny = null!;
    private RequestContext _implicitDeny = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policies = [PolicyParser.Parse(TenStatements, PolicyKind.Identity)];
        var caller = new CallerIdentity(Principal, "000000000000", "AIDAEXAMPLE", "User", "alice");
        var keys = ContextKeys.ForCaller(caller, IPAddress.Parse("10.1.2.3"), new DateTimeOffset(2026, 12, 3, 5, 0, 0, TimeSpan.Zero), "us-east-1", secureTransport: true);
        _allowed = new RequestContext(Principal, "lambda:InvokeFunction", Function, keys);
        _explicitDeny = new RequestContext(Principal, "lambda:DeleteFunction", Function, keys);
        _implicitDeny = new RequestContext(Principal, "lambda:PublishVersion", Function, keys);
        Check(_allowed, DecisionReason.AllowedByIdentityPolicy);
        Check(_explicitDeny, DecisionReason.ExplicitDenyInIdentityPolicy);
        Check(_implicitDeny, DecisionReason.NoIdentityPolicyAllows);
    }

    [Benchmark(Baseline = true)]
    public AuthorizationResult Allowed() => PolicyEvaluator.Evaluate(_allowed, _policies);

    [Benchmark]
    public AuthorizationResult ExplicitDeny() => PolicyEvaluator.Evaluate(_explicitDeny, _policies);

    /// <summary>The worst case: every statement is looked at and none applies.</summary>
    [Benchmark]
    public AuthorizationResult ImplicitDeny() => PolicyEvaluator.Evaluate(_implicitDeny, _policies);

    /// <summary>Once per policy change, not per request.</summary>
    [Benchmark]
    public PolicyDocument ParseAndCompile() => PolicyParser.Parse(_document, PolicyKind.Identity);

    private void Check(RequestContext request, DecisionReason expected)
    {
        var reason = PolicyEvaluator.Evaluate(request, _policies).Reason;
        if (reason != expected)
        {
            throw new InvalidOperationException($"{request.Action}: {reason}, expected {expected}.");
        }
    }
}
