// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Storage;

/// <summary>Function logs by log group (<c>/aws/lambda/name</c>) and stream (<c>YYYY/MM/DD/[version]id</c>).</summary>
public interface ILogStore
{
    /// <summary>Appends several batches in one write.</summary>
    Task AppendAsync(IReadOnlyList<LogBatch> batches, CancellationToken cancellationToken);

    /// <summary>Events of one stream in order, or of every stream of the group when <paramref name="stream"/> is null.</summary>
    Task<IReadOnlyList<LogEvent>> ReadAsync(Scope scope, string group, string? stream, int limit, CancellationToken cancellationToken);
}
