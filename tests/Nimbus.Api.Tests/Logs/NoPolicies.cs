// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Api.Tests.Logs;

/// <summary>An identity policy source in which no principal has any policy: everything but root is implicitly denied.</summary>
internal sealed class NoPolicies : IIdentityPolicySource
{
    public long Generation => 0;

    public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<PolicyDocument>>([]);
}
