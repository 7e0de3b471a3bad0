// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench;

/// <summary>One figure against its reference and its target from issue #3.</summary>
internal sealed record Verdict(string Figure, string Measured, string Reference, string Ratio, string Target, bool Pass);
