// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Access;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Events.Mappings;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Mappings;

/// <summary>An SQS mapping reads its queue as the function's execution role: CreateEventSourceMapping checks the role first.</summary>
public sealed class MappingRolePermissionTests : IDisposable
{
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly InMemoryStateStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeIdentities _identities = new();
    private readonly ConcurrencyService _concurrency;
    private readonly FunctionService _functions;
    private readonly EventSourceMappingService _mappings;

    public MappingRolePermissionTests()
    {
        var options = new FunctionServiceOptions();
        var resolver = new QualifierResolver(_store);
        _concurrency = new ConcurrencyService(_store, _store, _store, resolver, _time, options);
        _functions = new FunctionService(_store, _store, new InMemoryLayerStore(), new InMemoryCodeStore(), FakeRuntimeRegistry.Default(), resolver, _concurrency, _time, options);
        var roles = new FunctionRoleAccess(new Authorizer(_identities, _time));
        _mappings = new EventSourceMappingService(_store, _functions, _time, roles: roles);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _functions.Dispose();
        _concurrency.Dispose();
    }

    private async Task FunctionAsync(string name, params string[] policies)
    {
        var role = _identities.AddRole(Scope.Account, "reader", FakeIdentities.TrustsLambda, policies);
        var change = new FunctionChange { Runtime = "python3.12", Role = role, Handler = "app.handler" };
        await _functions.CreateAsync(Scope, name, change, new CodeUpload { ZipFile = ZipBuilder.PythonEcho() }, null, publish: false, Ct);
    }

    [Fact]
    public async Task CreateAsync_RoleMayReadTheQueue_IsCreated()
    {
        await FunctionAsync("f", FakeIdentities.Allow(Queue, "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"));

        var mapping = await _mappings.CreateAsync(Scope, new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" }, Ct);

        Assert.Equal(EventSourceMappingStates.Creating, mapping.State);
    }

    [Theory]
    [InlineData("ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")]
    [InlineData("DeleteMessage", "sqs:ReceiveMessage", "sqs:GetQueueAttributes")]
    [InlineData("GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage")]
    public async Task CreateAsync_RoleLacksAnAction_IsRefusedNamingIt(string missing, string first, string second)
    {
        await FunctionAsync("f", FakeIdentities.Allow(Queue, first, second));

        var ex = await Assert.ThrowsAsync<LambdaException>(() => _mappings.CreateAsync(Scope, new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" }, Ct));

        Assert.Equal((LambdaErrors.InvalidParameterValueType, 400), (ex.ErrorType, ex.StatusCode));
        Assert.Equal($"The function execution role does not have permissions to call {missing} on SQS", ex.Message);
        Assert.Empty(await _store.ListEventSourceMappingsAsync(Scope, null, null, Ct));
    }

    [Fact]
    public async Task CreateAsync_RoleAllowedAnotherQueueOnly_IsRefused()
    {
        await FunctionAsync("f", FakeIdentities.Allow("arn:aws:sqs:us-east-1:000000000000:other", "sqs:*"));

        var ex = await Assert.ThrowsAsync<LambdaException>(() => _mappings.CreateAsync(Scope, new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" }, Ct));

        Assert.Equal("The function execution role does not have permissions to call ReceiveMessage on SQS", ex.Message);
    }

    [Fact]
    public async Task MissingPermissionAsync_EverythingAllowed_IsNone()
    {
        await FunctionAsync("f");
        var version = (await _functions.GetAsync(Scope, "f", null, Ct)).Version;
        var open = new FunctionRoleAccess(new Authorizer(_identities, _time), everythingAllowed: true);

        Assert.Null(await EventSourceMappingService.MissingPermissionAsync(open, Scope, version, Queue, Ct));
    }
}
