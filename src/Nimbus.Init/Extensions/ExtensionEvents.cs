// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Extensions;

/// <summary>The events an extension registers for (the register body's <c>events</c>).</summary>
[Flags]
internal enum ExtensionEvents
{
    None = 0,
    Invoke = 1,
    Shutdown = 2,
}
