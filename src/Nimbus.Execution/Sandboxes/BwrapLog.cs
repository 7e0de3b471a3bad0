// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Nimbus.Execution.Sandboxes;

/// <summary>Log messages of the bwrap backend (event ids 3500–3599).</summary>
internal static partial class BwrapLog
{
    [LoggerMessage(EventId = 3500, Level = LogLevel.Debug, Message = "Environment {EnvironmentId}: bwrap started as pid {Pid} ({Network})")]
    public static partial void Started(ILogger logger, string environmentId, int pid, string network);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Environment {EnvironmentId}: {Line}")]
    public static partial void Output(ILogger logger, string environmentId, string line);
}
