// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A backend that can start stem cells (<see cref="SandboxSpec.StemCell"/>, specialized through
/// <see cref="IStemCellSandbox"/>): runc, whose host-side mounts reach into the container.
/// </summary>
internal interface IStemCellSandboxFactory : ISandboxFactory;
