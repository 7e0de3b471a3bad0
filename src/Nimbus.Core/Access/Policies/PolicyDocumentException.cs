// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>The one exception the policy parser throws: a refused document, as IAM words the refusal.</summary>
public sealed class PolicyDocumentException : Exception
{
    public PolicyDocumentException(PolicyError error)
        : base(error.Message) => Error = error;

    public PolicyDocumentException()
        : this(PolicyErrors.Syntax())
    {
    }

    public PolicyDocumentException(string message)
        : this(PolicyErrors.Malformed(message))
    {
    }

    public PolicyDocumentException(string message, Exception innerException)
        : base(message, innerException) => Error = PolicyErrors.Malformed(message);

    public PolicyError Error { get; }

    /// <summary>IAM's error code: <c>MalformedPolicyDocument</c> or <c>LimitExceeded</c>.</summary>
    public string Code => Error.Code;
}
