// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>A content descriptor of a manifest: what it points at, and for an index entry its platform.</summary>
public sealed record OciDescriptor(string MediaType, string Digest, long Size, string? Os = null, string? Architecture = null, string? Variant = null);
