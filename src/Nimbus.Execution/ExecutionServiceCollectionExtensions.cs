// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Functions;
using Nimbus.Core.Images;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Storage;
using Nimbus.Execution.Concurrency;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Images;
using Nimbus.Execution.Invocation;
using Nimbus.Execution.Logs;
using Nimbus.Execution.Metrics;
using Nimbus.Execution.Runtimes;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.StemCells;
using Nimbus.Storage;

namespace Nimbus.Execution;

/// <summary>Registers the execution layer: the host's runtimes, sandboxes, the environment pool and the invoker.</summary>
public static class ExecutionServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusExecution(this IServiceCollection services)
    {
        services.AddOptions<ExecutionOptions>().PostConfigure<IOptions<StorageOptions>>((options, storage) =>
        {
            options.InitExecutable ??= Path.Combine(AppContext.BaseDirectory, "nimbus-init");
            var idle = Path.Combine(Path.GetDirectoryName(options.InitExecutable) ?? "", "nimbus-idle");
            options.IdleExecutable = !options.IdleSupervisor ? null : options.IdleExecutable ?? (File.Exists(idle) ? idle : null);
            options.RuntimeDirectory ??= Path.Combine(AppContext.BaseDirectory, "lambda-runtimes");
            options.WorkDirectory ??= Path.Combine(Path.GetFullPath(storage.Value.DataDirectory), "run");
            options.PlatformSocketPath ??= Path.Combine(options.WorkDirectory, "platform.sock");
            options.RuntimeCacheDirectory ??= Path.Combine(Path.GetFullPath(storage.Value.DataDirectory), "runtimes");
        });
        services.TryAddSingleton(TimeProvider.System);

        // The interpreters of this host that run Lambda's runtimes, found once at start, and those fetched on first use.
        services.TryAddSingleton<IRuntimeRegistry>(sp => new AcquiringRuntimeRegistry(
            HostRuntimeRegistry.Probe(),
            sp.GetRequiredService<IOptions<ExecutionOptions>>().Value,
            sp.GetRequiredService<ILogger<AcquiringRuntimeRegistry>>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ExecutionOptions>>().Value;
            var work = options.WorkDirectory!; // Set by PostConfigure above.
            SweepOrphans(work);
            return SandboxSelection.Choose(options, work, sp.GetRequiredService<ILoggerFactory>());
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<SandboxChoice>().Factory);
        services.TryAddSingleton<CredentialDirectory>();
        services.TryAddSingleton(sp => new DotnetRuntimePack(
            Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory), "runtimes"),
            sp.GetRequiredService<ILogger<DotnetRuntimePack>>()));
        services.TryAddSingleton(sp => new RuntimeLauncher(
            sp.GetRequiredService<IRuntimeRegistry>(),
            sp.GetRequiredService<IOptions<ExecutionOptions>>().Value,
            sp.GetRequiredService<CredentialDirectory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DotnetRuntimePack>(),
            new PythonBytecode(sp.GetRequiredService<ILogger<PythonBytecode>>())));
        services.TryAddSingleton(sp => new ConcurrencyGate(
            sp.GetRequiredService<ConcurrencyService>().Reservations,
            sp.GetRequiredService<FunctionServiceOptions>().ConcurrentExecutions,
            sp.GetRequiredService<IOptions<ExecutionOptions>>().Value.ScalingBurstPer10Seconds,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<FunctionLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<FunctionLogWriter>());
        services.AddOptions<LogRetentionOptions>();
        services.AddHostedService<LogRetentionSweeper>();
        services.AddOptions<MetricsOptions>();
        services.AddHostedService<MetricsFlusher>();
        services.TryAddSingleton(sp => new Invoker(
            sp.GetRequiredService<ISandboxFactory>(),
            sp.GetRequiredService<RuntimeLauncher>(),
            sp.GetRequiredService<ICodeStore>(),
            sp.GetRequiredService<ILayerTree>(),
            sp.GetRequiredService<FunctionLogWriter>(),
            sp.GetRequiredService<IOptions<ExecutionOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Invoker>>(),
            sp.GetRequiredService<ConcurrencyGate>(),
            sp.GetRequiredService<StemCellPool>(),
            sp.GetService<IImageService>(),
            sp.GetService<Nimbus.Core.Metrics.IMetricsRecorder>()));
        services.AddOptions<StemCellOptions>().PostConfigure<IOptions<StorageOptions>>((options, storage) =>
            options.DemandFile ??= Path.Combine(Path.GetFullPath(storage.Value.DataDirectory), "stem-cells.tsv"));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ExecutionOptions>>().Value;
            return new StemCellPool(
                sp.GetRequiredService<ISandboxFactory>(),
                sp.GetRequiredService<RuntimeLauncher>(),
                options,
                sp.GetRequiredService<IOptions<StemCellOptions>>().Value,
                Invoker.SocketDirectory(options.WorkDirectory!), // Set by PostConfigure above.
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<StemCellPool>>());
        });
        services.AddHostedService<StemCellRefiller>();
        services.AddNimbusImages();
        services.TryAddSingleton<IProvisionedEnvironments>(sp => sp.GetRequiredService<Invoker>());
        services.TryAddSingleton<Core.Functions.IEnvironmentRetirement>(sp => sp.GetRequiredService<Invoker>());
        services.TryAddSingleton<Core.Functions.ISnapshotBuilder>(sp => sp.GetRequiredService<Invoker>());
        services.TryAddSingleton<FunctionResolver>();
        services.TryAddSingleton<IInvocationService, InvocationService>();
        services.AddHostedService<EnvironmentReaper>();
        return services;
    }

    /// <summary>Removes what environments of a previous run left in the work directory (Nimbus's own files only).</summary>
    private static void SweepOrphans(string workDirectory)
    {
        foreach (var name in (ReadOnlySpan<string>)["env", "s"])
        {
            var path = Path.Combine(workDirectory, name);
            if (Directory.Exists(path))
            {
                // A killed server's stem cells left mounts there (code, layers, tmpfs): detached before anything is deleted.
                if (Environment.IsPrivilegedProcess)
                {
                    HostMounts.DetachBelow(path);
                }

                if (name == "s")
                {
                    // Sockets, and SnapStart templates' files: their directories are the sandbox user's, and a template
                    // of the killed server may still run (its container is killed after this), so they are not walked.
                    SnapshotFiles.RemoveContents(path);
                    continue;
                }

                Directory.Delete(path, recursive: true);
            }
        }

        Directory.CreateDirectory(Path.Combine(workDirectory, "env"));
    }
}
