// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Terraform's AWS provider against the server: an IAM role with an inline policy, a function (zip, environment,
/// tags, published), an alias, a permission, a function URL, a layer version, a queue and an event source mapping,
/// then an invocation through the alias; a second plan finds nothing to change; an update of the function's memory and
/// environment publishes version 2 and moves the alias; destroy removes it all. The
/// provider is taken from a filesystem mirror (NIMBUS_TEST_TF_PLUGINS, else /opt/tf-plugins), never downloaded.
/// </summary>
public sealed class TerraformTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>The provider, pointed at the server by variables; every service a configuration here uses.</summary>
    private const string Provider = """
        terraform {
          required_providers {
            aws = { source = "hashicorp/aws", version = "5.100.0" }
          }
        }

        variable "endpoint" { type = string }
        variable "access_key" { type = string }
        variable "secret_key" { type = string }

        provider "aws" {
          region                      = "us-east-1"
          access_key                  = var.access_key
          secret_key                  = var.secret_key
          skip_credentials_validation = true
          skip_requesting_account_id  = true
          skip_metadata_api_check     = true
          endpoints {
            cloudwatchlogs = var.endpoint
            iam            = var.endpoint
            lambda         = var.endpoint
            sqs            = var.endpoint
            sts            = var.endpoint
          }
        }
        """;

    private const string Configuration = Provider + "\n" + """
        resource "aws_iam_role" "fn" {
          name = "tf-fn-role"
          assume_role_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
          })
        }

        resource "aws_iam_role_policy" "fn" {
          name = "queue-access"
          role = aws_iam_role.fn.id
          policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = ["sqs:*", "logs:*"], Resource = "*" }]
          })
        }

        resource "aws_lambda_function" "fn" {
          function_name    = "tf-fn"
          role             = aws_iam_role.fn.arn
          handler          = "index.handler"
          runtime          = "python3.11"
          filename         = "fn.zip"
          source_code_hash = filebase64sha256("fn.zip")
          memory_size      = 256
          timeout          = 5
          publish          = true
          environment { variables = { GREETING = "hi" } }
          tags = { team = "nimbus" }
        }

        resource "aws_lambda_alias" "live" {
          name             = "live"
          function_name    = aws_lambda_function.fn.function_name
          function_version = aws_lambda_function.fn.version
        }

        resource "aws_lambda_permission" "s3" {
          statement_id  = "AllowS3"
          action        = "lambda:InvokeFunction"
          function_name = aws_lambda_function.fn.function_name
          principal     = "s3.amazonaws.com"
          source_arn    = "arn:aws:s3:::my-bucket"
        }

        resource "aws_lambda_function_url" "url" {
          function_name      = aws_lambda_function.fn.function_name
          authorization_type = "AWS_IAM"
        }

        resource "aws_lambda_layer_version" "layer" {
          layer_name          = "tf-layer"
          filename            = "fn.zip"
          compatible_runtimes = ["python3.11"]
        }

        resource "aws_sqs_queue" "q" {
          name                       = "tf-q"
          visibility_timeout_seconds = 60
        }

        resource "aws_lambda_event_source_mapping" "m" {
          event_source_arn = aws_sqs_queue.q.arn
          function_name    = aws_lambda_function.fn.arn
          batch_size       = 5
          enabled          = false
        }

        resource "aws_lambda_invocation" "hello" {
          function_name = aws_lambda_function.fn.function_name
          qualifier     = aws_lambda_alias.live.name
          input         = jsonencode({ greeting = "from terraform" })
        }

        output "result" { value = aws_lambda_invocation.hello.result }
        output "url" { value = aws_lambda_function_url.url.function_url }
        output "version" { value = aws_lambda_function.fn.version }
        """;

    /// <summary>
    /// The rest of what a function's Terraform usually holds: a managed policy attached to the role, the function's log
    /// group with retention, a queue with a redrive policy to a dead-letter queue and a FIFO queue, a function with its
    /// logging, tracing, dead-letter, reserved-concurrency and storage settings, an event invoke config with a
    /// destination, provisioned concurrency on its version, a layer version permission, runtime management and
    /// recursion configs, and a FIFO mapping with a filter and a scaling limit.
    /// </summary>
    private const string Settings = Provider + "\n" + """
        resource "aws_iam_role" "fn" {
          name = "tf2-role"
          assume_role_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
          })
        }
        resource "aws_iam_policy" "p" {
          name   = "tf2-policy"
          policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sqs:*", "logs:*", "lambda:InvokeFunction"], Resource = "*" }] })
        }
        resource "aws_iam_role_policy_attachment" "a" {
          role       = aws_iam_role.fn.name
          policy_arn = aws_iam_policy.p.arn
        }
        resource "aws_cloudwatch_log_group" "lg" {
          name              = "/aws/lambda/tf2-fn"
          retention_in_days = 7
        }
        resource "aws_sqs_queue" "dlq" {
          name = "tf2-dlq"
        }
        resource "aws_sqs_queue" "q" {
          name           = "tf2-q"
          redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3 })
        }
        resource "aws_sqs_queue" "fifo" {
          name                        = "tf2-q.fifo"
          fifo_queue                  = true
          content_based_deduplication = true
        }
        resource "aws_lambda_function" "fn" {
          function_name    = "tf2-fn"
          role             = aws_iam_role.fn.arn
          handler          = "index.handler"
          runtime          = "python3.12"
          filename         = "fn.zip"
          source_code_hash = filebase64sha256("fn.zip")
          publish          = true
          architectures    = ["x86_64"]
          ephemeral_storage { size = 512 }
          logging_config {
            log_format            = "JSON"
            application_log_level = "INFO"
            system_log_level      = "WARN"
            log_group             = aws_cloudwatch_log_group.lg.name
          }
          tracing_config { mode = "Active" }
          dead_letter_config { target_arn = aws_sqs_queue.dlq.arn }
          reserved_concurrent_executions = 5
          depends_on = [aws_iam_role_policy_attachment.a]
        }
        resource "aws_lambda_function_event_invoke_config" "e" {
          function_name                = aws_lambda_function.fn.function_name
          maximum_retry_attempts       = 1
          maximum_event_age_in_seconds = 120
          destination_config {
            on_failure { destination = aws_sqs_queue.dlq.arn }
          }
        }
        resource "aws_lambda_provisioned_concurrency_config" "pc" {
          function_name                     = aws_lambda_function.fn.function_name
          qualifier                         = aws_lambda_function.fn.version
          provisioned_concurrent_executions = 1
        }
        resource "aws_lambda_layer_version" "layer" {
          layer_name               = "tf2-layer"
          filename                 = "fn.zip"
          compatible_runtimes      = ["python3.12"]
          compatible_architectures = ["x86_64"]
        }
        resource "aws_lambda_layer_version_permission" "lp" {
          layer_name     = aws_lambda_layer_version.layer.layer_arn
          version_number = aws_lambda_layer_version.layer.version
          statement_id   = "all"
          action         = "lambda:GetLayerVersion"
          principal      = "*"
        }
        resource "aws_lambda_runtime_management_config" "rm" {
          function_name     = aws_lambda_function.fn.function_name
          update_runtime_on = "FunctionUpdate"
        }
        resource "aws_lambda_function_recursion_config" "rc" {
          function_name  = aws_lambda_function.fn.function_name
          recursive_loop = "Allow"
        }
        resource "aws_lambda_event_source_mapping" "fifo" {
          event_source_arn = aws_sqs_queue.fifo.arn
          function_name    = aws_lambda_function.fn.arn
          function_response_types = ["ReportBatchItemFailures"]
          filter_criteria {
            filter { pattern = jsonencode({ body = { kind = ["a"] } }) }
          }
          scaling_config { maximum_concurrency = 2 }
        }
        """;

    private const string Handler = """
        import os

        def handler(event, context):
            return {"event": event, "greeting": os.environ["GREETING"], "version": context.function_version}
        """;

    [Fact]
    public async Task ApplyPlanDestroy_EveryResourceRoundTrips()
    {
        await using var tf = await TerraformDirectory.CreateAsync(fixture, Configuration);

        var apply = await tf.RunAsync("apply", "-auto-approve", "-no-color");
        Assert.True(apply.ExitCode == 0, $"terraform apply: {apply}\n--- server\n{fixture.Server.Output}");

        // -detailed-exitcode: 0 when what the server reports matches the configuration, 2 when the provider sees drift.
        var plan = await tf.RunAsync("plan", "-detailed-exitcode", "-no-color");
        Assert.True(plan.ExitCode == 0, $"terraform plan after apply: {plan}");

        var outputs = await tf.RunAsync("output", "-json");
        Assert.True(outputs.ExitCode == 0, $"terraform output: {outputs}");
        var values = JsonNode.Parse(outputs.StandardOutput)!;
        var result = JsonNode.Parse(values["result"]!["value"]!.GetValue<string>())!;
        Assert.Equal("from terraform", result["event"]!["greeting"]!.GetValue<string>());
        Assert.Equal("hi", result["greeting"]!.GetValue<string>());
        Assert.Equal("1", result["version"]!.GetValue<string>());
        Assert.Equal("1", values["version"]!["value"]!.GetValue<string>());
        Assert.Matches(@"^http://[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+/$", values["url"]!["value"]!.GetValue<string>());
        var alias = await fixture.Clients.CliJsonAsync("lambda", "get-alias", "--function-name", "tf-fn", "--name", "live");
        Assert.Equal("1", alias["FunctionVersion"]!.GetValue<string>());

        // An update: UpdateFunctionConfiguration, a new published version, the alias moved to it.
        await tf.WriteConfigurationAsync(
            Configuration.Replace("memory_size      = 256", "memory_size      = 512", StringComparison.Ordinal).Replace("GREETING = \"hi\"", "GREETING = \"hello\"", StringComparison.Ordinal));
        var update = await tf.RunAsync("apply", "-auto-approve", "-no-color");
        Assert.True(update.ExitCode == 0, $"terraform apply of the update: {update}\n--- server\n{fixture.Server.Output}");
        var updated = await fixture.Clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", "tf-fn", "--qualifier", "live");
        Assert.Equal(512, (int?)updated["MemorySize"]);
        Assert.Equal("hello", (string?)updated["Environment"]!["Variables"]!["GREETING"]);
        Assert.Equal("2", (string?)updated["Version"]);
        var replanned = await tf.RunAsync("plan", "-detailed-exitcode", "-no-color");
        Assert.True(replanned.ExitCode == 0, $"terraform plan after the update: {replanned}");

        var destroy = await tf.RunAsync("destroy", "-auto-approve", "-no-color");
        Assert.True(destroy.ExitCode == 0, $"terraform destroy: {destroy}\n--- server\n{fixture.Server.Output}");
        var gone = await fixture.Clients.CliAsync("lambda", "get-function", "--function-name", "tf-fn");
        Assert.Contains("ResourceNotFoundException", gone.StandardError, StringComparison.Ordinal);
        var queues = await fixture.Clients.CliJsonAsync("sqs", "list-queues", "--queue-name-prefix", "tf-q");
        Assert.Null(queues["QueueUrls"]);
        var role = await fixture.Clients.CliAsync("iam", "get-role", "--role-name", "tf-fn-role");
        Assert.Contains("NoSuchEntity", role.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyPlanDestroy_FunctionSettingsAndNeighbours()
    {
        await using var tf = await TerraformDirectory.CreateAsync(fixture, Settings);

        var apply = await tf.RunAsync("apply", "-auto-approve", "-no-color");
        Assert.True(apply.ExitCode == 0, $"terraform apply: {apply}\n--- server\n{fixture.Server.Output}");
        // A clean plan means the server gave back every setting as configured (the logging config among them, which
        // Debian's CLI 2.9 does not know and so cannot show).
        var plan = await tf.RunAsync("plan", "-detailed-exitcode", "-no-color");
        Assert.True(plan.ExitCode == 0, $"terraform plan after apply: {plan}");
        var configuration = await fixture.Clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", "tf2-fn");
        Assert.Equal("Active", (string?)configuration["TracingConfig"]!["Mode"]);
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:tf2-dlq", (string?)configuration["DeadLetterConfig"]!["TargetArn"]);
        var provisioned = await fixture.Clients.CliJsonAsync("lambda", "get-provisioned-concurrency-config", "--function-name", "tf2-fn", "--qualifier", "1");
        Assert.Equal(1, (int?)provisioned["RequestedProvisionedConcurrentExecutions"]);

        var destroy = await tf.RunAsync("destroy", "-auto-approve", "-no-color");
        Assert.True(destroy.ExitCode == 0, $"terraform destroy: {destroy}\n--- server\n{fixture.Server.Output}");
        var groups = await fixture.Clients.CliJsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/tf2-fn");
        Assert.Empty(groups["logGroups"]!.AsArray());
        Assert.Contains("ResourceNotFoundException", (await fixture.Clients.CliAsync("lambda", "get-function", "--function-name", "tf2-fn")).StandardError, StringComparison.Ordinal);
        Assert.Contains("NoSuchEntity", (await fixture.Clients.CliAsync("iam", "get-role", "--role-name", "tf2-role")).StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// terraform (NIMBUS_TEST_TERRAFORM, else the first on PATH) and a filesystem mirror holding hashicorp/aws; the
    /// test is skipped, naming what is missing, without them (neither comes from the package registries test.sh uses).
    /// </summary>
    private static (string Terraform, string Plugins) Prerequisites()
    {
        var given = Environment.GetEnvironmentVariable("NIMBUS_TEST_TERRAFORM");
        if (given is { Length: > 0 })
        {
            Assert.True(File.Exists(given), $"NIMBUS_TEST_TERRAFORM names {given}, which does not exist (a full path is needed)");
        }

        var terraform = given is { Length: > 0 }
            ? given
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, "terraform"))
                .FirstOrDefault(File.Exists);
        var plugins = Environment.GetEnvironmentVariable("NIMBUS_TEST_TF_PLUGINS") is { Length: > 0 } mirror ? mirror : "/opt/tf-plugins";
        Assert.SkipWhen(terraform is null || !File.Exists(terraform), "Terraform tests need terraform on PATH (or NIMBUS_TEST_TERRAFORM)");
        Assert.SkipUnless(
            Directory.Exists(Path.Combine(plugins, "registry.terraform.io", "hashicorp", "aws")),
            $"Terraform tests need the hashicorp/aws provider in a filesystem mirror at {plugins} (or NIMBUS_TEST_TF_PLUGINS)");
        return (terraform!, plugins);
    }

    /// <summary>A working directory with a configuration, the function's zip and a CLI config using the mirror; initialized.</summary>
    private sealed class TerraformDirectory : IAsyncDisposable
    {
        private readonly string _terraform;
        private readonly DirectoryInfo _directory;
        private readonly Dictionary<string, string> _environment;
        private bool _destroyed = true; // Nothing applied yet.

        private TerraformDirectory(string terraform, DirectoryInfo directory, Dictionary<string, string> environment)
        {
            _terraform = terraform;
            _directory = directory;
            _environment = environment;
        }

        public static async Task<TerraformDirectory> CreateAsync(ServerFixture fixture, string configuration)
        {
            var (terraform, plugins) = Prerequisites();
            var directory = Directory.CreateTempSubdirectory("nimbus-tf-");
            var ct = TestContext.Current.CancellationToken;
            await File.WriteAllBytesAsync(Path.Combine(directory.FullName, "fn.zip"), ZipBuilder.Create(("index.py", Handler)), ct);
            var cliConfig = Path.Combine(directory.FullName, "cli.tfrc");
            await File.WriteAllTextAsync(
                cliConfig,
                $$"""
                provider_installation {
                  filesystem_mirror {
                    path    = "{{plugins}}"
                    include = ["registry.terraform.io/hashicorp/aws"]
                  }
                }
                """,
                ct);
            var environment = new Dictionary<string, string>
            {
                ["TF_CLI_CONFIG_FILE"] = cliConfig,
                ["TF_IN_AUTOMATION"] = "1",
                ["TF_INPUT"] = "0",
                ["CHECKPOINT_DISABLE"] = "1",
                ["TF_VAR_endpoint"] = fixture.Server.Endpoint.ToString().TrimEnd('/'),
                ["TF_VAR_access_key"] = AwsClients.AccessKeyId,
                ["TF_VAR_secret_key"] = AwsClients.SecretAccessKey,
            };
            var created = new TerraformDirectory(terraform, directory, environment);
            try
            {
                await created.WriteConfigurationAsync(configuration);
                var init = await created.RunAsync("init", "-no-color");
                Assert.True(init.ExitCode == 0, $"terraform init: {init}");
                return created;
            }
            catch
            {
                directory.Delete(recursive: true);
                throw;
            }
        }

        public Task WriteConfigurationAsync(string configuration) =>
            File.WriteAllTextAsync(Path.Combine(_directory.FullName, "main.tf"), configuration, TestContext.Current.CancellationToken);

        public async Task<ProcessResult> RunAsync(params string[] arguments)
        {
            var result = await ChildProcess.RunAsync(
                _terraform, ["-chdir=" + _directory.FullName, .. arguments], _environment, timeout: TimeSpan.FromMinutes(5), cancellationToken: TestContext.Current.CancellationToken);
            _destroyed = arguments[0] == "destroy" ? result.ExitCode == 0 : _destroyed && arguments[0] != "apply";
            return result;
        }

        /// <summary>After a test that stopped before its destroy: a best-effort one, so that nothing it made stays on the class's server.</summary>
        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_destroyed)
                {
                    await ChildProcess.RunAsync(_terraform, ["-chdir=" + _directory.FullName, "destroy", "-auto-approve", "-no-color"], _environment, timeout: TimeSpan.FromMinutes(3));
                }
            }
            catch (TimeoutException)
            {
                // What is left goes with the class's server.
            }
            finally
            {
                _directory.Delete(recursive: true);
            }
        }
    }
}
