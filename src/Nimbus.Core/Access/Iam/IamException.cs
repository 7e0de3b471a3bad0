// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>An IAM or STS error as the query protocol answers it: its code, HTTP status and AWS's message.</summary>
public sealed class IamException : Exception
{
    public IamException(string code, int statusCode, string message)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
    }

    public IamException()
        : this("ServiceFailure", 500, "An internal error occurred.")
    {
    }

    public IamException(string message)
        : this("ServiceFailure", 500, message)
    {
    }

    public IamException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "ServiceFailure";
        StatusCode = 500;
    }

    public string Code { get; }

    public int StatusCode { get; }

    /// <summary>Whether the client is at fault (the query protocol's Type: Sender, else Receiver).</summary>
    public bool SenderFault => StatusCode < 500;
}
