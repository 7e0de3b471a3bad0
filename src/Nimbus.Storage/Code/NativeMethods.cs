// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Storage.Code;

/// <summary>
/// The few libc calls .NET has no API for: a directory cannot be opened as a <c>SafeFileHandle</c>, so making a
/// rename durable (fsync of the directory) and flushing a whole unpacked tree at once (syncfs) go to libc.
/// </summary>
internal static partial class NativeMethods
{
    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fileDescriptor);

    /// <summary>Linux only: flushes the file system that holds the descriptor's file.</summary>
    [LibraryImport(Libc, EntryPoint = "syncfs", SetLastError = true)]
    internal static partial int SyncFs(int fileDescriptor);

    /// <summary>Flushes every file system (where there is no syncfs).</summary>
    [LibraryImport(Libc, EntryPoint = "sync")]
    internal static partial void Sync();

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fileDescriptor);
}
