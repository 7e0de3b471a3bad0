// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Nimbus.Server.PowerTuning;

/// <summary>Source-generated JSON of power tuning's output (the shape of AWS Lambda Power Tuning's) and of strings.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(PowerTuningOutput))]
[JsonSerializable(typeof(string))]
internal sealed partial class PowerTuningJson : JsonSerializerContext;
