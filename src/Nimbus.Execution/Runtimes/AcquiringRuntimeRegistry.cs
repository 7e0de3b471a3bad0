// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Threading;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// The host's runtimes plus those Nimbus provides on first use: a Node.js major the host lacks, fetched from the npm
/// registry (<see cref="NpmNodeDistribution"/>), and java17's runtime client, compiled with the host JDK
/// (<see cref="JavaRuntimeClient"/>). Each runtime is acquired once however many callers ask at the same time; a
/// failed acquisition is logged, leaves the runtime out of <see cref="Supported"/> and is tried again by the next
/// caller. A runtime is never run on another version than its id names: nodejs22.x is a node of major 22 or refused.
/// </summary>
public sealed partial class AcquiringRuntimeRegistry : IRuntimeRegistry
{
    /// <summary>How long one acquisition (a registry query, a ~30 MB download, unpacking) may take.</summary>
    private static readonly TimeSpan AcquireTimeout = TimeSpan.FromMinutes(5);

    private readonly IRuntimeRegistry _host;
    private readonly ExecutionOptions _options;
    private readonly ILogger _logger;
    private readonly NpmNodeDistribution _node;
    private readonly HashSet<string> _acquirable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostRuntime> _ready = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<HostRuntime?>> _acquiring = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failed = new(StringComparer.Ordinal);

    public AcquiringRuntimeRegistry(IRuntimeRegistry host, ExecutionOptions options, ILogger<AcquiringRuntimeRegistry> logger)
        : this(host, options, logger, new SocketsHttpHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
    {
    }

    /// <summary>With the HTTP handler the registry is reached through (a fake one in tests).</summary>
    internal AcquiringRuntimeRegistry(IRuntimeRegistry host, ExecutionOptions options, ILogger<AcquiringRuntimeRegistry> logger, HttpMessageHandler handler)
    {
        _host = host;
        _options = options;
        _logger = logger;
        var cache = options.RuntimeCacheDirectory ?? Path.Combine(Path.GetTempPath(), "nimbus-runtimes");
        _node = new NpmNodeDistribution(options.NpmRegistry, cache, new HttpClient(new PoolResumingHandler(handler)) { Timeout = AcquireTimeout });

        foreach (var id in RuntimeCatalog.ModelValues)
        {
            if (NpmNodeDistribution.MajorOf(id) is { } major && !RuntimeCatalog.IsBlocked(id) && host.Find(id) is null)
            {
                _acquirable.Add(id);
                if (_node.FindCached(major) is { } home)
                {
                    _ready[id] = NodeRuntime(id, home);
                }
            }
        }

        if (host.Find("java17") is { Family: "java" })
        {
            _acquirable.Add("java17");
        }
    }

    public IReadOnlyList<string> Supported
    {
        get
        {
            var supported = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var id in _host.Supported)
            {
                supported.Add(id);
            }

            foreach (var id in _acquirable)
            {
                supported.Add(id);
            }

            foreach (var id in _failed.Keys)
            {
                if (!_ready.ContainsKey(id))
                {
                    supported.Remove(id);
                }
            }

            return [.. supported];
        }
    }

    public HostRuntime? Find(string runtime)
    {
        if (_ready.TryGetValue(runtime, out var ready))
        {
            return ready;
        }

        // java17 runs only once its runtime client is compiled (AcquireAsync).
        return _acquirable.Contains(runtime) ? null : _host.Find(runtime);
    }

    public async ValueTask<HostRuntime?> AcquireAsync(string runtime, CancellationToken cancellationToken)
    {
        if (Find(runtime) is { } found)
        {
            return found;
        }

        if (!_acquirable.Contains(runtime))
        {
            return null;
        }

        // One acquisition per runtime, shared by concurrent callers; a caller that gives up does not cancel it.
        var fresh = new TaskCompletionSource<HostRuntime?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acquisition = _acquiring.GetOrAdd(runtime, fresh);
        if (acquisition == fresh)
        {
            _ = Task.Run(async () => fresh.SetResult(await AcquireOnceAsync(runtime)), CancellationToken.None);
        }

        return await acquisition.Task.WaitAsync(cancellationToken);
    }

    private async Task<HostRuntime?> AcquireOnceAsync(string runtime)
    {
        using var timeout = new CancellationTokenSource(AcquireTimeout);
        try
        {
            HostRuntime acquired;
            if (NpmNodeDistribution.MajorOf(runtime) is { } major)
            {
                Log.Fetching(_logger, runtime, NpmNodeDistribution.PackageName, major, _options.NpmRegistry);
                var home = await _node.AcquireAsync(major, timeout.Token);
                acquired = NodeRuntime(runtime, home);
                Log.Fetched(_logger, runtime, home);
            }
            else
            {
                var host = _host.Find(runtime)!; // Only host runtimes with a client to compile are acquirable otherwise.
                var client = await JavaRuntimeClient.EnsureCompiledAsync(
                    host.InterpreterHome!, // A JDK runtime always has its home.
                    _options.RuntimeDirectory ?? Path.Combine(AppContext.BaseDirectory, "lambda-runtimes"),
                    _options.RuntimeCacheDirectory ?? Path.Combine(Path.GetTempPath(), "nimbus-runtimes"),
                    timeout.Token);
                acquired = host with { SdkDirectory = client };
            }

            _ready[runtime] = acquired;
            _failed.TryRemove(runtime, out _);
            return acquired;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or UnauthorizedAccessException
            or OperationCanceledException or System.Text.Json.JsonException or FormatException or InvalidDataException or KeyNotFoundException
            or System.ComponentModel.Win32Exception)
        {
            Log.AcquireFailed(_logger, runtime, e.Message);
            _failed[runtime] = true;
            return null;
        }
        finally
        {
            // The next caller tries again (a registry that was unreachable may answer now); a success is in _ready.
            _acquiring.TryRemove(runtime, out _);
        }
    }

    private static HostRuntime NodeRuntime(string id, string home) =>
        new(id, "nodejs", Path.Combine(home, "bin", "node"), home);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Fetching {Runtime}: {Package} {Major}.x from {Registry}")]
        public static partial void Fetching(ILogger logger, string runtime, string package, int major, Uri registry);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "{Runtime} is ready at {Home}")]
        public static partial void Fetched(ILogger logger, string runtime, string home);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "{Runtime} cannot be provided: {Reason}")]
        public static partial void AcquireFailed(ILogger logger, string runtime, string reason);
    }
}
