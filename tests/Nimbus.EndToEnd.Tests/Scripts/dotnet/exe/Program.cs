// SPDX-License-Identifier: Apache-2.0
// The executable-assembly form: top-level statements with their own Runtime API loop (what
// Amazon.Lambda.RuntimeSupport's LambdaBootstrap does), run by the managed runtime as `dotnet exec Bootstrap.dll`.
using System.Text;

var api = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
using var http = new HttpClient { BaseAddress = new Uri($"http://{api}/2018-06-01/runtime/"), Timeout = Timeout.InfiniteTimeSpan };
while (true)
{
    using var next = await http.GetAsync("invocation/next");
    var id = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").First();
    var body = await next.Content.ReadAsStringAsync();
    var answer = $"{{\"exe\": {body}, \"framework\": {Environment.Version.Major}}}";
    using var posted = await http.PostAsync($"invocation/{id}/response", new StringContent(answer, Encoding.UTF8, "application/json"));
}
