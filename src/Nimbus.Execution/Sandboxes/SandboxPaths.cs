// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>How paths look from inside a sandbox: what the runtime is told its code, runtime and /tmp are.</summary>
public sealed record SandboxPaths(string TaskRoot, string RuntimeDirectory, string TempDirectory);
