// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>A version's runtime management configuration as Get/PutRuntimeManagementConfig answer it; the ARN only in Manual mode.</summary>
public sealed record RuntimeManagementConfig(string FunctionArn, string UpdateRuntimeOn, string? RuntimeVersionArn);
