// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

internal enum PatternTokenKind
{
    Literal,
    Star,
    Question,
    Variable,
}
