// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Access;

/// <summary>Who made a request, once its signature checked out: kept in the request's features for authorization and the audit trail.</summary>
public sealed record CallerIdentity(string PrincipalArn, string AccountId, string? AccessKeyId);
