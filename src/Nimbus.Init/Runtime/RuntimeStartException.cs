// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Runtime;

/// <summary>The runtime could not be started; <see cref="ExitStatus"/> is what a shell would report (126 or 127).</summary>
internal sealed class RuntimeStartException : Exception
{
    public RuntimeStartException()
    {
    }

    public RuntimeStartException(string message)
        : base(message)
    {
    }

    public RuntimeStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RuntimeStartException(string message, int exitStatus)
        : base(message)
    {
        ExitStatus = exitStatus;
    }

    public int ExitStatus { get; } = 127;
}
