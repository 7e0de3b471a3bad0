// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Lambda;

/// <summary>An Invoke's request body, read into a pooled buffer up to the operation's limit.</summary>
internal static class InvokePayload
{
    /// <summary>Reads the body into a pooled buffer; more than <paramref name="limit"/> bytes is AWS's 413.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadAsync(HttpRequest request, int limit, string operation, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit, operation);
        }

        var capacity = request.ContentLength is { } known ? (int)known + 1 : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(limit, operation);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw TooLarge(limit, operation);
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>AWS answers an Invoke body over the limit with RequestEntityTooLargeException (not the model's RequestTooLargeException).</summary>
    private static LambdaException TooLarge(int limit, string operation) => LambdaErrors.RequestEntityTooLarge(limit, operation);
}
