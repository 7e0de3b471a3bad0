// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.IO.Compression;
using Nimbus.Execution.Environments;
using Nimbus.Execution.Runtimes;

namespace Nimbus.Execution.Tests.Runtimes;

public sealed class JavaRuntimeClientTests(CompiledJavaClient client) : IClassFixture<CompiledJavaClient>
{
    [Fact]
    public void EnsureCompiledAsync_RealJdk_ClientJarWithoutTheTrainingHandler()
    {
        SkipWithoutJdk();
        using var jar = ZipFile.OpenRead(Path.Combine(client.ClientDirectory, JavaRuntimeClient.JarName));

        Assert.Contains(jar.Entries, e => e.FullName == "nimbus/lambda/Bootstrap.class");
        Assert.DoesNotContain(jar.Entries, e => e.FullName.StartsWith("nimbus/training", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(client.ClientDirectory, JavaClassArchive.TrainingDirectory, "nimbus", "training", "Warmup.class")));
    }

    [Fact]
    public async Task EnsureCompiledAsync_RealJdk_ClientClassesComeFromItsArchive()
    {
        SkipWithoutJdk();
        Assert.True(File.Exists(Path.Combine(client.ClientDirectory, JavaRuntimeClient.ArchiveName)));
        List<string> arguments = ["-Xlog:class+load=info:stdout"];
        JavaLaunch.AddArguments(arguments, 512, null, client.ClientDirectory, "/opt");

        // Without AWS_LAMBDA_RUNTIME_API the client says so and exits 2, after its main class was loaded.
        var (exitCode, output) = await RunJavaAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Contains("nimbus.lambda.Bootstrap source: shared objects file (top)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to use shared archive", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MakeAsync_JavaExitsWithoutConnecting_NoArchive()
    {
        // A JDK that refuses an option exits before it ever connects: the training gives up then, not at its deadline.
        var root = Directory.CreateTempSubdirectory("nimbus-java-archive-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "jdk", "bin"));
            var java = Path.Combine(root.FullName, "jdk", "bin", "java");
            await File.WriteAllTextAsync(java, "#!/bin/sh\necho 'Unrecognized VM option' >&2\nexit 1\n", TestContext.Current.CancellationToken);
            File.SetUnixFileMode(java, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var client = Directory.CreateDirectory(Path.Combine(root.FullName, "client")).FullName;
            Directory.CreateDirectory(Path.Combine(client, JavaClassArchive.TrainingDirectory));

            var made = await JavaClassArchive.MakeAsync(Path.Combine(root.FullName, "jdk"), client, TestContext.Current.CancellationToken);

            Assert.False(made);
            Assert.Equal([JavaClassArchive.TrainingDirectory], Directory.GetFileSystemEntries(client).Select(Path.GetFileName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static void SkipWithoutJdk()
    {
        if (CompiledJavaClient.JdkHome is null)
        {
            Assert.Skip("needs a JDK 17 under /usr/lib/jvm (test.sh installs openjdk-17-jdk-headless)");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunJavaAsync(List<string> arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(CompiledJavaClient.JdkHome!, "bin", "java"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in (ReadOnlySpan<string>)["AWS_LAMBDA_RUNTIME_API", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"])
        {
            start.Environment.Remove(variable);
        }

        using var java = Process.Start(start)!;
        var output = java.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = java.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await java.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (java.ExitCode, await output + await errors);
    }
}
