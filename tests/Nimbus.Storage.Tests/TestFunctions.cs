// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Storage.Tests;

/// <summary>Builds function records for store tests.</summary>
internal static class TestFunctions
{
    public static readonly Scope ScopeA = new("111111111111", "us-east-1");
    public static readonly Scope ScopeB = new("222222222222", "eu-west-1");

    // Base64 SHA-256s; the first contains '/' and '+', like many real ones.
    public const string CodeSha256 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
    public const string OtherCodeSha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    public static FunctionRecord Create(
        Scope scope,
        string name,
        string revisionId = "rev-1",
        string codeSha256 = CodeSha256,
        long codeSize = 100,
        string state = FunctionStates.Active,
        string? lastUpdateStatus = FunctionStates.Successful) => new()
        {
            Scope = scope,
            Latest = new FunctionVersion
            {
                Name = name,
                Role = $"arn:aws:iam::{scope.Account}:role/test",
                Runtime = "provided.al2023",
                Handler = "bootstrap",
                Logging = new LoggingSettings { LogGroup = $"/aws/lambda/{name}" },
                CodeSha256 = codeSha256,
                CodeSize = codeSize,
                RevisionId = revisionId,
                State = state,
                LastUpdateStatus = lastUpdateStatus,
            },
        };

    /// <summary>A function with every field set to something other than its default.</summary>
    public static FunctionRecord Full(Scope scope, string name) => new()
    {
        Scope = scope,
        Tags = new Dictionary<string, string> { ["team"] = "storage", ["cost-center"] = "42", ["empty"] = "" },
        Latest = new FunctionVersion
        {
            Name = name,
            PackageType = "Image",
            Runtime = "python3.13",
            Role = $"arn:aws:iam::{scope.Account}:role/service-role/full",
            Handler = "app.handler",
            Description = "Every field \"quoted\" — and unicode ✓",
            Timeout = 900,
            MemorySize = 10240,
            EphemeralStorageSize = 10240,
            Architectures = ["arm64"],
            Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "two words", ["JSON"] = "{\"x\":[1,2]}" },
            Layers =
            [
                new LayerReference($"arn:aws:lambda:{scope.Region}:{scope.Account}:layer:one:3", 1234),
                new LayerReference($"arn:aws:lambda:{scope.Region}:{scope.Account}:layer:two:1", 5678),
            ],
            TracingMode = "Active",
            DeadLetterTargetArn = $"arn:aws:sqs:{scope.Region}:{scope.Account}:dlq",
            KmsKeyArn = $"arn:aws:kms:{scope.Region}:{scope.Account}:key/abc",
            Logging = new LoggingSettings
            {
                LogFormat = "JSON",
                ApplicationLogLevel = "DEBUG",
                SystemLogLevel = "WARN",
                LogGroup = "/custom/group",
            },
            CodeSha256 = CodeSha256,
            CodeSize = 4096,
            UnzippedCodeSize = 16384,
            LastModified = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567),
            RevisionId = "0f9e8d7c-6b5a-4321-9876-fedcba987654",
            State = FunctionStates.Failed,
            StateReason = "The zip file is broken.",
            StateReasonCode = FunctionStates.InvalidZipFile,
            LastUpdateStatus = FunctionStates.Failed,
            LastUpdateStatusReason = "The update failed.",
            LastUpdateStatusReasonCode = FunctionStates.InvalidRuntime,
        },
    };

    public static FunctionRecord WithRevision(FunctionRecord function, string revisionId) =>
        function with { Latest = function.Latest with { RevisionId = revisionId } };
}
