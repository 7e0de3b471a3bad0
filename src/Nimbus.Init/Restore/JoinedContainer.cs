// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Nimbus.Init.Interop;

namespace Nimbus.Init.Restore;

/// <summary>
/// nimbus-init in a container that joined a user namespace the host made (a SnapStart environment under runc,
/// docs/cold-starts.md#snapstart): the host sets <see cref="Variable"/>. runc cannot set rlimits there (its prlimit
/// from the host needs CAP_SYS_RESOURCE), so nimbus-init lowers its own open-file limit to Lambda's 1,024, which
/// needs no privilege; and it makes itself non-dumpable, which keeps this container's other processes out of its
/// /proc entries and memory, but not the version's template: this user namespace is owned by the template's uid, so
/// the template has every capability in it (docs/cold-starts.md#snapstart, "What it costs in isolation").
/// </summary>
internal static class JoinedContainer
{
    public const string Variable = "NIMBUS_JOINED_NAMESPACES";

    private const ulong MaxOpenFiles = 1024;

    public static unsafe void LockDownIfJoined()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return;
        }

        if (Libc.Prctl(Libc.PrSetDumpable, 0, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException("prctl(PR_SET_DUMPABLE): " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        var limit = stackalloc ulong[2] { MaxOpenFiles, MaxOpenFiles };
        if (Libc.SetRlimit(Libc.RlimitNoFile, limit) != 0)
        {
            throw new InvalidOperationException("setrlimit(RLIMIT_NOFILE): " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }
    }
}
