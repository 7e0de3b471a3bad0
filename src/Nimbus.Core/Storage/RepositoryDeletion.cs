// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>What DeleteRepository did: deleted (with the blobs its images referenced), not found, or refused because not empty.</summary>
public sealed record RepositoryDeletion(bool Found, bool NotEmpty, IReadOnlyList<string> ReleasedDigests);
