// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Protocol;

/// <summary>
/// The header names of the init protocol's frames, in one place for both ends: nimbus-init compiles this file, and
/// Nimbus.Execution links it (with the rest of Protocol/). See docs/internals/init-protocol.md.
/// </summary>
internal static class FrameHeaders
{
    // Hello (init → host)

    /// <summary>The address of the Runtime API inside the environment (host:port).</summary>
    public const string RuntimeApi = "runtime-api";

    /// <summary>nimbus-init's process id.</summary>
    public const string Pid = "pid";

    // Start (host → init)

    /// <summary>The runtime's executable.</summary>
    public const string Command = "cmd";

    /// <summary>The runtime's working directory.</summary>
    public const string WorkingDirectory = "cwd";

    /// <summary>One argument of the runtime (repeated, in order).</summary>
    public const string Argument = "arg";

    /// <summary>One NAME=value of the runtime's environment (repeated).</summary>
    public const string Environment = "env";

    /// <summary>
    /// Start of a stem cell's runtime ("1"): it starts unspecialized with a Unix socket on fd 3 (_NIMBUS_STEM_FD), writes
    /// one byte there once it waits (nimbus-init then sends Waiting) and reads the function's environment, which a
    /// later Specialize frame (env headers) sends.
    /// </summary>
    public const string StemCell = "stem-cell";

    /// <summary>
    /// Start of an environment of a SnapStart version: the path of its template's Unix socket. nimbus-init starts no
    /// process: it asks the template to fork one for this environment and adopts it (docs/cold-starts.md#snapstart).
    /// </summary>
    public const string Restore = "restore";

    /// <summary>
    /// Start of a pre-initialized SnapStart spare ("1"; java and dotnet, docs/cold-starts.md#snapstart): the runtime's
    /// GET /runtime/restore/next ends its init phase and waits there until the host sends <see cref="FrameType.Restore"/>.
    /// </summary>
    public const string SnapStartSpare = "snapstart-spare";

    /// <summary>The path of one external extension inside the sandbox (repeated, in launch order).</summary>
    public const string Extension = "extension";

    /// <summary>The function's account id (the register answer's accountId feature).</summary>
    public const string AccountId = "account-id";

    // Ready (init → host), with extensions

    /// <summary>How many extensions registered for INVOKE: the host waits for InvokeDone after each invocation.</summary>
    public const string InvokeExtensions = "invoke-extensions";

    /// <summary>How many external extensions registered (the shutdown budget is 2 s with any, else 500 ms).</summary>
    public const string ExternalExtensions = "external-extensions";

    /// <summary>How many internal extensions registered.</summary>
    public const string InternalExtensions = "internal-extensions";

    // Invoke (host → init), Response and Error (init → host)

    /// <summary>The invocation's request id; Response and Error frames name the invocation they answer with it.</summary>
    public const string RequestId = "request-id";

    /// <summary>
    /// On a Response or Error ("1"): every INVOKE extension had already asked for its next event when the runtime
    /// answered, so the post-invoke phase ends with this frame and no InvokeDone follows.
    /// </summary>
    public const string PostInvokeDone = "post-invoke-done";

    /// <summary>The deadline in Unix epoch milliseconds (Lambda-Runtime-Deadline-Ms).</summary>
    public const string DeadlineMs = "deadline-ms";

    /// <summary>The ARN the caller invoked (Lambda-Runtime-Invoked-Function-Arn).</summary>
    public const string FunctionArn = "function-arn";

    /// <summary>The body's media type: the event's on Invoke, the function's response's on Response.</summary>
    public const string ContentType = "content-type";

    /// <summary>The X-Ray trace header (Lambda-Runtime-Trace-Id).</summary>
    public const string TraceId = "trace-id";

    /// <summary>The client context JSON (Lambda-Runtime-Client-Context).</summary>
    public const string ClientContext = "client-context";

    /// <summary>The Cognito identity JSON (Lambda-Runtime-Cognito-Identity).</summary>
    public const string CognitoIdentity = "cognito-identity";

    // Error and InitError (init → host)

    /// <summary>The error's type (the body's errorType, else Lambda-Runtime-Function-Error-Type).</summary>
    public const string ErrorType = "error-type";

    // Log (init → host)

    /// <summary>Which output of the runtime the bytes came from: stdout or stderr.</summary>
    public const string Stream = "stream";

    // Exited (init → host)

    /// <summary>The runtime's exit status, when it exited.</summary>
    public const string Status = "status";

    /// <summary>The signal that killed the runtime, when one did.</summary>
    public const string Signal = "signal";

    /// <summary>On Exited: the name of the extension that exited (absent: the runtime did); with error-type.</summary>
    public const string ExtensionName = "extension-name";

    // Handover (init → host), HandoverTaken (host → init)

    /// <summary>Start: "1" when the host serves the runtime's connection itself once nimbus-init hands it over.</summary>
    public const string DirectRuntimeApi = "direct-runtime-api";

    /// <summary>The handed-over connection's descriptor number in nimbus-init.</summary>
    public const string Fd = "fd";

    /// <summary>The runtime's stdout pipe (read end) in nimbus-init, on the first Handover.</summary>
    public const string StdoutFd = "stdout-fd";

    /// <summary>The runtime's stderr pipe (read end) in nimbus-init, on the first Handover.</summary>
    public const string StderrFd = "stderr-fd";

    // Shutdown (host → init)

    /// <summary>Why the environment goes: spindown, timeout or failure (the SHUTDOWN event's shutdownReason).</summary>
    public const string Reason = "reason";

    /// <summary>How long the runtime and extensions get to stop before they are killed, in milliseconds.</summary>
    public const string GraceMs = "grace-ms";
}
