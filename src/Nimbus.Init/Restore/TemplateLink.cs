// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Nimbus.Init.Interop;
using Nimbus.Init.Runtime;

namespace Nimbus.Init.Restore;

/// <summary>
/// nimbus-init's connection to a SnapStart version's template (docs/cold-starts.md#snapstart): one request asks the
/// template to fork a runtime for this environment, with the runtime's environment in the body and the write ends of
/// its stdout and stderr pipes passed along (SCM_RIGHTS). The template answers <c>pid N</c> at once, later
/// <c>exit N</c> or <c>signal N</c> when that runtime ended. While the connection is open the runtime lives; when it
/// closes (nimbus-init ended) the template kills the runtime and its process group. The request also carries
/// nimbus-init's own namespaces (<see cref="_namespaces"/>, in that order after the two pipes): under runc the
/// template's child enters them, so the runtime runs in this container; a template under the process sandbox closes
/// them unused.
/// </summary>
internal sealed class TemplateLink : IDisposable
{
    /// <summary>The namespaces sent, in the order the template enters them (user first, pid last).</summary>
    private static readonly string[] _namespaces = ["user", "mnt", "net", "ipc", "uts", "cgroup", "pid"];

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[128];
    private int _length;

    private TemplateLink(Socket socket) => _socket = socket;

    /// <summary>The forked runtime's pid (its own process group and session).</summary>
    public int Pid { get; private set; }

    /// <summary>
    /// Connects, sends the request with <paramref name="stdout"/> and <paramref name="stderr"/>, and reads the forked
    /// runtime's pid. The caller closes its copies of the two descriptors.
    /// </summary>
    /// <param name="socketPath">The template's socket.</param>
    /// <param name="environment">The runtime's environment; empty with <paramref name="environmentPipe"/>.</param>
    /// <param name="stdout">The write end of the runtime's stdout pipe.</param>
    /// <param name="stderr">The write end of the runtime's stderr pipe.</param>
    /// <param name="environmentPipe">
    /// Under runc, a pipe's read end sent along: the runtime is forked, enters this container and locks itself down
    /// now, and waits for its environment there (<see cref="Runtime.RuntimeProcess.Prefork"/>); -1 for none.
    /// </param>
    public static TemplateLink Connect(string socketPath, IReadOnlyList<string> environment, int stdout, int stderr, int environmentPipe = -1)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var link = new TemplateLink(socket);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            var request = Request(environment);
            var sent = SendWithDescriptors(socket, request, stdout, stderr, environmentPipe);

            while (sent < request.Length)
            {
                sent += socket.Send(request.AsSpan(sent));
            }

            var answer = link.ReadLine() ?? throw new RuntimeStartException("the SnapStart template closed the connection", 126);
            if (!answer.StartsWith("pid ", StringComparison.Ordinal) || !int.TryParse(answer.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new RuntimeStartException($"the SnapStart template answered '{answer}'", 126);
            }

            link.Pid = pid;
            return link;
        }
        catch (SocketException e)
        {
            link.Dispose();
            throw new RuntimeStartException($"the SnapStart template is not reachable: {e.Message}", 126);
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>How the forked runtime ended, as the template reports it; exit status 1 when the template went first.</summary>
    public async Task<RuntimeExit> ExitAsync()
    {
        while (true)
        {
            var line = ReadBufferedLine();
            if (line is not null)
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return parts[0] == "signal" ? new RuntimeExit(null, number) : new RuntimeExit(number, null);
                }

                continue;
            }

            int read;
            try
            {
                read = await _socket.ReceiveAsync(_buffer.AsMemory(_length), SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                read = 0;
            }

            if (read <= 0 || (_length += read) == _buffer.Length)
            {
                // The template (or nimbus-init's end of the link) went away: the forked runtime dies with it.
                return new RuntimeExit(1, null);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>The environment's entries, each NUL-terminated, after a little-endian length.</summary>
    public static byte[] Request(IReadOnlyList<string> environment)
    {
        var body = new StringBuilder();
        foreach (var entry in environment)
        {
            body.Append(entry).Append('\0');
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        var request = new byte[bytes.Length + 4];
        BinaryPrimitives.WriteInt32LittleEndian(request, bytes.Length);
        bytes.CopyTo(request, 4);
        return request;
    }

    /// <summary>
    /// One sendmsg(2) with the two descriptors and this process's namespaces as SCM_RIGHTS; the number of bytes of the
    /// request it sent.
    /// </summary>
    private static unsafe int SendWithDescriptors(Socket socket, byte[] request, int stdout, int stderr, int environmentPipe)
    {
        // stdout, stderr, _namespaces, then the environment pipe if any.
        var count = environmentPipe >= 0 ? 10 : 9;
        var payload = count * sizeof(int);
        var control = stackalloc byte[Libc.CmsgHeaderSize + (10 * sizeof(int))];
        *(nuint*)control = (nuint)(Libc.CmsgHeaderSize + payload);
        *(int*)(control + 8) = Libc.SolSocket;
        *(int*)(control + 12) = Libc.ScmRights;
        var fds = (int*)(control + Libc.CmsgHeaderSize);
        fds[0] = stdout;
        fds[1] = stderr;
        fds[9] = environmentPipe;
        var opened = 0;
        try
        {
            for (; opened < _namespaces.Length; opened++)
            {
                var fd = Libc.Open("/proc/self/ns/" + _namespaces[opened], Libc.ORdOnly | Libc.OCloExec);
                if (fd < 0)
                {
                    throw new RuntimeStartException($"cannot open this environment's {_namespaces[opened]} namespace: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}", 126);
                }

                fds[2 + opened] = fd;
            }

            fixed (byte* data = request)
            {
                var vector = new IoVec { Base = data, Length = (nuint)request.Length };
                var message = new MsgHdr { Iov = &vector, IovLength = 1, Control = control, ControlLength = (nuint)(Libc.CmsgHeaderSize + payload) };
                while (true)
                {
                    var sent = Libc.SendMsg((int)socket.Handle, &message, Libc.MsgNoSignal);
                    if (sent >= 0)
                    {
                        return (int)sent;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Libc.EINTR)
                    {
                        throw new RuntimeStartException($"cannot send to the SnapStart template: {Marshal.GetPInvokeErrorMessage(errno)}", 126);
                    }
                }
            }
        }
        finally
        {
            // The template holds its own copies once sent; nimbus-init never needs them.
            for (var i = 0; i < opened; i++)
            {
                _ = Libc.Close(fds[2 + i]);
            }
        }
    }

    /// <summary>Reads (blocking) until a whole line is buffered; null at end of file.</summary>
    private string? ReadLine()
    {
        while (true)
        {
            if (ReadBufferedLine() is { } line)
            {
                return line;
            }

            if (_length == _buffer.Length)
            {
                return null;
            }

            var read = _socket.Receive(_buffer.AsSpan(_length));
            if (read <= 0)
            {
                return null;
            }

            _length += read;
        }
    }

    private string? ReadBufferedLine()
    {
        var end = Array.IndexOf(_buffer, (byte)'\n', 0, _length);
        if (end < 0)
        {
            return null;
        }

        var line = Encoding.ASCII.GetString(_buffer, 0, end);
        _buffer.AsSpan(end + 1, _length - end - 1).CopyTo(_buffer);
        _length -= end + 1;
        return line;
    }
}
