// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// How asynchronous invocations of one qualifier ($LATEST, a version or an alias) are handled: retries, maximum
/// event age, and where the outcome goes (a destination ARN for success and one for failure). Unset values take
/// AWS's defaults (2 retries, 6 hours).
/// </summary>
public sealed record EventInvokeConfig
{
    public const int DefaultMaximumRetryAttempts = 2;
    public const int DefaultMaximumEventAgeInSeconds = 21_600;

    public required string FunctionName { get; init; }

    public required string Qualifier { get; init; }

    public int? MaximumRetryAttempts { get; init; }

    public int? MaximumEventAgeInSeconds { get; init; }

    public string? OnSuccess { get; init; }

    public string? OnFailure { get; init; }

    public required DateTimeOffset LastModified { get; init; }
}
