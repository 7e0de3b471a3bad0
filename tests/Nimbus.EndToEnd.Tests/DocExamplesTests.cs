// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Nimbus.TestKit;

namespace Nimbus.EndToEnd.Tests;

/// <summary>
/// Every shell example of the README and docs/*.md runs against a live server, as a reader would paste it
/// (Scripts/doc_examples.py): each document in order, on a fresh server of its own, two documents at a time. A doc
/// whose example no longer works fails here, with the block, the command and its output. Blocks that cannot run say
/// so in the doc with <c>&lt;!-- doc-test: skip (why) --&gt;</c>.
/// </summary>
public sealed class DocExamplesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task ShellExamples_OfEveryDocument_RunAsWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] documents =
        [
            "README.md",
            .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal).Select(path => Path.GetRelativePath(Root, path)),
        ];
        var failures = new ConcurrentBag<string>();
        var ran = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            documents,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
            async (document, token) =>
            {
                await using var server = await NimbusServer.StartAsync(TestEnvironment.Server, token);
                var environment = new Dictionary<string, string>(new AwsClients(server).Environment)
                {
                    ["NIMBUS_DOCS_ROOT"] = Root,
                    ["NIMBUS_TEST_AWS"] = AwsClients.AwsCli,
                    ["NIMBUS_DOC_DATA_DIR"] = server.DataDir,
                    ["NIMBUS_EXECUTABLE"] = NimbusServer.Executable(),
                };
                var result = await ChildProcess.RunAsync(
                    AwsClients.Python,
                    [Path.Combine(AppContext.BaseDirectory, "Scripts", "doc_examples.py"), Path.Combine(Root, document)],
                    environment,
                    timeout: TimeSpan.FromMinutes(5),
                    cancellationToken: token);
                if (result.ExitCode != 0 || !result.StandardOutput.TrimEnd().EndsWith("ok", StringComparison.Ordinal))
                {
                    failures.Add($"=== the examples of {document} failed: {result}\n--- server\n{server.Output}");
                }
                else
                {
                    ran[document] = result.StandardOutput.Split('\n').Last(line => line.StartsWith("doc-test: ", StringComparison.Ordinal));
                }
            });

        Assert.True(failures.IsEmpty, string.Join("\n\n", failures));
        Assert.Equal(documents.Length, ran.Count);
        Assert.Contains("README.md: 1 block(s) ran", ran["README.md"], StringComparison.Ordinal); // the skip marker of its set-up block works
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', ran.Values.Order(StringComparer.Ordinal)));
    }

    /// <summary>The checkout this test was built from: the first parent of the test's folder with Nimbus.slnx.</summary>
    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nimbus.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Nimbus.slnx above {AppContext.BaseDirectory}");
    }
}
