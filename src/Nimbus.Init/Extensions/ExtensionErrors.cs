// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init.Extensions;

/// <summary>The Extensions API's error answers: 403 with the emulator's error types and messages (RIE rapi/handler).</summary>
internal static class ExtensionErrors
{
    /// <summary>Lambda's limit on extensions per function (RIE core.MaxAgentsAllowed).</summary>
    public const int MaxExtensions = 10;

    public static ApiError EmptyName { get; } = new(403, "Extension.InvalidExtensionName", "Empty extension name");

    public static ApiError MissingIdentifier { get; } = new(403, "Extension.MissingExtensionIdentifier", "Missing Lambda-Extension-Identifier header");

    public static ApiError InvalidIdentifier { get; } = new(403, "Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier");

    public static ApiError RegistrationClosed { get; } = new(403, "Extension.RegistrationClosed", "Extension registration closed already");

    public static ApiError TooMany { get; } = new(403, "Extension.TooManyExtensions", $"Extension limit ({MaxExtensions}) reached");

    public static ApiError NameCollision { get; } = new(403, "Extension.InvalidExtensionState", "Extension with this name already registered");

    public static ApiError MissingErrorType { get; } = new(403, "Extension.MissingHeader", "Missing Lambda-Extension-Function-Error-Type header");

    public static ApiError Unknown(string id) => new(403, "Extension.UnknownExtensionIdentifier", $"Unknown extension {id}");

    public static ApiError InvalidRequest(string message) => new(403, "InvalidRequestFormat", message);

    /// <summary>An unknown event name, or SHUTDOWN from an internal extension (the emulator's error names as text).</summary>
    public static ApiError InvalidEvent(string name, bool shutdownForInternal) =>
        new(403, "Extension.InvalidEventType", $"{name}: {(shutdownForInternal ? "ShutdownEventNotSupportedForInternalExtension" : "ErrorInvalidEventType")}");

    public static ApiError StateTransition(ExtensionState from, ExtensionState to, string who) =>
        new(403, "Extension.InvalidExtensionState", $"State transition from {from} to {to} failed for extension {who}. Error: State transition is not allowed");
}
