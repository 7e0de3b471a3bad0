// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.RuntimeApi;

/// <summary>A Runtime API error answer: status and the <c>{"errorMessage","errorType"}</c> body (RUNTIME_API_NOTES.md §3.3).</summary>
internal sealed record ApiError(int Status, string ErrorType, string ErrorMessage)
{
    public static ApiError InvalidRequestId { get; } = new(400, "InvalidRequestID", "Invalid request ID");

    public static ApiError InvalidResponseMode { get; } = new(400, "InvalidFunctionResponseMode", "Invalid function response mode");

    public static ApiError TooLarge { get; } = new(413, "RequestEntityTooLarge", $"Exceeded maximum allowed payload size ({Http.HttpConnection.MaxBodyLength} bytes).");

    public static ApiError Internal { get; } = new(500, "InternalServerError", "Internal Server Error");

    public static ApiError StateTransition(RuntimeState from, string to) =>
        new(403, "InvalidStateTransition", $"State transition from {Name(from)} to {to} failed for runtime. Error: State transition is not allowed");

    private static string Name(RuntimeState state) => state switch
    {
        RuntimeState.ResponseSent => "RuntimeResponseSentState",
        _ => state.ToString(),
    };
}
