// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// A real nimbus server with the runc sandbox for the container-image tests, which also need skopeo (to push and
/// pull) and gcc with a static libc (to build the image's runtime). Required in CI, skipped elsewhere.
/// </summary>
public sealed class ImagesServerFixture : SandboxServerFixture
{
    protected override string TestsName => "container image tests";

    protected override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string> { ["NIMBUS_SANDBOX"] = "runc" };

    protected override Task<string?> MissingAsync()
    {
        if (RuncPrerequisites.Missing() is { } runc)
        {
            return Task.FromResult<string?>(runc);
        }

        if (!File.Exists("/usr/bin/skopeo"))
        {
            return Task.FromResult<string?>("skopeo (apt-get install -y skopeo)");
        }

        return Task.FromResult<string?>(File.Exists("/usr/bin/gcc") ? null : "gcc (apt-get install -y gcc)");
    }
}
