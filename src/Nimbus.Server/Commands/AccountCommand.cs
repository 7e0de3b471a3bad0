// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Nimbus.Server.Configuration;
using Nimbus.Server.Hosting;

namespace Nimbus.Server.Commands;

/// <summary>
/// <c>nimbus account create</c>: makes another account (a new 12-digit id) and adds its root key to the data
/// directory's credentials file under the profile <c>nimbus-ID</c>; prints the id. Works whether or not a server
/// runs on that data directory: a running server picks the key up at its first use.
/// </summary>
internal static class AccountCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "The server's data directory (default ./.nimbus)" };
        var config = new Option<string?>("--config") { Description = "JSON config file (default ./nimbus.json when present)" };
        var create = new Command("create", "Create an account; prints its id and adds its root key to <data-dir>/credentials as the profile nimbus-<id>")
        {
            dataDir,
            config,
        };
        create.SetAction((result, _) =>
        {
            var overrides = new List<(string, string, string)>();
            if (result.GetValue(dataDir) is { } value)
            {
                overrides.Add((nameof(NimbusOptions.DataDir), dataDir.Name, value));
            }

            return Task.FromResult(Run(result.GetValue(config), overrides));
        });
        return new Command("account", "Manage accounts besides the configured one (for cross-account use)") { create };
    }

    private static int Run(string? configFile, List<(string, string, string)> overrides)
    {
        var loaded = NimbusConfiguration.Load(configFile, overrides, Environment.GetEnvironmentVariables());
        if (loaded.Errors.Count > 0)
        {
            foreach (var error in loaded.Errors)
            {
                Console.Error.WriteLine($"nimbus: invalid configuration: {error}");
            }

            return ExitCodes.InvalidConfiguration;
        }

        var directory = Path.GetFullPath(loaded.Options.DataDir);
        string account;
        try
        {
            account = AccountCredentials.Create(directory, loaded.Options.AccountId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"nimbus: cannot write the credentials file: {e.Message}");
            return ExitCodes.CannotStart;
        }

        Console.WriteLine(account);
        Console.Error.WriteLine(
            $"nimbus: account {account} created; its root key is in {Path.Combine(directory, CredentialsFile.FileName)} under the profile {AccountCredentials.ProfilePrefix}{account}");
        return ExitCodes.Success;
    }
}
