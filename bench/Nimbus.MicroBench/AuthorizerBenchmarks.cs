// SPDX-License-Identifier: Apache-2.0
using System.Net;
using BenchmarkDotNet.Attributes;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.MicroBench;

/// <summary>
/// The Authorizer per request on the invoke path: the account root's fast path (every SDK call with the root key),
/// and an assumed-role session (a function calling back with its execution role's credentials) whose role has a
/// typical execution-role policy (logs, one queue, one function; no conditions) and one with a condition.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AuthorizerBenchmarks
{
    private const string Function = "arn:aws:lambda:us-east-1:000000000000:function:f";
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";

    private const string ExecutionRole = """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:*:000000000000:*"},
          {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": "arn:aws:sqs:us-east-1:000000000000:orders"},
          {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:f"}
        ]}
        """;

    private const string WithCondition = """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:000000000000:orders", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}
        ]}
        """;

    private readonly RequestOrigin _origin = new(IPAddress.Loopback, false, "us-east-1");
    private readonly CallerIdentity _root = CallerIdentity.ForArn("arn:aws:iam::000000000000:root", "000000000000");
    private readonly CallerIdentity _session = CallerIdentity.ForArn("arn:aws:sts::000000000000:assumed-role/worker/f", "000000000000", "AROAEXAMPLE");
    private readonly CallerIdentity _conditioned = CallerIdentity.ForArn("arn:aws:sts::000000000000:assumed-role/cond/f", "000000000000", "AROAEXAMPL2");
    private Authorizer _authorizer = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var policies = new Policies(new Dictionary<string, IReadOnlyList<PolicyDocument>>
        {
            [_session.Arn] = [PolicyParser.Parse(ExecutionRole, PolicyKind.Identity)],
            [_conditioned.Arn] = [PolicyParser.Parse(WithCondition, PolicyKind.Identity)],
        });
        _authorizer = new Authorizer(policies, TimeProvider.System);
        if (!Root().IsAllowed || !(await AskAsync(_session, "sqs:SendMessage")).IsAllowed || SessionDenied().IsAllowed || !SessionWithCondition().IsAllowed)
        {
            throw new InvalidOperationException("the benchmark's questions are not answered as expected");
        }
    }

    [Benchmark(Baseline = true)]
    public AuthorizationResult Root() => Completed(_authorizer.EvaluateAsync(_root, _origin, "lambda:InvokeFunction", Function, CancellationToken.None));

    [Benchmark]
    public AuthorizationResult SessionAllowed() => Completed(_authorizer.EvaluateAsync(_session, _origin, "sqs:SendMessage", Queue, CancellationToken.None));

    [Benchmark]
    public AuthorizationResult SessionDenied() => Completed(_authorizer.EvaluateAsync(_session, _origin, "sqs:PurgeQueue", Queue, CancellationToken.None));

    [Benchmark]
    public AuthorizationResult SessionWithCondition() => Completed(_authorizer.EvaluateAsync(_conditioned, _origin, "sqs:SendMessage", Queue, CancellationToken.None));

    private ValueTask<AuthorizationResult> AskAsync(CallerIdentity caller, string action) =>
        _authorizer.EvaluateAsync(caller, _origin, action, Queue, CancellationToken.None);

    /// <summary>Policies are cached after the first question, so every measured answer is synchronous.</summary>
    private static AuthorizationResult Completed(ValueTask<AuthorizationResult> pending) =>
#pragma warning disable VSTHRD002 // Completed already: reading the result does not wait.
        pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("the answer was not synchronous");
#pragma warning restore VSTHRD002

    private sealed class Policies(Dictionary<string, IReadOnlyList<PolicyDocument>> byPrincipal) : IIdentityPolicySource
    {
        public long Generation => 1;

        public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken) =>
            ValueTask.FromResult(byPrincipal.TryGetValue(principalArn, out var found) ? found : []);
    }
}
