// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Mappings;
using Nimbus.Events.Mappings;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Mappings;

public sealed class EventSourceMappingServiceTests : IDisposable
{
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";
    private static readonly Scope Scope = new("000000000000", "us-east-1");
    private readonly InMemoryStateStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    private readonly ConcurrencyService _concurrency;
    private readonly FunctionService _functions;
    private readonly EventSourceMappingService _mappings;

    public EventSourceMappingServiceTests()
    {
        var options = new FunctionServiceOptions();
        var resolver = new QualifierResolver(_store);
        _concurrency = new ConcurrencyService(_store, _store, _store, resolver, _time, options);
        _functions = new FunctionService(_store, _store, new InMemoryLayerStore(), new InMemoryCodeStore(), FakeRuntimeRegistry.Default(), resolver, _concurrency, _time, options);
        _mappings = new EventSourceMappingService(_store, _functions, _time);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _functions.Dispose();
        _concurrency.Dispose();
    }

    private async Task FunctionAsync(string name)
    {
        var change = new FunctionChange { Runtime = "python3.12", Role = "arn:aws:iam::000000000000:role/r", Handler = "app.handler" };
        await _functions.CreateAsync(Scope, name, change, new CodeUpload { ZipFile = ZipBuilder.PythonEcho() }, null, publish: false, Ct);
    }

    private Task<EventSourceMapping> CreateAsync(EventSourceMappingChange change) => _mappings.CreateAsync(Scope, change, Ct);

    [Fact]
    public async Task CreateAsync_Defaults_CreatingWithBatchOfTen()
    {
        await FunctionAsync("f");

        var mapping = await CreateAsync(new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" });

        Assert.Equal((EventSourceMappingStates.Creating, 10, 0, true), (mapping.State, mapping.BatchSize, mapping.MaximumBatchingWindowInSeconds, mapping.Enabled));
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:f", mapping.FunctionArn);
    }

    [Fact]
    public async Task SettleAsync_AfterATagChangeOnAnOlderCopy_KeepsTheTags()
    {
        // The worker settles from the copy it listed; a TagResource landed in between (neither moves LastModified).
        // Writing that copy back lost the tag (mapping_lifecycle in events.py failed at random on it).
        await FunctionAsync("f");
        var listed = await CreateAsync(new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f", Enabled = false, Tags = new Dictionary<string, string> { ["team"] = "core" } });
        await _mappings.ChangeTagsAsync(Scope, listed.Arn, tags => tags["stage"] = "dev", Ct);

        var settled = await _mappings.SettleAsync(listed, EventSourceMappingStates.Disabled, "No records processed", Ct);

        Assert.NotNull(settled);
        Assert.Equal(EventSourceMappingStates.Disabled, settled.State);
        var tags = await _mappings.ListTagsAsync(Scope, listed.Arn, Ct);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "core", ["stage"] = "dev" }, tags);
    }

    [Fact]
    public async Task SettleAsync_AfterAUserUpdate_LeavesItToTheNextPass()
    {
        await FunctionAsync("f");
        var listed = await CreateAsync(new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" });
        _time.Advance(TimeSpan.FromSeconds(1));
        await _mappings.UpdateAsync(Scope, listed.Uuid, new EventSourceMappingChange { BatchSize = 5 }, Ct);

        Assert.Null(await _mappings.SettleAsync(listed, EventSourceMappingStates.Enabled, null, Ct));
    }

    public static TheoryData<EventSourceMappingChange, string, string> Refusals() => new()
    {
        { new() { EventSourceArn = Queue, FunctionName = "missing" }, LambdaErrors.InvalidParameterValueType, "Function does not exist" },
        { new() { EventSourceArn = "arn:aws:iam::000000000000:role/x", FunctionName = "f" }, LambdaErrors.InvalidParameterValueType, "Unrecognized event source." },
        { new() { EventSourceArn = Queue, FunctionName = "f", BatchSize = 11 }, LambdaErrors.InvalidParameterValueType, "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10" },
        { new() { EventSourceArn = Queue, FunctionName = "f", BatchSize = 0 }, LambdaErrors.ValidationType, "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1" },
        { new() { EventSourceArn = Queue, FunctionName = "f", MaximumConcurrency = 1 }, LambdaErrors.ValidationType, "1 validation error detected: Value '1' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 2" },
        { new() { EventSourceArn = Queue, FunctionName = "f", Filters = ["{\"body\": \"x\"}"] }, LambdaErrors.InvalidParameterValueType, "Invalid filter pattern definition." },
        { new() { EventSourceArn = Queue, FunctionName = "f", FunctionResponseTypes = [null!] }, LambdaErrors.ValidationType, "1 validation error detected: Value null at 'functionResponseTypes.1.member' failed to satisfy constraint: Member must not be null" },
        { new() { EventSourceArn = Queue, FunctionName = "f", UnsupportedMembers = ["StartingPosition"] }, LambdaErrors.InvalidParameterValueType, "Unsupported StartingPosition parameter for given event source mapping type." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task CreateAsync_BreaksARule_RefusedAndNothingStored(EventSourceMappingChange change, string type, string message)
    {
        await FunctionAsync("f");

        var error = await Assert.ThrowsAsync<LambdaException>(() => CreateAsync(change));

        Assert.Equal((type, message), (error.ErrorType, error.Message));
        Assert.Empty(await _store.ListEventSourceMappingsAsync(null, null, null, Ct));
    }

    [Fact]
    public async Task UpdateAsync_Disable_GoesThroughDisabling()
    {
        await FunctionAsync("f");
        var mapping = await CreateAsync(new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" });
        _time.Advance(TimeSpan.FromSeconds(1));

        var updated = await _mappings.UpdateAsync(Scope, mapping.Uuid, new EventSourceMappingChange { Enabled = false }, Ct);

        Assert.Equal(EventSourceMappingStates.Disabling, updated.State);
        Assert.False(updated.Enabled);
    }

    [Fact]
    public async Task GetAsync_OtherScopeOrMissing_NotFound()
    {
        await FunctionAsync("f");
        var mapping = await CreateAsync(new EventSourceMappingChange { EventSourceArn = Queue, FunctionName = "f" });

        var error = await Assert.ThrowsAsync<LambdaException>(() => _mappings.GetAsync(new Scope("000000000000", "eu-west-1"), mapping.Uuid, Ct));

        Assert.Equal("The resource you requested does not exist.", error.Message);
    }
}
