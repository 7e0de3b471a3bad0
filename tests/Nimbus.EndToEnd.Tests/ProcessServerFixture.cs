// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>A real nimbus server with the process sandbox (functions as host processes), which every host can run.</summary>
public sealed class ProcessServerFixture : SandboxServerFixture
{
    protected override string TestsName => "process sandbox tests";

    protected override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(TestEnvironment.Server)
    {
        ["NIMBUS_SANDBOX"] = "process",
    };

    protected override Task<string?> MissingAsync() => Task.FromResult<string?>(null);
}
