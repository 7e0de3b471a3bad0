// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Init.Tests.Support;

namespace Nimbus.Init.Tests.Extensions;

/// <summary>The Extensions and Telemetry APIs' answers inside nimbus-init (errors as the emulator names them).</summary>
public sealed class ExtensionsApiTests
{
    private const string Register = "/2020-01-01/extension/register";
    private const string Next = "/2020-01-01/extension/event/next";
    private const string Telemetry = "/2022-07-01/telemetry";

    [Fact]
    public async Task Register_InternalExtension_AnswersIdentifierAndFunctionFields()
    {
        await using var host = await FakeHost.StartAsync();
        using var client = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var answer = await client.RequestAsync("POST", Register, """{"events":["INVOKE"]}""", "Lambda-Extension-Name: agent");

        Assert.Equal(200, answer.Status);
        Assert.True(Guid.TryParse(answer.Headers["Lambda-Extension-Identifier"], out _));
        var body = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(["functionName", "functionVersion", "handler"], body.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("""{"events":["SHUTDOWN"]}""", "agent", "Extension.InvalidEventType", "SHUTDOWN: ShutdownEventNotSupportedForInternalExtension")]
    [InlineData("""{"events":["FOO"]}""", "agent", "Extension.InvalidEventType", "FOO: ErrorInvalidEventType")]
    [InlineData("""{"events":["INVOKE"]}""", "", "Extension.InvalidExtensionName", "Empty extension name")]
    public async Task Register_Refused_Answers403WithTheEmulatorsError(string body, string name, string errorType, string message)
    {
        await using var host = await FakeHost.StartAsync();
        using var client = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var answer = await client.RequestAsync("POST", Register, body, $"Lambda-Extension-Name: {name}");

        Assert.Equal(403, answer.Status);
        var error = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(errorType, error.GetProperty("errorType").GetString());
        Assert.Equal(message, error.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Register_SameNameTwice_IsRefused()
    {
        await using var host = await FakeHost.StartAsync();
        using var client = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        await client.RequestAsync("POST", Register, """{"events":["INVOKE"]}""", "Lambda-Extension-Name: agent");
        var second = await client.RequestAsync("POST", Register, """{"events":["INVOKE"]}""", "Lambda-Extension-Name: agent");

        Assert.Equal(403, second.Status);
        Assert.Equal("Extension.InvalidExtensionState", JsonDocument.Parse(second.Body).RootElement.GetProperty("errorType").GetString());
    }

    [Theory]
    [InlineData(null, "Extension.MissingExtensionIdentifier")]
    [InlineData("not-a-uuid", "Extension.InvalidExtensionIdentifier")]
    [InlineData("8c4a9f0e-3b1d-4f57-9a43-2f6d1c0e7b21", "Extension.UnknownExtensionIdentifier")]
    public async Task Next_WithoutAKnownIdentifier_Answers403(string? id, string errorType)
    {
        await using var host = await FakeHost.StartAsync();
        using var client = await RawHttpClient.ConnectAsync(host.RuntimeApi);

        var answer = await client.RequestAsync("GET", Next, (byte[]?)null, id is null ? [] : [$"Lambda-Extension-Identifier: {id}"]);

        Assert.Equal(403, answer.Status);
        Assert.Equal(errorType, JsonDocument.Parse(answer.Body).RootElement.GetProperty("errorType").GetString());
    }

    [Theory]
    [InlineData("""{"schemaVersion":"2022-12-13","types":[],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain"}}""", "URI port is not provided; types should not be empty")]
    [InlineData("""{"schemaVersion":"2022-12-13","types":["function"],"buffering":{"maxItems":10},"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:1234"}}""", "buffering.maxItems must be an integer between 1000 and 10000")]
    [InlineData("""{"schemaVersion":"2022-12-13","types":["function"],"buffering":{"timeoutMs":30001},"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:1234"}}""", "buffering.timeoutMs must be an integer between 25 and 30000")]
    public async Task Subscribe_Invalid_Answers400ValidationError(string body, string message)
    {
        await using var host = await FakeHost.StartAsync();
        using var client = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        var registered = await client.RequestAsync("POST", Register, """{"events":["INVOKE"]}""", "Lambda-Extension-Name: agent");
        var id = registered.Headers["Lambda-Extension-Identifier"];

        var answer = await client.RequestAsync("PUT", Telemetry, body, $"Lambda-Extension-Identifier: {id}");

        Assert.Equal(400, answer.Status);
        var error = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("ValidationError", error.GetProperty("errorType").GetString());
        Assert.Equal(message, error.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Subscribe_Valid_AnswersOk()
    {
        await using var host = await FakeHost.StartAsync();
        using var client = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        var registered = await client.RequestAsync("POST", Register, """{"events":["INVOKE"]}""", "Lambda-Extension-Name: agent");
        var id = registered.Headers["Lambda-Extension-Identifier"];

        var answer = await client.RequestAsync(
            "PUT",
            "/2020-08-15/logs",
            """{"types":["platform","function"],"destination":{"protocol":"HTTP","URI":"http://sandbox.localdomain:1234/logs"}}""",
            $"Lambda-Extension-Identifier: {id}");

        Assert.Equal(200, answer.Status);
        Assert.Equal("\"OK\"", answer.Text);
    }
}
