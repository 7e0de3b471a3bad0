// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>What a graceful stop of the execution layer drained (printed by the server as it exits).</summary>
/// <param name="Finished">Invocations running at the stop (or started during it) that ended with their result.</param>
/// <param name="CutShort">Invocations that were cancelled or lost their environment to the stop; their log lines are kept.</param>
/// <param name="Environments">Environments alive when the stop began, all shut down by it.</param>
public sealed record ShutdownSummary(int Finished, int CutShort, int Environments);
