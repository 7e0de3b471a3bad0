// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Nimbus.Api.Audit;

/// <summary>
/// Holds back the answer of a management write (up to <see cref="Limit"/> bytes) while the call runs, so that its
/// event is recorded with the answer as <c>responseElements</c> before any of it goes out, keeping the trail's order:
/// committed, then answered. A larger answer is let through as it comes and recorded without its elements.
/// </summary>
internal sealed class AuditResponseCapture : Stream
{
    /// <summary>AWS's management answers are small; a larger one is not worth holding back.</summary>
    public const int Limit = 256 * 1024;

    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _prior;
    private readonly StreamResponseBodyFeature _feature;
    private readonly MemoryStream _held = new();
    private bool _passThrough;
    private bool _released;

    private AuditResponseCapture(HttpContext context, IHttpResponseBodyFeature prior)
    {
        _context = context;
        _prior = prior;
        _feature = new StreamResponseBodyFeature(this, prior);
    }

    /// <summary>
    /// The whole answer when it was held back; null when it was let through, or put back unsent (an exception thrown past
    /// the capture: the error middleware's answer, recorded later, is not the call's).
    /// </summary>
    public ReadOnlyMemory<byte>? Body => _passThrough || _released ? null : _held.GetBuffer().AsMemory(0, (int)_held.Length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static AuditResponseCapture Start(HttpContext context)
    {
        var capture = new AuditResponseCapture(context, context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        context.Features.Set<IHttpResponseBodyFeature>(capture._feature);
        return capture;
    }

    /// <summary>The call has answered: whatever its writer still buffers is taken in.</summary>
    public Task CompleteAsync() => _feature.CompleteAsync();

    /// <summary>Puts the server's body back and sends what was held (nothing after an error thrown past the capture).</summary>
    public async Task ReleaseAsync(bool send)
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _context.Features.Set(_prior);
        if (!send || _passThrough || _held.Length == 0)
        {
            return;
        }

        var response = _context.Response;
        if (response.ContentLength is null && !response.Headers.ContainsKey("Transfer-Encoding"))
        {
            response.ContentLength = _held.Length;
        }

        await _prior.Stream.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), _context.RequestAborted);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!_passThrough && _held.Length + buffer.Length <= Limit)
        {
            _held.Write(buffer);
            return;
        }

        PassThrough();
        _prior.Stream.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_passThrough && _held.Length + buffer.Length <= Limit)
        {
            _held.Write(buffer.Span);
            return;
        }

        if (!_passThrough)
        {
            _passThrough = true;
            await _prior.Stream.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken);
        }

        await _prior.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
        if (_passThrough)
        {
            _prior.Stream.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _passThrough ? _prior.Stream.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _held.Dispose();
        }

        base.Dispose(disposing);
    }

    private void PassThrough()
    {
        if (!_passThrough)
        {
            _passThrough = true;
            _prior.Stream.Write(_held.GetBuffer().AsSpan(0, (int)_held.Length));
        }
    }
}
