// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Text.Json;

namespace Nimbus.Execution.Images;

/// <summary>
/// One of Docker's credential helpers (<c>docker-credential-ecr-login</c>, <c>-pass</c>, <c>-secretservice</c> ...),
/// spoken to as Docker does: <c>docker-credential-NAME get</c> with the registry host on stdin answers
/// <c>{"ServerURL", "Username", "Secret"}</c> on stdout, or fails (exit status not 0) when it holds nothing for the
/// host. The helper is looked up on the server's <c>PATH</c>. What it prints is never logged nor quoted in an error.
/// </summary>
internal sealed class CredentialHelper(string name, string? searchPath = null)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    /// <summary>The executable's name: <c>docker-credential-</c> and the name the auth file gives.</summary>
    public string Program { get; } = "docker-credential-" + name;

    /// <summary>The helper's user and secret for <paramref name="registry"/>, or null when it has none for it.</summary>
    public async Task<(string User, string Password)?> GetAsync(string registry, string authFile, CancellationToken cancellationToken)
    {
        if (name.Contains('/', StringComparison.Ordinal) || Find() is not { } executable)
        {
            throw new RegistryAccessException($"{authFile} names the credential helper {Program} for {registry}, which is not on the server's PATH");
        }

        var start = new ProcessStartInfo(executable, ["get"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new RegistryAccessException($"{Program} could not be started");
        try
        {
            await process.StandardInput.WriteAsync(registry.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The helper ended without reading its input (a store that answers one set of credentials for all hosts).
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken); // drained, never shown: helpers may print what they hold
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            await process.WaitForExitAsync(budget.Token);
            await errors;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new RegistryAccessException($"{Program} did not answer for {registry} within {Budget.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            // Docker's helpers say "credentials not found in native keychain" and exit 1: no credentials for the host.
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(await output);
            var root = document.RootElement;
            var user = root.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var secret = root.TryGetProperty("Secret", out var s) ? s.GetString() : null;
            if (user == "<token>")
            {
                throw new RegistryAccessException($"{Program} answered an identity token for {registry}; Nimbus pulls with a user and password only");
            }

            return user is { Length: > 0 } && secret is not null ? (user, secret) : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new RegistryAccessException($"{Program} answered something other than Docker's credential JSON for {registry}");
        }
    }

    private string? Find()
    {
        foreach (var directory in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, Program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
