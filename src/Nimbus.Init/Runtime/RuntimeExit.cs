// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Runtime;

/// <summary>How the runtime process ended: an exit code, or the number of the signal that killed it.</summary>
internal readonly record struct RuntimeExit(int? Status, int? Signal)
{
    /// <summary>Decodes a waitpid status (WIFEXITED / WIFSIGNALED).</summary>
    public static RuntimeExit FromWaitStatus(int status)
    {
        var termination = status & 0x7f;
        return termination == 0 ? new RuntimeExit((status >> 8) & 0xff, null) : new RuntimeExit(null, termination);
    }

    public KeyValuePair<string, string> ToHeader() => Signal is { } signal
        ? new(FrameHeaders.Signal, signal.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : new(FrameHeaders.Status, (Status ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
