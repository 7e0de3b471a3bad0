// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.EndToEnd.Tests;

/// <summary>Server settings for the end-to-end tests.</summary>
internal static class TestEnvironment
{
    /// <summary>Retries of failed Event invocations after half a second and a second, not AWS's minutes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Server = new Dictionary<string, string>
    {
        ["NIMBUS_ASYNC_RETRY_DELAYS"] = "0.5,1",
    };
}
