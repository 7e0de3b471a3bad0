// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// The C# functions of Scripts/dotnet/ built with <c>dotnet publish</c> once per test run and zipped as AWS expects
/// (framework-dependent publish output at the zip's root): the class library for net10.0 and net8.0, the same
/// without its Greeter.dll with a layer holding it in a runtime package store, and an executable assembly.
/// </summary>
public sealed class DotnetFunctionBuild
{
    private static readonly Lock s_gate = new();
    private static Task<DotnetFunctionBuild>? s_build;

    private DotnetFunctionBuild(string directory) => Directory = directory;

    /// <summary>Holds fn10.zip, fn8.zip, nolib10.zip, nolib8.zip, layer10.zip, layer8.zip and exe10.zip.</summary>
    public string Directory { get; }

    public static Task<DotnetFunctionBuild> GetAsync()
    {
        lock (s_gate)
        {
            return s_build ??= BuildAsync();
        }
    }

    /// <summary>Scripts/dotnet.py on <paramref name="runtime"/>: two dozen functions, longer than a boto3 script's usual limit.</summary>
    public Task<ProcessResult> RunCasesAsync(AwsClients clients, string runtime) =>
        ChildProcess.RunAsync(
            AwsClients.Python,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "dotnet.py"), runtime, Directory],
            clients.Environment,
            timeout: TimeSpan.FromMinutes(8));

    private static async Task<DotnetFunctionBuild> BuildAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"nimbus-dotnet-fn-{Guid.NewGuid():N}");

        // Shared by every test class of the run: removed when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (System.IO.Directory.Exists(root))
            {
                System.IO.Directory.Delete(root, recursive: true);
            }
        };
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "Scripts", "dotnet"), Path.Combine(root, "src"));
        var zips = System.IO.Directory.CreateDirectory(Path.Combine(root, "zips")).FullName;
        foreach (var major in (int[])[10, 8])
        {
            var output = await PublishAsync(root, "fn/Echo.csproj", major);
            await ZipFile.CreateFromDirectoryAsync(output, Path.Combine(zips, $"fn{major}.zip"), CancellationToken.None);
            var store = Path.Combine(root, $"layer{major}", "dotnetcore", "store", "x64", $"net{major}.0", "greeter", "1.0.0");
            System.IO.Directory.CreateDirectory(store);
            File.Move(Path.Combine(output, "Greeter.dll"), Path.Combine(store, "Greeter.dll"));
            await ZipFile.CreateFromDirectoryAsync(output, Path.Combine(zips, $"nolib{major}.zip"), CancellationToken.None);
            await ZipFile.CreateFromDirectoryAsync(Path.Combine(root, $"layer{major}"), Path.Combine(zips, $"layer{major}.zip"), CancellationToken.None);
        }

        await ZipFile.CreateFromDirectoryAsync(await PublishAsync(root, "exe/Bootstrap.csproj", 10), Path.Combine(zips, "exe10.zip"), CancellationToken.None);
        return new DotnetFunctionBuild(zips);
    }

    private static async Task<string> PublishAsync(string root, string project, int major)
    {
        var output = Path.Combine(root, "out", $"{Path.GetFileNameWithoutExtension(project)}{major}");
        var result = await ChildProcess.RunAsync(
            "dotnet",
            ["publish", Path.Combine(root, "src", project), "-c", "Release", "-f", $"net{major}.0", "-o", output, "--nologo", "-v", "quiet", "-p:DebugType=none"],
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            timeout: TimeSpan.FromMinutes(10));
        return result.ExitCode == 0 ? output : throw new InvalidOperationException($"dotnet publish {project} -f net{major}.0 failed: {result}");
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in System.IO.Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
