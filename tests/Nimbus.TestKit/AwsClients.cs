// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Nimbus.TestKit;

/// <summary>
/// The real AWS clients, pointed at a Nimbus server: boto3 in the machine's python3 and the AWS CLI v2
/// (Debian's awscli at /usr/bin/aws; the first aws on PATH may be pyenv's v1 shim). Interpreters are run by their
/// real path; test.sh exports NIMBUS_TEST_PYTHON and NIMBUS_TEST_AWS.
/// </summary>
public sealed class AwsClients(NimbusServer server, string region = "us-east-1")
{
    public static string Python => System.Environment.GetEnvironmentVariable("NIMBUS_TEST_PYTHON") is { Length: > 0 } python ? python : "python3";

    public static string AwsCli => System.Environment.GetEnvironmentVariable("NIMBUS_TEST_AWS") is { Length: > 0 } aws ? aws : "/usr/bin/aws";

    /// <summary>The root key every test server is seeded with (NIMBUS_ROOT_ACCESS_KEY_ID), and its secret.</summary>
    public const string AccessKeyId = "AKIDNIMBUSTEST00001";

    public const string SecretAccessKey = "nimbus-test-secret";

    public string Region => region;

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NIMBUS_ENDPOINT"] = server.Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = region,
        ["AWS_REGION"] = region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PAGER"] = "",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
    };

    /// <summary>Runs a boto3 script from the test's Scripts folder with arguments; the script talks to NIMBUS_ENDPOINT.</summary>
    public Task<ProcessResult> Boto3Async(string script, params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Scripts", script);
        return ChildProcess.RunAsync(Python, [path, .. arguments], Environment);
    }

    /// <summary>Runs <c>aws --endpoint-url ... --output json</c> with the given arguments.</summary>
    public Task<ProcessResult> CliAsync(params string[] arguments) =>
        ChildProcess.RunAsync(AwsCli, ["--endpoint-url", server.Endpoint.ToString().TrimEnd('/'), "--output", "json", .. arguments], Environment);

    /// <summary>Runs the AWS CLI and parses its JSON output; fails with everything it printed when it did not succeed.</summary>
    public async Task<JsonNode> CliJsonAsync(params string[] arguments)
    {
        var result = await CliAsync(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', arguments)} failed: {result}");
        }

        return JsonNode.Parse(result.StandardOutput.Length == 0 ? "{}" : result.StandardOutput)
            ?? throw new InvalidOperationException("aws printed null");
    }
}
