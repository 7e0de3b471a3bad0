// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Core.Tracing;

/// <summary>
/// The trace header an invocation runs with (<c>_X_AMZN_TRACE_ID</c>, <c>Lambda-Runtime-Trace-Id</c>), decided as
/// Lambda decides it from the function's TracingConfig: with <c>PassThrough</c> the caller's header is kept, sampling
/// decision included, and a call without one gets a new root that is not sampled; with <c>Active</c> a call without a
/// sampling decision is sampled (<c>Sampled=1</c>; Lambda samples by a rate, Nimbus samples every such call) and a call
/// without a header gets a new, sampled root. <c>Parent</c> becomes the invocation's own span id (InvocationService). Every other part
/// (<c>Lineage</c>, <c>Self</c> …) is kept as it came.
/// </summary>
public static class TraceDecision
{
    public const string Active = "Active";

    /// <summary>The header to run with, given the incoming one, the function's mode and the invocation's span id (null: the incoming Parent, or a random one).</summary>
    public static string Decide(string? incoming, string? mode, ActivitySpanId? span, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var active = mode == Active;
        string? root = null;
        string? sampled = null;
        string? parent = null;
        StringBuilder? rest = null;
        if (incoming is { Length: > 0 })
        {
            foreach (var range in incoming.AsSpan().Split(';'))
            {
                var part = incoming.AsSpan()[range].Trim();
                if (part.StartsWith("Root=", StringComparison.Ordinal))
                {
                    root = part[5..].ToString();
                }
                else if (part.StartsWith("Sampled=", StringComparison.Ordinal))
                {
                    sampled = part[8..].ToString();
                }
                else if (part.StartsWith("Parent=", StringComparison.Ordinal))
                {
                    parent = part[7..].ToString();
                }
                else if (part.Length > 0)
                {
                    (rest ??= new StringBuilder()).Append(';').Append(part);
                }
            }
        }

        root ??= NewRoot(time);
        if (sampled is not ("0" or "1"))
        {
            // "?" (decision requested) or none: the function decides.
            sampled = active ? "1" : "0";
        }

        var header = new StringBuilder(96 + (rest?.Length ?? 0));
        header.Append("Root=").Append(root).Append(";Parent=").Append(span?.ToHexString() ?? parent ?? RandomHex(8)).Append(";Sampled=").Append(sampled);
        if (rest is not null)
        {
            header.Append(rest);
        }

        return header.ToString();
    }

    /// <summary>
    /// The X-Ray header for a W3C <c>traceparent</c> (<c>00-TRACEID-SPANID-FLAGS</c>): the trace id's first 8 hex digits
    /// are the root's time part, the other 24 its random part; null when it is not a valid traceparent.
    /// </summary>
    public static string? FromTraceparent(string? traceparent)
    {
        if (traceparent is not { Length: >= 55 } || traceparent[2] != '-' || traceparent[35] != '-' || traceparent[52] != '-'
            || !IsHex(traceparent.AsSpan(3, 32)) || !IsHex(traceparent.AsSpan(36, 16)) || !IsHex(traceparent.AsSpan(53, 2)))
        {
            return null;
        }

        var flags = int.Parse(traceparent.AsSpan(53, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return $"Root=1-{traceparent.AsSpan(3, 8)}-{traceparent.AsSpan(11, 24)};Parent={traceparent.AsSpan(36, 16)};Sampled={flags & 1}";
    }

    /// <summary>The W3C trace context of an X-Ray header (trace id from Root, span id from Parent, sampled flag); false without a valid root.</summary>
    public static bool TryGetContext(string? header, out ActivityContext context)
    {
        context = default;
        if (header is null)
        {
            return false;
        }

        ReadOnlySpan<char> root = default, parent = default;
        var sampled = false;
        foreach (var range in header.AsSpan().Split(';'))
        {
            var part = header.AsSpan()[range].Trim();
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                root = part[5..];
            }
            else if (part.StartsWith("Parent=", StringComparison.Ordinal))
            {
                parent = part[7..];
            }
            else if (part.SequenceEqual("Sampled=1"))
            {
                sampled = true;
            }
        }

        // Root=1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY
        if (root.Length != 35 || root[0] != '1' || root[1] != '-' || root[10] != '-' || !IsHex(root.Slice(2, 8)) || !IsHex(root.Slice(11, 24)))
        {
            return false;
        }

        Span<char> traceId = stackalloc char[32];
        root.Slice(2, 8).CopyTo(traceId);
        root.Slice(11, 24).CopyTo(traceId[8..]);
        var span = parent.Length == 16 && IsHex(parent) ? ActivitySpanId.CreateFromString(parent) : ActivitySpanId.CreateRandom();
        context = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId),
            span,
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None,
            isRemote: true);
        return true;
    }

    /// <summary>The W3C <c>traceparent</c> of an X-Ray header, or null.</summary>
    public static string? ToTraceparent(string? header) =>
        TryGetContext(header, out var context)
            ? $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}"
            : null;

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string NewRoot(TimeProvider time) =>
        $"1-{time.GetUtcNow().ToUnixTimeSeconds():x8}-{RandomHex(12)}";

    private static string RandomHex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}
