// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Core.Access.Credentials;
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Storage;
using Nimbus.Events;
using Nimbus.Events.Async;
using Nimbus.Execution;
using Nimbus.Execution.Invocation;
using Nimbus.Server.Configuration;
using Nimbus.Server.Hosting;
using Nimbus.Server.Runtimes;
using Nimbus.Storage;

namespace Nimbus.Server.Commands;

/// <summary><c>nimbus server</c>: runs the platform until interrupted.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "Port to listen on (default 9000; 0 picks a free port)" };
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory for state and code (default ./.nimbus)" };
        var config = new Option<string?>("--config") { Description = "JSON config file (default ./nimbus.json when present)" };
        var command = new Command("server", "Run the Nimbus platform: the Lambda API on one endpoint") { port, host, dataDir, config };
        command.SetAction((result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (result.GetValue(port) is { } p)
            {
                overrides[nameof(NimbusOptions.Port)] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (result.GetValue(host) is { } h)
            {
                overrides[nameof(NimbusOptions.Host)] = h;
            }

            if (result.GetValue(dataDir) is { } d)
            {
                overrides[nameof(NimbusOptions.DataDir)] = d;
            }

            return RunAsync(result.GetValue(config), overrides, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string? configFile, Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        try
        {
            NimbusConfiguration.AddSources(builder.Configuration, configFile, overrides);
        }
        catch (FileNotFoundException ex)
        {
            await Console.Error.WriteLineAsync($"nimbus: {ex.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        builder.Services.AddOptions<NimbusOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NimbusOptions>, ValidateNimbusOptions>();
        NimbusOptions options;
        try
        {
            options = builder.Configuration.Get<NimbusOptions>() ?? new NimbusOptions();
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"nimbus: invalid configuration: {ex.InnerException?.Message ?? ex.Message}");
            return ExitCodes.InvalidConfiguration;
        }

        var validation = new ValidateNimbusOptions().Validate(null, options);
        if (validation.Failed)
        {
            foreach (var failure in validation.Failures)
            {
                await Console.Error.WriteLineAsync($"nimbus: invalid configuration: {failure}");
            }

            return ExitCodes.InvalidConfiguration;
        }

        Configure(builder, options);
        var app = builder.Build();
        app.UseNimbusApi();

        // The account's root key before the endpoint opens: no request is ever served without it.
        var root = RootCredentials.Load(Path.GetFullPath(options.DataDir), options.AccountId, options.RootAccessKeyId, options.RootSecretAccessKey);
        app.Services.GetRequiredService<CredentialDirectory>().Add(root);

        // Start order: the store first (migrations), then unfinished work, then the endpoint.
        await app.Services.GetRequiredService<IStateStore>().MigrateAsync(cancellationToken);
        await app.Services.GetRequiredService<FunctionService>().ResumeSettlingAsync(cancellationToken);
        await app.Services.GetRequiredService<FunctionService>().LoadReservationsAsync(cancellationToken);
        await app.StartAsync(cancellationToken);

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
        var sandbox = app.Services.GetRequiredService<Invoker>().SandboxName;
        Console.WriteLine($"Sandbox: {sandbox}" + (sandbox == "process"
            ? " (functions run as host processes, without isolation or resource limits; runc needs root and the runc package)"
            : " (each environment is an OCI container with Lambda's limits)"));
        Console.WriteLine($"Credentials: {Path.Combine(Path.GetFullPath(options.DataDir), RootCredentials.FileName)} (profile {RootCredentials.Profile}, the account's root key {root.AccessKeyId})");
        Console.WriteLine(options.Auth == "off"
            ? "Auth: OFF. Signatures are not checked and every caller acts as the account's root: use this only for throwaway local work."
            : "Auth: iam (every request must be SigV4-signed with a key Nimbus holds)");
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
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

    private static void Configure(WebApplicationBuilder builder, NimbusOptions options)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        var platformSocket = PlatformSocketPath(options.DataDir);
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Sandboxes with their own network reach the API through this socket (bridged by nimbus-init).
            kestrel.ListenUnixSocket(platformSocket);
            // Code uploads are up to 50 MB of zip, base64 in JSON; each endpoint sets its own lower limit.
            kestrel.Limits.MaxRequestBodySize = LambdaQuotas.MaxCodeRequestBytes;
            kestrel.AddServerHeader = false;
            if (options.Host is "localhost")
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else if (options.Host is "0.0.0.0" or "*")
            {
                kestrel.ListenAnyIP(options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
            }
        });

        var services = builder.Services;
        services.Configure<StorageOptions>(storage => storage.DataDirectory = options.DataDir);
        services.Configure<ApiOptions>(api =>
        {
            api.AccountId = options.AccountId;
            api.DefaultRegion = options.Region;
            api.Authenticate = options.Auth != "off";
        });
        services.AddSingleton(new FunctionServiceOptions { ConcurrentExecutions = options.ConcurrentExecutions });
        services.AddSingleton<IRuntimeRegistry>(_ => HostRuntimeRegistry.Probe());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FunctionService>();
        services.AddSingleton<LayerService>();
        services.AddNimbusStorage();
        services.AddNimbusExecution();
        services.Configure<ExecutionOptions>(execution =>
        {
            execution.Sandbox = options.Sandbox;
            execution.IdleTimeout = TimeSpan.FromSeconds(options.IdleTimeoutSeconds);
            execution.MaxLifetime = TimeSpan.FromSeconds(options.MaxLifetimeSeconds);
            execution.PlatformSocketPath = platformSocket;
            execution.OutboundNetwork = options.OutboundNetwork;
            execution.ScalingBurstPer10Seconds = options.ScalingBurstPer10Seconds;
        });
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
        services.AddHostedService<FunctionSettleWorker>();
    }
}
