// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;

namespace Nimbus.Storage.Tests;

/// <summary>
/// One provider's state stores over one storage, as the conformance suites drive them; <see cref="Owner"/> (when
/// set) is what closes the storage.
/// </summary>
public sealed record StoreSet(
    IStoreSchema Schema,
    IFunctionStore Functions,
    IConcurrencyStore Concurrency,
    IProvisionedConcurrencyStore Provisioned,
    IEventInvokeConfigStore InvokeConfigs,
    IEventSourceMappingStore Mappings,
    IAsyncInvocationStore? AsyncInvocations = null,
    ILogStore? Logs = null,
    IDisposable? Owner = null,
    IFunctionPolicyStore? Policies = null);
