// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Init.Interop;

/// <summary>The calls of a SnapStart environment under runc (docs/cold-starts.md#snapstart).</summary>
internal static unsafe partial class Libc
{
    public const int PrSetDumpable = 4;
    public const int RlimitNoFile = 7;

    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(LibraryName, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>setrlimit(2) with struct rlimit's two 64-bit fields (soft, hard).</summary>
    [LibraryImport(LibraryName, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRlimit(int resource, ulong* limit);
}
