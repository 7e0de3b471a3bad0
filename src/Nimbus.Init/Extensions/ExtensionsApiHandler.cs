// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Nimbus.Init.Http;
using Nimbus.Init.RuntimeApi;
using Nimbus.Init.Telemetry;

namespace Nimbus.Init.Extensions;

/// <summary>
/// The Extensions API 2020-01-01 (register, event/next, init/error, exit/error), the Telemetry API 2022-07-01 and
/// the Logs API 2020-08-15 (the same subscription, an older path) beside the Runtime API on one listener.
/// </summary>
internal sealed class ExtensionsApiHandler(ExtensionSupervisor supervisor)
{
    public const string ExtensionsPrefix = "/2020-01-01/extension";
    public const string TelemetryPath = "/2022-07-01/telemetry";
    public const string LogsPath = "/2020-08-15/logs";

    private const string IdentifierHeader = "Lambda-Extension-Identifier";
    private const string JsonContentType = "application/json";
    private static readonly byte[] s_accepted = """{"status":"OK"}"""u8.ToArray();

    public static bool Handles(string path) =>
        path.StartsWith("/2020-01-01/", StringComparison.Ordinal) || path is "/2020-01-01" or TelemetryPath or LogsPath;

    public async Task<HttpResponse?> HandleAsync(HttpRequest request, HttpConnection connection, CancellationToken cancellationToken)
    {
        var path = request.Path;
        var method = request.Method;
        if (path is TelemetryPath or LogsPath)
        {
            return method == "PUT" ? Subscribe(request, logsApi: path == LogsPath) : NotFound(request);
        }

        switch (path[Math.Min(path.Length, ExtensionsPrefix.Length)..])
        {
            case "/register" when method == "POST" && path.StartsWith(ExtensionsPrefix, StringComparison.Ordinal):
                return Register(request);
            case "/event/next" when method == "GET" && path.StartsWith(ExtensionsPrefix, StringComparison.Ordinal):
                return await NextAsync(request, connection);
            case "/init/error" when method == "POST" && path.StartsWith(ExtensionsPrefix, StringComparison.Ordinal):
                return await ErrorAsync(request, init: true);
            case "/exit/error" when method == "POST" && path.StartsWith(ExtensionsPrefix, StringComparison.Ordinal):
                return await ErrorAsync(request, init: false);
            default:
                return NotFound(request);
        }
    }

    private HttpResponse Register(HttpRequest request)
    {
        var name = request.Header("Lambda-Extension-Name");
        if (string.IsNullOrEmpty(name))
        {
            return Error(ExtensionErrors.EmptyName);
        }

        var events = ExtensionEvents.None;
        try
        {
            using var document = JsonDocument.Parse(request.Body ?? []);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var text = item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText();
                    events |= text switch
                    {
                        "INVOKE" => ExtensionEvents.Invoke,
                        "SHUTDOWN" => ExtensionEvents.Shutdown,
                        _ => ExtensionEvents.None,
                    };
                    if (text is not ("INVOKE" or "SHUTDOWN"))
                    {
                        return Error(ExtensionErrors.InvalidEvent(text ?? "", shutdownForInternal: false));
                    }
                }
            }
        }
        catch (JsonException e)
        {
            return Error(ExtensionErrors.InvalidRequest(e.Message));
        }

        if (supervisor.Registry.Register(name, events, out var extension) is { } refused)
        {
            return Error(refused);
        }

        var function = supervisor.Function;
        var accountId = (request.Header("Lambda-Extension-Accept-Feature") ?? "").Split(',', StringSplitOptions.TrimEntries).Contains("accountId");
        var body = new System.Buffers.ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("functionName", function.Name);
            writer.WriteString("functionVersion", function.Version);
            writer.WriteString("handler", function.Handler);
            if (accountId)
            {
                writer.WriteString("accountId", function.AccountId);
            }

            writer.WriteEndObject();
        }

        var response = new HttpResponse(200, body.WrittenSpan.ToArray(), JsonContentType);
        response.Headers.Add(new(IdentifierHeader, extension!.Id)); // Register sets it when it accepts.
        return response;
    }

    private async Task<HttpResponse?> NextAsync(HttpRequest request, HttpConnection connection)
    {
        if (supervisor.Registry.Identify(request.Header(IdentifierHeader), out var extension) is { } unknown)
        {
            return Error(unknown);
        }

        if (supervisor.Registry.Next(extension, connection, out var next, out var waiter) is { } refused)
        {
            return Error(refused);
        }

        if (waiter is not null && !next.IsCompleted)
        {
            connection.WatchForClose(static state => ((Action)state!)(), (Action)(() => supervisor.Registry.Withdraw(extension, waiter)));
        }

        if (await next is not { } payload)
        {
            // The client went away, or the extension failed meanwhile: nothing to answer.
            return null;
        }

        var response = new HttpResponse(200, payload, JsonContentType);
        response.Headers.Add(new(IdentifierHeader, extension.Id));
        response.Headers.Add(new("Lambda-Extension-Event-Identifier", Guid.NewGuid().ToString()));
        return response;
    }

    private async Task<HttpResponse> ErrorAsync(HttpRequest request, bool init)
    {
        if (supervisor.Registry.Identify(request.Header(IdentifierHeader), out var extension) is { } unknown)
        {
            return Error(unknown);
        }

        var errorType = request.Header("Lambda-Extension-Function-Error-Type");
        if (string.IsNullOrEmpty(errorType))
        {
            return Error(ExtensionErrors.MissingErrorType);
        }

        if (init)
        {
            await supervisor.InitErrorAsync(extension, errorType, request.Body ?? []);
        }
        else
        {
            await supervisor.ExitErrorAsync(extension);
        }

        var response = new HttpResponse(202, s_accepted, JsonContentType);
        response.Headers.Add(new(IdentifierHeader, extension.Id));
        return response;
    }

    private HttpResponse Subscribe(HttpRequest request, bool logsApi)
    {
        if (supervisor.Registry.Identify(request.Header(IdentifierHeader), out var extension) is { } unknown)
        {
            return Error(unknown);
        }

        if (request.Body is null)
        {
            return Error(ApiError.TooLarge);
        }

        var subscription = SubscribeRequest.Parse(request.Body, logsApi, extension.Name, supervisor.Telemetry.Time, out var problem);
        if (subscription is null)
        {
            return new HttpResponse(400, ErrorPayload.Create(problem ?? "Invalid request", "ValidationError"), JsonContentType);
        }

        supervisor.Telemetry.Subscribe(subscription);
        return new HttpResponse(200, "\"OK\""u8.ToArray(), JsonContentType);
    }

    private static HttpResponse NotFound(HttpRequest request) =>
        Error(new ApiError(404, "NotFound", $"No route for {request.Method} {request.Path}"));

    private static HttpResponse Error(ApiError error) =>
        new(error.Status, ErrorPayload.Create(error.ErrorMessage, error.ErrorType), JsonContentType);

    /// <summary>Decodes a body for a log message.</summary>
    internal static string Text(byte[]? body) => body is null ? "" : Encoding.UTF8.GetString(body);
}
