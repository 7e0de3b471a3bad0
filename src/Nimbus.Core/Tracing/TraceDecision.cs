// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

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
    /// <remarks>Runs once per invoke: the header is built on the stack and is its only allocation.</remarks>
    public static string Decide(string? incoming, string? mode, ActivitySpanId? span, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var text = incoming.AsSpan();
        scoped ReadOnlySpan<char> root = default, sampled = default, parent = default;
        bool hasRoot = false, hasParent = false, others = false;
        foreach (var range in text.Split(';'))
        {
            var part = text[range].Trim();
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                root = part[5..];
                hasRoot = true;
            }
            else if (part.StartsWith("Sampled=", StringComparison.Ordinal))
            {
                sampled = part[8..];
            }
            else if (part.StartsWith("Parent=", StringComparison.Ordinal))
            {
                parent = part[7..];
                hasParent = true;
            }
            else
            {
                others |= part.Length > 0;
            }
        }

        Span<char> newRoot = stackalloc char[35];
        if (!hasRoot)
        {
            root = NewRoot(time, newRoot);
        }

        if (sampled is not "0" and not "1")
        {
            // "?" (decision requested) or none: the function decides.
            sampled = mode == Active ? "1" : "0";
        }

        Span<char> randomParent = stackalloc char[16];
        if (span is { } own)
        {
            // Its hex digits on the stack (ToHexString is a string per call).
            Span<byte> bytes = stackalloc byte[8];
            own.CopyTo(bytes);
            Convert.TryToHexStringLower(bytes, randomParent, out _);
            parent = randomParent;
        }
        else if (!hasParent)
        {
            parent = RandomHex(randomParent);
        }

        var header = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        header.AppendLiteral("Root=");
        header.AppendFormatted(root);
        header.AppendLiteral(";Parent=");
        header.AppendFormatted(parent);
        header.AppendLiteral(";Sampled=");
        header.AppendFormatted(sampled);
        if (others)
        {
            // Every other part (Lineage, Self …) as it came, in its order.
            foreach (var range in text.Split(';'))
            {
                var part = text[range].Trim();
                if (part.Length > 0 && !IsDecided(part))
                {
                    header.AppendLiteral(";");
                    header.AppendFormatted(part);
                }
            }
        }

        return header.ToStringAndClear();
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

    /// <summary>Root, Sampled and Parent: the parts <see cref="Decide"/> writes itself.</summary>
    private static bool IsDecided(ReadOnlySpan<char> part) =>
        part.StartsWith("Root=", StringComparison.Ordinal) || part.StartsWith("Sampled=", StringComparison.Ordinal) || part.StartsWith("Parent=", StringComparison.Ordinal);

    /// <summary>A new root, <c>1-{seconds:x8}-{24 random hex digits}</c>, written into <paramref name="destination"/> (35 chars).</summary>
    /// <remarks>
    /// X-Ray asks a root to be unique, not secret: the digits come from <see cref="Random.Shared"/> (seeded from the OS),
    /// not from the cryptographic generator (OpenSSL's, ~2.5% of the server's CPU when it served every invoke).
    /// </remarks>
    internal static ReadOnlySpan<char> NewRoot(TimeProvider time, Span<char> destination)
    {
        destination[0] = '1';
        destination[1] = '-';
        ((uint)time.GetUtcNow().ToUnixTimeSeconds()).TryFormat(destination[2..], out _, "x8", CultureInfo.InvariantCulture);
        destination[10] = '-';
        RandomHex(destination[11..35]);
        return destination[..35];
    }

    /// <summary>Fills <paramref name="destination"/> with random lower-case hex digits and gives it back.</summary>
    internal static ReadOnlySpan<char> RandomHex(Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[destination.Length / 2];
        Random.Shared.NextBytes(bytes);
        Convert.TryToHexStringLower(bytes, destination, out _);
        return destination;
    }
}
