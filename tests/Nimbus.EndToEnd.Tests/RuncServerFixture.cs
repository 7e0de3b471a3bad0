// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>A real nimbus server with the runc sandbox. Needs root and runc: required in CI, skipped elsewhere.</summary>
public sealed class RuncServerFixture : SandboxServerFixture
{
    protected override string TestsName => "runc isolation tests";

    protected override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string> { ["NIMBUS_SANDBOX"] = "runc" };

    protected override Task<string?> MissingAsync() => Task.FromResult(RuncPrerequisites.Missing());
}
