// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;

namespace Nimbus.Storage.Code;

/// <summary>
/// Extracts a deployment package safely: no entry may land outside the target directory (zip slip), every entry
/// must decompress to exactly its declared size and CRC-32 (.NET's reader checks neither), and Unix permission
/// bits travel with the files so that a <c>bootstrap</c> stays executable.
/// </summary>
internal static class ZipExtractor
{
    private const int BufferSize = 81920;

    private const UnixFileMode WriteBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    // rw-r--r--: what Info-ZIP gives a file whose zip carries no Unix attributes (e.g. made on Windows).
    private const UnixFileMode DefaultFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // rwxr-xr-x, whatever the umask: the function may run as another user in its container.
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Extracts every entry of <paramref name="zipPath"/> into the existing, empty <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">An entry is corrupt, unsupported or outside the directory.</exception>
    public static void Extract(string zipPath, string directory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        var rootPrefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var archive = ZipFile.OpenRead(zipPath);
            foreach (var entry in archive.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var target = ResolveTarget(entry, root, rootPrefix);
                if (target is null)
                {
                    continue;
                }

                if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                {
                    Directory.CreateDirectory(target);
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target) ?? root);
                ExtractFile(entry, target, buffer);
            }
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            // An unsupported compression method or encryption, or a name that is no valid path.
            throw new InvalidDataException($"Could not extract {zipPath}: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, DirectoryMode);
            foreach (var sub in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(sub, DirectoryMode);
            }
        }
    }

    /// <summary>The full path of an entry, or null for the root itself; throws when it escapes the root.</summary>
    private static string? ResolveTarget(ZipArchiveEntry entry, string root, string rootPrefix)
    {
        // Zips made on Windows may separate with '\'; Info-ZIP reads it as '/' too.
        var name = entry.FullName.Replace('\\', '/');
        var target = Path.GetFullPath(Path.Combine(rootPrefix, name));
        if (string.Equals(target, root, StringComparison.Ordinal) || string.Equals(target, rootPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        if (!target.StartsWith(rootPrefix, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The zip entry '{entry.FullName}' points outside the package directory.");
        }

        return target;
    }

    private static void ExtractFile(ZipArchiveEntry entry, string target, byte[] buffer)
    {
        // A later entry of the same name replaces the earlier one, as with unzip -o; it is read-only by now.
        File.Delete(target);

        var crc = new Crc32();
        long total = 0;
        using (var source = entry.Open())
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > entry.Length)
                {
                    throw new InvalidDataException($"The zip entry '{entry.FullName}' is larger than its declared {entry.Length} bytes.");
                }

                crc.Append(buffer.AsSpan(0, read));
                output.Write(buffer, 0, read);
            }
        }

        if (total != entry.Length)
        {
            throw new InvalidDataException($"The zip entry '{entry.FullName}' is shorter than its declared {entry.Length} bytes.");
        }

        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
        {
            throw new InvalidDataException($"The zip entry '{entry.FullName}' is corrupt: its CRC-32 does not match.");
        }

        if (!OperatingSystem.IsWindows())
        {
            // The high 16 bits of the external attributes hold st_mode when the zip was made on Unix. Keep the
            // permission bits (not setuid/setgid/sticky) and drop write: a package is immutable once unpacked.
            var permissions = (UnixFileMode)((entry.ExternalAttributes >> 16) & 0x1FF);
            var mode = permissions == UnixFileMode.None ? DefaultFileMode : permissions;
            File.SetUnixFileMode(target, mode & ~WriteBits);
        }
    }
}
