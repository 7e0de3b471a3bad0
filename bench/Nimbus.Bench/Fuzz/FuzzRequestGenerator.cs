// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Access.Signing;
using Nimbus.TestKit;

namespace Nimbus.Bench.Fuzz;

/// <summary>
/// Makes random bad (and some good) requests: methods, every route with odd names and qualifiers, odd queries, bodies
/// of random bytes, truncated or deep JSON, forms with huge keys, and headers with X-Amz-Target variants, bad
/// Content-Length and odd Content-Type; and well-formed, signed requests of the write operations with one or two members
/// broken (<see cref="FuzzTemplates"/>). The same seed and index always give the same request.
/// </summary>
internal sealed class FuzzRequestGenerator(string host, string functionName, string queueUrlPath)
{
    private readonly FuzzTemplates _templates = new(functionName, $"http://{host}{queueUrlPath}");

    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "FOO", "CONNECT"];

    private static readonly string[] s_contentTypes =
    [
        "application/json", "application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8", "multipart/form-data; boundary=b", "multipart/form-data",
        "text/plain", "application/octet-stream", "", ";;;", "application/json; charset=bogus", "application/zip",
    ];

    private readonly string[] _names =
    [
        functionName, "missing-fn", $"arn:aws:lambda:us-east-1:000000000000:function:{functionName}",
        $"arn:aws:lambda:us-east-1:000000000000:function:{functionName}:1", $"{functionName}:%24LATEST", $"{functionName}:alias",
        "", "%00", "%zz", "a%2Fb", "..", new string('x', 300), "%C3%A9", "%F0%9F%98%80", "%24LATEST", "1", "0", "-1",
        "99999999999999999999", "null", "arn:aws:lambda:::function:", "arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Ax",
        "fuzz-layer", "a:b:c:d:e:f:g:h", "%20", "+",
    ];

    private readonly string[] _values =
    [
        "", "1", "0", "-1", "2147483648", "99999999999999999999", "1e400", "abc", "$LATEST", "ALL", "LayerVersion", "true",
        "null", "\u00e9", "\u0000", "\ud83d\ude00", new string('y', 5000), "arn:aws:lambda:us-east-1:000000000000:function:x",
        "arn:aws:sqs:us-east-1:000000000000:fuzz-q", "python3.11", "index.handler", "RequestResponse", "Event", "DryRun",
    ];

    public FuzzRequest Create(int seed, int index)
    {
        // Not HashCode.Combine: its hashes are seeded per process, and the same seed must give the same requests in any run.
        var random = new Random(unchecked((seed * 1_000_003) + index));
        if (random.Next(3) == 0)
        {
            return Broken(random);
        }

        var method = Pick(random, s_methods);
        var (target, kind) = random.Next(10) switch
        {
            < 6 => (LambdaPath(random, ref method), "lambda"),
            < 8 => (random.Next(3) == 0 ? queueUrlPath : "/", "sqs"),
            8 => ($"/_nimbus/code/{Pick(random, _names)}.zip", "code"),
            _ => (random.Next(2) == 0 ? "/_nimbus/health" : "/" + Pick(random, _names) + "/" + Pick(random, _names), "other"),
        };
        if (method == "DELETE" && target == $"/2015-03-31/functions/{functionName}")
        {
            // Keeps the target function, so that later requests reach it rather than "not found".
            method = "GET";
        }

        if (kind == "sqs" && random.Next(4) > 0)
        {
            method = "POST";
        }

        if (random.Next(3) == 0)
        {
            target += "?" + Query(random);
        }

        var headers = new List<(string, string)>();
        var body = Body(random, kind);
        if (random.Next(3) > 0)
        {
            headers.Add(("Content-Type", kind == "sqs" && random.Next(2) == 0 ? (random.Next(2) == 0 ? "application/x-amz-json-1.0" : "application/x-www-form-urlencoded") : Pick(random, s_contentTypes)));
        }

        if (kind == "sqs" && random.Next(5) > 0 || random.Next(10) == 0)
        {
            headers.Add(("X-Amz-Target", random.Next(8) switch
            {
                0 => "AmazonSQS.",
                1 => "AmazonSQS",
                2 => "Lambda.Invoke",
                3 => "AmazonSQS." + new string('A', 3000),
                _ => "AmazonSQS." + Pick(random, FuzzRoutes.SqsActions),
            }));
        }

        AddLambdaHeaders(random, headers);
        if (random.Next(5) > 0 && !headers.Exists(h => h.Item1 == "Authorization"))
        {
            // Most requests are signed with the root key, as an SDK signs, so that they reach the APIs behind the check.
            Sign(method, target, kind == "sqs" ? "sqs" : "lambda", headers, body);
        }

        var summary = $"{method} {(target.Length > 160 ? target[..160] + "..." : target)} [{string.Join(", ", headers.Select(h => h.Item1 + ": " + Shorten(h.Item2)))}] body {body.Length} bytes";
        var bytes = Encode(random, method, target, headers, body, out var framing);
        return new FuzzRequest(summary + framing, bytes);
    }

    /// <summary>
    /// A template's request with one or two members broken (a JSON body, or one time in five an SQS query form), signed,
    /// with the operation's own headers.
    /// </summary>
    private FuzzRequest Broken(Random random)
    {
        string method, target, text;
        List<(string Name, string Value)> headers;
        string service;
        if (random.Next(5) == 0)
        {
            (method, target, text) = ("POST", "/", _templates.CreateForm(random, r => Pick(r, _values)));
            headers = [("Content-Type", "application/x-www-form-urlencoded")];
            service = "sqs";
        }
        else
        {
            (method, target, var action, text) = _templates.Create(random, r => JsonValue(r, 2));
            headers = action is null
                ? [("Content-Type", "application/json")]
                : [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS." + action)];
            service = action is null ? "lambda" : "sqs";
        }

        var body = Encoding.UTF8.GetBytes(text);
        Sign(method, target, service, headers, body);
        var summary = $"{method} {target} {headers[^1].Value} body {(text.Length > 600 ? text[..600] + "..." : text)}";
        var bytes = Encode(random, method, target, headers, body, out var framing, clean: true);
        return new FuzzRequest(summary + framing, bytes);
    }

    private void Sign(string method, string target, string service, List<(string Name, string Value)> headers, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.UtcDateTime.ToString(SigV4.TimestampFormat, CultureInfo.InvariantCulture);
        headers.Add((SigV4.DateHeader, timestamp));
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var request = new RawRequest(method, question < 0 ? target : target[..question], question < 0 ? "" : target[(question + 1)..], host, timestamp);
        var authorization = SigV4Signer.Authorization(
            request, "host;x-amz-date", AwsClients.AccessKeyId, AwsClients.SecretAccessKey, "us-east-1", service, timestamp, Convert.ToHexStringLower(SHA256.HashData(body)));
        headers.Add(("Authorization", authorization));
    }

    private string LambdaPath(Random random, ref string method)
    {
        var operation = Pick(random, FuzzRoutes.Lambda).Split(' ');
        var template = operation[1];

        // Mostly the operation's own method, so that most requests reach a handler rather than "unknown operation".
        method = random.Next(4) == 0 ? method : operation[0];
        var path = new StringBuilder();
        foreach (var part in template.Split('/'))
        {
            if (part.Length > 0)
            {
                path.Append('/').Append(!part.StartsWith('{') ? part : random.Next(5) < 2 ? functionName : Pick(random, _names));
            }
        }

        if (random.Next(10) == 0)
        {
            path.Append(random.Next(3) switch { 0 => "/", 1 => "/extra", _ => "//" });
        }

        return path.ToString();
    }

    private string Query(Random random)
    {
        string[] names = ["Qualifier", "Marker", "MaxItems", "FunctionVersion", "find", "Arn", "CompatibleRuntime", "CompatibleArchitecture", "X-Amz-Credential", "X-Amz-Expires", "X-Amz-Signature", "X-Amz-Date", "FunctionName", "EventSourceArn", "Action", "%zz", ""];
        var parts = new List<string>();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            parts.Add($"{Pick(random, names)}={Uri.EscapeDataString(Pick(random, _values)).Replace("%25", random.Next(4) == 0 ? "%" : "%25", StringComparison.Ordinal)}");
        }

        return string.Join('&', parts);
    }

    private static void AddLambdaHeaders(Random random, List<(string, string)> headers)
    {
        if (random.Next(3) == 0)
        {
            headers.Add(("X-Amz-Invocation-Type", Pick(random, ["RequestResponse", "Event", "DryRun", "event", "", "Bogus"])));
        }

        if (random.Next(5) == 0)
        {
            headers.Add(("X-Amz-Log-Type", Pick(random, ["Tail", "None", "tail", "x"])));
        }

        if (random.Next(6) == 0)
        {
            headers.Add(("X-Amz-Client-Context", Pick(random, ["e30=", "not base64", "", Convert.ToBase64String(Encoding.UTF8.GetBytes("[1,2")), new string('A', 5000)])));
        }

        if (random.Next(5) == 0)
        {
            headers.Add(("Authorization", Pick(random,
            [
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/lambda/aws4_request, SignedHeaders=host, Signature=00",
                "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=, Signature=",
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/\u00e9\u00e9/lambda/aws4_request",
                "AWS4-HMAC-SHA256 Credential=AKID/20240101/a:b/lambda/aws4_request",
                "Bearer x", "",
            ])));
        }

        if (random.Next(8) == 0)
        {
            headers.Add(("X-Amz-Date", Pick(random, ["20240101T000000Z", "yesterday", ""])));
        }

        if (random.Next(40) == 0)
        {
            headers.Add(("X-Big", new string('h', random.Next(2) == 0 ? 20_000 : 70_000)));
        }
    }

    private byte[] Body(Random random, string kind)
    {
        switch (random.Next(kind == "sqs" ? 9 : 8))
        {
            case 0:
                return [];
            case 1:
                var bytes = new byte[random.Next(0, 2048)];
                random.NextBytes(bytes);
                return bytes;
            case 2:
                var json = Json(random, 0);
                return Encoding.UTF8.GetBytes(json[..random.Next(json.Length + 1)]);
            case 3:
                var depth = random.Next(2) == 0 ? random.Next(10, 100) : random.Next(1000, 5000);
                return Encoding.UTF8.GetBytes(new string('[', depth) + (random.Next(2) == 0 ? new string(']', depth) : ""));
            case 4:
                return Encoding.UTF8.GetBytes($"{{\"{Pick(random, FuzzRoutes.Members)}\":\"{new string('z', random.Next(2) == 0 ? 300_000 : 1_200_000)}\"}}");
            case 8:
                return Encoding.UTF8.GetBytes(Form(random));
            default:
                return Encoding.UTF8.GetBytes(Json(random, 0));
        }
    }

    private string Form(Random random)
    {
        var form = new StringBuilder("Action=").Append(Uri.EscapeDataString(Pick(random, FuzzRoutes.SqsActions)));
        for (var i = random.Next(0, random.Next(20) == 0 ? 1200 : 8); i > 0; i--)
        {
            var name = random.Next(30) == 0 ? new string('K', 3000) : Pick(random, FuzzRoutes.Members) + (random.Next(3) == 0 ? $".{random.Next(-1, 12)}" : "") + (random.Next(4) == 0 ? ".Name" : "");
            form.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(Pick(random, _values)));
        }

        if (random.Next(10) == 0)
        {
            form.Append("&%zz=%");
        }

        return form.ToString();
    }

    private string Json(Random random, int depth)
    {
        var json = new StringBuilder("{");
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            json.Append('"').Append(Pick(random, FuzzRoutes.Members)).Append("\":").Append(JsonValue(random, depth)).Append(i > 1 ? "," : "");
        }

        return json.Append('}').ToString();
    }

    private string JsonValue(Random random, int depth) => random.Next(depth > 3 ? 7 : 9) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => Pick(random, ["0", "-1", "1.5", "1e400", "2147483648", "-9223372036854775809", "128", "900", "10240"]),
        3 or 4 => System.Text.Json.JsonSerializer.Serialize(Pick(random, _values)),
        5 => "\"" + Convert.ToBase64String(RandomBytes(random)) + "\"",
        6 => "\"" + Pick(random, _names) + "\"",
        7 => "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 4)).Select(_ => JsonValue(random, depth + 1))) + "]",
        _ => Json(random, depth + 1),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>The request's bytes; unless <paramref name="clean"/>, now and then with an odd Host or bad framing.</summary>
    private byte[] Encode(Random random, string method, string target, List<(string Name, string Value)> headers, byte[] body, out string framing, bool clean = false)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(!clean && random.Next(25) == 0 ? Pick(random, ["", "a b", "[::1", $"abc.lambda-url.us-east-1.localhost:{host.Split(':')[^1]}"]) : host).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        framing = "";
        switch (clean ? -1 : random.Next(20))
        {
            case 0:
                framing = " (Content-Length: abc)";
                head.Append("Content-Length: abc\r\n");
                break;
            case 1:
                framing = " (Content-Length: -1)";
                head.Append("Content-Length: -1\r\n");
                break;
            case 2:
                framing = " (two Content-Lengths)";
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nContent-Length: {body.Length + 1}\r\n");
                break;
            case 3 when body.Length > 0:
                framing = " (Content-Length short of the body)";
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {random.Next(body.Length)}\r\n");
                break;
            case 4:
                framing = " (bad chunked body)";
                head.Append("Transfer-Encoding: chunked\r\n\r\nzz\r\n");
                return Encoding.UTF8.GetBytes(head.ToString());
            default:
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
                break;
        }

        head.Append("Connection: close\r\n\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. body];
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + $"...({value.Length})" : value;

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
