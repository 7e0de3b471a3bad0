// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Access.Signing;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// aws-chunked request bodies against the real server: signed chunk by chunk by TestKit's signer (as the AWS SDKs
/// stream uploads), decoded for every API, refused when a chunk was changed on the way.
/// </summary>
public sealed class AwsChunkedTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client(int chunkSize, Action<byte[]>? tamper = null) =>
        new(new SigV4SigningHandler(new SocketsHttpHandler(), chunkSize: chunkSize, tamper: tamper)) { BaseAddress = fixture.Server.Endpoint };

    [Fact]
    public async Task CreateFunction_ChunkedBody_AcceptedAndStored()
    {
        using var http = Client(chunkSize: 1024);

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), CreateFunction("chunked-fn"), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        using var plain = Client(chunkSize: int.MaxValue);
        using var get = await plain.GetAsync(new Uri("/2015-03-31/functions/chunked-fn", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task CreateFunction_OneChunkTampered_403AndNotCreated()
    {
        using var http = Client(chunkSize: 1024, tamper: body => Change(body, "tampered-fn"));

        using var response = await http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), CreateFunction("tampered-fn"), Ct);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(SigV4.SignatureMismatchMessage, error.RootElement.GetProperty("message").GetString());
        using var plain = Client(chunkSize: int.MaxValue);
        using var get = await plain.GetAsync(new Uri("/2015-03-31/functions/tampered-fn", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task SqsSendMessage_ChunkedBody_MessageArrivesDecoded()
    {
        using var http = Client(chunkSize: 16);
        var queueUrl = (await SqsAsync(http, "CreateQueue", new JsonObject { ["QueueName"] = "chunked-q" }))["QueueUrl"]!.GetValue<string>();
        var text = "a message sent in aws-chunked pieces of sixteen bytes, " + new string('z', 100);

        await SqsAsync(http, "SendMessage", new JsonObject { ["QueueUrl"] = queueUrl, ["MessageBody"] = text });
        var received = await SqsAsync(http, "ReceiveMessage", new JsonObject { ["QueueUrl"] = queueUrl, ["WaitTimeSeconds"] = 5 });

        Assert.Equal(text, received["Messages"]![0]!["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task SqsSendMessage_ChunkTampered_SqsJsonSignatureDoesNotMatch()
    {
        using var http = Client(chunkSize: 16, tamper: body => Change(body, "prefix"));
        using var request = SqsRequest("ListQueues", new JsonObject { ["QueueNamePrefix"] = "prefix" });

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("SignatureDoesNotMatch;Sender", response.Headers.GetValues("x-amzn-query-error").Single());
    }

    /// <summary>Changes the first byte of <paramref name="marker"/> in a chunk's data, as a proxy on the way might.</summary>
    private static void Change(byte[] body, string marker) =>
        body[body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker))] ^= 0x20;

    private static StringContent CreateFunction(string name) => new(
        new JsonObject
        {
            ["FunctionName"] = name,
            ["Runtime"] = "python3.11",
            ["Role"] = "arn:aws:iam::000000000000:role/lambda-role",
            ["Handler"] = "app.handler",
            ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(ZipBuilder.Create(("app.py", "def handler(event, context):\n    return event\n" + new string('#', 4000)))) },
        }.ToJsonString(),
        Encoding.UTF8,
        "application/json");

    private static HttpRequestMessage SqsRequest(string action, JsonObject input)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(input.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", "AmazonSQS." + action);
        return request;
    }

    private static async Task<JsonNode> SqsAsync(HttpClient http, string action, JsonObject input)
    {
        using var request = SqsRequest(action, input);
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body.Length == 0 ? "{}" : body)!;
    }
}
