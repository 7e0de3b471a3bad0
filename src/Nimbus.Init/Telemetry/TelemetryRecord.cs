// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Init.Telemetry;

/// <summary>One event, serialized once (<c>{"time","type","record"}</c>), and the stream it belongs to.</summary>
internal sealed record TelemetryRecord(TelemetryCategory Category, byte[] Json);
