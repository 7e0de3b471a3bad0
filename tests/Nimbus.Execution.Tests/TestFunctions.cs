// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Execution.Tests;

/// <summary>Values shared by the execution tests.</summary>
internal static class TestFunctions
{
    public const string Account = "123456789012";
    public const string Region = "eu-central-1";
    public const string Role = "arn:aws:iam::123456789012:role/lambda-role";

    public static readonly Scope Scope = new(Account, Region);

    /// <summary>A fixed start for fake clocks: log stream names and timestamps derive from it.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static FunctionVersion Function(string name = "my-function", string runtime = "python3.12", string codeSha256 = "c2hh") => new()
    {
        Name = name,
        Runtime = runtime,
        Role = Role,
        Handler = "app.handler",
        Logging = new LoggingSettings { LogGroup = $"/aws/lambda/{name}" },
        CodeSha256 = codeSha256,
        RevisionId = "00000000-0000-0000-0000-000000000001",
        LastModified = Epoch,
        State = FunctionStates.Active,
    };
}
