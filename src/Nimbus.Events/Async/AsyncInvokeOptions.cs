// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Events.Async;

/// <summary>How asynchronous invocations are retried (AWS: 2 retries, about 1 and 2 minutes apart; 6 hours' maximum age).</summary>
public sealed class AsyncInvokeOptions
{
    /// <summary>Retries after the first attempt fails (AWS's default MaximumRetryAttempts).</summary>
    public int MaximumRetryAttempts { get; set; } = 2;

    /// <summary>Delay before each retry, in order; the last one repeats.</summary>
    public IList<TimeSpan> RetryDelays { get; } = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)];

    /// <summary>Events older than this are dropped (AWS's default MaximumEventAgeInSeconds, 21,600).</summary>
    public TimeSpan MaximumEventAge { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many asynchronous invocations run at once.</summary>
    public int Concurrency { get; set; } = 16;
}
