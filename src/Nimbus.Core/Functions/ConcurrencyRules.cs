// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// AWS's rules for reserved concurrency: reservations are carved out of the account's concurrency limit, and at
/// least 100 executions stay unreserved for the functions without one. Accounts whose limit is below 100 (new AWS
/// accounts get 10 or 50) keep their whole limit unreserved: AWS then names that limit as the minimum
/// ("... below its minimum value of [10].").
/// </summary>
public static class ConcurrencyRules
{
    /// <summary>The unreserved minimum of an account at AWS's ordinary limits.</summary>
    public const int MinimumUnreserved = 100;

    /// <summary>How many executions must stay unreserved under <paramref name="accountLimit"/>.</summary>
    public static int MinimumUnreservedFor(int accountLimit) => Math.Min(MinimumUnreserved, accountLimit);

    /// <summary>The most all reservations of one account and region may add up to.</summary>
    public static int MaxTotalReserved(int accountLimit) => accountLimit - MinimumUnreservedFor(accountLimit);
}
