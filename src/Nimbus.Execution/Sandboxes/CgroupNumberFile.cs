// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A cgroup file holding one number (memory.peak, memory.max_usage_in_bytes), opened once and read at offset 0 on each
/// use: cgroupfs makes the content again on every read from the start, so a held handle gives the current value
/// without the path walk, open and close a read by name costs on each invocation's REPORT.
/// </summary>
internal sealed class CgroupNumberFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private CgroupNumberFile(SafeFileHandle handle) => _handle = handle;

    /// <summary>The file opened for reading, or null when it is missing or cannot be opened (a container gone).</summary>
    public static CgroupNumberFile? Open(string path)
    {
        try
        {
            return new CgroupNumberFile(File.OpenHandle(path, FileMode.Open, FileAccess.Read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The number the file holds now, or null once it cannot be read (its cgroup removed) or holds none.</summary>
    public long? Read()
    {
        Span<byte> buffer = stackalloc byte[32];
        int length;
        try
        {
            length = RandomAccess.Read(_handle, buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return null;
        }

        var text = buffer[..length].TrimEnd((byte)'\n');
        return text.Length > 0 && Utf8Parser.TryParse(text, out long value, out var consumed) && consumed == text.Length && value >= 0 ? value : null;
    }

    public void Dispose() => _handle.Dispose();
}
