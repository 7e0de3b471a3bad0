// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Invocation;

/// <summary>A changed or deleted function's warm environments go at once (extensions get SHUTDOWN, reason spindown).</summary>
public sealed partial class Invoker : IEnvironmentRetirement
{
    public void Retire(Scope scope, string functionName, bool allVersions)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{scope.Account}:{scope.Region}:{functionName}:{(allVersions ? "" : "$LATEST:")}");
        var environments = Pool.TakeIdle(prefix);
        if (environments.Count > 0)
        {
            // The API's answer does not wait for the extensions' shutdown budget.
            _ = RetireAsync(environments);
        }
    }

    private async Task RetireAsync(List<Environments.ExecutionEnvironment> environments)
    {
        // Nobody awaits this: whatever one environment's shutdown throws is logged, and the others still go.
        foreach (var (environment, failure) in await Pool.DiscardEachAsync(environments))
        {
            RetireLog.RetireFailed(_logger, failure, environment.Id);
        }
    }

    private static partial class RetireLog
    {
        [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "Shutting down environment {EnvironmentId} of a changed function failed")]
        public static partial void RetireFailed(ILogger logger, Exception exception, string environmentId);
    }
}
