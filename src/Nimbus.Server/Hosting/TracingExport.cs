// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nimbus.Server.Hosting;

/// <summary>
/// Exports Nimbus's spans (<see cref="NimbusTracing"/>) over OTLP/HTTP with OpenTelemetry .NET when TracingOtlpEndpoint
/// is set. Sampling follows the trace header (parent-based): a sampled invocation (<c>Sampled=1</c>, TracingConfig Active
/// or a caller's decision) is exported, an unsampled one is not, as X-Ray records only sampled traces.
/// </summary>
internal static class TracingExport
{
    public static void Add(IServiceCollection services, string endpoint)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("nimbus"))
            .WithTracing(tracing => tracing
                .AddSource(NimbusTracing.SourceName)
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = new Uri(endpoint.TrimEnd('/') + "/v1/traces");
                    otlp.ExportProcessorType = ExportProcessorType.Batch;

                    // A second between exports, not the default five: spans show up while one is still looking.
                    otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                }));
    }
}
