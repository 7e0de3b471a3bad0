// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Audit;
using Nimbus.Core.Storage;
using Nimbus.Server.Configuration;
using Nimbus.Storage;

namespace Nimbus.Server.Commands;

/// <summary>
/// <c>nimbus audit</c>: reads the audit trail of a data directory, newest first, as LookupEvents does (one filter at a
/// time, a time range, a count). Reads only; works beside a running server.
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "The server's data directory (default ./.nimbus)" };
        var config = new Option<string?>("--config") { Description = "JSON config file (default ./nimbus.json when present)" };
        var account = new Option<string?>("--account") { Description = "The account whose events to read (default the configured AccountId)" };
        var filters = new (AuditLookupKey Key, Option<string?> Option)[]
        {
            (AuditLookupKey.EventName, new Option<string?>("--event-name") { Description = "Only events of this name, e.g. CreateFunction20150331" }),
            (AuditLookupKey.Username, new Option<string?>("--username") { Description = "Only events of this user (root, an IAM user, a role session)" }),
            (AuditLookupKey.ResourceName, new Option<string?>("--resource-name") { Description = "Only events on this resource (name or ARN)" }),
            (AuditLookupKey.ResourceType, new Option<string?>("--resource-type") { Description = "Only events on resources of this type, e.g. AWS::Lambda::Function" }),
            (AuditLookupKey.EventSource, new Option<string?>("--event-source") { Description = "Only events of this service, e.g. lambda.amazonaws.com" }),
            (AuditLookupKey.AccessKeyId, new Option<string?>("--access-key-id") { Description = "Only events signed with this access key" }),
            (AuditLookupKey.ReadOnly, new Option<string?>("--read-only") { Description = "true: only reads; false: only writes" }),
            (AuditLookupKey.EventId, new Option<string?>("--event-id") { Description = "The one event with this id" }),
        };
        var start = new Option<DateTimeOffset?>("--start-time") { Description = "Only events at or after this time (ISO 8601)" };
        var end = new Option<DateTimeOffset?>("--end-time") { Description = "Only events at or before this time (ISO 8601)" };
        var max = new Option<int>("--max-results") { Description = "At most this many events (default 50)", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print each event's CloudTrail record (one JSON object per line)" };
        var command = new Command("audit", "Read the audit trail (every API call: who, what, when, from where, the outcome), newest first")
        {
            dataDir, config, account, start, end, max, json,
        };
        foreach (var (_, option) in filters)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) =>
        {
            var overrides = new List<(string, string, string)>();
            if (result.GetValue(dataDir) is { } directory)
            {
                overrides.Add((nameof(NimbusOptions.DataDir), dataDir.Name, directory));
            }

            var chosen = new List<(AuditLookupKey, string)>();
            foreach (var (key, option) in filters)
            {
                if (result.GetValue(option) is { } value)
                {
                    chosen.Add((key, value));
                }
            }

            var query = new Query(result.GetValue(account), chosen, result.GetValue(start), result.GetValue(end), result.GetValue(max), result.GetValue(json));
            return RunAsync(result.GetValue(config), overrides, query, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string? configFile, List<(string, string, string)> overrides, Query query, CancellationToken cancellationToken)
    {
        var loaded = NimbusConfiguration.Load(configFile, overrides, Environment.GetEnvironmentVariables());
        if (loaded.Errors.Count > 0)
        {
            foreach (var error in loaded.Errors)
            {
                await Console.Error.WriteLineAsync($"nimbus: invalid configuration: {error}");
            }

            return ExitCodes.InvalidConfiguration;
        }

        if (query.Filters.Count > 1 || query.Max < 1)
        {
            await Console.Error.WriteLineAsync(query.Max < 1 ? "nimbus audit: --max-results must be at least 1" : "nimbus audit: give at most one filter (as LookupEvents takes one lookup attribute)");
            return ExitCodes.InvalidConfiguration;
        }

        var directory = Path.GetFullPath(loaded.Options.DataDir);
        if (!File.Exists(Path.Combine(directory, "nimbus.db")))
        {
            await Console.Error.WriteLineAsync($"nimbus audit: no data in {directory} (start the server there first)");
            return ExitCodes.CannotStart;
        }

        var services = new ServiceCollection();
        services.Configure<StorageOptions>(storage => storage.DataDirectory = directory);
        services.AddNimbusStorage();
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IAuditStore>();
        var lookup = new AuditLookup
        {
            Account = query.Account ?? loaded.Options.AccountId,
            Attribute = query.Filters.Count == 1 ? query.Filters[0].Key : null,
            Value = query.Filters.Count == 1 ? query.Filters[0].Value : null,
            Start = query.Start,
            End = query.End,
            MaxResults = query.Max,
        };
        AuditPage page;
        try
        {
            page = await store.LookupAsync(lookup, cancellationToken);
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"nimbus audit: the data in {directory} has no audit trail yet (start this version of the server there once)");
            return ExitCodes.CannotStart;
        }

        foreach (var e in page.Events)
        {
            Console.WriteLine(query.Json ? e.Record : Line(e));
        }

        return ExitCodes.Success;
    }

    /// <summary>time, event, user, source address, resources, outcome.</summary>
    private static string Line(AuditEvent e)
    {
        var resources = e.Resources.Count == 0 ? "-" : string.Join(',', e.Resources.Select(r => r.Name));
        var outcome = e.ErrorCode is null ? "ok" : e.ErrorCode;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{e.EventTime.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}  {e.EventName,-40} {e.Username ?? "-",-16} {e.AccessKeyId ?? "-",-20} {resources,-24} {outcome}");
    }

    private sealed record Query(string? Account, List<(AuditLookupKey Key, string Value)> Filters, DateTimeOffset? Start, DateTimeOffset? End, int Max, bool Json);
}
