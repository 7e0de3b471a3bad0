// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit.Fakes;

namespace Nimbus.Storage.Tests.InMemory;

/// <summary>
/// The unit tests' in-memory fake earns its place by passing the same suite as SQLite. Its storage is the instance
/// itself, so a reopen returns the same instance.
/// </summary>
public sealed class InMemoryStateStoreTests : StateStoreConformanceTests
{
    private readonly InMemoryStateStore _store = new();

    protected override StoreSet CreateStore() => new(_store, _store, _store, _store, _store, _store, Policies: _store);
}
