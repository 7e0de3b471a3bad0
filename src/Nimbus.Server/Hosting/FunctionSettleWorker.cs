// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;

namespace Nimbus.Server.Hosting;

/// <summary>Settles created and updated functions in the background (Pending → Active, InProgress → Successful).</summary>
internal sealed partial class FunctionSettleWorker(FunctionService functions, ILogger<FunctionSettleWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var key in functions.Settling.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await functions.SettleAsync(key, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The function stays unsettled and is retried at the next start; log and go on with the others.
                    Log.SettleFailed(logger, ex, key.Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Could not settle function {FunctionName}")]
        public static partial void SettleFailed(ILogger logger, Exception exception, string functionName);
    }
}
