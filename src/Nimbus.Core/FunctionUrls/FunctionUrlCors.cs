// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.FunctionUrls;

/// <summary>A function URL's cross-origin resource sharing settings (botocore's <c>Cors</c> shape).</summary>
public sealed record FunctionUrlCors
{
    public bool? AllowCredentials { get; init; }

    public IReadOnlyList<string>? AllowHeaders { get; init; }

    public IReadOnlyList<string>? AllowMethods { get; init; }

    public IReadOnlyList<string>? AllowOrigins { get; init; }

    public IReadOnlyList<string>? ExposeHeaders { get; init; }

    public int? MaxAge { get; init; }
}
