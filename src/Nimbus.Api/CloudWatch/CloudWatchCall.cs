// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;
using Nimbus.Api.Access;
using Nimbus.Core.Arns;
using Nimbus.Core.Metrics;

namespace Nimbus.Api.CloudWatch;

/// <summary>One CloudWatch call: its input, the writer of its answer, the caller's scope and the metrics.</summary>
internal sealed class CloudWatchCall
{
    public required HttpContext Context { get; init; }

    public required CloudWatchInput Input { get; init; }

    public required ICloudWatchWriter Output { get; init; }

    public required Scope Scope { get; init; }

    public required MetricsService Metrics { get; init; }

    public required TimeProvider Time { get; init; }

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>CloudWatch's metric actions have no resource-level permissions: every one is asked on <c>*</c>.</summary>
    public ValueTask AuthorizeAsync(string operation) => Context.AuthorizeAsync("cloudwatch:" + operation, "*");
}
