// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>How a helper run by <see cref="RuncCommand"/> ended.</summary>
internal sealed record RuncCommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
