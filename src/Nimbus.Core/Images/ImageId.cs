// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>ECR's ImageIdentifier: a tag, a digest, or both.</summary>
public sealed record ImageId(string? Digest, string? Tag);
