// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>What a store operation on a stream found.</summary>
public enum LogStreamStatus
{
    Done,
    GroupMissing,
    StreamMissing,
    AlreadyExists,
}
