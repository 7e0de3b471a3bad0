// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>
/// Where a streamed response goes as the function writes it (InvokeWithResponseStream, a RESPONSE_STREAM function URL).
/// Called from the environment's reader, one call at a time: a slow sink slows the function's stream, not others.
/// A sink that throws gets nothing more; the invocation still runs to its end.
/// </summary>
public interface IResponseStreamSink
{
    /// <summary>The function began streaming, with this content type.</summary>
    ValueTask StartAsync(string contentType);

    /// <summary>The next piece of the response; <paramref name="chunk"/> is valid only during the call.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> chunk);
}
