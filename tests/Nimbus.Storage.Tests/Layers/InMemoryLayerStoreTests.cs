// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Storage;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Storage.Tests.Layers;

/// <summary>The unit tests' fake keeps the same contract as the real store.</summary>
public sealed class InMemoryLayerStoreTests : LayerStoreConformanceTests
{
    protected override (IStoreSchema Schema, IFunctionStore Functions, ILayerStore Layers) CreateStores()
    {
        var functions = new InMemoryStateStore();
        return (functions, functions, new InMemoryLayerStore(functions));
    }
}
