// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Server.Interop;

/// <summary>
/// The libc calls behind the data directory's lock. .NET's own file locking (FileShare) cannot be used: it also
/// takes a shared lock to read a file, so a second server could not read the holder's pid from the lock file.
/// </summary>
internal static partial class Libc
{
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OCloExec = 0x80000;

    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;

    public const int EWouldBlock = 11;

    private const string LibraryName = "libc";

    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(SafeFileHandle fd, int operation);

    [LibraryImport(LibraryName, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(SafeFileHandle fd, long length);
}
