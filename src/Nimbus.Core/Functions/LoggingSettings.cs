// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>A function's LoggingConfig: format, levels (JSON format only) and log group.</summary>
public sealed record LoggingSettings
{
    public string LogFormat { get; init; } = "Text";

    public string? ApplicationLogLevel { get; init; }

    public string? SystemLogLevel { get; init; }

    public required string LogGroup { get; init; }
}
