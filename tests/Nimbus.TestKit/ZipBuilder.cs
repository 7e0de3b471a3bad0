// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Text;

namespace Nimbus.TestKit;

/// <summary>Builds deployment packages for tests.</summary>
public static class ZipBuilder
{
    public static byte[] Create(params (string Name, string Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A Python handler that returns its event.</summary>
    public static byte[] PythonEcho(string marker = "v1") =>
        Create(("app.py", $"MARKER = '{marker}'\n\ndef handler(event, context):\n    return {{'marker': MARKER, 'event': event}}\n"));

    /// <summary>Writes a zip to a temp file and returns its path (for <c>fileb://</c>).</summary>
    public static string WriteTemp(byte[] zip)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nimbus-test-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, zip);
        return path;
    }
}
