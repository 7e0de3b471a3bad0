// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Access;

/// <summary>One row of an API's authorization table: the operation, the IAM action it is checked as, the resource
/// it is checked on, and the service's own condition key it sets, if any.</summary>
public sealed record ActionRule(string Operation, string Action, ResourceKind Resource, string? ConditionKey = null);
