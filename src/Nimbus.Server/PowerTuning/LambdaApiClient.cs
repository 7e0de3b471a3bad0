// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nimbus.Core.Access.Signing;

namespace Nimbus.Server.PowerTuning;

/// <summary>
/// The few Lambda API calls power tuning makes, over HTTP to any Lambda endpoint (Nimbus's, or AWS's), each signed
/// with SigV4 as the AWS SDKs sign (host, x-amz-date and the content type signed, the body hashed).
/// </summary>
internal sealed class LambdaApiClient(HttpClient http, AwsCredentials credentials, string region, TimeProvider time)
{
    // Relative, so that an endpoint with a path (a proxy's prefix) keeps it: the client's base address ends with '/'.
    private const string Functions = "2015-03-31/functions/";

    /// <summary>A function's configuration (of <paramref name="qualifier"/>, else $LATEST).</summary>
    public async Task<FunctionState> GetConfigurationAsync(string function, string? qualifier, CancellationToken cancellationToken)
    {
        var query = qualifier is null ? "" : "?Qualifier=" + Uri.EscapeDataString(qualifier);
        using var json = await SendAsync("GetFunctionConfiguration", HttpMethod.Get, Functions + Uri.EscapeDataString(function) + "/configuration" + query, null, cancellationToken);
        return FunctionState.From(json.RootElement);
    }

    /// <summary>
    /// UpdateFunctionConfiguration of MemorySize and, when <paramref name="variables"/> is given (a JSON object), of the
    /// environment's variables, all of them.
    /// </summary>
    public async Task UpdateAsync(string function, int memoryMb, string? variables, CancellationToken cancellationToken)
    {
        var body = variables is null
            ? string.Create(CultureInfo.InvariantCulture, $$"""{"MemorySize":{{memoryMb}}}""")
            : string.Create(CultureInfo.InvariantCulture, $$$"""{"MemorySize":{{{memoryMb}}},"Environment":{"Variables":{{{variables}}}}}""");
        using var _ = await SendAsync("UpdateFunctionConfiguration", HttpMethod.Put, Functions + Uri.EscapeDataString(function) + "/configuration", body, cancellationToken);
    }

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>: UpdateAlias, or CreateAlias when there is none.</summary>
    public async Task PointAliasAsync(string function, string alias, string version, CancellationToken cancellationToken)
    {
        var target = JsonSerializer.Serialize(version, PowerTuningJson.Default.String);
        try
        {
            using var _ = await SendAsync("UpdateAlias", HttpMethod.Put, Functions + Uri.EscapeDataString(function) + "/aliases/" + Uri.EscapeDataString(alias), $$"""{"FunctionVersion":{{target}}}""", cancellationToken);
        }
        catch (PowerTuningException e) when (e.ErrorType == "ResourceNotFoundException")
        {
            var name = JsonSerializer.Serialize(alias, PowerTuningJson.Default.String);
            using var _ = await SendAsync("CreateAlias", HttpMethod.Post, Functions + Uri.EscapeDataString(function) + "/aliases", $$"""{"Name":{{name}},"FunctionVersion":{{target}}}""", cancellationToken);
        }
    }

    /// <summary>PublishVersion; returns the version's number (an existing one when nothing changed since it).</summary>
    public async Task<string> PublishVersionAsync(string function, string description, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(description, PowerTuningJson.Default.String);
        using var json = await SendAsync("PublishVersion", HttpMethod.Post, Functions + Uri.EscapeDataString(function) + "/versions", $$"""{"Description":{{body}}}""", cancellationToken);
        return json.RootElement.GetProperty("Version").GetString() ?? throw new PowerTuningException("PublishVersion answered without a Version");
    }

    /// <summary>The function's published versions and their descriptions (ListVersionsByFunction, every page).</summary>
    public async Task<Dictionary<string, string?>> ListVersionsAsync(string function, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var query = marker is null ? "" : "?Marker=" + Uri.EscapeDataString(marker);
            using var json = await SendAsync("ListVersionsByFunction", HttpMethod.Get, Functions + Uri.EscapeDataString(function) + "/versions" + query, null, cancellationToken);
            foreach (var version in json.RootElement.GetProperty("Versions").EnumerateArray())
            {
                if (version.GetProperty("Version").GetString() is { } number and not "$LATEST")
                {
                    versions[number] = version.TryGetProperty("Description", out var description) && description.ValueKind == JsonValueKind.String
                        ? description.GetString()
                        : null;
                }
            }

            marker = json.RootElement.TryGetProperty("NextMarker", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (marker is not null);

        return versions;
    }

    /// <summary>DeleteFunction of one version.</summary>
    public async Task DeleteVersionAsync(string function, string version, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync("DeleteFunction", HttpMethod.Delete, Functions + Uri.EscapeDataString(function) + "?Qualifier=" + Uri.EscapeDataString(version), null, cancellationToken);
    }

    /// <summary>
    /// A synchronous Invoke of <paramref name="version"/> (null: as the function is named) with the log's tail; the
    /// function's own error is an outcome (<see cref="Invocation.FunctionError"/>), not an exception.
    /// </summary>
    public async Task<Invocation> InvokeAsync(string function, string? version, string payload, CancellationToken cancellationToken)
    {
        var query = version is null ? "" : "?Qualifier=" + Uri.EscapeDataString(version);
        using var request = Request(HttpMethod.Post, Functions + Uri.EscapeDataString(function) + "/invocations" + query, payload);
        request.Headers.TryAddWithoutValidation("X-Amz-Log-Type", "Tail");
        Sign(request, payload);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure("Invoke", response, body);
        }

        var log = response.Headers.TryGetValues("X-Amz-Log-Result", out var values) ? Encoding.UTF8.GetString(Convert.FromBase64String(values.First())) : "";
        var error = response.Headers.TryGetValues("X-Amz-Function-Error", out var errors) ? errors.First() : null;
        return new Invocation(log, error, body);
    }

