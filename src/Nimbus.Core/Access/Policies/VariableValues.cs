// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;

namespace Nimbus.Core.Access.Policies;

/// <summary>The values of one pattern's policy variables while it is matched, on the stack. A pattern with more
/// variables than this holds treats the extra ones as unresolvable (a 6,144-character policy has no use for more).</summary>
[InlineArray(Capacity)]
internal struct VariableValues
{
    public const int Capacity = 8;

    private string _first;
}
