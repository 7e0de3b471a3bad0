// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nimbus.Api.Hosting;
using Nimbus.Core.Diagnostics;
using OpenTelemetry.Metrics;

namespace Nimbus.Api.Prometheus;

/// <summary>
/// <c>GET /metrics</c>: Nimbus's Meter in Prometheus' text format, by OpenTelemetry's exporter. Served without a
/// signature (the SigV4 middleware exempts exactly this method and path) unless <see cref="ApiOptions.PrometheusEndpoint"/>
/// is off, when the page is not mapped at all.
/// </summary>
internal static class PrometheusEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddNimbusPrometheus(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<PlatformInstruments>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(NimbusMetrics.MeterName)
            .AddPrometheusExporter(options =>
            {
                options.ScrapeEndpointPath = Path;

                // Every scrape reads the figures afresh (the exporter's default caches them for 300 ms).
                options.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return services;
    }

    public static WebApplication MapPrometheusEndpoint(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.PrometheusEndpoint)
        {
            return app;
        }

        // Created before the first scrape, so its instruments are on the Meter when OpenTelemetry looks.
        app.Services.GetRequiredService<PlatformInstruments>();
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }
}
