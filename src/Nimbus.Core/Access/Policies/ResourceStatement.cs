// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>
/// One Allow statement of a resource-based policy a service builds from an API call (AddPermission,
/// AddLayerVersionPermission), before it is written as JSON by <see cref="ResourcePolicyWriter"/>.
/// </summary>
/// <param name="Sid">The statement id.</param>
/// <param name="Principal">As the caller gave it: <c>*</c>, an account id, an ARN, or a service (<c>s3.amazonaws.com</c>).</param>
/// <param name="Action">One action (<c>lambda:InvokeFunction</c>).</param>
/// <param name="Conditions">In the order the service writes them; those of one operator are written together.</param>
public sealed record ResourceStatement(string Sid, string Principal, string Action, IReadOnlyList<StatementCondition> Conditions);
