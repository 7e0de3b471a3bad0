// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Permissions;

namespace Nimbus.Core.Storage;

/// <summary>
/// Function policies: the statements of each qualifier's policy (<c>$LATEST</c>, a version, an alias). As on AWS, a
/// policy's revision is its qualifier's RevisionId, so a change moves that RevisionId too, in the same commit. A
/// policy goes with its function, version or alias (<see cref="IFunctionStore"/>'s deletes remove it).
/// </summary>
public interface IFunctionPolicyStore
{
    /// <summary>The statements of one qualifier's policy, in the order they were added; empty when it has none.</summary>
    Task<IReadOnlyList<FunctionStatement>> GetPermissionsAsync(Scope scope, string functionName, string qualifier, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the statements of one qualifier's policy (none: removes the policy) and moves the qualifier's
    /// RevisionId from <paramref name="expectedRevisionId"/> to <paramref name="newRevisionId"/>, in one commit.
    /// False (nothing changed) when the RevisionId moved since the caller read it, or the qualifier is gone.
    /// </summary>
    Task<bool> TryReplacePermissionsAsync(
        Scope scope,
        string functionName,
        string qualifier,
        IReadOnlyList<FunctionStatement> permissions,
        string expectedRevisionId,
        string newRevisionId,
        CancellationToken cancellationToken);
}
