// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Environments;

namespace Nimbus.Execution.Tests.Environments;

public sealed class JavaLaunchTests
{
    private static List<string> Arguments(string? javaToolOptions)
    {
        List<string> arguments = [];
        JavaLaunch.AddArguments(arguments, 512, javaToolOptions, "/cache/java-client", "/opt");
        return arguments;
    }

    [Fact]
    public void AddArguments_NoJavaToolOptions_AwsDefaultsThenTheClient()
    {
        Assert.Equal(
            [
                "-XX:MaxHeapSize=445644k", "-XX:MaxMetaspaceSize=52428k", "-XX:ReservedCodeCacheSize=26214k", "-XX:+UseSerialGC",
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Dorg.crac.Core.Compat=nimbus.crac",
                "-Djava.net.preferIPv4Stack=true", "-cp", "/cache/java-client/nimbus-runtime.jar", "nimbus.lambda.Bootstrap", "/opt",
            ],
            Arguments(null));
    }

    [Fact]
    public void AddArguments_JavaToolOptionsNameACracCompat_OursLeftOut()
    {
        var arguments = Arguments("-Dorg.crac.Core.Compat=jdk.crac");

        Assert.DoesNotContain("-Dorg.crac.Core.Compat=nimbus.crac", arguments);
        Assert.Contains("-Djava.net.preferIPv4Stack=true", arguments);
    }

    [Fact]
    public void AddArguments_JavaToolOptionsSetTheJit_TieredDefaultsLeftOut()
    {
        var arguments = Arguments("-XX:-TieredCompilation -Dx=y");

        Assert.DoesNotContain("-XX:+TieredCompilation", arguments);
        Assert.DoesNotContain("-XX:TieredStopAtLevel=1", arguments);
        Assert.Contains("-XX:+UseSerialGC", arguments);
    }

    [Fact]
    public void AddArguments_JavaToolOptionsSetHeapAndCollector_ThoseDefaultsLeftOut()
    {
        var arguments = Arguments("-Xmx300m -XX:+UseParallelGC");

        Assert.DoesNotContain(arguments, a => a.StartsWith("-XX:MaxHeapSize=", StringComparison.Ordinal));
        Assert.DoesNotContain("-XX:+UseSerialGC", arguments);
        Assert.Contains("-XX:TieredStopAtLevel=1", arguments);
    }

    [Fact]
    public void AddArguments_ClientHasAnArchive_SharedArchiveFileBeforeTheClient()
    {
        var directory = Directory.CreateTempSubdirectory("nimbus-java-launch-");
        try
        {
            File.WriteAllBytes(Path.Combine(directory.FullName, "nimbus-runtime.jsa"), [1]);
            List<string> arguments = [];
            JavaLaunch.AddArguments(arguments, 512, null, directory.FullName, "/opt");

            var archive = arguments.IndexOf("-XX:SharedArchiveFile=" + Path.Combine(directory.FullName, "nimbus-runtime.jsa"));
            Assert.InRange(archive, arguments.IndexOf("-Xshare:auto") + 1, arguments.IndexOf("-cp") - 1);
            Assert.Equal(Path.Combine(directory.FullName, "nimbus-runtime.jar"), arguments[arguments.IndexOf("-cp") + 1]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("-XX:SharedArchiveFile=/var/task/app.jsa")]
    [InlineData("-XX:ArchiveClassesAtExit=/tmp/app.jsa")]
    [InlineData("-Xshare:dump")]
    public void AddArguments_JavaToolOptionsNameTheirOwnArchive_OursLeftOut(string options)
    {
        var directory = Directory.CreateTempSubdirectory("nimbus-java-launch-");
        try
        {
            File.WriteAllBytes(Path.Combine(directory.FullName, "nimbus-runtime.jsa"), [1]);
            List<string> arguments = [];
            JavaLaunch.AddArguments(arguments, 512, options, directory.FullName, "/opt");

            Assert.DoesNotContain(arguments, a => a.StartsWith("-XX:SharedArchiveFile=", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
