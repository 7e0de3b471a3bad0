// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;
using System.Text.Json;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Input no client library would send still gets a 4xx in AWS's error shape, never a 500 or an empty body.</summary>
public sealed class MalformedRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // Signed as an SDK signs, so that what is tested is the request's shape, not its missing credentials.
    private HttpClient Http { get; } = new(new SigV4SigningHandler(new SocketsHttpHandler())) { BaseAddress = fixture.Server.Endpoint };

    [Fact]
    public async Task QueryFormKeyOver2048Bytes_Answers400WithSqsXmlError()
    {
        using var form = new StringContent(new string('A', 3000) + "=1&Action=ListQueues", Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await Http.PostAsync(new Uri("/", UriKind.Relative), form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Type>Sender</Type><Code>MalformedQueryString</Code><Message>The request's form could not be read: Form key length limit 2048 exceeded.</Message>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryFormWithMoreThan1024Values_Answers400WithSqsXmlError()
    {
        var fields = string.Join('&', Enumerable.Range(0, 1100).Select(i => $"K{i}=v"));
        using var form = new StringContent("Action=ListQueues&" + fields, Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await Http.PostAsync(new Uri("/000000000000/some-queue", UriKind.Relative), form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>MalformedQueryString</Code>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedMultipartForm_Answers400WithSqsXmlError()
    {
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"Action\"\r\n\r\nListQ"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        using var response = await Http.PostAsync(new Uri("/", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>MalformedQueryString</Code>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownLambdaMethod_AnswersUnknownOperationJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/2015-03-31/functions/f/concurrency");

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.True((int)response.StatusCode is 404 or 405, response.ToString());
        Assert.Equal("UnknownOperationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("User", body.RootElement.GetProperty("Type").GetString());
        Assert.Equal("Nimbus does not serve PATCH /2015-03-31/functions/f/concurrency yet. See the compatibility table in the README.", body.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("", 400, "AuthorizationQueryParametersError")]
    [InlineData("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=NIMBUSCODE0000000000%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=00", 403, "InvalidAccessKeyId")]
    [InlineData("?X-Amz-Expires=1704067800&X-Amz-Signature=00", 400, "AuthorizationQueryParametersError")]
    public async Task CodeUrlNotSignedByTheServer_AnswersS3XmlError(string query, int status, string code)
    {
        // Code URLs are fetched as they are handed out, without credentials of the caller's.
        using var unsigned = new HttpClient { BaseAddress = fixture.Server.Endpoint };
        using var response = await unsigned.GetAsync(new Uri("/_nimbus/code/n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg.zip" + query, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<Error><Code>{code}</Code><Message>", body, StringComparison.Ordinal);
    }

    /// <summary>JSON null where the model has a list member or a map value (no SDK sends it): each answered 500 once.</summary>
    [Theory]
    [InlineData("POST", "/2015-03-31/functions", """{"FunctionName":"nm-1","Runtime":"python3.11","Handler":"index.handler","Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},"Layers":[null]}""", "ValidationException", "1 validation error detected: Value '[null]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, ")]
    [InlineData("PUT", "/2015-03-31/functions/nm-missing/configuration", """{"Environment":{"Variables":{"AB":null}}}""", "ValidationException", "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]")]
    [InlineData("PUT", "/2015-03-31/functions/nm-missing/configuration", """{"ImageConfig":{"Command":[null]}}""", "ValidationException", "1 validation error detected: Value null at 'imageConfig.command.1.member' failed to satisfy constraint: Member must not be null")]
    [InlineData("POST", "/2021-10-31/functions/nm-missing/url", """{"AuthType":"NONE","Cors":{"AllowOrigins":[null]}}""", "ValidationException", "1 validation error detected: Value null at 'cors.allowOrigins.1.member' failed to satisfy constraint: Member must not be null")]
    [InlineData("POST", "/2015-03-31/event-source-mappings", """{"EventSourceArn":"arn:aws:sqs:us-east-1:000000000000:nm-q","FunctionName":"nm-missing","FunctionResponseTypes":[null]}""", "ValidationException", "1 validation error detected: Value null at 'functionResponseTypes.1.member' failed to satisfy constraint: Member must not be null")]
    [InlineData("POST", "/2015-03-31/event-source-mappings", """{"EventSourceArn":"arn:aws:sqs:us-east-1:000000000000:nm-q","FunctionName":"nm-missing","FilterCriteria":{"Filters":[null]}}""", "InvalidParameterValueException", "Invalid filter pattern definition.")]
    public async Task JsonNullMember_AnswersTheMembersError(string method, string path, string body, string errorType, string messageStart)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorType, response.Headers.GetValues("x-amzn-ErrorType").Single());
        using var json = JsonDocument.Parse(text);
        Assert.StartsWith(messageStart, json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