    private async Task<JsonDocument> SendAsync(string operation, HttpMethod method, string pathAndQuery, string? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, pathAndQuery, body);
        Sign(request, body ?? "");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(operation, response, text);
        }

        return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
    }

    private static HttpRequestMessage Request(HttpMethod method, string pathAndQuery, string? body)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }

    private void Sign(HttpRequestMessage request, string body)
    {
        var uri = new Uri(http.BaseAddress!, request.RequestUri!);
        var timestamp = time.GetUtcNow().UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}",
            ["x-amz-date"] = timestamp,
        };
        request.Headers.TryAddWithoutValidation(SigV4.DateHeader, timestamp);
        if (request.Content?.Headers.ContentType?.ToString() is { } contentType)
        {
            headers["content-type"] = contentType;
        }

        if (credentials.SessionToken is { } token)
        {
            headers["x-amz-security-token"] = token;
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var authorization = SigV4Signer.Authorization(
            new SignedRequest(request.Method.Method, uri, headers), string.Join(';', headers.Keys), credentials.AccessKeyId, credentials.SecretAccessKey, region, "lambda", timestamp, payloadHash);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
    }

    private static PowerTuningException Failure(string operation, HttpResponseMessage response, string body)
    {
        var type = response.Headers.TryGetValues("X-Amzn-ErrorType", out var types) ? types.First().Split(':')[0] : null;
        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            foreach (var name in (string[])["message", "Message"])
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    message = value.GetString();
                }
            }
        }
        catch (JsonException)
        {
        }

        return new PowerTuningException(
            $"{operation} failed: {(int)response.StatusCode} {type ?? response.ReasonPhrase}{(message is null ? "" : ": " + message)}", type);
    }

    /// <summary>What an Invoke returned: the log's tail, the function's error type if it failed, the payload.</summary>
    public sealed record Invocation(string Log, string? FunctionError, string Payload);

    /// <summary>
    /// The parts of a configuration power tuning reads; <see cref="Variables"/> is the environment's variables as a
    /// JSON object (<c>{}</c> when there are none).
    /// </summary>
    public sealed record FunctionState(int MemorySize, string Architecture, string? State, string? LastUpdateStatus, string Variables, string? VariablesError = null)
    {
        public static FunctionState From(JsonElement json) => new(
            json.GetProperty(nameof(MemorySize)).GetInt32(),
            json.TryGetProperty("Architectures", out var architectures) && architectures.ValueKind == JsonValueKind.Array && architectures.GetArrayLength() > 0
                ? architectures[0].GetString() ?? "x86_64"
                : "x86_64",
            json.TryGetProperty(nameof(State), out var state) ? state.GetString() : null,
            json.TryGetProperty(nameof(LastUpdateStatus), out var update) ? update.GetString() : null,
            json.TryGetProperty("Environment", out var environment) && environment.ValueKind == JsonValueKind.Object
                && environment.TryGetProperty(nameof(Variables), out var variables) && variables.ValueKind == JsonValueKind.Object
                ? variables.GetRawText()
                : "{}",
            // AWS answers an Error in place of the variables when it could not decrypt them (EnvironmentError).
            environment.ValueKind == JsonValueKind.Object && environment.TryGetProperty("Error", out var error) && error.ValueKind == JsonValueKind.Object
                ? error.GetRawText()
                : null);
    }

    private sealed class SignedRequest(string method, Uri uri, SortedDictionary<string, string> headers) : ISignedRequest
    {
        public string Method => method;

        public string RawPath => uri.AbsolutePath;

        public string RawQuery => uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;

        public string? GetHeader(ReadOnlySpan<char> name) => headers.TryGetValue(name.ToString(), out var value) ? value : null;
    }
}
