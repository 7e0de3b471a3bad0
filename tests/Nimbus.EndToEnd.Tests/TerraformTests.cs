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
    private const string Configuration = """
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
            iam    = var.endpoint
            lambda = var.endpoint
            sqs    = var.endpoint
            sts    = var.endpoint
          }
        }

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

    private const string Handler = """
        import os

        def handler(event, context):
            return {"event": event, "greeting": os.environ["GREETING"], "version": context.function_version}
        """;

    [Fact]
    public async Task ApplyPlanDestroy_EveryResourceRoundTrips()
    {
        var (terraform, plugins) = Prerequisites();
        var directory = Directory.CreateTempSubdirectory("nimbus-tf-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "main.tf"), Configuration, TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(directory.FullName, "fn.zip"), ZipBuilder.Create(("index.py", Handler)), TestContext.Current.CancellationToken);
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
                TestContext.Current.CancellationToken);
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
            Task<ProcessResult> Run(params string[] arguments) => ChildProcess.RunAsync(
                terraform, ["-chdir=" + directory.FullName, .. arguments], environment, timeout: TimeSpan.FromMinutes(5), cancellationToken: TestContext.Current.CancellationToken);

            var init = await Run("init", "-no-color");
            Assert.True(init.ExitCode == 0, $"terraform init: {init}");

            var apply = await Run("apply", "-auto-approve", "-no-color");
            Assert.True(apply.ExitCode == 0, $"terraform apply: {apply}\n--- server\n{fixture.Server.Output}");

            // -detailed-exitcode: 0 when what the server reports matches the configuration, 2 when the provider sees drift.
            var plan = await Run("plan", "-detailed-exitcode", "-no-color");
            Assert.True(plan.ExitCode == 0, $"terraform plan after apply: {plan}");

            var outputs = await Run("output", "-json");
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
            var main = Path.Combine(directory.FullName, "main.tf");
            await File.WriteAllTextAsync(
                main,
                Configuration.Replace("memory_size      = 256", "memory_size      = 512", StringComparison.Ordinal).Replace("GREETING = \"hi\"", "GREETING = \"hello\"", StringComparison.Ordinal),
                TestContext.Current.CancellationToken);
            var update = await Run("apply", "-auto-approve", "-no-color");
            Assert.True(update.ExitCode == 0, $"terraform apply of the update: {update}\n--- server\n{fixture.Server.Output}");
            var updated = await fixture.Clients.CliJsonAsync("lambda", "get-function-configuration", "--function-name", "tf-fn", "--qualifier", "live");
            Assert.Equal(512, (int?)updated["MemorySize"]);
            Assert.Equal("hello", (string?)updated["Environment"]!["Variables"]!["GREETING"]);
            Assert.Equal("2", (string?)updated["Version"]);
            var replanned = await Run("plan", "-detailed-exitcode", "-no-color");
            Assert.True(replanned.ExitCode == 0, $"terraform plan after the update: {replanned}");

            var destroy = await Run("destroy", "-auto-approve", "-no-color");
            Assert.True(destroy.ExitCode == 0, $"terraform destroy: {destroy}\n--- server\n{fixture.Server.Output}");
            var gone = await fixture.Clients.CliAsync("lambda", "get-function", "--function-name", "tf-fn");
            Assert.Contains("ResourceNotFoundException", gone.StandardError, StringComparison.Ordinal);
            var queues = await fixture.Clients.CliJsonAsync("sqs", "list-queues");
            Assert.Null(queues["QueueUrls"]);
            var role = await fixture.Clients.CliAsync("iam", "get-role", "--role-name", "tf-fn-role");
            Assert.Contains("NoSuchEntity", role.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// terraform (NIMBUS_TEST_TERRAFORM, else the first on PATH) and a filesystem mirror holding hashicorp/aws; the
    /// test is skipped, naming what is missing, without them (neither comes from the package registries test.sh uses).
    /// </summary>
    private static (string Terraform, string Plugins) Prerequisites()
    {
        var terraform = Environment.GetEnvironmentVariable("NIMBUS_TEST_TERRAFORM") is { Length: > 0 } given
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
}
