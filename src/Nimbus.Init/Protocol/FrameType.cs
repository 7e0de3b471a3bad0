// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Protocol;

/// <summary>
/// The messages between the host (Nimbus.Execution) and nimbus-init over the environment's Unix socket.
/// See docs/internals/init-protocol.md.
/// </summary>
internal enum FrameType : byte
{
    // init → host
    Hello = 1,
    Ready = 2,
    InitError = 3,
    Response = 4,
    Error = 5,
    Log = 6,
    Exited = 7,

    // init → host, with extensions: the post-invoke phase of an invocation is over
    InvokeDone = 8,

    // init → host, a SnapStart environment: the runtime its template forked was adopted (header pid)
    Adopted = 9,

    // init → host, a stem cell: its runtime imported everything it imports ahead and waits for its function
    Waiting = 14,

    // init → host, the runtime's Runtime API connection (header fd), and with the first one the read ends of its stdout
    // and stderr pipes (stdout-fd, stderr-fd), by their numbers in nimbus-init: the host takes them with
    // pidfd_getfd(2) and serves the runtime itself (started with direct-runtime-api: 1, no extension registered). The
    // body is what nimbus-init read of the connection and did not answer. Also init → host: an Invoke nimbus-init got
    // after it handed the connection over, sent back to be delivered there.
    Handover = 16,

    // init → host, a streamed response (Lambda-Runtime-Function-Response-Mode: streaming)
    ResponseStart = 20,
    ResponseChunk = 21,
    ResponseEnd = 22,

    // host → init
    Start = 10,
    Invoke = 11,
    Shutdown = 12,

    // host → init, a stem cell's runtime (started with stem-cell: 1) learns its function
    Specialize = 13,

    // host → init, a pre-initialized SnapStart spare (started with snapstart-spare: 1) is taken: its runtime's waiting
    // /runtime/restore/next returns and the restore phase begins
    Restore = 15,

    // host → init, the host holds the handed-over connection (header fd): nimbus-init closes its own descriptor
    HandoverTaken = 17,
}
