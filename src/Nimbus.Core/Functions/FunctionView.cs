// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// A function as a read names it: the stored record, the qualifier the caller gave (none, <c>$LATEST</c>, a version
/// number or an alias) and the version it selects (for an alias, the version the alias points to).
/// </summary>
public sealed record FunctionView(FunctionRecord Record, FunctionVersion Version, string? Qualifier);
