// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench.Fuzz;

/// <summary>What one fuzz request got: a status code, or none because the connection dropped or hung.</summary>
/// <param name="Status">The response's status code; 0 when there was none.</param>
/// <param name="Failure">"dropped" or "timed out" when there was no response, else null.</param>
/// <param name="Head">The start of the response, for 5xx reports.</param>
internal sealed record FuzzOutcome(int Status, string? Failure, string Head);
