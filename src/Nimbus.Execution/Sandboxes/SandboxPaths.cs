// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// How the environment looks from inside a sandbox: where the runtime finds its code, runtime directory and /tmp,
/// and where it reaches Nimbus's API (null: the server's own address, for sandboxes that share its network).
/// </summary>
public sealed record SandboxPaths(string TaskRoot, string RuntimeDirectory, string TempDirectory, string? PlatformEndpoint = null);
