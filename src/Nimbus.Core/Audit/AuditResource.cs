// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Audit;

/// <summary>A resource a call named: its CloudFormation-style type (<c>AWS::Lambda::Function</c>), name and ARN.</summary>
public sealed record AuditResource(string Type, string Name, string Arn);
