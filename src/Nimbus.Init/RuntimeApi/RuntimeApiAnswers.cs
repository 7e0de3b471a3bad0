// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Http;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.RuntimeApi;

/// <summary>
/// The Runtime API's answers and the frames its results become, shared by nimbus-init's handler and the server's, which
/// serves a runtime's connection itself once nimbus-init handed it over (docs/internals/invoke-path.md#direct-runtime-api).
/// </summary>
internal static class RuntimeApiAnswers
{
    public const string JsonContentType = "application/json";
    public const string ResponseModeHeader = "Lambda-Runtime-Function-Response-Mode";
    public const string StreamingMode = "streaming";

    private static readonly byte[] s_accepted = """{"status":"OK"}"""u8.ToArray();

    /// <summary>The answer to /next: the event and its Lambda-Runtime-* headers, from the Invoke frame.</summary>
    public static HttpResponse Event(Frame invoke)
    {
        var response = new HttpResponse(200, invoke.Body, NonEmpty(invoke.Header(FrameHeaders.ContentType)) ?? JsonContentType, headers: 7);
        Add(response, "Lambda-Runtime-Aws-Request-Id", invoke.Header(FrameHeaders.RequestId));
        Add(response, "Lambda-Runtime-Deadline-Ms", invoke.Header(FrameHeaders.DeadlineMs));
        Add(response, "Lambda-Runtime-Invoked-Function-Arn", invoke.Header(FrameHeaders.FunctionArn));
        Add(response, "Lambda-Runtime-Trace-Id", invoke.Header(FrameHeaders.TraceId));
        Add(response, "Lambda-Runtime-Client-Context", invoke.Header(FrameHeaders.ClientContext));
        Add(response, "Lambda-Runtime-Cognito-Identity", invoke.Header(FrameHeaders.CognitoIdentity));
        return response;
    }

    public static HttpResponse Accepted() => new(202, s_accepted, JsonContentType);

    public static HttpResponse Error(ApiError error) =>
        new(error.Status, ErrorPayload.Create(error.ErrorMessage, error.ErrorType), JsonContentType);

    public static HttpResponse NotFound(HttpRequest request) => Error(new ApiError(404, "NotFound", $"No route for {request.Method} {request.Path}"));

    /// <summary>A response-mode header other than streaming: the invocation fails and the runtime gets 400.</summary>
    public static bool InvalidResponseMode(HttpRequest request) =>
        request.Header(ResponseModeHeader) is { } mode && !string.Equals(mode, StreamingMode, StringComparison.Ordinal);

    public static Frame InvalidResponseModeFrame(string requestId) =>
        ErrorFrame(requestId, "Runtime.InvalidResponseModeHeader", ErrorPayload.Create("Invalid Lambda-Runtime-Function-Response-Mode header", "Runtime.InvalidResponseModeHeader"));

    /// <summary>A /response read whole (<see cref="HttpRequest.Body"/> not null).</summary>
    public static Frame ResponseFrame(HttpRequest request, string requestId, bool settled) =>
        new(
            FrameType.Response,
            settled
                ? [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ContentType, NonEmpty(request.Header("Content-Type")) ?? JsonContentType), new(FrameHeaders.PostInvokeDone, "1")]
                : [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ContentType, NonEmpty(request.Header("Content-Type")) ?? JsonContentType)],
            request.Body);

    /// <summary>An /error read whole: its type from the header or the body (<see cref="ErrorPayload.Read"/>).</summary>
    public static Frame ErrorFrame(HttpRequest request, string requestId, bool settled)
    {
        var (errorType, body) = ErrorPayload.Read(request.Header("Lambda-Runtime-Function-Error-Type"), request.Header("Content-Type"), request.Body!);
        return ErrorFrame(requestId, errorType, body, settled);
    }

    /// <summary>The invocation fails with Function.ResponseSizeTooLarge; the runtime gets 413 (RIE invocationresponse.go).</summary>
    public static Frame TooLargeFrame(string requestId, long length) =>
        ErrorFrame(
            requestId,
            "Function.ResponseSizeTooLarge",
            ErrorPayload.Create(
                $"Response payload size ({length} bytes) exceeded maximum allowed payload size ({HttpConnection.MaxBodyLength} bytes).",
                "Function.ResponseSizeTooLarge"));

    public static Frame ErrorFrame(string requestId, string errorType, byte[] body, bool settled = false) =>
        new(
            FrameType.Error,
            settled
                ? [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ErrorType, errorType), new(FrameHeaders.PostInvokeDone, "1")]
                : [new(FrameHeaders.RequestId, requestId), new(FrameHeaders.ErrorType, errorType)],
            body);

    /// <summary>The request id of a POST /runtime/invocation/{id}/response or /error (<paramref name="route"/> after the prefix), else null.</summary>
    public static string? ResultRequestId(ReadOnlySpan<char> route, out bool response)
    {
        const string InvocationPath = "/runtime/invocation/";
        response = false;
        if (!route.StartsWith(InvocationPath, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = route[InvocationPath.Length..];
        var slash = rest.LastIndexOf('/');
        if (slash < 0 || rest[(slash + 1)..] is not ("response" or "error"))
        {
            return null;
        }

        response = rest[(slash + 1)..] is "response";
        return Uri.UnescapeDataString(rest[..slash].ToString());
    }

    public static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void Add(HttpResponse response, string name, string? value)
    {
        // Header values come from the host; a line break would split the response.
        if (NonEmpty(value) is { } text && !text.AsSpan().ContainsAny('\r', '\n'))
        {
            response.Headers.Add(new(name, text));
        }
    }
}
