// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Http;

/// <summary>A request that cannot be parsed; answered with <see cref="Status"/> and the connection closed.</summary>
internal sealed class HttpProtocolException : Exception
{
    public HttpProtocolException()
    {
    }

    public HttpProtocolException(string message)
        : base(message)
    {
    }

    public HttpProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpProtocolException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public int Status { get; } = 400;
}
