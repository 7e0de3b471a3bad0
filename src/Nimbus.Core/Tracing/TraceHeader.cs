// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Core.Tracing;

/// <summary>
/// The X-Ray trace header (<c>Root=1-…;Parent=…;Sampled=1;Lineage=…</c>) that follows one original event through the
/// functions, queues and asynchronous invocations it causes. Functions pass it on by themselves: the runtime sets
/// <c>_X_AMZN_TRACE_ID</c> and the AWS SDKs send it as <c>X-Amzn-Trace-Id</c> (SQS keeps it as the message's
/// AWSTraceHeader). <c>Lineage</c> counts, per function, how many times the chain invoked it, which is how Nimbus
/// finds recursive loops, as AWS does with the same header.
/// </summary>
public static class TraceHeader
{
    private const string LineageKey = "Lineage=";

    /// <summary>
    /// The header for the next invocation of <paramref name="functionArn"/> in the chain <paramref name="incoming"/>
    /// carries (a new chain when null, its trace id stamped with <paramref name="time"/>), and how many times the chain
    /// has then invoked that function, this one included.
    /// </summary>
    public static (string Header, int Count) Next(string? incoming, string functionArn, TimeProvider time)
    {
        var hash = Hash(functionArn);
        string? root = null;
        string? sampled = null;
        var other = new StringBuilder();
        var lineage = new List<(string Hash, int Count)>();
        foreach (var rawPart in (incoming ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // The SDKs percent-encode characters they do not consider safe; decode before reading the parts.
            var part = Uri.UnescapeDataString(rawPart);
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                root = part;
            }
            else if (part.StartsWith(LineageKey, StringComparison.Ordinal))
            {
                foreach (var entry in part[LineageKey.Length..].Split([',', '|'], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (entry.Split(':') is [var h, var c] && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                    {
                        lineage.Add((h, count));
                    }
                }
            }
            else if (part.StartsWith("Sampled=", StringComparison.Ordinal))
            {
                // The caller's sampling decision goes on; none is left for the function's TracingConfig (TraceDecision).
                sampled = part;
            }
            else if (!part.StartsWith("Parent=", StringComparison.Ordinal))
            {
                other.Append(';').Append(part);
            }
        }

        var next = 1;
        for (var i = 0; i < lineage.Count; i++)
        {
            if (lineage[i].Hash == hash)
            {
                next = lineage[i].Count + 1;
                lineage.RemoveAt(i);
                break;
            }
        }

        lineage.Add((hash, next));
        Span<char> fresh = stackalloc char[35];
        Span<char> parent = stackalloc char[16];
        var header = root is not null ? new StringBuilder(root) : new StringBuilder("Root=").Append(TraceDecision.NewRoot(time, fresh));
        header.Append(";Parent=").Append(TraceDecision.RandomHex(parent));
        if (sampled is not null)
        {
            header.Append(';').Append(sampled);
        }

        header.Append(other).Append(';').Append(LineageKey);
        for (var i = 0; i < lineage.Count; i++)
        {
            header.Append(i == 0 ? "" : ",").Append(lineage[i].Hash).Append(':').Append(lineage[i].Count.ToString(CultureInfo.InvariantCulture));
        }

        return (header.ToString(), next);
    }

    /// <summary>Eight hex digits that name a function in the lineage (its unqualified ARN, hashed).</summary>
    private static string Hash(string functionArn)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(functionArn), digest);
        return Convert.ToHexStringLower(digest[..4]);
    }
}
