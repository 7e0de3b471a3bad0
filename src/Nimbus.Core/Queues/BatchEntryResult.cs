// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;

namespace Nimbus.Core.Queues;

/// <summary>One entry of a batch: its result, or the error that entry failed with (the others still apply).</summary>
public sealed record BatchEntryResult<T>(T? Result, QueueException? Error)
    where T : class;
