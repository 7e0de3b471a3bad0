// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Telemetry;

/// <summary>The streams a subscription asks for (the subscribe body's <c>types</c>).</summary>
[Flags]
internal enum TelemetryCategory
{
    None = 0,
    Platform = 1,
    Function = 2,
    Extension = 4,
}
