// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Images;
using Nimbus.Core.Threading;
using Nimbus.Execution.Sandboxes;
using Nimbus.Storage;

namespace Nimbus.Execution.Images;

/// <summary>Registers the image service: container images of functions, unpacked under <c>&lt;dataDir&gt;/images/</c>.</summary>
internal static class ImageServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusImages(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new RemoteRegistry(
            new HttpClient(new PoolResumingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })) { Timeout = TimeSpan.FromMinutes(15) },
            new RegistryCredentials(sp.GetRequiredService<IOptions<ExecutionOptions>>().Value.RegistryAuthFile
                ?? Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory), "registry-auth.json")),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IImageService>(sp => new ImageService(
            sp.GetRequiredService<ImageRegistry>(),
            sp.GetRequiredService<RemoteRegistry>(),
            Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory), "images"),
            sp.GetRequiredService<ISandboxFactory>().Name,
            sp.GetRequiredService<ILogger<ImageService>>()));
        return services;
    }
}
