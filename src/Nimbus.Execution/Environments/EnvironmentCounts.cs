// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Environments;

/// <summary>Live execution environments by state: starting (sandbox or init), warm and idle, running an invocation.</summary>
public readonly record struct EnvironmentCounts(int Initializing, int Warm, int Busy);
