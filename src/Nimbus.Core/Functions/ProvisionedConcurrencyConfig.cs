// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// Provisioned concurrency on one published version or alias (<see cref="Qualifier"/>): how many environments
/// were asked for, how many are initialized, and AWS's status (IN_PROGRESS → READY, or FAILED with a reason).
/// </summary>
public sealed record ProvisionedConcurrencyConfig
{
    public const string InProgress = "IN_PROGRESS";
    public const string Ready = "READY";
    public const string Failed = "FAILED";

    /// <summary>AWS's StatusReason when the function's init fails in a provisioned environment.</summary>
    public const string InitFailure = "FUNCTION_ERROR_INIT_FAILURE";

    public required string FunctionName { get; init; }

    public required string Qualifier { get; init; }

    public required int Requested { get; init; }

    public int Allocated { get; init; }

    public int Available { get; init; }

    public string Status { get; init; } = InProgress;

    public string? StatusReason { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    /// <summary>A new id on every Put, so a config put again (even within the same second) is told apart.</summary>
    public string Revision { get; init; } = "";
}
