// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Init.Interop;

/// <summary>struct pollfd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short REvents;
}
