// SPDX-License-Identifier: Apache-2.0
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

    /// <summary>The external extensions to start before the runtime (their paths inside the sandbox), in order.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>The function's account id, for the register answer's accountId feature.</summary>
    public string? AccountId { get; init; }

    /// <summary>Reads a Start frame; <c>AWS_LAMBDA_RUNTIME_API</c> is replaced by <paramref name="runtimeApi"/>.</summary>
    public static RuntimeStartInfo FromFrame(Frame frame, string runtimeApi)
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
                case "env" when !value.StartsWith(RuntimeApiVariable + "=", StringComparison.Ordinal):
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
        return new RuntimeStartInfo
        {
            Command = frame.Header(FrameHeaders.Command) ?? "",
            Arguments = arguments,
            WorkingDirectory = frame.Header(FrameHeaders.WorkingDirectory) is { Length: > 0 } cwd ? cwd : null,
            Environment = environment,
            Extensions = extensions,
            AccountId = frame.Header(FrameHeaders.AccountId),
        };
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

    private const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";
}
