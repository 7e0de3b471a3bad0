// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nimbus.Core.PowerTuning;
using Nimbus.Server.PowerTuning;

namespace Nimbus.Server.Commands;

/// <summary>
/// <c>nimbus power-tune</c>: AWS Lambda Power Tuning against a running server (or any Lambda endpoint): the function at
/// each memory size, time and cost per invocation, the best size by strategy (docs/power-tuning.md).
/// </summary>
internal static class PowerTuneCommand
{
    private const int MinimumMemory = 128;
    private const int MaximumMemory = 10240;
    private const int MaximumInvocations = 1000;
    private const int MaximumSleepMs = 3_600_000;

    public static Command Create()
    {
        var function = new Option<string>("--function-name") { Description = "The function to tune (name or ARN); its $LATEST is changed while tuning and restored after", Required = true };
        var powers = new Option<string>("--power-values") { Description = "Memory sizes to try, MB, comma-separated", DefaultValueFactory = _ => "128,256,512,1024,1536,3008" };
        var num = new Option<int>("--num") { Description = "Invocations per memory size", DefaultValueFactory = _ => 5 };
        var payload = new Option<string>("--payload") { Description = "The event each invocation gets: JSON, or file://path; a weighted list [{\"payload\": ..., \"weight\": N}, ...] spreads several events", DefaultValueFactory = _ => "{}" };
        var parallel = new Option<bool>("--parallel") { Description = "Make each size's invocations at the same time (default: one after another)" };
        var strategy = new Option<string>("--strategy") { Description = "cost, speed or balanced", DefaultValueFactory = _ => "cost" };
        var weight = new Option<double>("--balanced-weight") { Description = "balanced: the weight of cost, 0 (speed only) to 1 (cost only)", DefaultValueFactory = _ => 0.5 };
        var discard = new Option<double>("--discard-top-bottom") { Description = "The share of fastest and of slowest invocations left out of each average, 0 to 0.4", DefaultValueFactory = _ => 0.2 };
        var baseCost = new Option<double?>("--base-cost") { Description = "USD per ms at 128 MB (default: 2.1e-9 for x86_64, 1.7e-9 for arm64, us-east-1)" };
        var endpoint = new Option<string?>("--endpoint-url") { Description = "The Lambda endpoint (default AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, else http://127.0.0.1:9000)" };
        var region = new Option<string?>("--region") { Description = "The region to sign for (default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)" };
        var profile = new Option<string?>("--profile") { Description = "A profile of the shared credentials file (default: the AWS_* variables, else AWS_PROFILE)" };
        var coldStarts = new Option<bool>("--only-cold-starts") { Description = "Make every invocation a cold start (a version of its own each); --discard-top-bottom then defaults to 0" };
        var sleep = new Option<int>("--sleep-between-runs-ms") { Description = "Pause between a size's invocations, in series", DefaultValueFactory = _ => 0 };
        var pre = new Option<string?>("--pre-processor") { Description = "A function invoked with each event first; its output, when not empty, is the event instead" };
        var post = new Option<string?>("--post-processor") { Description = "A function invoked with each invocation's output" };
        var optimize = new Option<bool>("--auto-optimize") { Description = "Leave $LATEST at the best size instead of the size it had" };
        var optimizeAlias = new Option<string?>("--auto-optimize-alias") { Description = "With --auto-optimize: publish a version at the best size and point this alias at it (created when missing)" };
        var command = new Command("power-tune", "Run a function at several memory sizes and report time and cost per invocation (AWS Lambda Power Tuning)")
        {
            function, powers, num, payload, parallel, strategy, weight, discard, baseCost, endpoint, region, profile,
            coldStarts, sleep, pre, post, optimize, optimizeAlias,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var errors = new List<string>();
            var values = ParsePowers(result.GetValue(powers) ?? "", errors);
            var invocations = result.GetValue(num);
            if (invocations is < 1 or > MaximumInvocations)
            {
                errors.Add($"--num must be between 1 and {MaximumInvocations}");
            }

            PowerTuningStrategy? chosen = result.GetValue(strategy) switch
            {
                "cost" => PowerTuningStrategy.Cost,
                "speed" => PowerTuningStrategy.Speed,
                "balanced" => PowerTuningStrategy.Balanced,
                _ => null,
            };
            if (chosen is null)
            {
                errors.Add("--strategy must be cost, speed or balanced");
            }

            if (result.GetValue(weight) is var w && (!double.IsFinite(w) || w is < 0 or > 1))
            {
                errors.Add("--balanced-weight must be between 0 and 1");
            }

            if (result.GetValue(discard) is var d && (!double.IsFinite(d) || d is < 0 or > PowerTuningMath.MaximumDiscard))
            {
                errors.Add("--discard-top-bottom must be between 0 and 0.4");
            }

            // As AWS Lambda Power Tuning: cold starts are what is measured, so none is left out unless asked.
            var onlyColdStarts = result.GetValue(coldStarts);
            if (onlyColdStarts && result.GetResult(discard) is null or { Implicit: true })
            {
                d = 0;
            }

            if (result.GetValue(sleep) is < 0 or > MaximumSleepMs)
            {
                errors.Add($"--sleep-between-runs-ms must be between 0 and {MaximumSleepMs}");
            }
            else if (result.GetValue(sleep) > 0 && result.GetValue(parallel))
            {
                errors.Add("--sleep-between-runs-ms pauses between invocations in series: not with --parallel");
            }

            foreach (var (option, processor) in (ReadOnlySpan<(string, string?)>)[("--pre-processor", result.GetValue(pre)), ("--post-processor", result.GetValue(post))])
            {
                if (processor is { Length: 0 })
                {
                    errors.Add($"{option} must not be empty");
                }
            }

            var alias = result.GetValue(optimizeAlias);
            if (alias is not null && !result.GetValue(optimize))
            {
                errors.Add("--auto-optimize-alias needs --auto-optimize");
            }
            else if (alias is not null && !AliasName(alias))
            {
                errors.Add($"--auto-optimize-alias {alias} is not an alias name (1–128 letters, digits, - and _, not all digits)");
            }

            if (result.GetValue(baseCost) is { } cost && (!double.IsFinite(cost) || cost <= 0))
            {
                errors.Add("--base-cost must be a number above 0");
            }

            var name = result.GetValue(function) ?? "";
            if (name.Length == 0)
            {
                errors.Add("--function-name must not be empty");
            }
            else if (Qualified(name))
            {
                errors.Add("--function-name must name the function without a version or alias (the tuning publishes versions of $LATEST)");
            }

            IReadOnlyList<string> events = [];
            if (ReadPayload(result.GetValue(payload) ?? "{}", errors) is { } body && invocations is >= 1 and <= MaximumInvocations)
            {
                events = PowerTuningPayloads.Spread(body, invocations, out var spreadError);
                if (spreadError is not null)
                {
                    errors.Add("--payload: " + spreadError);
                }
            }

            var url = result.GetValue(endpoint) ?? Variable("AWS_ENDPOINT_URL_LAMBDA") ?? Variable("AWS_ENDPOINT_URL") ?? "http://127.0.0.1:9000";
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                errors.Add($"--endpoint-url {url} is not an http(s) URL");
            }
            else if (baseAddress.Query.Length > 0 || baseAddress.Fragment.Length > 0)
            {
                errors.Add($"--endpoint-url {url} has a query or fragment; give the endpoint (and a path, if any) only");
            }

            var credentials = AwsCredentials.Resolve(result.GetValue(profile), Variable, out var credentialError);
            if (credentials is null)
            {
                errors.Add(credentialError);
            }

            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await Console.Error.WriteLineAsync($"nimbus power-tune: {error}");
                }

