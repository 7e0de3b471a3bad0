// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Functions;
using Nimbus.Core.Layers;

namespace Nimbus.Core.Tests;

public sealed class CoreServiceCollectionExtensionsTests
{
    [Fact]
    public void AddNimbusCore_Twice_RegistersEachServiceOnceAsSingleton()
    {
        var services = new ServiceCollection();

        services.AddNimbusCore();
        services.AddNimbusCore();

        foreach (var type in new[]
        {
            typeof(FunctionService), typeof(VersionService), typeof(ConcurrencyService), typeof(EventInvokeConfigService),
            typeof(QualifierResolver), typeof(LayerService), typeof(FunctionServiceOptions), typeof(TimeProvider),
        })
        {
            var descriptor = Assert.Single(services, d => d.ServiceType == type);
            Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        }
    }

    [Fact]
    public void AddNimbusCore_OptionsAlreadyRegistered_KeepsThem()
    {
        var options = new FunctionServiceOptions { ConcurrentExecutions = 7 };
        var services = new ServiceCollection();
        services.AddSingleton(options);

        services.AddNimbusCore();

        Assert.Same(options, Assert.Single(services, d => d.ServiceType == typeof(FunctionServiceOptions)).ImplementationInstance);
    }
}
