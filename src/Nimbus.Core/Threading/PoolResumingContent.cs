// SPDX-License-Identifier: Apache-2.0
using System.Net;

namespace Nimbus.Core.Threading;

/// <summary>An answer's body read through a <see cref="PoolResumingStream"/> (<see cref="PoolResumingHandler"/>).</summary>
internal sealed class PoolResumingContent : HttpContent
{
    private readonly HttpContent _inner;

    public PoolResumingContent(HttpContent inner)
    {
        _inner = inner;
        foreach (var header in inner.Headers)
        {
            _ = Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new PoolResumingStream(await _inner.ReadAsStreamAsync(cancellationToken));
        }
        finally
        {
            await EventThreads.Leave();
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
