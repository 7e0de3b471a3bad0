// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>A sandbox or nimbus-init could not be started: a platform fault, not a function error.</summary>
public sealed class SandboxStartException : Exception
{
    public SandboxStartException(string message)
        : base(message)
    {
    }

    public SandboxStartException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public SandboxStartException()
    {
    }
}
