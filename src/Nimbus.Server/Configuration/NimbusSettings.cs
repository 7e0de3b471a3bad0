// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Nimbus.Server.Configuration;

/// <summary>
/// Every setting of <see cref="NimbusOptions"/>, in declaration order, with what it allows. A property without a rule
/// below still gets its type's rule (a whole number, true or false, a non-empty text).
/// </summary>
internal static partial class NimbusSettings
{
    public static IReadOnlyList<NimbusSetting> All { get; } = Create();

    public static NimbusSetting? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The setting whose name is a likely misspelling of <paramref name="name"/>, or null.</summary>
    public static NimbusSetting? Closest(string name)
    {
        var wanted = Normalize(name);
        var threshold = Math.Min(2, Math.Max(1, wanted.Length / 3));
        NimbusSetting? best = null;
        var bestDistance = int.MaxValue;
        foreach (var setting in All)
        {
            var distance = Distance(wanted, Normalize(setting.Name));
            if (distance <= threshold && distance < bestDistance)
            {
                best = setting;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Edit distance counting a swap of two neighbours as one edit (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static List<NimbusSetting> Create()
    {
        var rules = new Dictionary<string, (string Allowed, Func<string, bool> IsAllowed)>
        {
            [nameof(NimbusOptions.Host)] = ("an IP address, 'localhost' or '0.0.0.0'", v => v is "localhost" or "*" || IPAddress.TryParse(v, out _)),
            [nameof(NimbusOptions.Port)] = ("a whole number from 0 to 65535", v => Integer(v) is >= 0 and <= 65535),
            [nameof(NimbusOptions.DataDir)] = ("a directory path", v => !string.IsNullOrWhiteSpace(v)),
            [nameof(NimbusOptions.AccountId)] = ("12 digits", AccountPattern().IsMatch),
            [nameof(NimbusOptions.Region)] = ("a region name like us-east-1", RegionPattern().IsMatch),
            [nameof(NimbusOptions.ConcurrentExecutions)] = AtLeastOne,
            [nameof(NimbusOptions.ScalingBurstPer10Seconds)] = AtLeastOne,
            [nameof(NimbusOptions.Sandbox)] = ("'auto', 'runc', 'bwrap' or 'process'", v => v is "auto" or "runc" or "bwrap" or "process"),
            [nameof(NimbusOptions.StemCellsMinimum)] = AtLeastZero,
            [nameof(NimbusOptions.StemCellsMaximum)] = AtLeastZero,
            [nameof(NimbusOptions.StemCellsMemoryMb)] = AtLeastZero,
            [nameof(NimbusOptions.StemCellsKeepHours)] = AtLeastOne,
            [nameof(NimbusOptions.SnapStartSpares)] = AtLeastZero,
            [nameof(NimbusOptions.StemCellRuntimes)] = ("runtime ids separated by commas, e.g. python3.12,nodejs20.x", v => RuntimeListPattern().IsMatch(v)),
            [nameof(NimbusOptions.StreamBandwidthBytesPerSecond)] = ("a whole number of bytes per second, 0 for no cap", v => Integer(v) is >= 0),
            [nameof(NimbusOptions.IdleTimeoutSeconds)] = AtLeastOne,
            [nameof(NimbusOptions.MaxLifetimeSeconds)] = AtLeastOne,
            [nameof(NimbusOptions.LogRetentionSweepSeconds)] = AtLeastOne,
            [nameof(NimbusOptions.LogGroupMaxMb)] = AtLeastZero,
            [nameof(NimbusOptions.MetricsRetentionDays)] = AtLeastOne,
            [nameof(NimbusOptions.AuditRetentionDays)] = AtLeastOne,
            [nameof(NimbusOptions.AuditSweepSeconds)] = AtLeastOne,
            [nameof(NimbusOptions.RegistryAuthFile)] = ("empty, or a file path", _ => true),
            [nameof(NimbusOptions.TracingOtlpEndpoint)] = ("empty, or an http(s) URL", v => v.Length == 0 || (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")),
            [nameof(NimbusOptions.AsyncRetryDelays)] = ("comma-separated non-negative seconds, e.g. 60,120", v => ValidateNimbusOptions.ParseDelays(v) is not null),
            [nameof(NimbusOptions.Auth)] = ("'iam' or 'off'", v => v is "iam" or "off"),
            [nameof(NimbusOptions.RootAccessKeyId)] = ("16 to 128 letters and digits", v => v.Length == 0 || AccessKeyIdPattern().IsMatch(v)),
            [nameof(NimbusOptions.RootSecretAccessKey)] = ("at most 256 characters", v => v.Length <= 256),
            [nameof(NimbusOptions.LogLevel)] = (
                "one of Trace, Debug, Information, Warning, Error, Critical, None",
                v => Enum.TryParse<LogLevel>(v, ignoreCase: true, out var level) && Enum.IsDefined(level) && !v.AsSpan().ContainsAnyInRange('0', '9')),
        };

        var settings = new List<NimbusSetting>();
        foreach (var property in typeof(NimbusOptions).GetProperties().OrderBy(p => p.MetadataToken))
        {
            var (allowed, isAllowed) = rules.TryGetValue(property.Name, out var rule) ? rule
                : property.PropertyType == typeof(int) ? ("a whole number", v => Integer(v) is not null)
                : property.PropertyType == typeof(bool) ? ("true or false", v => bool.TryParse(v, out _))
                : ("not empty", (Func<string, bool>)(v => !string.IsNullOrWhiteSpace(v)));
            settings.Add(new NimbusSetting(property, allowed, isAllowed));
        }

        return settings;
    }

    private static (string, Func<string, bool>) AtLeastOne => ("a whole number of at least 1", v => Integer(v) is >= 1);

    private static (string, Func<string, bool>) AtLeastZero => ("a whole number of at least 0", v => Integer(v) is >= 0);

    [GeneratedRegex(@"^([a-z0-9.]+(,[a-z0-9.]+)*)?\z")]
    private static partial Regex RuntimeListPattern();

    private static int? Integer(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex("^[A-Za-z0-9]{16,128}\\z")]
    private static partial Regex AccessKeyIdPattern();

    [GeneratedRegex(@"^\d{12}\z")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d\z")]
    private static partial Regex RegionPattern();
}
