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

    /// <summary>
    /// The longest wait before a throttled event is tried again when no capacity was freed meanwhile (AWS: waits grow
    /// from 1 s to at most 5 minutes). Freed capacity makes a throttled function's events due at once.
    /// </summary>
    public TimeSpan MaximumThrottleDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many asynchronous invocations run at once.</summary>
    public int Concurrency { get; set; } = 16;
}
