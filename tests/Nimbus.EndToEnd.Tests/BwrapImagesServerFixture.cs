// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A real nimbus server with the bwrap sandbox for container images, which also need skopeo (to push). Required in CI
/// (./test.sh installs bubblewrap and skopeo), skipped elsewhere.
/// </summary>
public sealed class BwrapImagesServerFixture : SandboxServerFixture
{
    protected override string TestsName => "container images under bwrap";

    protected override IReadOnlyDictionary<string, string> Environment { get; } =
        new Dictionary<string, string>(TestEnvironment.Server) { ["NIMBUS_SANDBOX"] = "bwrap" };

    protected override async Task<string?> MissingAsync() =>
        await BwrapPrerequisites.MissingAsync() ?? (File.Exists("/usr/bin/skopeo") ? null : "skopeo (apt-get install -y skopeo)");
}
