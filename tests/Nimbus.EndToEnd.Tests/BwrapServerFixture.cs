// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A real nimbus server with the bwrap sandbox (bubblewrap: user namespaces, no root needed). Required in CI
/// (./test.sh installs bubblewrap), skipped elsewhere when bubblewrap cannot run.
/// </summary>
public sealed class BwrapServerFixture : SandboxServerFixture
{
    protected override string TestsName => "bwrap sandbox tests";

    protected override IReadOnlyDictionary<string, string> Environment { get; } =
        new Dictionary<string, string>(TestEnvironment.Server) { ["NIMBUS_SANDBOX"] = "bwrap" };

    protected override Task<string?> MissingAsync() => BwrapPrerequisites.MissingAsync();
}
