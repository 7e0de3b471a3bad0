// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>What one finished invocation reports to <see cref="IMetricsRecorder.InvocationEnded"/>.</summary>
/// <param name="DurationMilliseconds">The function's run time (AWS's Duration: init excluded).</param>
/// <param name="Error">A function error (AWS's Errors: the function's own, a timeout, a crash).</param>
/// <param name="Provisioned">It ran on a provisioned-concurrency environment.</param>
/// <param name="UnreservedInFlight">Invocations on the account's unreserved pool at its end, or -1 when unknown.</param>
/// <param name="ProvisionedConfigured">Environments provisioned for the version it ran, 0 when none: for Utilization and Spillover.</param>
/// <param name="ColdStart">It started a new environment (a Prometheus counter; AWS has no such metric).</param>
public readonly record struct InvocationFigures(double DurationMilliseconds, bool Error, bool Provisioned, int UnreservedInFlight, int ProvisionedConfigured, bool ColdStart = false);
