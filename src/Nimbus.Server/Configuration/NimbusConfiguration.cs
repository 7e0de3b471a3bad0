// SPDX-License-Identifier: Apache-2.0
using System.Collections;

namespace Nimbus.Server.Configuration;

/// <summary>
/// Builds the settings from their sources in order, a later one winning: the JSON config file (<c>--config</c>,
/// NIMBUS_CONFIG, or ./nimbus.json when present), NIMBUS_* environment variables (NIMBUS_DATA_DIR → DataDir), then
/// the command line. Every value is checked where it is read, so a mistake names its source; all are reported.
/// </summary>
internal static class NimbusConfiguration
{
    public const string EnvironmentPrefix = "NIMBUS_";
    public const string ConfigVariable = "NIMBUS_CONFIG";

    /// <param name="configFile">The <c>--config</c> value, or null.</param>
    /// <param name="commandLine">Values from command-line options, keyed by setting name, with the option that gave each.</param>
    /// <param name="environment">The process environment (<see cref="Environment.GetEnvironmentVariables()"/>).</param>
    public static ConfigurationResult Load(string? configFile, IReadOnlyList<(string Setting, string Option, string Value)> commandLine, IDictionary environment)
    {
        var errors = new List<string>();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var options = new NimbusOptions();

        void Take(NimbusSetting setting, string value, string source)
        {
            if (!setting.IsAllowed(value))
            {
                errors.Add($"{setting.Name} must be {setting.Allowed} (got {setting.Shown(value)} from {source}).");
                return;
            }

            values[setting.Name] = value;
            setting.Apply(options, value);
        }

        var file = configFile ?? environment[ConfigVariable] as string;
        if (file is not null && !File.Exists(file))
        {
            errors.Add($"the config file '{file}' does not exist.");
        }
        else if ((file ?? (File.Exists("nimbus.json") ? "nimbus.json" : null)) is { } path)
        {
            foreach (var (setting, value) in ConfigurationFile.Read(path, errors) ?? [])
            {
                Take(setting, value, path);
            }
        }

        foreach (var entry in environment.Cast<DictionaryEntry>().OrderBy(e => e.Key as string, StringComparer.Ordinal))
        {
            if (entry.Key is not string variable || !variable.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || variable == ConfigVariable)
            {
                continue;
            }

            var name = variable[EnvironmentPrefix.Length..].Replace("_", "", StringComparison.Ordinal);
            if (NimbusSettings.Find(name) is { } setting)
            {
                Take(setting, entry.Value as string ?? "", variable);
            }
            else if (NimbusSettings.Closest(name) is { } close)
            {
                // Other tools share the prefix (the tests' NIMBUS_EXECUTABLE, for one): only a near miss of a setting's
                // name is taken for a typo.
                errors.Add(Unknown(variable, "", close.EnvironmentVariable));
            }
        }

        foreach (var (name, option, value) in commandLine)
        {
            Take(NimbusSettings.Find(name) ?? throw new ArgumentException($"No setting is named {name}.", nameof(commandLine)), value, option);
        }

        return new ConfigurationResult(options, values, errors);
    }

    /// <summary>"'Prot' is not a setting (in nimbus.json); did you mean 'Port'?"</summary>
    public static string Unknown(string what, string where, string? suggestion) => suggestion is not null
        ? $"{what} is not a setting{where}; did you mean {suggestion}?"
        : $"{what} is not a setting{where}; the settings are {string.Join(", ", NimbusSettings.All.Select(s => s.Name))} (docs/configuration.md).";
}
