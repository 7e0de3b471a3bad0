// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Init.Interop;

/// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings in native memory (argv, envp).</summary>
internal sealed unsafe class NativeStringArray : IDisposable
{
    private readonly int _count;

    public NativeStringArray(IReadOnlyList<string> values)
    {
        _count = values.Count;
        Pointer = (byte**)NativeMemory.AllocZeroed((nuint)(_count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < _count; i++)
        {
            Pointer[i] = (byte*)Marshal.StringToCoTaskMemUTF8(values[i]);
        }
    }

    public byte** Pointer { get; }

    public void Dispose()
    {
        for (var i = 0; i < _count; i++)
        {
            Marshal.FreeCoTaskMem((nint)Pointer[i]);
        }

        NativeMemory.Free(Pointer);
    }
}
