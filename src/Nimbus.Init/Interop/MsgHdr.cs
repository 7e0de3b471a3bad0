// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Init.Interop;

/// <summary>
/// struct msghdr of LP64 Linux (x64 and arm64). musl declares msg_iovlen and msg_controllen as 32-bit fields followed
/// by padding: little-endian with the padding zero, the same bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public nuint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
