// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Nimbus.Storage.Tests.Code;

/// <summary>Builds zips in memory, including broken and hostile ones.</summary>
internal static class TestZips
{
    /// <summary>The signature of a central directory file header, "PK\x01\x02".</summary>
    private const uint CentralHeaderSignature = 0x02014b50;

    public static byte[] Create(params (string Name, string Content)[] entries) =>
        Create(entries.Select(e => new TestZipEntry(e.Name, Encoding.UTF8.GetBytes(e.Content))).ToArray());

    public static byte[] Create(params TestZipEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                var zipEntry = archive.CreateEntry(entry.Name, entry.Level);
                if (entry.UnixMode is { } mode)
                {
                    // st_mode in the high 16 bits: a regular file (S_IFREG) with these permissions.
                    zipEntry.ExternalAttributes = (0x8000 | mode) << 16;
                }

                using var stream = zipEntry.Open();
                stream.Write(entry.Content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Rewrites the uncompressed sizes that the central directory declares, in entry order: a cheap way to
    /// make a small zip claim a large unzipped size.
    /// </summary>
    public static byte[] WithDeclaredSizes(byte[] zip, params uint[] sizes)
    {
        var patched = (byte[])zip.Clone();
        var index = 0;
        for (var offset = 0; offset + 46 <= patched.Length && index < sizes.Length; offset++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(offset)) == CentralHeaderSignature)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(offset + 24), sizes[index++]);
            }
        }

        Assert.Equal(sizes.Length, index);
        return patched;
    }

    /// <summary>Flips the first byte of <paramref name="content"/> where it is stored in the zip.</summary>
    public static byte[] WithCorruptedContent(byte[] zip, byte[] content)
    {
        var patched = (byte[])zip.Clone();
        var offset = patched.AsSpan().IndexOf(content);
        Assert.True(offset >= 0, "The content is not stored uncompressed in the zip.");
        patched[offset] ^= 0xFF;
        return patched;
    }
}
