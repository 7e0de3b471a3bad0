// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>One page of ListAliases.</summary>
public sealed record AliasPage(IReadOnlyList<FunctionAlias> Aliases, string? NextMarker);
