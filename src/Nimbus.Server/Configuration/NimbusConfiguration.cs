// SPDX-License-Identifier: Apache-2.0
using System.Collections;

namespace Nimbus.Server.Configuration;

/// <summary>
/// Builds the configuration from its sources in order: the JSON config file (<c>--config</c>, NIMBUS_CONFIG,
/// or ./nimbus.json when present), NIMBUS_* environment variables (NIMBUS_DATA_DIR → DataDir), then the
/// command line.
/// </summary>
internal static class NimbusConfiguration
{
    public const string EnvironmentPrefix = "NIMBUS_";

    public static void AddSources(IConfigurationBuilder builder, string? configFile, IReadOnlyDictionary<string, string?> commandLine)
    {
        var file = configFile ?? Environment.GetEnvironmentVariable("NIMBUS_CONFIG");
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The config file '{file}' does not exist.", file);
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        else if (File.Exists("nimbus.json"))
        {
            builder.AddJsonFile(Path.GetFullPath("nimbus.json"), optional: true, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(FromEnvironment());
        builder.AddInMemoryCollection(commandLine);
    }

    /// <summary>NIMBUS_DATA_DIR → DataDir: configuration keys match case-insensitively once underscores go.</summary>
    private static Dictionary<string, string?> FromEnvironment()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && key != "NIMBUS_CONFIG")
            {
                values[key[EnvironmentPrefix.Length..].Replace("_", "", StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return values;
    }
}
