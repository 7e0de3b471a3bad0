// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nimbus.Core.Storage;
using Nimbus.Storage;
using Nimbus.Storage.Code;
using Nimbus.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Nimbus's embedded storage: SQLite metadata and the file-system code store.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the state stores, one per aggregate, over one SQLite database (<c>&lt;DataDirectory&gt;/nimbus.db</c>),
    /// and <see cref="ICodeStore"/> (<c>&lt;DataDirectory&gt;/code/</c>) as singletons, unless already registered. The
    /// data directory comes from <see cref="StorageOptions"/>, which the caller binds; it is resolved to a full path
    /// and created when missing. The caller runs <see cref="IStoreSchema.MigrateAsync"/> once at start.
    /// </summary>
    public static IServiceCollection AddNimbusStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddLogging();
        services.AddOptions<StorageOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteDatabase(
            ResolveDataDirectory(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SqliteDatabase>>()));
        services.TryAddSingleton<IStoreSchema>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.TryAddSingleton<IFunctionStore, SqliteFunctionStore>();
        services.TryAddSingleton<IConcurrencyStore, SqliteConcurrencyStore>();
        services.TryAddSingleton<IProvisionedConcurrencyStore, SqliteProvisionedConcurrencyStore>();
        services.TryAddSingleton<IEventInvokeConfigStore, SqliteEventInvokeConfigStore>();
        services.TryAddSingleton<IEventSourceMappingStore, SqliteEventSourceMappingStore>();
        services.TryAddSingleton<ILayerStore, SqliteLayerStore>();
        services.TryAddSingleton<IFunctionUrlStore, SqliteFunctionUrlStore>();
        services.TryAddSingleton<IFunctionPolicyStore, SqliteFunctionPolicyStore>();
        services.TryAddSingleton<IQueueStore, SqliteQueueStore>();
        services.TryAddSingleton<IAsyncInvocationStore, SqliteAsyncInvocationStore>();
        services.TryAddSingleton<IMetricStore, SqliteMetricStore>();
        services.TryAddSingleton<SqliteLogStore>();
        services.TryAddSingleton<ILogStore>(sp => sp.GetRequiredService<SqliteLogStore>());
        services.TryAddSingleton<ILogGroupStore>(sp => sp.GetRequiredService<SqliteLogStore>());
        services.TryAddSingleton(sp => new SecretBox(ResolveDataDirectory(sp)));
        services.TryAddSingleton<IIdentityStore, SqliteIdentityStore>();
        services.TryAddSingleton<IAuditStore, SqliteAuditStore>();
        services.TryAddSingleton<ICodeStore>(sp => new FileCodeStore(
            ResolveDataDirectory(sp),
            sp.GetRequiredService<ILogger<FileCodeStore>>()));
        services.TryAddSingleton<ILayerTree>(sp => new LayerTree(
            ResolveDataDirectory(sp),
            sp.GetRequiredService<ICodeStore>(),
            sp.GetRequiredService<ILogger<LayerTree>>()));
        return services;
    }

    private static string ResolveDataDirectory(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var path = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(path);
        return path;
    }
}
