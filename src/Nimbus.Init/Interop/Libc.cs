// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;

namespace Nimbus.Init.Interop;

/// <summary>
/// The few libc calls nimbus-init needs. Constants are the Linux values (the same on x64 and arm64, glibc and musl).
/// </summary>
internal static unsafe partial class Libc
{
    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int ESRCH = 3;

    public const int ORdOnly = 0;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    public const int FSetFd = 2;
    public const int FdCloExec = 1;
    public const int FGetFl = 3;
    public const int FSetFl = 4;

    public const int WNoHang = 1;

    public const int SigKill = 9;
    public const int SigTerm = 15;

    public const short PosixSpawnSetPGroup = 0x02;
    public const short PosixSpawnSetSigDef = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;

    public const short PollIn = 0x001;
    public const short PollErr = 0x008;
    public const short PollHup = 0x010;
    public const short PollNval = 0x020;

    /// <summary>SOL_SOCKET and SCM_RIGHTS: a control message carrying file descriptors.</summary>
    public const int SolSocket = 1;
    public const int ScmRights = 1;

    /// <summary>sizeof(struct cmsghdr) on LP64: size_t cmsg_len, int cmsg_level, int cmsg_type.</summary>
    public const int CmsgHeaderSize = 16;

    /// <summary>AF_UNIX and SOCK_STREAM, for socketpair(2).</summary>
    public const int AfUnix = 1;
    public const int SockStream = 1;

    /// <summary>MSG_NOSIGNAL: a peer that went away is EPIPE, not SIGPIPE.</summary>
    public const int MsgNoSignal = 0x4000;

    /// <summary>MSG_PEEK and MSG_DONTWAIT, for recv(2): look at what is queued without taking it or waiting.</summary>
    public const int MsgPeek = 0x2;
    public const int MsgDontWait = 0x40;

    /// <summary>Bytes reserved for posix_spawn_file_actions_t, posix_spawnattr_t and sigset_t (glibc: 80, 336, 128).</summary>
    public const int OpaqueSize = 1024;

    private const string LibraryName = "libc";

    [LibraryImport(LibraryName, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(LibraryName, EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport(LibraryName, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibraryName, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(LibraryName, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(LibraryName, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint count, int flags);

    [LibraryImport(LibraryName, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport(LibraryName, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(LibraryName, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(LibraryName, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_init")]
    public static partial int AttrInit(void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttrDestroy(void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int AttrSetPGroup(void* attributes, int processGroup);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttrSetSigMask(void* attributes, void* signals);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttrSetSigDefault(void* attributes, void* signals);

    [LibraryImport(LibraryName, EntryPoint = "execve", SetLastError = true)]
    public static partial int Execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(LibraryName, EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* signals);

    [LibraryImport(LibraryName, EntryPoint = "sigfillset")]
    public static partial int SigFillSet(void* signals);
}
