// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Layers;

/// <summary>One statement of a layer version's policy (AddLayerVersionPermission).</summary>
/// <param name="StatementId">The statement's Sid, unique within the policy.</param>
/// <param name="Action">Always <c>lambda:GetLayerVersion</c>.</param>
/// <param name="Principal">An account id, <c>*</c>, or <c>arn:aws:iam::ACCOUNT:root</c>, as the caller sent it.</param>
/// <param name="OrganizationId">Limits a <c>*</c> grant to one AWS Organization.</param>
public sealed record LayerStatement(string StatementId, string Action, string Principal, string? OrganizationId);
