// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// How the environment looks from inside a sandbox: where the runtime finds its code, runtime directory and /tmp,
/// and where it reaches Nimbus's API (null: the server's own address, for sandboxes that share its network), and
/// where the function's layers are (/opt, or the merged directory on the host for a sandbox without a mount namespace).
/// </summary>
public sealed record SandboxPaths(string TaskRoot, string RuntimeDirectory, string TempDirectory, string? PlatformEndpoint = null, string OptDirectory = "/opt");
