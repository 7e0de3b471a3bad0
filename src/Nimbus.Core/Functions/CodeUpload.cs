// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>The code part of a CreateFunction or UpdateFunctionCode request.</summary>
public sealed record CodeUpload
{
    /// <summary>The decoded zip, when sent inline.</summary>
    public ReadOnlyMemory<byte>? ZipFile { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }

    public string? ImageUri { get; init; }
}
