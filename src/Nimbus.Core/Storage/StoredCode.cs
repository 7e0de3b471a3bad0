// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>A deployment package as stored: base64 SHA-256 as Lambda reports it, zipped and unzipped sizes.</summary>
public sealed record StoredCode(string Sha256, long Size, long UnzippedSize);
