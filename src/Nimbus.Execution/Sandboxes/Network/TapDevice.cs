// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes.Network;

/// <summary>
/// Makes a sandbox's network interface, tap0, through libnimbus-tap (<c>Network/nimbus-tap.c</c>, built beside
/// nimbus-net): in C, on a thread of its own, because the namespace a thread enters is inherited by every thread
/// created from it, and a .NET thread may create threads at any moment.
/// </summary>
internal sealed unsafe class TapDevice
{
    /// <summary>The library beside nimbus-net.</summary>
    public const string LibraryName = "libnimbus-tap.so";

    private const int ErrorSize = 256;

    private readonly delegate* unmanaged<int, int, byte*, nuint, int> _create;

    private TapDevice(delegate* unmanaged<int, int, byte*, nuint, int> create) => _create = create;

    /// <summary>Loads the library at <paramref name="path"/> (once per server: it stays loaded).</summary>
    /// <exception cref="SandboxStartException">It cannot be loaded.</exception>
    public static TapDevice Load(string path)
    {
        try
        {
            var library = NativeLibrary.Load(path);
            return new TapDevice((delegate* unmanaged<int, int, byte*, nuint, int>)NativeLibrary.GetExport(library, "nimbus_tap_create"));
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new SandboxStartException($"the sandboxes' network: {path} cannot be loaded ({e.Message})");
        }
    }

    /// <summary>tap0, made in the network namespace of the process <paramref name="process"/> refers to (a pidfd).</summary>
    public SafeFileHandle Create(SafeHandle process, int pid)
    {
        var error = stackalloc byte[ErrorSize];
        var held = false;
        try
        {
            process.DangerousAddRef(ref held);
            var fd = _create((int)process.DangerousGetHandle(), pid, error, ErrorSize);
            if (fd < 0)
            {
                throw new SandboxStartException($"the sandbox's network: {Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(error))}");
            }

            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            if (held)
            {
                process.DangerousRelease();
            }
        }
    }
}
