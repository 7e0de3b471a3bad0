// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>One page of ListFunctions: the versions on it and the marker of the next page, if any.</summary>
public sealed record FunctionPage(IReadOnlyList<FunctionVersion> Functions, string? NextMarker);
