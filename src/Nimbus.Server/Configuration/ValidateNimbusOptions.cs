// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Nimbus.Server.Configuration;

/// <summary>Checks every setting and reports all problems at once.</summary>
internal sealed partial class ValidateNimbusOptions : IValidateOptions<NimbusOptions>
{
    public ValidateOptionsResult Validate(string? name, NimbusOptions options)
    {
        var errors = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"Port must be between 0 and 65535 (got {options.Port}).");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Host must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            errors.Add("DataDir must not be empty.");
        }

        if (!AccountPattern().IsMatch(options.AccountId))
        {
            errors.Add($"AccountId must be 12 digits (got '{options.AccountId}').");
        }

        if (!RegionPattern().IsMatch(options.Region))
        {
            errors.Add($"Region must look like us-east-1 (got '{options.Region}').");
        }

        if (options.ConcurrentExecutions < 1)
        {
            errors.Add($"ConcurrentExecutions must be at least 1 (got {options.ConcurrentExecutions}).");
        }

        if (options.ScalingBurstPer10Seconds < 1)
        {
            errors.Add($"ScalingBurstPer10Seconds must be at least 1 (got {options.ScalingBurstPer10Seconds}).");
        }

        if (options.Auth is not ("iam" or "off"))
        {
            errors.Add($"Auth must be 'iam' or 'off' (got '{options.Auth}').");
        }

        if ((options.RootAccessKeyId is null) != (options.RootSecretAccessKey is null))
        {
            errors.Add("RootAccessKeyId and RootSecretAccessKey (NIMBUS_ROOT_ACCESS_KEY_ID, NIMBUS_ROOT_SECRET_ACCESS_KEY) must be set together.");
        }
        else if (options.RootAccessKeyId is { } keyId && !AccessKeyIdPattern().IsMatch(keyId))
        {
            errors.Add($"RootAccessKeyId must be 16 to 128 letters and digits (got '{keyId}').");
        }
        else if (options.RootSecretAccessKey is { Length: 0 or > 256 })
        {
            errors.Add("RootSecretAccessKey must be 1 to 256 characters.");
        }

        if (options.Sandbox is not ("auto" or "runc" or "process"))
        {
            errors.Add($"Sandbox must be 'auto', 'runc' or 'process' (got '{options.Sandbox}').");
        }

        if (options.IdleTimeoutSeconds < 1 || options.MaxLifetimeSeconds < 1)
        {
            errors.Add("IdleTimeoutSeconds and MaxLifetimeSeconds must be at least 1.");
        }

        if (ParseDelays(options.AsyncRetryDelays) is null)
        {
            errors.Add($"AsyncRetryDelays must be comma-separated non-negative seconds, e.g. 60,120 (got '{options.AsyncRetryDelays}').");
        }

        if (!Enum.TryParse<LogLevel>(options.LogLevel, ignoreCase: true, out _))
        {
            errors.Add($"LogLevel must be one of Trace, Debug, Information, Warning, Error, Critical, None (got '{options.LogLevel}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Parses "60,120" (seconds, fractions allowed) into delays; null when malformed.</summary>
    public static List<TimeSpan>? ParseDelays(string value)
    {
        var delays = new List<TimeSpan>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
            {
                return null;
            }

            delays.Add(TimeSpan.FromSeconds(seconds));
        }

        return delays;
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")]
    private static partial Regex RegionPattern();

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9]{16,128}$")]
    private static partial System.Text.RegularExpressions.Regex AccessKeyIdPattern();
}
