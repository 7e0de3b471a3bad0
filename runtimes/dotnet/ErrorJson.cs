// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>
/// An exception as AWS's .NET runtime reports it: errorType is the exception type's name, errorMessage its message,
/// stackTrace its trace's lines (trimmed, blank ones dropped), an inner exception as "cause" and an
/// AggregateException's as "causes"; at most 256 KB, else AWS's truncation message.
/// </summary>
internal static class ErrorJson
{
    private const int MaxBytes = 256 * 1024;
    private const string Truncated = "{\"errorMessage\": \"Exception exceeded maximum payload size of 256KB.\"}";

    public static byte[] Write(Exception exception)
    {
        var text = new StringBuilder(1024);
        Append(text, exception, 0);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bytes.Length <= MaxBytes ? bytes : Encoding.UTF8.GetBytes(Truncated);
    }

    private static void Append(StringBuilder text, Exception exception, int depth)
    {
        text.Append("{\"errorType\": ");
        String(text, exception.GetType().Name);
        text.Append(", \"errorMessage\": ");
        String(text, exception.Message);
        if (exception.StackTrace is { } trace)
        {
            var first = true;
            foreach (var raw in trace.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || IsPlumbing(line))
                {
                    continue;
                }

                text.Append(first ? ", \"stackTrace\": [" : ", ");
                String(text, line);
                first = false;
            }

            if (!first)
            {
                text.Append(']');
            }
        }

        if (depth < 16 && exception.InnerException is { } inner)
        {
            text.Append(", \"cause\": ");
            Append(text, inner, depth + 1);
        }

        if (depth < 16 && exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            text.Append(", \"causes\": [");
            for (var i = 0; i < aggregate.InnerExceptions.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(", ");
                }

                Append(text, aggregate.InnerExceptions[i], depth + 1);
            }

            text.Append(']');
        }

        text.Append('}');
    }

    /// <summary>
    /// Frames of this runtime and of the reflection call into the handler: not the function's, and AWS's runtime calls
    /// handlers through a compiled delegate, so its traces have none of them.
    /// </summary>
    private static bool IsPlumbing(string line) =>
        line.StartsWith("at Nimbus.Lambda.RuntimeSupport.", StringComparison.Ordinal)
        || line.StartsWith("at System.Reflection.MethodBaseInvoker.", StringComparison.Ordinal)
        || line.StartsWith("at System.Reflection.RuntimeMethodInfo.Invoke(", StringComparison.Ordinal)
        || line.StartsWith("at System.Reflection.MethodBase.Invoke(", StringComparison.Ordinal)
        || line.StartsWith("at System.RuntimeType.CreateInstance", StringComparison.Ordinal)
        || line.StartsWith("at System.Activator.CreateInstance", StringComparison.Ordinal);

    public static void String(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
