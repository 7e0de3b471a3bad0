// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Nimbus.Execution.Sandboxes;
using Nimbus.Init.Protocol;

namespace Nimbus.Execution.Environments;

internal sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// How long a stem cell's runtime may take to reach its wait for a function. Only a guard against a runtime that
    /// never gets there: cells start at a small CPU share, which on a busy host stretches a ~40 ms start a lot.
    /// </summary>
    private static readonly TimeSpan s_stemCellWaitLimit = TimeSpan.FromMinutes(2);

    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A stem cell: a sandbox with nimbus-init connected and the runtime started unspecialized
    /// (<see cref="FrameHeaders.StemCell"/>), returned once the runtime waits for its function
    /// (<see cref="FrameType.Waiting"/>): a cell taken earlier would put the rest of its interpreter's start on the
    /// cold start that takes it. <see cref="SpecializeAsync"/> later gives it its function.
    /// </summary>
    public static async Task<ExecutionEnvironment> StartStemCellAsync(
        ISandboxFactory sandboxes,
        SandboxSpec spec,
        Func<SandboxPaths, RuntimeLaunch> launch,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var cell = await ConnectAsync(sandboxes, spec, launch, stemCell: true, "", time, logger, cancellationToken);
        try
        {
            var first = await Task.WhenAny(cell._waiting.Task, cell.Initialized).WaitAsync(s_stemCellWaitLimit, time, cancellationToken);
            if (first != cell._waiting.Task)
            {
                var outcome = await cell.Initialized;
                throw new SandboxStartException($"the stem cell's runtime ended before it waited for a function: {outcome.ExitDescription ?? outcome.Kind.ToString()}");
            }

            return cell;
        }
        catch (TimeoutException)
        {
            await cell.DisposeAsync();
            throw new SandboxStartException($"the stem cell's runtime did not wait for a function within {s_stemCellWaitLimit.TotalSeconds} s");
        }
        catch
        {
            await cell.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A sandbox cell: a stem cell's sandbox (<see cref="SandboxSpec.StemCell"/>) with nimbus-init connected and no
    /// runtime yet, returned once nimbus-init greeted the host. <see cref="StartSpareAsync"/> later starts its
    /// function's runtime, as for an environment started the usual way.
    /// </summary>
    public static async Task<ExecutionEnvironment> StartSandboxCellAsync(
        ISandboxFactory sandboxes,
        SandboxSpec spec,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var cell = await ConnectAsync(sandboxes, spec, launch: null, stemCell: false, "", time, logger, cancellationToken);
        cell.AwaitsRuntime = true;
        return cell;
    }

    /// <summary>A sandbox cell (<see cref="StartSandboxCellAsync"/>): its runtime starts when it is specialized.</summary>
    public bool AwaitsRuntime { get; private set; }

    /// <summary>
    /// Gives a stem cell's waiting runtime its function's environment (its sandbox already shows the code); from here
    /// on it initializes like any environment (<see cref="Initialized"/>). Output it wrote while waiting is dropped.
    /// </summary>
    public async Task SpecializeAsync(IReadOnlyList<KeyValuePair<string, string>> variables, string logStreamName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        LogStreamName = logStreamName;
        lock (_lock)
        {
            StartedAt = now;
            LifetimeStart = now;
            LastUsed = now;
        }

        _ = Output.Drain();
        var headers = new List<KeyValuePair<string, string>>(variables.Count);
        foreach (var (name, value) in variables)
        {
            headers.Add(new(FrameHeaders.Environment, $"{name}={value}"));
        }

        await SendAsync(new Frame(FrameType.Specialize, headers), cancellationToken);
    }
}
