// SPDX-License-Identifier: Apache-2.0
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Runs one case of Scripts/snapstart_dotnet.py on the functions <see cref="DotnetFunctionBuild"/> published.</summary>
internal static class SnapStartDotnetCases
{
    public static Task<ProcessResult> RunAsync(AwsClients clients, DotnetFunctionBuild build, string runtime, string name) =>
        ChildProcess.RunAsync(
            AwsClients.Python,
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "snapstart_dotnet.py"), runtime, build.Directory, name],
            clients.Environment,
            timeout: TimeSpan.FromMinutes(5));
}
