// SPDX-License-Identifier: Apache-2.0
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Nimbus.Execution.Images;

/// <summary>
/// Applies one image layer (a tar, gzipped or not) onto a root directory as the OCI image spec says: entries replace
/// what lower layers put there, <c>.wh.&lt;name&gt;</c> removes a lower entry, <c>.wh..wh..opq</c> empties a
/// directory of what lower layers put there; directories, regular files (with their modes), symbolic links, hard
/// links and extended attributes (where the file system takes them) are made. Every path is resolved inside the root:
/// a symbolic link in a layer cannot send a later entry outside it. Device nodes and FIFOs are skipped (an
/// unprivileged sandbox could not use them).
/// </summary>
internal static partial class LayerExtractor
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Applies the layer (its media type says how it is compressed); returns the bytes of file content written.
    /// Throws InvalidDataException past <paramref name="budget"/>.
    /// </summary>
    public static async Task<long> ApplyAsync(Stream layer, string mediaType, string root, long budget, CancellationToken cancellationToken)
    {
        if (mediaType.EndsWith("zstd", StringComparison.Ordinal))
        {
            throw new InvalidDataException("zstd-compressed layers are not supported; push the image with gzip layers");
        }

        // Docker's and OCI's gzip types end in gzip; a bare descriptor (no media type) is taken as gzip, as Docker writes.
        Stream tar = mediaType.EndsWith("gzip", StringComparison.Ordinal) || mediaType.Length == 0
            ? new GZipStream(layer, CompressionMode.Decompress)
            : layer;
        await using (tar)
        {
            return await ApplyTarAsync(tar, root, budget, cancellationToken);
        }
    }

    private static async Task<long> ApplyTarAsync(Stream tar, string root, long budget, CancellationToken cancellationToken)
    {
        long written = 0;
        var created = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var relative = Normalize(entry.Name);
            if (relative is null)
            {
                continue;
            }

            var slash = relative.LastIndexOf('/');
            var parentRelative = slash < 0 ? "" : relative[..slash];
            var name = slash < 0 ? relative : relative[(slash + 1)..];
            var parent = Resolve(root, parentRelative);
            Directory.CreateDirectory(parent);
            var path = Path.Combine(parent, name);
            if (name == OpaqueWhiteout)
            {
                ClearExcept(parent, created);
                continue;
            }

            if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                Remove(Path.Combine(parent, name[WhiteoutPrefix.Length..]));
                continue;
            }

            var isDirectory = entry.EntryType == TarEntryType.Directory;
            var existing = new FileInfo(path);
            if (existing.LinkTarget is not null || (existing.Exists && !existing.Attributes.HasFlag(FileAttributes.Directory)) || (!isDirectory && Directory.Exists(path)))
            {
                Remove(path);
            }

            created.Add(path);
            var mode = (UnixFileMode)((int)entry.Mode & 0xFFF);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    File.SetUnixFileMode(path, mode);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    written += entry.Length;
                    if (written > budget)
                    {
                        throw new InvalidDataException("The image is larger than Lambda's limit of 10 GB uncompressed.");
                    }

                    await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1024 * 1024, FileOptions.Asynchronous))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(file, 1024 * 1024, cancellationToken);
                        }
                    }

                    File.SetUnixFileMode(path, mode);
                    break;
                case TarEntryType.SymbolicLink:
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    var target = ResolveEntry(root, Normalize(entry.LinkName) ?? throw new InvalidDataException($"a hard link to {entry.LinkName} leaves the image"));
                    if (Link(target, path) != 0)
                    {
                        throw new InvalidDataException($"the hard link {relative} -> {entry.LinkName} names nothing in the image");
                    }

                    break;
                default:
                    continue;
            }

            if (entry is PaxTarEntry pax)
            {
                SetAttributes(path, pax);
            }
        }

        return written;
    }

    /// <summary>A member name as a clean relative path, or null for the root itself; ".." is refused.</summary>
    private static string? Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                throw new InvalidDataException($"the layer entry {name} leaves the image");
            }

            parts.Add(part);
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>An entry's path with its parent resolved inside the root (the entry itself not followed).</summary>
    private static string ResolveEntry(string root, string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash < 0 ? Path.Combine(root, relative) : Path.Combine(Resolve(root, relative[..slash]), relative[(slash + 1)..]);
    }

    /// <summary>Resolves a directory path as the container would see it: symbolic links followed, never above the root.</summary>
    private static string Resolve(string root, string relative)
    {
        var pending = new Stack<string>();
        PushReversed(pending, relative);
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = Path.Combine(root, string.Join('/', resolved), part);
            if (new FileInfo(candidate).LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    throw new InvalidDataException($"too many levels of symbolic links under {relative}");
                }

                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                PushReversed(pending, target);
                continue;
            }

            resolved.Add(part);
        }

        return resolved.Count == 0 ? root : Path.Combine(root, string.Join('/', resolved));
    }

    private static void PushReversed(Stack<string> stack, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            stack.Push(parts[i]);
        }
    }

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || (info.Exists && !info.Attributes.HasFlag(FileAttributes.Directory)))
        {
            File.Delete(path);
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>An opaque directory: what lower layers put in it goes; what this layer put there stays.</summary>
    private static void ClearExcept(string directory, HashSet<string> keep)
    {
        foreach (var child in Directory.EnumerateFileSystemEntries(directory))
        {
            if (!keep.Contains(child))
            {
                Remove(child);
            }
        }
    }

    /// <summary>PAX's SCHILY.xattr.* records, set on the entry without following it; a file system that refuses one is not an error.</summary>
    private static void SetAttributes(string path, PaxTarEntry entry)
    {
        const string Prefix = "SCHILY.xattr.";
        foreach (var (key, value) in entry.ExtendedAttributes)
        {
            if (key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                // The tar reader decodes the record's bytes as UTF-8; Latin-1 would be lossless, but values are mostly text.
                var bytes = Encoding.UTF8.GetBytes(value);
                _ = LSetXattr(path, key[Prefix.Length..], bytes, (nuint)bytes.Length, 0);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string target, string path);

    [LibraryImport("libc", EntryPoint = "lsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LSetXattr(string path, string name, byte[] value, nuint size, int flags);
}
