// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>Lambda's documented quotas (shared/specs/LIMITS.md).</summary>
public static class LambdaQuotas
{
    public const int MinMemory = 128;
    public const int MaxMemory = 10_240;
    public const int MinTimeout = 1;
    public const int MaxTimeout = 900;
    public const int MinEphemeralStorage = 512;
    public const int MaxEphemeralStorage = 10_240;
    public const int MaxEnvironmentBytes = 4 * 1024;
    public const int MaxLayers = 5;
    public const int MaxTags = 50;
    public const int MaxDescriptionLength = 256;
    public const long MaxZippedCode = 50L * 1024 * 1024;
    public const long MaxUnzippedCode = 250L * 1024 * 1024;

    /// <summary>The request-size limit AWS quotes for a direct upload (50 MB of zip, base64-encoded in JSON, and the rest).</summary>
    public const long MaxCodeRequestBytes = 70_167_211;

    public const long TotalCodeStorage = 75L * 1024 * 1024 * 1024;
    public const int DefaultConcurrentExecutions = 1_000;
}
