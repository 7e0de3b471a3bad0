// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nimbus.Init.Interop;

namespace Nimbus.Execution.Sandboxes.Network;

/// <summary>
/// Makes a sandbox's network interface: tap0 in the sandbox's network namespace (10.0.2.100/24, MTU 65520, up, the
/// default route through 10.0.2.2) and its loopback up, as <c>slirp4netns --configure</c> does; the descriptor that
/// carries tap0's frames is returned to this (the host's) side. The work runs on a thread of its own that enters the
/// namespace (setns applies to the calling thread only) and ends there, so no thread of the server is ever left in a
/// sandbox's namespace.
/// </summary>
internal static unsafe partial class TapDevice
{
    public const string Name = "tap0";

    private const int CloneNewNet = 0x40000000;
    private const int ORdWr = 2;
    private const int AfInet = 2;
    private const int SockDgram = 2;
    private const short IffUp = 0x1;
    private const short IffTap = 0x0002;
    private const short IffNoPi = 0x1000;
    private const ushort RtfUp = 0x1;
    private const ushort RtfGateway = 0x2;
    private const nuint TunSetIff = 0x400454ca;
    private const nuint SiocAddRt = 0x890B;
    private const nuint SiocGIfFlags = 0x8913;
    private const nuint SiocSIfFlags = 0x8914;
    private const nuint SiocSIfAddr = 0x8916;
    private const nuint SiocSIfNetmask = 0x891c;
    private const nuint SiocSIfMtu = 0x8922;

    /// <summary>struct ifreq: a 16-byte name, then a 24-byte union (a sockaddr, the flags, the MTU).</summary>
    private const int IfReqSize = 40;

    /// <summary>struct rtentry on LP64: rt_dst at 8, rt_gateway at 24, rt_genmask at 40, rt_flags at 56; 120 bytes.</summary>
    private const int RtEntrySize = 120;

    public const int Mtu = 65520;

    /// <summary>10.0.2.100, 255.255.255.0 and 10.0.2.2 as they sit in memory (network order).</summary>
    private static ReadOnlySpan<byte> Address => [10, 0, 2, 100];

    private static ReadOnlySpan<byte> Netmask => [255, 255, 255, 0];

    private static ReadOnlySpan<byte> Gateway => [10, 0, 2, 2];

    /// <summary>Makes tap0 in the network namespace at <paramref name="namespacePath"/> (e.g. /proc/PID/ns/net).</summary>
    public static Task<SafeFileHandle> CreateAsync(string namespacePath)
    {
        // The continuation must not run on the thread that entered the namespace.
        var made = new TaskCompletionSource<SafeFileHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    made.SetResult(CreateHere(namespacePath));
                }
                catch (Exception e)
                {
                    made.SetException(e);
                }
            },
            maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "nimbus tap",
        };
        thread.Start();
        return made.Task;
    }

    private static SafeFileHandle CreateHere(string namespacePath)
    {
        var ns = Open(namespacePath, Libc.ORdOnly | Libc.OCloExec);
        if (ns < 0)
        {
            throw Failure($"open {namespacePath}");
        }

        try
        {
            if (Setns(ns, CloneNewNet) != 0)
            {
                throw Failure("setns into the sandbox's network namespace");
            }
        }
        finally
        {
            _ = Libc.Close(ns);
        }

        var tun = Open("/dev/net/tun", ORdWr | Libc.OCloExec);
        if (tun < 0)
        {
            throw Failure("open /dev/net/tun");
        }

        var handle = new SafeFileHandle(tun, ownsHandle: true);
        try
        {
            var request = stackalloc byte[IfReqSize];
            Request(request, Name);
            *(short*)(request + 16) = IffTap | IffNoPi;
            Check(Ioctl(tun, TunSetIff, request), "TUNSETIFF");
            Configure();
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void Configure()
    {
        var socket = Socket(AfInet, SockDgram | Libc.OCloExec, 0);
        if (socket < 0)
        {
            throw Failure("socket");
        }

        try
        {
            var request = stackalloc byte[IfReqSize];
            Up(socket, request, "lo");

            Request(request, Name);
            *(int*)(request + 16) = Mtu;
            Check(Ioctl(socket, SiocSIfMtu, request), "SIOCSIFMTU");

            Request(request, Name);
            Inet(request + 16, Address);
            Check(Ioctl(socket, SiocSIfAddr, request), "SIOCSIFADDR");

            Request(request, Name);
            Inet(request + 16, Netmask);
            Check(Ioctl(socket, SiocSIfNetmask, request), "SIOCSIFNETMASK");

            Up(socket, request, Name);

            // The default route: destination and mask 0.0.0.0, through the gateway; the kernel finds tap0 by it.
            var route = stackalloc byte[RtEntrySize];
            new Span<byte>(route, RtEntrySize).Clear();
            Inet(route + 8, [0, 0, 0, 0]);
            Inet(route + 24, Gateway);
            Inet(route + 40, [0, 0, 0, 0]);
            *(ushort*)(route + 56) = RtfUp | RtfGateway;
            Check(Ioctl(socket, SiocAddRt, route), "SIOCADDRT");
        }
        finally
        {
            _ = Libc.Close(socket);
        }
    }

    private static void Up(int socket, byte* request, string name)
    {
        Request(request, name);
        Check(Ioctl(socket, SiocGIfFlags, request), "SIOCGIFFLAGS " + name);
        *(short*)(request + 16) |= IffUp;
        Check(Ioctl(socket, SiocSIfFlags, request), "SIOCSIFFLAGS " + name);
    }

    /// <summary>A cleared ifreq naming <paramref name="name"/> (ASCII, under 16 bytes).</summary>
    private static void Request(byte* request, string name)
    {
        new Span<byte>(request, IfReqSize).Clear();
        for (var i = 0; i < name.Length; i++)
        {
            request[i] = (byte)name[i];
        }
    }

    /// <summary>A struct sockaddr_in at <paramref name="at"/>: AF_INET, port 0, the address.</summary>
    private static void Inet(byte* at, ReadOnlySpan<byte> address)
    {
        *(ushort*)at = AfInet;
        address.CopyTo(new Span<byte>(at + 4, 4));
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw Failure(what);
        }
    }

    private static SandboxStartException Failure(string what) =>
        new($"the sandbox's network ({what}): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int Setns(int fd, int type);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);
}
