// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Queues;

/// <summary>What the store did with one receipt handle.</summary>
public enum ReceiptOutcome
{
    /// <summary>Deleted, or its visibility changed.</summary>
    Done,

    /// <summary>The message no longer exists (deleted, moved or expired).</summary>
    Gone,

    /// <summary>The message was received again since: the handle is not its latest.</summary>
    Stale,

    /// <summary>The handle is the latest but the message's visibility timeout has passed; nothing was changed.</summary>
    NotInFlight,
}
