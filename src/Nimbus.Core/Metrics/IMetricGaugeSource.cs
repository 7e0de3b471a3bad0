// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Metrics;

/// <summary>A part that samples gauges (queue depths, the age of the oldest message) into the recorder once a minute.</summary>
public interface IMetricGaugeSource
{
    Task SampleAsync(IMetricsRecorder recorder, CancellationToken cancellationToken);
}
