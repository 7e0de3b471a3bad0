// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.Init.Telemetry;

/// <summary>
/// POSTs one batch to a subscriber's listener: one connection per batch (Connection: close), so any small HTTP
/// server an extension writes (Python's http.server answers HTTP/1.0) works. True on a 2xx answer.
/// </summary>
internal static class TelemetryPoster
{
    private const int MaxAnswer = 64 * 1024;

    /// <summary>The names that mean the sandbox itself (AWS: <c>sandbox.localdomain</c>); resolved here without DNS.</summary>
    public static bool IsSandboxHost(string host) =>
        host is "sandbox.localdomain" or "sandbox" or "localhost" || host.Equals("sandbox.localdomain", StringComparison.OrdinalIgnoreCase);

    public static async Task<bool> PostAsync(Uri destination, ReadOnlyMemory<byte> body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var address = await ResolveAsync(destination.Host, deadline.Token);
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(address, destination.Port), deadline.Token);
            var head = string.Create(
                CultureInfo.InvariantCulture,
                $"POST {destination.PathAndQuery} HTTP/1.1\r\nHost: {destination.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, deadline.Token);
            var sent = 0;
            while (sent < body.Length)
            {
                sent += await socket.SendAsync(body[sent..], SocketFlags.None, deadline.Token);
            }

            // The status line is all that matters; read until the server closes (or enough to see it).
            var answer = new byte[1024];
            var scratch = new byte[4096];
            var length = 0;
            var total = 0;
            while (true)
            {
                var target = length < answer.Length ? answer.AsMemory(length) : scratch;
                var read = await socket.ReceiveAsync(target, SocketFlags.None, deadline.Token);
                if (read == 0 || (total += read) > MaxAnswer)
                {
                    break;
                }

                length = Math.Min(length + read, answer.Length);
            }

            return Status(answer.AsSpan(0, length)) is >= 200 and < 300;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IsSandboxHost(host))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return address;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        return addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>The status code of "HTTP/1.x NNN ...", or 0.</summary>
    private static int Status(ReadOnlySpan<byte> answer)
    {
        var space = answer.IndexOf((byte)' ');
        if (space < 0 || answer.Length < space + 4)
        {
            return 0;
        }

        return int.TryParse(answer.Slice(space + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;
    }
}
