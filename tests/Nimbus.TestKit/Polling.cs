// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.TestKit;

/// <summary>Waiting for something another thread or process brings about, without a fixed sleep or a verdict on time.</summary>
public static class Polling
{
    /// <summary>
    /// Checks <paramref name="condition"/> every few milliseconds until it holds. The fail-safe (30 s unless given) only
    /// keeps a broken build from hanging: reaching it throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken, TimeSpan? failSafe = null)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(failSafe ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, guard.Token);
        }
    }
}
