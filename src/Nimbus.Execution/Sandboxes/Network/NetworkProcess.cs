// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Globalization;
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

    public static NetworkProcess Start(string executable, string owner, ILogger logger)
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
                    executable,
                    [],
                    [$"{RuncNetwork.OwnerVariable}={owner}"],
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
    public unsafe void Send(char operation, ulong id, SafeFileHandle? tap)
    {
        var message = stackalloc byte[MessageLength];
        message[0] = (byte)operation;
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(message + 1, 8), id);
        var control = stackalloc byte[Libc.CmsgHeaderSize + 8];
        var vector = new IoVec { Base = message, Length = MessageLength };
        var header = new MsgHdr { Iov = &vector, IovLength = 1 };
        var tapHeld = false;
        var controlHeld = false;
        try
        {
            if (tap is not null)
            {
                tap.DangerousAddRef(ref tapHeld);
                *(nuint*)control = (nuint)(Libc.CmsgHeaderSize + sizeof(int));
                *(int*)(control + 8) = Libc.SolSocket;
                *(int*)(control + 12) = Libc.ScmRights;
                *(int*)(control + Libc.CmsgHeaderSize) = (int)tap.DangerousGetHandle();
                header.Control = control;
                header.ControlLength = Libc.CmsgHeaderSize + 8;
            }

            _control.DangerousAddRef(ref controlHeld);
            nint sent;
            while ((sent = Libc.SendMsg((int)_control.DangerousGetHandle(), &header, Libc.MsgNoSignal | MsgDontWait)) < 0
                   && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
            }

            if (sent != MessageLength)
            {
                throw new IOException($"nimbus-net's control socket: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
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

            if (tapHeld)
            {
                tap!.DangerousRelease();
            }
        }
    }

    /// <summary>How it ended, for the log.</summary>
    public string ExitDescription() =>
        _process.TryReap() && _process.ExitStatus is { } status ? $"wait status {status.ToString(CultureInfo.InvariantCulture)}" : "its output closed";

    /// <summary>Closes the control socket (which ends it) and reaps it in the background; a kill if it lingers.</summary>
    public void Dispose()
    {
        _control.Dispose();
        _ = ReapAsync();
    }

    private async Task ReapAsync()
    {
        if (!await _process.WaitForExitAsync(TimeSpan.FromSeconds(2)))
        {
            _process.Kill();
            await _process.WaitForExitAsync(Timeout.InfiniteTimeSpan);
        }

        await Output;
        _process.Dispose();
    }

}
