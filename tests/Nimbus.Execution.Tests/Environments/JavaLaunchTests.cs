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
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.net.preferIPv4Stack=true",
                "-cp", "/cache/java-client", "nimbus.lambda.Bootstrap", "/opt",
            ],
            Arguments(null));
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
}
