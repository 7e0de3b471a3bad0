// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>One piece of a compiled pattern: literal text, <c>*</c>, <c>?</c>, or a policy variable
/// (<see cref="Text"/> is then the context key, <see cref="Default"/> its default value, <see cref="Slot"/> where its
/// value is held while matching).</summary>
internal readonly record struct PatternToken(PatternTokenKind Kind, string Text, string? Default = null, int Slot = 0);
