// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Nimbus.Api.Hosting;

/// <summary>
/// The request's <see cref="HttpRequest.BodyReader"/> while its <see cref="HttpRequest.Body"/> is the stream over the
/// same <see cref="PoolResumingPipeReader"/>, so that both read one body (the SigV4 check peeks with the reader, the APIs
/// read the stream). A body replaced later (buffering for the audit trail) gets a reader over it, as ASP.NET Core's own
/// feature does.
/// </summary>
internal sealed class PoolResumingBodyFeature : IRequestBodyPipeFeature
{
    private readonly HttpRequest _request;
    private readonly PipeReader _reader;
    private readonly Stream _stream;
    private Stream? _adaptedBody;
    private PipeReader? _adapted;

    private PoolResumingBodyFeature(HttpRequest request, PipeReader reader)
    {
        _request = request;
        _reader = reader;
        _stream = reader.AsStream(leaveOpen: true);
    }

    public PipeReader Reader
    {
        get
        {
            var body = _request.Body;
            if (ReferenceEquals(body, _stream))
            {
                return _reader;
            }

            if (!ReferenceEquals(body, _adaptedBody))
            {
                if (_adapted is null)
                {
                    // Its rented buffers go back to the pool with the request, as with ASP.NET Core's own feature.
                    _request.HttpContext.Response.OnCompleted(static state => ((PoolResumingBodyFeature)state).CompleteAdaptedAsync(), this);
                }
                else
                {
                    _adapted.Complete();
                }

                _adaptedBody = body;
                _adapted = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
            }

            return _adapted!; // Set with _adaptedBody just above or before.
        }
    }

    private Task CompleteAdaptedAsync()
    {
        _adapted?.Complete();
        return Task.CompletedTask;
    }

    /// <summary>Puts the request's body behind a <see cref="PoolResumingPipeReader"/>, as reader and as stream.</summary>
    public static void Install(HttpContext context)
    {
        var feature = new PoolResumingBodyFeature(context.Request, new PoolResumingPipeReader(context.Request.BodyReader));
        context.Features.Set<IRequestBodyPipeFeature>(feature);
        context.Request.Body = feature._stream;
    }
}
