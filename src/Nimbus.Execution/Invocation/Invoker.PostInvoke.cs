// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Metrics;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Logs;

namespace Nimbus.Execution.Invocation;

/// <summary>
/// An invocation whose INVOKE extensions were still busy when the runtime answered: the caller has its answer, and the
/// END and REPORT lines wait for the post-invoke phase, whose time AWS counts in Duration ("there is no independent
/// post-invoke phase": AWS's extensions API page). The caller's log tail then ends with the function's output.
/// </summary>
public sealed partial class Invoker
{
    /// <summary>
    /// Hands the environment the report to write when the phase ends. Apart from RunAsync so that the closure (and the
    /// captured state) is allocated only for environments with INVOKE extensions, not on every invocation.
    /// </summary>
    private bool DeferReport(InvocationRequest request, OutcomeKind kind, long clock, TimeSpan answeredAfter, TimeSpan? initDuration, ExecutionEnvironment environment) =>
        environment.DeferReport(overran => ReportAfterPostInvoke(request, kind, clock, answeredAfter, initDuration, environment, overran));

    /// <summary>Called by the environment when the phase ends, before its next invocation may start.</summary>
    private void ReportAfterPostInvoke(InvocationRequest request, OutcomeKind kind, long clock, TimeSpan answeredAfter, TimeSpan? initDuration, ExecutionEnvironment environment, bool overran)
    {
        var duration = _time.GetElapsedTime(clock);
        _metrics?.Lambda(request.Scope, request.Function.Name, request.Qualifier, LambdaMetric.PostRuntimeExtensionsDuration, (duration - answeredAfter).TotalMilliseconds);
        var lines = environment.Output.Drain();
        var status = overran ? "timeout" : kind == OutcomeKind.FunctionError ? "error" : "success";
        AddLine(lines, PlatformLog.End(request.Function, request.RequestId.Value, _time.GetUtcNow(), status));
        AddLine(lines, Report(request, duration, initDuration, environment, overran ? "Sandbox.Timedout" : null));
        Persist(request, environment, lines);
    }
}
