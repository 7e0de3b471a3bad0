// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Storage;

/// <summary>What <see cref="IConcurrencyStore.TryReserveConcurrencyAsync"/> did.</summary>
public enum ReservationOutcome
{
    Reserved,
    FunctionNotFound,
    ExceedsAccountLimit,
}
