// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Access;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Storage;
using Nimbus.Events.Async;
using Nimbus.Events.Tests.Support;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Invocation;
using Nimbus.Storage;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Events.Tests.Async;

/// <summary>
/// An <see cref="AsyncInvocationWorker"/> over the real SQLite queue in a temporary data directory, a real
/// <see cref="FunctionService"/> and <see cref="ConcurrencyGate"/>, a <see cref="FakeTimeProvider"/>, and fakes for
/// the invoke entry point and the queues destinations and dead-letter queues send to.
/// </summary>
internal sealed class AsyncWorkerHarness : IAsyncDisposable
{
    public static readonly Scope Scope = new("000000000000", "us-east-1");

    private readonly ServiceProvider _services;
    private readonly string _directory;

    private AsyncWorkerHarness(
        ServiceProvider services, string directory, FakeTimeProvider time, AsyncInvokeOptions options, FakeIdentities? identities, Func<IAsyncInvocationStore, IAsyncInvocationStore>? queue)
    {
        _services = services;
        _directory = directory;
        Time = time;
        var store = services.GetRequiredService<IAsyncInvocationStore>();
        Queue = queue?.Invoke(store) ?? store;
        Concurrency = services.GetRequiredService<ConcurrencyService>();
        Functions = services.GetRequiredService<FunctionService>();
        InvokeConfigs = services.GetRequiredService<EventInvokeConfigService>();
        Gate = new ConcurrencyGate(services.GetRequiredService<ConcurrencyService>().Reservations, 1000, 1000, time);
        var roles = identities is null ? null : new FunctionRoleAccess(new Authorizer(identities, time));
        Worker = new AsyncInvocationWorker(Queue, Functions, Invoker, Gate, Options.Create(options), time, Logger, Destinations, roles);
        Events = new AsyncInvokeService(Queue, Worker, time);
    }

    public FakeTimeProvider Time { get; }

    public IAsyncInvocationStore Queue { get; }

    public FunctionService Functions { get; }

    public EventInvokeConfigService InvokeConfigs { get; }

    public ConcurrencyGate Gate { get; }

    public ConcurrencyService Concurrency { get; }

    public FakeInvocationService Invoker { get; } = new();

    public RecordingQueueDestination Destinations { get; } = new();

    public RecordingLogger<AsyncInvocationWorker> Logger { get; } = new();

    public AsyncInvocationWorker Worker { get; }

    public AsyncInvokeService Events { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="identities">The execution roles' policies, when deliveries are to be authorized as the role.</param>
    /// <param name="queue">Wraps the durable queue the worker uses (to step into its calls).</param>
    public static async Task<AsyncWorkerHarness> StartAsync(
        Action<AsyncInvokeOptions>? configure = null, FakeIdentities? identities = null, Func<IAsyncInvocationStore, IAsyncInvocationStore>? queue = null)
    {
        var directory = Directory.CreateTempSubdirectory("nimbus-async-tests-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IRuntimeRegistry>(FakeRuntimeRegistry.Default())
            .AddSingleton<ICodeStore>(new InMemoryCodeStore())
            .AddSingleton<ILayerStore>(new InMemoryLayerStore())
            .AddNimbusStorage()
            .AddNimbusCore()
            .Configure<StorageOptions>(options => options.DataDirectory = directory)
            .BuildServiceProvider();
        await services.GetRequiredService<IStoreSchema>().MigrateAsync(Ct);
        var options = new AsyncInvokeOptions();
        configure?.Invoke(options);
        return new AsyncWorkerHarness(services, directory, time, options, identities, queue);
    }

    public async Task<FunctionRecord> CreateFunctionAsync(string name, string? deadLetterTargetArn = null)
    {
        var change = new FunctionChange
        {
            Runtime = "python3.12",
            Role = "arn:aws:iam::000000000000:role/r",
            Handler = "app.handler",
            DeadLetterTargetArn = deadLetterTargetArn,
        };
        await Functions.CreateAsync(Scope, name, change, new CodeUpload { ZipFile = ZipBuilder.PythonEcho() }, null, publish: false, Ct);
        return (await Functions.GetForInvokeAsync(Scope, name, null, Ct)).Record;
    }

    /// <summary>Queues an event as the Invoke API does (durable once this returns).</summary>
    public async Task<RequestId> EnqueueAsync(string functionName, string payload)
    {
        var target = ResolvedFunction.Choose(Scope, await Functions.GetForInvokeAsync(Scope, functionName, null, Ct));
        var requestId = RequestId.New();
        await Events.EnqueueAsync(target, requestId, System.Text.Encoding.UTF8.GetBytes(payload), null, null, Ct);
        return requestId;
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync(CancellationToken.None);
        Worker.Dispose();
        Gate.Dispose();
        Functions.Dispose();
        await _services.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
