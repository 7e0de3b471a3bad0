// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Access;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Events.Mappings;
using Nimbus.Events.Tests.Support;
using Nimbus.Execution.Invocation;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Mappings;

/// <summary>The pollers re-check the function's role at every poll: a role that lost the queue stops the reading.</summary>
public sealed class MappingPollerRoleTests : IDisposable
{
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeIdentities _identities = new();
    private readonly FunctionService _functions;
    private readonly FakeQueueSource _source = new(Queue);
    private readonly FakeInvocationService _invoker = new();

    public MappingPollerRoleTests()
    {
        var store = new InMemoryStateStore();
        var options = new FunctionServiceOptions();
        var resolver = new QualifierResolver(store);
        var concurrency = new ConcurrencyService(store, store, store, resolver, _time, options);
        _functions = new FunctionService(store, store, new InMemoryLayerStore(), new InMemoryCodeStore(), FakeRuntimeRegistry.Default(), resolver, concurrency, _time, options);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _functions.Dispose();

    [Fact]
    public async Task Pollers_RoleWithoutReceiveMessage_ReportProblemAndInvokeNothingUntilAllowed()
    {
        var role = _identities.AddRole(Scope.Account, "reader", FakeIdentities.TrustsLambda, FakeIdentities.Allow(Queue, "sqs:DeleteMessage", "sqs:GetQueueAttributes"));
        var change = new FunctionChange { Runtime = "python3.12", Role = role, Handler = "app.handler" };
        await _functions.CreateAsync(Scope, "consumer", change, new CodeUpload { ZipFile = ZipBuilder.PythonEcho() }, null, publish: false, Ct);
        await _functions.SettleAsync(new FunctionKey(Scope, "consumer"), Ct);
        var mapping = new EventSourceMapping
        {
            Uuid = "0b5c4e4a-0000-4000-8000-000000000002",
            Scope = Scope,
            EventSourceArn = Queue,
            FunctionName = "consumer",
            State = EventSourceMappingStates.Enabled,
            LastModified = _time.GetUtcNow(),
        };
        var roles = new FunctionRoleAccess(new Authorizer(_identities, _time));
        _source.Add(2);
        await using (var poller = new MappingPoller(mapping, _source, null, new FunctionResolver(_functions), _invoker, _time, NullLogger.Instance, Ct, null, roles))
        {
            poller.Start();
            await UntilAsync(() => poller.LastProcessingResult is not null);

            Assert.Equal("PROBLEM: The function execution role does not have permissions to call ReceiveMessage on SQS", poller.LastProcessingResult);
            Assert.Empty(_invoker.Calls);
            Assert.Empty(_source.Deleted);

            _identities.AddRole(Scope.Account, "reader", FakeIdentities.TrustsLambda, FakeIdentities.Allow(Queue, "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"));

            // The clock moves on until the paused poller looks again (it waits out its back-off on this clock).
            await UntilAsync(() =>
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                return _source.Deleted.Count >= 2;
            });

            Assert.NotEmpty(_invoker.Calls);
        }
    }

    private static Task UntilAsync(Func<bool> condition) => Polling.UntilAsync(condition, Ct);
}
