// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>The outcome of completing a blob upload.</summary>
public enum BlobCommit
{
    Committed,
    UnknownUpload,
    DigestMismatch,
}
