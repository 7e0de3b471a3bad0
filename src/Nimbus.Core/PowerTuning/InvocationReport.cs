// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Core.PowerTuning;

/// <summary>
/// The figures of one invocation's <c>REPORT</c> line, as an Invoke with <c>LogType: Tail</c> returns it: its duration,
/// billed duration and, after a SnapStart restore, billed restore duration (0 otherwise).
/// </summary>
public readonly record struct InvocationReport(double DurationMs, long BilledDurationMs, long BilledRestoreDurationMs)
{
    private const string Report = "REPORT RequestId: ";

    /// <summary>
    /// Reads the last REPORT line of <paramref name="log"/> (the tail of the function's log). False when there is none
    /// or it lacks a duration or billed duration (a log cut to its last 4 KB always ends with REPORT).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> log, out InvocationReport report)
    {
        report = default;
        var start = log.LastIndexOf(Report.AsSpan(), StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var line = log[start..];
        if (line.IndexOfAny('\n', '\r') is var end and >= 0)
        {
            line = line[..end];
        }

        double? duration = null;
        long? billed = null;
        long restore = 0;
        foreach (var range in line.Split('\t'))
        {
            var field = line[range].Trim();
            if (TryField(field, "Duration: ", out var value) && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms))
            {
                duration = ms;
            }
            else if (TryField(field, "Billed Duration: ", out value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var billedMs))
            {
                billed = billedMs;
            }
            else if (TryField(field, "Billed Restore Duration: ", out value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var restoreMs))
            {
                restore = restoreMs;
            }
        }

        if (duration is not { } d || billed is not { } b)
        {
            return false;
        }

        report = new InvocationReport(d, b, restore);
        return true;
    }

    private static bool TryField(ReadOnlySpan<char> field, string name, out ReadOnlySpan<char> value)
    {
        value = default;
        if (!field.StartsWith(name, StringComparison.Ordinal) || !field.EndsWith(" ms", StringComparison.Ordinal))
        {
            return false;
        }

        value = field[name.Length..^3];
        return true;
    }
}
