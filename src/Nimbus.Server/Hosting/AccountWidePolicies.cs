// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Identity;
using Nimbus.Core.Access.Policies;

namespace Nimbus.Server.Hosting;

/// <summary>
/// The identity-based policies of a server without IAM's store: every principal of the account may do everything
/// (one <c>Allow * on *</c>), which is how Nimbus behaved before policies. IAM's store, when registered, replaces it.
/// </summary>
internal sealed class AccountWidePolicies : IIdentityPolicySource
{
    private readonly IReadOnlyList<PolicyDocument> _everything =
        [PolicyParser.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""", PolicyKind.Identity)];

    public long Generation => 0;

    public ValueTask<IReadOnlyList<PolicyDocument>> GetPoliciesAsync(string principalArn, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_everything);
}
