// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using System.Text;

namespace Nimbus.Bench;

/// <summary>The no-op handlers the figures invoke, as deployment zips built in memory.</summary>
internal static class FunctionCode
{
    public const string Python = "python3.11";
    public const string Node = "nodejs20.x";

    /// <summary>The runtime's no-op zip and handler. <paramref name="marker"/> goes into a comment so that each
    /// function can have code of its own (no code-store or bytecode cache shared with an earlier function).</summary>
    public static (byte[] Zip, string Handler) NoOp(string runtime, string marker) => runtime switch
    {
        Python => (Zip("app.py", $"# {marker}\ndef handler(event, context):\n    return None\n"), "app.handler"),
        Node => (Zip("index.js", $"// {marker}\nexports.handler = async () => null;\n"), "index.handler"),
        _ => throw new ArgumentOutOfRangeException(nameof(runtime), runtime, "no no-op handler for this runtime"),
    };

    /// <summary>A zip of files with their Unix modes (an extension must be executable).</summary>
    /// <summary>One binary file (e.g. an executable) in a zip, with its mode.</summary>
    public static byte[] Zip(string name, byte[] content, int mode)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(name);
            entry.ExternalAttributes = (mode | 0x8000) << 16;
            using var stream = entry.Open();
            stream.Write(content);
        }

        return buffer.ToArray();
    }

    public static byte[] Zip(params (string Name, string Content, int Mode)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, mode) in files)
            {
                var entry = zip.CreateEntry(name);
                entry.ExternalAttributes = (mode | 0x8000) << 16;
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Zip(string name, string content)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(name);
            using var stream = entry.Open();
            stream.Write(Encoding.UTF8.GetBytes(content));
        }

        return buffer.ToArray();
    }
}
