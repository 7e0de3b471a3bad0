// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Nimbus.Api.Audit;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Functions;
using Nimbus.Core.Metrics;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Storage;
using Nimbus.Events;
using Nimbus.Events.Async;
using Nimbus.Execution;
using Nimbus.Execution.Invocation;
using Nimbus.Execution.Logs;
using Nimbus.Execution.Metrics;
using Nimbus.Execution.Runtimes;
using Nimbus.Execution.Sandboxes;
using Nimbus.Execution.StemCells;
using Nimbus.Server.Configuration;
using Nimbus.Server.Hosting;
using Nimbus.Storage;

namespace Nimbus.Server.Commands;

/// <summary><c>nimbus server</c>: runs the platform until interrupted.</summary>
internal static class ServerCommand
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static Command Create()
    {
        // --port is read as text so that a wrong value is reported like every other setting's (NimbusSettings).
        var port = new Option<string?>("--port") { Description = "Port to listen on (default 9000; 0 picks a free port)" };
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory for state and code (default ./.nimbus)" };
        var config = new Option<string?>("--config") { Description = "JSON config file (default ./nimbus.json when present)" };
        var command = new Command("server", "Run the Nimbus platform: the Lambda API on one endpoint") { port, host, dataDir, config };
        command.SetAction((result, cancellationToken) =>
        {
            var overrides = new List<(string, string, string)>();
            foreach (var (setting, option) in new (string, Option<string?>)[] { (nameof(NimbusOptions.Port), port), (nameof(NimbusOptions.Host), host), (nameof(NimbusOptions.DataDir), dataDir) })
            {
                if (result.GetValue(option) is { } value)
                {
                    overrides.Add((setting, option.Name, value));
                }
            }

            return RunAsync(result.GetValue(config), overrides, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string? configFile, List<(string, string, string)> overrides, CancellationToken cancellationToken)
    {
        // Socket completions run on the event threads that saw them instead of being queued to the thread pool: a warm
        // invocation's request, its event to the runtime, the runtime's answer and the response then take one thread
        // each way instead of two (docs/internals/invoke-path.md#socket-completions-on-the-event-threads; what may
        // block leaves them, EventThreads). Read once, by the first socket's engine: set before any socket exists. An
        // operator's own setting of the variable (0) is kept.
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }

        var loaded = NimbusConfiguration.Load(configFile, overrides, Environment.GetEnvironmentVariables());
        if (loaded.Errors.Count > 0)
        {
            foreach (var error in loaded.Errors)
            {
                await Console.Error.WriteLineAsync($"nimbus: invalid configuration: {error}");
            }

            return ExitCodes.InvalidConfiguration;
        }

        var options = loaded.Options;
        // No appsettings reload: its watcher would follow every write below the content root (the default data directory
        // is ./.nimbus), waking a thread per SQLite or log write. Nimbus reads its configuration once (NimbusConfiguration).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(loaded.Values);
        builder.Services.AddOptions<NimbusOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NimbusOptions>, ValidateNimbusOptions>();

        // Before anything touches the data directory: one server per directory, and a port we can serve.
        DataDirectoryLock? dataLock;
        try
        {
            dataLock = DataDirectoryLock.TryAcquire(Path.GetFullPath(options.DataDir), out var holder);
            if (dataLock is null)
            {
                await Console.Error.WriteLineAsync(
                    $"nimbus: the data directory {Path.GetFullPath(options.DataDir)} is in use by another nimbus server "
                    + $"(pid {holder?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}); stop it or choose another --data-dir");
                return ExitCodes.CannotStart;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"nimbus: cannot use the data directory: {e.Message}");
            return ExitCodes.CannotStart;
        }

        using var heldLock = dataLock;
        ListenSockets listen;
        try
        {
            listen = ListenSockets.Bind(options.Host, options.Port);
        }
        catch (SocketException e)
        {
            var reason = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the address is already in use" : e.Message;
            await Console.Error.WriteLineAsync($"nimbus: cannot listen on {options.Host}:{options.Port}: {reason}");
            return ExitCodes.CannotStart;
        }

        using var listening = listen;
        Configure(builder, options, listen);
        var app = builder.Build();
        app.UseNimbusApi();

        // The account's root key before the endpoint opens: no request is ever served without it.
        var root = RootCredentials.Load(Path.GetFullPath(options.DataDir), options.AccountId, options.RootAccessKeyId, options.RootSecretAccessKey);
        var credentials = app.Services.GetRequiredService<CredentialDirectory>();
        credentials.Add(root);
        var accounts = new AccountCredentials(Path.GetFullPath(options.DataDir), credentials);
        accounts.Refresh();
        credentials.OnMiss = accounts.Refresh;

        // Start order: the store first (migrations), then unfinished work, then the endpoint.
        await app.Services.GetRequiredService<IStoreSchema>().MigrateAsync(cancellationToken);
        await app.Services.GetRequiredService<IamService>().LoadCredentialsAsync(cancellationToken);
        await app.Services.GetRequiredService<FunctionService>().ResumeSettlingAsync(cancellationToken);
        await app.Services.GetRequiredService<FunctionService>().ResumeSnapshotsAsync(cancellationToken);
        await app.Services.GetRequiredService<ConcurrencyService>().LoadReservationsAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        listen.HandOver();

        var addresses = new List<string>();
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            if (!address.Contains("unix:", StringComparison.Ordinal))
            {
                addresses.Add(address);
            }
        }

        var runtimes = app.Services.GetRequiredService<IRuntimeRegistry>();
        var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var execution = app.Services.GetRequiredService<IOptions<ExecutionOptions>>().Value;

        // Functions reach Nimbus's own APIs here (AWS_ENDPOINT_URL in every environment).
        execution.PlatformEndpoint = PlatformEndpoint(addresses);
        Console.WriteLine($"Nimbus listening on {string.Join(", ", addresses)}");
        Console.WriteLine($"Data directory: {Path.GetFullPath(storage.DataDirectory)}");
        Console.WriteLine($"Runtimes: {string.Join(", ", runtimes.Supported)}");
        Console.WriteLine(HostRuntimeRegistry.DescribePythonSdk());
        var invoker = app.Services.GetRequiredService<Invoker>();
        var sandbox = app.Services.GetRequiredService<SandboxChoice>();
        Console.WriteLine($"Sandbox: {sandbox.Factory.Name} ({sandbox.Description})");
        if (sandbox.Fallback is { } fallback)
        {
            Console.WriteLine($"  {fallback}");
        }

        Console.WriteLine($"Credentials: {Path.Combine(Path.GetFullPath(options.DataDir), RootCredentials.FileName)} (profile {RootCredentials.Profile}, the account's root key {root.AccessKeyId})");
        Console.WriteLine(options.Auth == "off"
            ? "Auth: OFF. Signatures are not checked and every caller acts as the account's root: use this only for throwaway local work."
            : "Auth: iam (every request must be SigV4-signed with a key Nimbus holds)");

        var time = app.Services.GetRequiredService<TimeProvider>();
        long? stopping = null;
        using var onStopping = app.Lifetime.ApplicationStopping.Register(() => stopping = time.GetTimestamp());
        await app.WaitForShutdownAsync(cancellationToken);
        var took = time.GetElapsedTime(stopping ?? time.GetTimestamp());
        Console.WriteLine(StopSummary(invoker.Shutdown, took));
        return ExitCodes.Success;
    }

    /// <summary>The last line of a graceful stop: what was drained and how long it took.</summary>
    private static string StopSummary(ShutdownSummary? summary, TimeSpan took)
    {
        var seconds = took.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        return summary is null
            ? $"Nimbus stopped in {seconds} s"
            : $"Nimbus stopped in {seconds} s: {Count(summary.Finished, "invocation")} finished, {summary.CutShort} cut short "
                + $"(their log lines kept), {Count(summary.Environments, "environment")} shut down, function logs written";

        static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
    }

    /// <summary>&lt;DataDir&gt;/run/platform.sock, or a short path under /tmp when that is too long for a Unix socket.</summary>
    private static string PlatformSocketPath(string dataDir)
    {
        var run = Path.Combine(Path.GetFullPath(dataDir), "run");
        var path = Path.Combine(run, "platform.sock");
        if (path.Length > 100)
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(run)))[..12];
            run = Path.Combine(Path.GetTempPath(), $"nimbus-{hash}");
            path = Path.Combine(run, "platform.sock");
        }

        Directory.CreateDirectory(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(path);
        return path;
    }

    private static string? PlatformEndpoint(ICollection<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (address.Contains("unix:", StringComparison.Ordinal))
            {
                continue;
            }

            // A wildcard listener is reachable on loopback.
            return address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        }

        return null;
    }

    private static void Configure(WebApplicationBuilder builder, NimbusOptions options, ListenSockets listen)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // ASP.NET Core's hosting starts an Activity and a logging scope for every request whenever this category logs
        // anything at all (Critical included), only to write its Information-level "Request starting/finished" lines,
        // which the Warning filter above drops anyway. Measured 2026-12-05 (wrk, warm python no-op, runc): 10.1 -> 9.4 KB
        // allocated per invoke, one client +4% req/s. Nimbus's own spans then take the caller's trace header as their
        // parent instead of that request Activity, which no exporter ever sent.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        var platformSocket = PlatformSocketPath(options.DataDir);
        // A request runs on in the thread that received its bytes, and a response is sent from the thread that wrote
        // it, instead of each being queued once more to the thread pool (Kestrel's I/O queues). With socket completions
        // inline (RunAsync) that thread is an event thread: EventThreadMiddleware lets only a synchronous Invoke stay
        // there. Measured 2026-12-05 against completions queued to the pool (same binary, wrk, warm python no-op, runc):
        // 1 client 5,119 -> 8,651 req/s with the server's CPU 139 -> 67 us and its context switches 11 -> 2.6 per invoke.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Sandboxes with their own network reach the API through this socket (bridged by nimbus-init).
            kestrel.ListenUnixSocket(platformSocket);
            // Code uploads are up to 50 MB of zip, base64 in JSON; each endpoint sets its own lower limit.
            kestrel.Limits.MaxRequestBodySize = LambdaQuotas.MaxCodeRequestBytes;
            kestrel.AddServerHeader = false;
            foreach (var handle in listen.Handles)
            {
                // Bound already (ListenSockets), before the data directory was touched.
                kestrel.ListenHandle(handle);
            }
        });

        var services = builder.Services;
        services.Configure<StorageOptions>(storage => storage.DataDirectory = options.DataDir);
        services.Configure<ApiOptions>(api =>
        {
            api.AccountId = options.AccountId;
            api.DefaultRegion = options.Region;
            api.Authenticate = options.Auth != "off";
            api.PrometheusEndpoint = options.PrometheusEndpoint;
        });
        services.AddSingleton(sp => new MetricsAggregator(sp.GetRequiredService<TimeProvider>(), enabled: options.Metrics));
        services.AddSingleton(new FunctionServiceOptions { ConcurrentExecutions = options.ConcurrentExecutions });
        services.AddSingleton(TimeProvider.System);
        services.AddNimbusCore();
        services.AddNimbusStorage();
        services.AddNimbusExecution();
        services.Configure<ExecutionOptions>(execution =>
        {
            execution.Sandbox = options.Sandbox;
            execution.IdleTimeout = TimeSpan.FromSeconds(options.IdleTimeoutSeconds);
            execution.MaxLifetime = TimeSpan.FromSeconds(options.MaxLifetimeSeconds);
            execution.PlatformSocketPath = platformSocket;
            execution.OutboundNetwork = options.OutboundNetwork;
            execution.SnapStartSpares = options.SnapStartSpares;
            execution.DirectRuntimeApi = options.DirectRuntimeApi;
            execution.IdleSupervisor = options.IdleSupervisor;
            execution.SharedNetwork = options.SharedNetwork;
            execution.ScalingBurstPer10Seconds = options.ScalingBurstPer10Seconds;
            execution.StreamBandwidthBytesPerSecond = options.StreamBandwidthBytesPerSecond;
            execution.RegistryAuthFile = options.RegistryAuthFile.Length > 0 ? Path.GetFullPath(options.RegistryAuthFile) : null;
        });
        services.Configure<StemCellOptions>(cells =>
        {
            cells.Enabled = options.StemCells;
            cells.Minimum = options.StemCellsMinimum;
            cells.Maximum = options.StemCellsMaximum;
            cells.MemoryBudgetMb = options.StemCellsMemoryMb;
            cells.KeepFor = TimeSpan.FromHours(options.StemCellsKeepHours);
            foreach (var runtime in options.StemCellRuntimes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                cells.Runtimes.Add(runtime);
            }
        });
        services.Configure<LogRetentionOptions>(logs =>
        {
            logs.SweepInterval = TimeSpan.FromSeconds(options.LogRetentionSweepSeconds);
            logs.MaxGroupBytes = options.LogGroupMaxMb * 1024L * 1024L;
        });
        services.Configure<MetricsOptions>(metrics => metrics.Retention = TimeSpan.FromDays(options.MetricsRetentionDays));
        services.AddNimbusEvents();
        services.Configure<AsyncInvokeOptions>(async =>
        {
            async.RetryDelays.Clear();
            foreach (var delay in ValidateNimbusOptions.ParseDelays(options.AsyncRetryDelays) ?? [])
            {
                async.RetryDelays.Add(delay);
            }
        });
        services.AddNimbusApi();
        if (options.TracingOtlpEndpoint.Length > 0)
        {
            TracingExport.Add(services, options.TracingOtlpEndpoint);
        }

        services.Configure<AuditOptions>(audit =>
        {
            audit.Enabled = options.Audit;
            audit.DataEvents = options.AuditDataEvents;
            audit.Retention = TimeSpan.FromDays(options.AuditRetentionDays);
            audit.SweepInterval = TimeSpan.FromSeconds(options.AuditSweepSeconds);
        });

        // A function's role must exist and trust lambda.amazonaws.com; with Auth=off every role is assumable.
        services.AddSingleton(sp => new ExecutionRoles(sp.GetRequiredService<IRoleDirectory>(), everyRoleAssumable: options.Auth == "off"));

        // Lambda acts as a function's execution role (mappings, destinations); with Auth=off everything is allowed.
        services.AddSingleton(sp => new FunctionRoleAccess(sp.GetRequiredService<Authorizer>(), everythingAllowed: options.Auth == "off"));
        services.AddHostedService<FunctionSettleWorker>();
    }
}
