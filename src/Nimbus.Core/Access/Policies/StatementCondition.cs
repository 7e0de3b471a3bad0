// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>One condition of a statement a service writes itself (Lambda's AddPermission): <c>{Operator: {Key: Value}}</c>.</summary>
/// <param name="Operator">The condition operator (<c>StringEquals</c>, <c>ArnLike</c>, <c>Bool</c>).</param>
/// <param name="Key">The condition key, spelled as the service writes it (Lambda writes <c>AWS:SourceArn</c>).</param>
/// <param name="Value">The one value.</param>
public sealed record StatementCondition(string Operator, string Key, string Value);
