// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Signing;

/// <summary>The outcome of parsing or verifying a signature: a status and, when it failed, AWS's message.</summary>
public readonly record struct SignatureCheck(SignatureStatus Status, string? Message)
{
    public static SignatureCheck Valid => new(SignatureStatus.Valid, null);

    public bool IsValid => Status == SignatureStatus.Valid;

    public static SignatureCheck Fail(SignatureStatus status, string message) => new(status, message);
}
