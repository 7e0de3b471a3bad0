// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Invocation;

/// <summary>How many provisioned environments of one config are initialized, and why the last start failed, if it did.</summary>
public readonly record struct ProvisionedStatus(int Ready, string? Failure);
