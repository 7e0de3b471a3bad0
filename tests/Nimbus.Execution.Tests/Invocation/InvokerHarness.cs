// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Functions;
using Nimbus.Core.Storage;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Invocation;
using Nimbus.Execution.Logs;
using Nimbus.Execution.Tests.Fakes;
using Nimbus.Storage.Code;
using Nimbus.TestKit;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>
/// A real <see cref="Invoker"/> (pool, environments, init protocol) over <see cref="FakeSandboxFactory"/>, an
/// in-memory code store, a running <see cref="FunctionLogWriter"/> over <see cref="RecordingLogStore"/>, and a
/// <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class InvokerHarness : IAsyncDisposable
{
    /// <summary>A fail-safe against a hung test, not a timing assertion.</summary>
    public static readonly TimeSpan FailSafe = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _work;

    private InvokerHarness(FakeInitScript script, ExecutionOptions options, DirectoryInfo work, string codeSha256, int accountLimit)
    {
        _work = work;
        Options = options;
        Gate = new ConcurrencyGate(Reservations, accountLimit, options.ScalingBurstPer10Seconds, Time);
        Sandboxes = new FakeSandboxFactory(script);
        Writer = new FunctionLogWriter(Logs, TimeProvider.System, NullLogger<FunctionLogWriter>.Instance);
        Function = TestFunctions.Function(codeSha256: codeSha256);
        Invoker = new Invoker(
            Sandboxes,
            new RuntimeLauncher(FakeRuntimeRegistry.Default(), options),
            Code,
            new LayerTree(work.FullName, Code, NullLogger<LayerTree>.Instance),
            Writer,
            Microsoft.Extensions.Options.Options.Create(options),
            Time,
            NullLogger<Invoker>.Instance,
            Gate);
    }

    public FakeTimeProvider Time { get; } = new(TestFunctions.Epoch);

    /// <summary>The reservations the gate follows (a test sets them as FunctionService would).</summary>
    public ConcurrencyReservations Reservations { get; } = new();

    public ConcurrencyGate Gate { get; }

    public InMemoryCodeStore Code { get; } = new();

    public RecordingLogStore Logs { get; } = new();

    public FakeSandboxFactory Sandboxes { get; }

    public FunctionLogWriter Writer { get; }

    public ExecutionOptions Options { get; }

    public Invoker Invoker { get; }

    /// <summary>The function every request runs unless a test passes another.</summary>
    public FunctionVersion Function { get; }

    public static async Task<InvokerHarness> StartAsync(FakeInitScript? script = null, Action<ExecutionOptions>? configure = null, int accountLimit = 1000)
    {
        // Short: the host socket's path must fit in 108 bytes.
        var work = Directory.CreateTempSubdirectory("nx-");
        var options = new ExecutionOptions
        {
            InitExecutable = "/fake/nimbus-init",
            RuntimeDirectory = "/fake/lambda-runtimes",
            WorkDirectory = work.FullName,
        };
        configure?.Invoke(options);
        var zip = ZipBuilder.PythonEcho();
        var harness = new InvokerHarness(script ?? new FakeInitScript(), options, work, InMemoryCodeStore.HashOf(zip), accountLimit);
        await harness.Code.StoreZipAsync(zip, CancellationToken.None);
        await harness.Writer.StartAsync(CancellationToken.None);
        return harness;
    }

    public InvocationRequest Request(string? requestId = null, string payload = """{"n":1}""", FunctionVersion? function = null) => new()
    {
        RequestId = requestId is null ? RequestId.New() : new RequestId(requestId),
        Scope = TestFunctions.Scope,
        Function = function ?? Function,
        InvokedFunctionArn = TestFunctions.Scope.FunctionArn((function ?? Function).Name),
        Payload = Encoding.UTF8.GetBytes(payload),
    };

    public Task<InvocationResult> InvokeAsync(InvocationRequest? request = null) =>
        InvokeCancellableAsync(request ?? Request(), TestContext.Current.CancellationToken);

    /// <summary>Invokes with the caller's own token (for tests of cancellation).</summary>
    public Task<InvocationResult> InvokeCancellableAsync(InvocationRequest request, CancellationToken cancellationToken) =>
        Invoker.InvokeAsync(request, cancellationToken).WaitAsync(FailSafe, TestContext.Current.CancellationToken);

    /// <summary>The sandbox started <paramref name="number"/>-th (1-based).</summary>
    public FakeSandbox Sandbox(int number) => Sandboxes.Sandboxes[number - 1];

    public async ValueTask DisposeAsync()
    {
        await Invoker.DisposeAsync();
        Gate.Dispose();
        await Writer.StopAsync(CancellationToken.None);
        Writer.Dispose();
        _work.Delete(recursive: true);
    }
}
