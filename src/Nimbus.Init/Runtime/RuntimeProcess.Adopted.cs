// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Interop;
using Nimbus.Init.Restore;

namespace Nimbus.Init.Runtime;

/// <summary>An environment of a SnapStart version: the runtime is forked by the version's template, not started.</summary>
internal sealed partial class RuntimeProcess
{
    private TemplateLink? _template;
    private int _environmentPipe = -1;

    /// <summary>The output pipes a preforked runtime writes to (with the extensions' pair), for the pump at Start.</summary>
    public RuntimeOutput? PreforkedOutput => Preforked ? _output : null;

    /// <summary>A runtime was forked ahead (<see cref="Prefork"/>) and waits for its environment.</summary>
    public bool Preforked => Volatile.Read(ref _environmentPipe) >= 0;

    /// <summary>
    /// Under runc, before the host sends Start (docs/cold-starts.md#snapstart): asks the template to fork a runtime
    /// into this container now, with a pipe for its environment instead of the environment. It enters the container,
    /// locks itself down and waits on the pipe; the host moves it into this container's cgroup meanwhile, off the
    /// restore's clock. <see cref="Release"/> sends the environment when the environment is taken.
    /// </summary>
    public void Prefork(string templateSocket)
    {
        if (Started)
        {
            throw new InvalidOperationException("the runtime was already started");
        }

        // With the extensions' pair too: the function's external extensions, if any, are known only at Start.
        var output = OpenOutput(extensions: true);
        var (read, write) = CreatePipe();
        TemplateLink link;
        try
        {
            link = TemplateLink.Connect(templateSocket, [], _writeEnds[0], _writeEnds[1], read);
        }
        catch
        {
            _ = Libc.Close(write);
            foreach (var fd in _writeEnds)
            {
                _ = Libc.Close(fd);
            }

            _writeEnds = [];
            output.Close();
            _output = null;
            throw;
        }
        finally
        {
            _ = Libc.Close(read);
        }

        // The runtime holds its own copies of its pair; the extensions' pair stays open for Start.
        _ = Libc.Close(_writeEnds[0]);
        _ = Libc.Close(_writeEnds[1]);
        _writeEnds = [-1, -1, _writeEnds[2], _writeEnds[3]];

        _template = link;
        Volatile.Write(ref _environmentPipe, write);
        Volatile.Write(ref _pid, link.Pid);
        _ = WatchAdoptedAsync(link);
    }

    /// <summary>The preforked runtime gets <paramref name="info"/>'s environment and goes on (after-restore hooks, /next).</summary>
    public unsafe RuntimeOutput Release(RuntimeStartInfo info)
    {
        var pipe = Interlocked.Exchange(ref _environmentPipe, -1);
        if (pipe < 0)
        {
            throw new InvalidOperationException("no runtime was forked ahead");
        }

        try
        {
            var request = TemplateLink.Request(info.Environment);
            fixed (byte* data = request)
            {
                var written = 0;
                while (written < request.Length)
                {
                    var result = Libc.Write(pipe, data + written, (nuint)(request.Length - written));
                    if (result < 0)
                    {
                        var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                        if (errno == Libc.EINTR)
                        {
                            continue;
                        }

                        // EPIPE: the forked runtime is gone; its end is reported as the runtime's exit.
                        throw new RuntimeStartException("the forked runtime did not take its environment: " + System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno), 126);
                    }

                    written += (int)result;
                }
            }
        }
        finally
        {
            _ = Libc.Close(pipe);

            // Extensions were started before (InitAgent): nobody else needs the extensions' write ends now.
            foreach (var fd in _writeEnds)
            {
                if (fd >= 0)
                {
                    _ = Libc.Close(fd);
                }
            }

            _writeEnds = [];
        }

        return _output!; // Opened by Prefork.
    }

    /// <summary>
    /// Asks the template listening on <paramref name="templateSocket"/> to fork a runtime for this environment with
    /// <paramref name="info"/>'s environment and this environment's output pipes, and takes it as the runtime: its
    /// pid (its own process group) for signals, its end as the template reports it. No process is started here.
    /// </summary>
    public RuntimeOutput Adopt(RuntimeStartInfo info, string templateSocket)
    {
        if (Started)
        {
            throw new InvalidOperationException("the runtime was already started");
        }

        var output = _output ?? OpenOutput(extensions: false);
        TemplateLink link;
        try
        {
            link = TemplateLink.Connect(templateSocket, info.Environment, _writeEnds[0], _writeEnds[1]);
        }
        finally
        {
            // The forked runtime holds its own copies now (or never will).
            foreach (var fd in _writeEnds)
            {
                _ = Libc.Close(fd);
            }

            _writeEnds = [];
        }

        _template = link;
        Volatile.Write(ref _pid, link.Pid);
        _ = WatchAdoptedAsync(link);
        return output;
    }

    private async Task WatchAdoptedAsync(TemplateLink link) => _exited.TrySetResult(await link.ExitAsync());
}
