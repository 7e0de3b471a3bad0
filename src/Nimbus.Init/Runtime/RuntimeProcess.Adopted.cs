// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Interop;
using Nimbus.Init.Restore;

namespace Nimbus.Init.Runtime;

/// <summary>An environment of a SnapStart version: the runtime is forked by the version's template, not started.</summary>
internal sealed partial class RuntimeProcess
{
    private TemplateLink? _template;

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
