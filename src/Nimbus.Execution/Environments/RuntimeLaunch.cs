// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>
/// The command that starts a runtime inside an environment, its complete environment variables, and the external
/// extensions (paths inside the sandbox) nimbus-init starts before it.
/// </summary>
internal sealed record RuntimeLaunch(string Command, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyList<KeyValuePair<string, string>> Variables)
{
    public IReadOnlyList<string> Extensions { get; init; } = [];

    public string? AccountId { get; init; }

    /// <summary>A SnapStart version's template socket: nimbus-init adopts a runtime the template forks instead of starting <see cref="Command"/>.</summary>
    public string? RestoreSocket { get; init; }

    /// <summary>
    /// A pre-initialized SnapStart spare (java, dotnet): its runtime's GET /runtime/restore/next waits until the spare
    /// is taken (<see cref="ExecutionEnvironment.BeginRestoreAsync"/>).
    /// </summary>
    public bool Spare { get; init; }

    /// <summary>
    /// The server serves the runtime's Runtime API connection itself once nimbus-init hands it over
    /// (<see cref="ExecutionOptions.DirectRuntimeApi"/>; docs/internals/invoke-path.md#direct-runtime-api).
    /// </summary>
    public bool DirectRuntimeApi { get; init; }
}