                return ExitCodes.InvalidConfiguration;
            }

            // No error, so the strategy, the endpoint and the credentials were all found above.
            var request = new PowerTuningRequest
            {
                FunctionName = name,
                PowerValues = values,
                Invocations = invocations,
                Events = events,
                Parallel = result.GetValue(parallel),
                Strategy = chosen!.Value,
                BalancedWeight = w,
                DiscardTopBottom = d,
                BaseCost = result.GetValue(baseCost),
                OnlyColdStarts = onlyColdStarts,
                SleepBetweenRunsMs = result.GetValue(sleep),
                PreProcessor = result.GetValue(pre),
                PostProcessor = result.GetValue(post),
                AutoOptimize = result.GetValue(optimize),
                AutoOptimizeAlias = alias,
            };
            return await RunAsync(request, baseAddress!, credentials!, result.GetValue(region) ?? Variable("AWS_REGION") ?? Variable("AWS_DEFAULT_REGION") ?? "us-east-1", cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(PowerTuningRequest request, Uri endpoint, AwsCredentials credentials, string region, CancellationToken cancellationToken)
    {
        // Ctrl-C and SIGTERM end the tuning, not the process: the function is put back first (PowerTuner's clean-up).
        // The root command leaves these signals alone (Program.cs), so without this the runtime would end the process.
        using var interrupted = new CancellationTokenSource();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interrupted.Token);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        var baseAddress = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(16) };
        var tuner = new PowerTuner(new LambdaApiClient(http, credentials, region, TimeProvider.System), Console.Error);
        var optimizing = false;
        try
        {
            // The result first: a failed or interrupted --auto-optimize after it loses nothing of a long tuning.
            var output = await tuner.RunAsync(request, run.Token);
            Console.WriteLine(JsonSerializer.Serialize(output, PowerTuningJson.Default.PowerTuningOutput));
            if (!request.AutoOptimize)
            {
                return tuner.CleanedUp ? ExitCodes.Success : ExitCodes.Failed;
            }

            if (!tuner.CleanedUp)
            {
                await Console.Error.WriteLineAsync("nimbus power-tune: not optimized: the clean-up was incomplete");
                return ExitCodes.Failed;
            }

            optimizing = true;
            await tuner.OptimizeAsync(request.FunctionName, output.Power, request.AutoOptimizeAlias, run.Token);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync(
                optimizing ? "nimbus power-tune: interrupted while optimizing: the tuning's result is above; $LATEST may be at its best size already"
                : $"nimbus power-tune: interrupted{(tuner.CleanedUp ? "; the function is as it was" : "")}");
            return ExitCodes.Interrupted;
        }
        catch (PowerTuningException e) when (optimizing)
        {
            await Console.Error.WriteLineAsync($"nimbus power-tune: tuned, but not optimized: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"nimbus power-tune: {endpoint} did not answer within {http.Timeout.TotalMinutes} minutes");
            return ExitCodes.Failed;
        }
        catch (PowerTuningException e)
        {
            await Console.Error.WriteLineAsync($"nimbus power-tune: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"nimbus power-tune: cannot reach {endpoint}: {e.Message}");
            return ExitCodes.Failed;
        }

        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupted.Cancel();
        }
    }

    /// <summary>The payload's JSON text (given, or read from a file://path), or null with the error added.</summary>
    private static string? ReadPayload(string given, List<string> errors)
    {
        var text = given;
        string? file = null;
        if (given.StartsWith("file://", StringComparison.Ordinal))
        {
            // As the AWS CLI reads file://: a path from the current directory, or absolute; ~/ is the home directory.
            file = given["file://".Length..];
            if (file.StartsWith("~/", StringComparison.Ordinal))
            {
                file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), file[2..]);
            }

            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.Add($"--payload {given}: {e.Message}");
                return null;
            }
        }

        try
        {
            using var _ = JsonDocument.Parse(text);
            return text;
        }
        catch (JsonException e)
        {
            errors.Add($"--payload{(file is null ? "" : " " + given)} is not JSON: {e.Message}");
            return null;
        }
    }

    private static List<int> ParsePowers(string text, List<string> errors)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < MinimumMemory or > MaximumMemory)
            {
                errors.Add($"--power-values: {part} is not a memory size between {MinimumMemory} and {MaximumMemory} MB");
            }
            else if (!values.Contains(value))
            {
                values.Add(value);
            }
        }

        if (values.Count == 0 && errors.Count == 0)
        {
            errors.Add("--power-values names no memory size");
        }

        return values;
    }

    /// <summary>name:qualifier, account:function:name:qualifier or a function ARN with a qualifier.</summary>
    private static bool Qualified(string function)
    {
        var parts = function.Split(':');
        return function.StartsWith("arn:", StringComparison.Ordinal) ? parts.Length > 7
            : parts.Length >= 3 && parts[1] == "function" ? parts.Length > 3
            : parts.Length > 1;
    }

    /// <summary>An alias name as CreateAlias takes it: (?!^[0-9]+$)([a-zA-Z0-9-_]+), at most 128 characters.</summary>
    private static bool AliasName(string name)
    {
        if (name.Length is 0 or > 128)
        {
            return false;
        }

        var digits = true;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }

            digits &= char.IsAsciiDigit(c);
        }

        return !digits;
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
