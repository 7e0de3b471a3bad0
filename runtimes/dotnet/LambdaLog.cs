// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// The function's log records as AWS's .NET runtime writes them: <c>timestamp \t requestId \t level \t message</c>
/// with Microsoft.Extensions.Logging's level labels (Console.Out is info, Console.Error fail), or one JSON object a
/// record when AWS_LAMBDA_LOG_FORMAT is JSON; records below AWS_LAMBDA_LOG_LEVEL are dropped.
/// </summary>
internal static class LambdaLog
{
    private static readonly Stream s_stdout = Console.OpenStandardOutput();
    private static readonly object s_lock = new();
    private static readonly bool s_json = string.Equals(Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_FORMAT"), "JSON", StringComparison.OrdinalIgnoreCase);
    private static readonly int s_minimum = Parse(Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_LEVEL")) ?? 0;

    /// <summary>The invocation the records belong to (empty during init, as on AWS).</summary>
    public static string RequestId { get; set; } = "";

    /// <summary>Trace, Debug, Information, Warning, Error, Critical as 0–5 (Microsoft.Extensions.Logging's order).</summary>
    public static int? Parse(string? level) => level?.ToUpperInvariant() switch
    {
        "TRACE" or "TRCE" => 0,
        "DEBUG" or "DBUG" => 1,
        "INFORMATION" or "INFO" => 2,
        "WARNING" or "WARN" => 3,
        "ERROR" or "FAIL" => 4,
        "CRITICAL" or "CRIT" or "FATAL" => 5,
        _ => null,
    };

    private static readonly string[] s_labels = ["trce", "dbug", "info", "warn", "fail", "crit"];
    private static readonly string[] s_names = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    public static void Write(int level, string message)
    {
        if (level < s_minimum)
        {
            return;
        }

        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var text = new StringBuilder(message.Length + 80);
        if (s_json)
        {
            text.Append("{\"timestamp\":\"").Append(now).Append("\",\"level\":\"").Append(s_names[level]).Append("\",\"requestId\":");
            ErrorJson.String(text, RequestId);
            text.Append(",\"message\":");
            ErrorJson.String(text, message);
            text.Append('}');
        }
        else
        {
            // One record a line: the platform splits the output on newlines, so a message's own become carriage returns.
            text.Append(now).Append('\t').Append(RequestId).Append('\t').Append(s_labels[level]).Append('\t').Append(message.Replace('\n', '\r'));
        }

        text.Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (s_lock)
        {
            s_stdout.Write(bytes);
            s_stdout.Flush();
        }
    }

    /// <summary>Raw text to stdout (ILambdaLogger.Log without a level, as AWS writes it).</summary>
    public static void WriteRaw(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (s_lock)
        {
            s_stdout.Write(bytes);
            s_stdout.Flush();
        }
    }
}
