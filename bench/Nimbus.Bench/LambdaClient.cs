// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>The few Lambda REST calls the figures need, over the HttpClient it is given (which signs them with SigV4 where the server checks signatures).</summary>
internal sealed class LambdaClient(HttpClient http)
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly TimeSpan s_activeTimeout = TimeSpan.FromSeconds(60);

    public HttpClient Http => http;

    /// <summary>Creates a no-op function of <paramref name="runtime"/> and waits until it is Active.</summary>
    public Task CreateNoOpAsync(string name, string runtime, CancellationToken cancellationToken, int memorySize = 128, IReadOnlyList<string>? layers = null, (byte[] Zip, string Handler)? code = null, IReadOnlyDictionary<string, string>? variables = null)
    {
        var (zip, handler) = code ?? FunctionCode.NoOp(runtime, name);
        return CreateAsync(name, runtime, handler, zip, cancellationToken, memorySize, layers, variables);
    }

    /// <summary>Creates a function of <paramref name="runtime"/> from <paramref name="zip"/> and waits until it is Active.</summary>
    public async Task CreateAsync(string name, string runtime, string handler, byte[] zip, CancellationToken cancellationToken, int memorySize = 128, IReadOnlyList<string>? layers = null, IReadOnlyDictionary<string, string>? variables = null)
    {
        var request = new JsonObject
        {
            ["FunctionName"] = name,
            ["Runtime"] = runtime,
            ["Role"] = "arn:aws:iam::000000000000:role/r",
            ["Handler"] = handler,
            ["MemorySize"] = memorySize,
            ["Code"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) },
        };
        if (layers is not null)
        {
            request["Layers"] = new JsonArray([.. layers.Select(l => JsonValue.Create(l))]);
        }

        if (variables is not null)
        {
            var values = new JsonObject();
            foreach (var (key, value) in variables)
            {
                values[key] = value;
            }

            request["Environment"] = new JsonObject { ["Variables"] = values };
        }

        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, s_json);
        using var response = await http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), content, cancellationToken);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException(
                $"CreateFunction {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        await WaitActiveAsync(name, cancellationToken);
    }

    /// <summary>Sends one Lambda control-plane request with a JSON body; throws unless it answers <paramref name="expected"/>.</summary>
    public async Task PostJsonAsync(string path, JsonObject body, int expected, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, s_json);
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        if ((int)response.StatusCode != expected)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>PublishLayerVersion with an inline zip; returns the LayerVersionArn.</summary>
    public async Task<string> PublishLayerAsync(string name, byte[] zip, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["Content"] = new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) } };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, s_json);
        using var response = await http.PostAsync(new Uri($"/2018-10-31/layers/{name}/versions", UriKind.Relative), content, cancellationToken);
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"PublishLayerVersion {name}: {(int)response.StatusCode} {json}");
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("LayerVersionArn").GetString()!; // Always in a 201.
    }

    public async Task WaitActiveAsync(string name, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var json = await http.GetStringAsync(new Uri($"/2015-03-31/functions/{name}/configuration", UriKind.Relative), cancellationToken);
            using var document = JsonDocument.Parse(json);
            var state = document.RootElement.GetProperty("State").GetString();
            if (state == "Active")
            {
                return;
            }

            if (state == "Failed" || Stopwatch.GetElapsedTime(started) > s_activeTimeout)
            {
                throw new InvalidOperationException($"{name} did not become Active: {json}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    /// <summary>One synchronous Invoke; with <paramref name="tail"/>, asks for the last 4 KB of the log (X-Amz-Log-Type: Tail).</summary>
    public async Task<InvokeResult> InvokeAsync(string name, byte[] payload, bool tail, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/2015-03-31/functions/{name}/invocations", UriKind.Relative))
        {
            Content = new ByteArrayContent(payload) { Headers = { ContentType = s_json } },
        };
        if (tail)
        {
            request.Headers.Add("X-Amz-Log-Type", "Tail");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? log = null;
        if (response.Headers.TryGetValues("X-Amz-Log-Result", out var values))
        {
            log = Encoding.UTF8.GetString(Convert.FromBase64String(values.First()));
        }

        var ok = (int)response.StatusCode == 200 && !response.Headers.Contains("X-Amz-Function-Error");
        return new InvokeResult(ok, (int)response.StatusCode, log, body);
    }
}
