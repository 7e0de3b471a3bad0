// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Nimbus.Init.Interop;

namespace Nimbus.Execution.Sandboxes.Network;

/// <summary>One nimbus-net process and the server's end of its control socket.</summary>
internal sealed class NetworkProcess : IDisposable
{
    private const int SockSeqPacket = 5;
    private const int MsgDontWait = 0x40;
    private const short PollOut = 0x004;
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    private const int MessageLength = 9;

    private readonly SpawnedProcess _process;
    private readonly SafeFileHandle _control;

    private NetworkProcess(SpawnedProcess process, SafeFileHandle control, Task output)
    {
        _process = process;
        _control = control;
        Output = output;
    }

    /// <summary>Completes when the helper's output ends: it has exited.</summary>
    public Task Output { get; }

    /// <summary>Set once its end was seen; guarded by the owner's lock.</summary>
    public bool Ended { get; set; }

    /// <param name="launcher">A command to run nimbus-net with (its path is the last argument), or none.</param>
    public static NetworkProcess Start(string executable, IReadOnlyList<string> launcher, ILogger logger)
    {
        var (control, child) = SpawnedProcess.SocketPair(SockSeqPacket);
        using var childEnd = child;
        var (outputRead, outputWrite) = SpawnedProcess.Pipe();
        SpawnedProcess process;
        using (outputWrite)
        {
            try
            {
                process = SpawnedProcess.Start(
                    launcher.Count > 0 ? launcher[0] : executable,
                    launcher.Count > 0 ? [.. launcher.Skip(1), executable] : [],
                    [],
                    [((int)child.DangerousGetHandle(), 0), ((int)outputWrite.DangerousGetHandle(), 1), ((int)outputWrite.DangerousGetHandle(), 2)]);
            }
            catch
            {
                control.Dispose();
                outputRead.Dispose();
                throw;
            }
        }

        var output = PipeLines.ForwardAsync(SpawnedProcess.Reader(outputRead), line => RuncLog.SharedNetworkOutput(logger, line));
        return new NetworkProcess(process, control, output);
    }

    /// <summary>One control message ('A' with the tap, or 'R'); an IOException when the helper is gone.</summary>
    public void Send(char operation, ulong id, SafeFileHandle? tap)
    {
        Span<byte> message = stackalloc byte[MessageLength];
        message[0] = (byte)operation;
        BinaryPrimitives.WriteUInt64LittleEndian(message[1..], id);
        Send(message, tap);
    }

    /// <summary>One datagram on the control socket, with <paramref name="descriptor"/> as SCM_RIGHTS if any.</summary>
    public unsafe void Send(ReadOnlySpan<byte> message, SafeFileHandle? descriptor)
    {
        var control = stackalloc byte[Libc.CmsgHeaderSize + 8];
        var descriptorHeld = false;
        var controlHeld = false;
        try
        {
            fixed (byte* data = message)
            {
                var vector = new IoVec { Base = data, Length = (nuint)message.Length };
                var header = new MsgHdr { Iov = &vector, IovLength = 1 };
                if (descriptor is not null)
                {
                    descriptor.DangerousAddRef(ref descriptorHeld);
                    *(nuint*)control = (nuint)(Libc.CmsgHeaderSize + sizeof(int));
                    *(int*)(control + 8) = Libc.SolSocket;
                    *(int*)(control + 12) = Libc.ScmRights;
                    *(int*)(control + Libc.CmsgHeaderSize) = (int)descriptor.DangerousGetHandle();
                    header.Control = control;
                    header.ControlLength = Libc.CmsgHeaderSize + 8;
                }

                _control.DangerousAddRef(ref controlHeld);
                var fd = (int)_control.DangerousGetHandle();
                var timedOut = false;
                while (true)
                {
                    var sent = Libc.SendMsg(fd, &header, Libc.MsgNoSignal | MsgDontWait);
                    var error = Marshal.GetLastPInvokeError();
                    if (sent == message.Length)
                    {
                        break;
                    }

                    // The socket holds a few hundred messages (its send buffer): a burst of starts (or a restart's
                    // every tap) waits for nimbus-net to take them; one that takes none in 5 s is taken for dead.
                    if (sent < 0 && error == Libc.EAGAIN && !timedOut)
                    {
                        var poll = new PollFd { Fd = fd, Events = PollOut };
                        while (Libc.Poll(&poll, 1, (int)SendTimeout.TotalMilliseconds) < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
                        {
                        }

                        timedOut = (poll.REvents & PollOut) == 0;
                        continue;
                    }

                    if (sent < 0 && error == Libc.EINTR)
                    {
                        continue;
                    }

                    throw new IOException($"nimbus-net's control socket: {(sent < 0 ? Marshal.GetPInvokeErrorMessage(error) : "a short send")}");
                }
            }
        }
        catch (ObjectDisposedException e)
        {
            throw new IOException("nimbus-net's control socket is closed", e);
        }
        finally
        {
            if (controlHeld)
            {
                _control.DangerousRelease();
            }

            if (descriptorHeld)
            {
                descriptor!.DangerousRelease();
            }
        }
    }

    /// <summary>The helper's pid.</summary>
    public int ProcessId => _process.Pid;

    /// <summary>How it ended, for the log: its status as a shell shows it (128 + a signal).</summary>
    public string ExitDescription() =>
        _process.TryReap() ? "status " + RuncNetwork.Status(_process.ExitStatus) : "its output closed";

    /// <summary>Closes the control socket (which ends it) and reaps it in the background; a kill if it lingers.</summary>
    public void Dispose()
    {
        _control.Dispose();
        _ = ReapAsync();
    }

    private async Task ReapAsync()
    {
        await _process.EndAsync(TimeSpan.FromSeconds(2));
        await Output;
        _process.Dispose();
    }
}
