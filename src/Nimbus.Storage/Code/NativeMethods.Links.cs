// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Storage.Code;

internal static partial class NativeMethods
{
    /// <summary>link(2): .NET has symbolic links but no hard links.</summary>
    [LibraryImport(Libc, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Link(string existingPath, string newPath);
}
