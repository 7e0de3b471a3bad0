// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Runtimes;

namespace Nimbus.Execution.Tests.Runtimes;

/// <summary>The repository's Java runtime client compiled once (with its archive) by the host's JDK 17, for a test class.</summary>
public sealed class CompiledJavaClient : IAsyncLifetime
{
    /// <summary>Debian's JDK 17 (test.sh installs it); null where it is missing.</summary>
    public static string? JdkHome { get; } = Directory.Exists("/usr/lib/jvm")
        ? Directory.GetDirectories("/usr/lib/jvm", "java-17-openjdk-*").Order(StringComparer.Ordinal).FirstOrDefault(d => File.Exists(Path.Combine(d, "bin", "javac")))
        : null;

    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("nimbus-java-client-");

    /// <summary>The directory EnsureCompiledAsync returned.</summary>
    public string ClientDirectory { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (JdkHome is not null)
        {
            ClientDirectory = await JavaRuntimeClient.EnsureCompiledAsync(JdkHome, RuntimesDirectory(), _cache.FullName, TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _cache.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>The checkout's runtimes/ (what the server ships as lambda-runtimes/).</summary>
    private static string RuntimesDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nimbus.slnx")))
            {
                return Path.Combine(directory.FullName, "runtimes");
            }
        }

        throw new InvalidOperationException($"no Nimbus.slnx above {AppContext.BaseDirectory}");
    }
}
