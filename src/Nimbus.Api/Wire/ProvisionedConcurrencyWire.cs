// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

// Wire shapes of provisioned concurrency (botocore lambda/2015-03-31: *ProvisionedConcurrencyConfig*).
internal sealed record PutProvisionedConcurrencyConfigRequestWire
{
    public int? ProvisionedConcurrentExecutions { get; init; }
}

internal sealed record ProvisionedConcurrencyConfigWire
{
    public string? FunctionArn { get; init; }

    public required int RequestedProvisionedConcurrentExecutions { get; init; }

    public required int AvailableProvisionedConcurrentExecutions { get; init; }

    public required int AllocatedProvisionedConcurrentExecutions { get; init; }

    public required string Status { get; init; }

    public string? StatusReason { get; init; }

    public required string LastModified { get; init; }
}

internal sealed record ListProvisionedConcurrencyConfigsResponseWire
{
    public required List<ProvisionedConcurrencyConfigWire> ProvisionedConcurrencyConfigs { get; init; }

    public string? NextMarker { get; init; }
}
