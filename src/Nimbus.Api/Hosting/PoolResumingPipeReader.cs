// SPDX-License-Identifier: Apache-2.0
using System.IO.Pipelines;
using Nimbus.Core.Threading;

namespace Nimbus.Api.Hosting;

/// <summary>
/// A request body whose reads that had to wait go on on the thread pool, never on the event thread that completed them
/// (<see cref="EventThreads"/>, <see cref="EventThreadMiddleware"/>). Reads of what is buffered already cost nothing more.
/// </summary>
internal sealed class PoolResumingPipeReader(PipeReader inner) : PipeReader
{
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(cancellationToken);
        return read.IsCompleted ? read : ResumeOnPoolAsync(read);
    }

    public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private static async ValueTask<ReadResult> ResumeOnPoolAsync(ValueTask<ReadResult> read)
    {
        try
        {
            return await read;
        }
        finally
        {
            await EventThreads.Leave();
        }
    }
}
