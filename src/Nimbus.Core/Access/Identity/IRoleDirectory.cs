// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Identity;

/// <summary>The account's IAM roles, for whoever must assume one: STS's AssumeRole and Lambda's execution roles.</summary>
public interface IRoleDirectory
{
    /// <summary>The role <paramref name="roleArn"/> names (arn:aws:iam::ACCOUNT:role/PATH/NAME), or null when there is none.</summary>
    ValueTask<RoleDescription?> FindRoleAsync(string roleArn, CancellationToken cancellationToken);
}
