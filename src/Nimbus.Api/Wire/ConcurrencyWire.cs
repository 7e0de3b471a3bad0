// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>
/// The model's Concurrency shape, which PutFunctionConcurrencyRequest and GetFunctionConcurrencyResponse share:
/// one member, absent when the function has no reservation.
/// </summary>
internal sealed record ConcurrencyWire
{
    public int? ReservedConcurrentExecutions { get; init; }
}
