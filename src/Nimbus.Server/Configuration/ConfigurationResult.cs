// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Server.Configuration;

/// <summary>
/// The settings from every source, later sources winning, or the operator's mistakes (one line each, naming the
/// setting, the value, where it came from and what is allowed).
/// </summary>
/// <param name="Options">The settings; meaningful only when <paramref name="Errors"/> is empty.</param>
/// <param name="Values">The winning value of each setting given by any source, by setting name.</param>
/// <param name="Errors">Every mistake found, in source order.</param>
internal sealed record ConfigurationResult(NimbusOptions Options, IReadOnlyDictionary<string, string?> Values, IReadOnlyList<string> Errors);
