// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Lambda.RuntimeSupport;

/// <summary>A handler string or handler method the runtime cannot use: reported as an init error of this type's name, as AWS's .NET runtime does.</summary>
public sealed class LambdaValidationException : Exception
{
    public LambdaValidationException()
    {
    }

    public LambdaValidationException(string message)
        : base(message)
    {
    }

    public LambdaValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
