// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Runtime;

/// <summary>What a <see cref="FrameType.Start"/> frame asks for: command, arguments, working directory, environment.</summary>
internal sealed record RuntimeStartInfo
{
    public required string Command { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary><c>NAME=value</c> entries, in order.</summary>
    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary>A stem cell's runtime: started unspecialized, it reads its function's environment from fd 3.</summary>
    public bool StemCell { get; init; }

    /// <summary>The fd on which a stem cell's runtime reads its environment, named to it by <see cref="StemFdVariable"/>.</summary>
    public const int StemFd = 3;

    public const string StemFdVariable = "_NIMBUS_STEM_FD";
    /// <summary>
    /// An environment of a SnapStart version: the template's socket. Its runtime is forked by the template and adopted
    /// instead of started (<see cref="RuntimeProcess.Adopt"/>); the command and arguments are not used.
    /// </summary>
    public string? RestoreSocket { get; init; }

    /// <summary>A pre-initialized SnapStart spare (<see cref="FrameHeaders.SnapStartSpare"/>).</summary>
    public bool Spare { get; init; }

    /// <summary>The external extensions to start before the runtime (their paths inside the sandbox), in order.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>The host serves the runtime's connection once it is handed over (<see cref="FrameHeaders.DirectRuntimeApi"/>).</summary>
    public bool DirectRuntimeApi { get; init; }

    /// <summary>The function's account id, for the register answer's accountId feature.</summary>
    public string? AccountId { get; init; }

    /// <summary>
    /// Reads a Start frame; <c>AWS_LAMBDA_RUNTIME_API</c> is replaced by <paramref name="runtimeApi"/>, and
    /// <c>_NIMBUS_RUNTIME_API_SOCKET</c> names the same API's abstract Unix socket when there is one (for Nimbus's own
    /// runtime clients; an unmodified client uses the TCP address).
    /// </summary>
    public static RuntimeStartInfo FromFrame(Frame frame, string runtimeApi, string? runtimeApiSocket = null)
    {
        var arguments = new List<string>();
        var environment = new List<string>();
        var extensions = new List<string>();
        foreach (var (name, value) in frame.Headers)
        {
            switch (name)
            {
                case "arg":
                    arguments.Add(value);
                    break;
                case "env" when !value.StartsWith(RuntimeApiVariable + "=", StringComparison.Ordinal) && !value.StartsWith(RuntimeApiSocketVariable + "=", StringComparison.Ordinal):
                    environment.Add(value);
                    break;
                case FrameHeaders.Extension:
                    extensions.Add(value);
                    break;
                default:
                    break;
            }
        }

        environment.Add($"{RuntimeApiVariable}={runtimeApi}");
        if (runtimeApiSocket is not null)
        {
            environment.Add($"{RuntimeApiSocketVariable}={runtimeApiSocket}");
        }

        var stemCell = frame.Header(FrameHeaders.StemCell) == "1";
        if (stemCell)
        {
            environment.Add(string.Create(CultureInfo.InvariantCulture, $"{StemFdVariable}={StemFd}"));
        }

        return new RuntimeStartInfo
        {
            StemCell = stemCell,
            RestoreSocket = frame.Header(FrameHeaders.Restore) is { Length: > 0 } restore ? restore : null,
            Spare = frame.Header(FrameHeaders.SnapStartSpare) == "1",
            DirectRuntimeApi = frame.Header(FrameHeaders.DirectRuntimeApi) == "1",
            Command = frame.Header(FrameHeaders.Command) ?? "",
            Arguments = arguments,
            WorkingDirectory = frame.Header(FrameHeaders.WorkingDirectory) is { Length: > 0 } cwd ? cwd : null,
            Environment = environment,
            Extensions = extensions,
            AccountId = frame.Header(FrameHeaders.AccountId),
        };
    }

    /// <summary>
    /// The environment a Specialize frame gives a stem cell's runtime, NUL-separated <c>NAME=value</c> entries, with
    /// <c>AWS_LAMBDA_RUNTIME_API</c> and <c>_NIMBUS_RUNTIME_API_SOCKET</c> set as in <see cref="FromFrame"/>.
    /// </summary>
    public static byte[] SpecializationFromFrame(Frame frame, string runtimeApi, string? runtimeApiSocket = null)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (name, value) in frame.Headers)
        {
            if (name == FrameHeaders.Environment && !value.StartsWith(RuntimeApiVariable + "=", StringComparison.Ordinal)
                && !value.StartsWith(RuntimeApiSocketVariable + "=", StringComparison.Ordinal) && !value.Contains('\0', StringComparison.Ordinal))
            {
                text.Append(value).Append('\0');
            }
        }

        text.Append(RuntimeApiVariable).Append('=').Append(runtimeApi).Append('\0');
        if (runtimeApiSocket is not null)
        {
            text.Append(RuntimeApiSocketVariable).Append('=').Append(runtimeApiSocket).Append('\0');
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The value of a variable of <see cref="Environment"/>, or null.</summary>
    public string? Variable(string name)
    {
        foreach (var entry in Environment)
        {
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
            {
                return entry[(name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>Names the Runtime API's abstract Unix socket for Nimbus's own runtime clients (bootstrap.py reads it too).</summary>
    public const string RuntimeApiSocketVariable = "_NIMBUS_RUNTIME_API_SOCKET";

    /// <summary>The abstract socket's name before its TCP port.</summary>
    public const string RuntimeApiSocketPrefix = "nimbus-runtime-api-";

    private const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
}
