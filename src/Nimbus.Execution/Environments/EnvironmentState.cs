// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>The lifecycle of an execution environment; owned by <see cref="ExecutionEnvironment"/>.</summary>
internal enum EnvironmentState
{
    /// <summary>Sandbox started; waiting for nimbus-init to connect and the runtime to finish its init phase.</summary>
    Initializing,

    /// <summary>Warm: ready for the next invocation.</summary>
    Idle,

    /// <summary>Running exactly one invocation.</summary>
    Busy,

    /// <summary>Killed or exited; never used again.</summary>
    Dead,
}
