// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Options;

namespace Nimbus.Server.Configuration;

/// <summary>Checks every setting against its rule (<see cref="NimbusSettings"/>) and reports all problems at once.</summary>
internal sealed class ValidateNimbusOptions : IValidateOptions<NimbusOptions>
{
    public ValidateOptionsResult Validate(string? name, NimbusOptions options)
    {
        var errors = new List<string>();
        foreach (var setting in NimbusSettings.All)
        {
            var value = setting.Read(options);
            if (!setting.IsAllowed(value))
            {
                errors.Add($"{setting.Name} must be {setting.Allowed} (got {setting.Shown(value)}).");
            }
        }

        if (string.IsNullOrEmpty(options.RootAccessKeyId) != string.IsNullOrEmpty(options.RootSecretAccessKey))
        {
            errors.Add("RootAccessKeyId and RootSecretAccessKey (NIMBUS_ROOT_ACCESS_KEY_ID, NIMBUS_ROOT_SECRET_ACCESS_KEY) must be set together.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Parses "60,120" (seconds, fractions allowed) into delays; null when malformed.</summary>
    public static List<TimeSpan>? ParseDelays(string value)
    {
        var delays = new List<TimeSpan>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || seconds < 0 || !double.IsFinite(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return null;
            }

            delays.Add(TimeSpan.FromSeconds(seconds));
        }

        return delays;
    }
}
