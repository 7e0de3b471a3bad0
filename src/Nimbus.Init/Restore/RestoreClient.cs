// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Init.Restore;

/// <summary>
/// <c>nimbus-init --restore SOCKET</c>: the "runtime" nimbus-init starts for an environment of a SnapStart version
/// (docs/cold-starts.md#snapstart). It asks the version's template (the initialized interpreter listening on SOCKET)
/// to fork a runtime for this environment, which takes over this process's stdout and stderr (the pipes nimbus-init
/// reads) and this environment's variables, then stands in for it: it exits as the forked runtime exits, and when it
/// is killed the template kills the forked runtime. So nimbus-init itself runs unchanged.
/// </summary>
internal static class RestoreClient
{
    public const string Argument = "--restore";

    public static int Run(string socketPath)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(Request());

            // One answer: "exit N" or "signal N" when the forked runtime ended; nothing (EOF) when the template went.
            var answer = new byte[64];
            var length = 0;
            int read;
            while (length < answer.Length && (read = socket.Receive(answer.AsSpan(length))) > 0)
            {
                length += read;
            }

            return Exit(Encoding.ASCII.GetString(answer, 0, length));
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"nimbus-init: the SnapStart template is not reachable: {e.Message}");
            return 1;
        }
    }

    /// <summary>A length-prefixed request: this process's pid, then its environment, each entry NUL-terminated.</summary>
    private static byte[] Request()
    {
        var body = new StringBuilder();
        body.Append(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).Append('\0');
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            body.Append((string)entry.Key).Append('=').Append((string?)entry.Value).Append('\0');
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        var request = new byte[bytes.Length + 4];
        BinaryPrimitives.WriteInt32LittleEndian(request, bytes.Length);
        bytes.CopyTo(request, 4);
        return request;
    }

    private static int Exit(string answer)
    {
        var parts = answer.Split(' ', 2);
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (parts[0] == "signal")
            {
                // Die of the same signal, so nimbus-init reports it as the runtime's.
                Console.Out.Flush();
                _ = Interop.Libc.Kill(Environment.ProcessId, number);
                return 128 + number;
            }

            return number;
        }

        Console.Error.WriteLine("nimbus-init: the SnapStart template went away");
        return 1;
    }
}
