// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>One Invoke: whether it succeeded (200 without X-Amz-Function-Error) and the decoded log tail, if asked for.</summary>
internal sealed record InvokeResult(bool Ok, int StatusCode, string? LogTail, string Body);
