// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// alias: sequential Invoke of a no-op Python handler through an alias (name:live) against the same published
/// version (name:1), request by request in alternation, so that drift on a shared machine hits both alike. Target (issue #5):
/// the alias costs ≤ 2% over the version.
/// </summary>
internal static class AliasBenchmark
{
    private const int WarmUp = 300;
    private const int Rounds = 6;
    private const int PerRound = 1000;
    private const double TargetOverhead = 0.02;

    public static async Task RunAsync(BenchSession session, CancellationToken cancellationToken)
    {
        Report.Heading($"alias: sequential invoke through an alias vs. the version it points to, {Rounds} rounds of {PerRound} interleaved pairs");
        Report.Line("includes: everything of warm, plus resolving the qualifier (version or alias) on the invoke path");
        Report.Line("reference: the same function invoked by its published version number in the same run");
        await using var nimbus = await NimbusProcess.StartAsync(session.Location, cancellationToken);
        using var http = HttpClients.CreateSigned(nimbus.BaseAddress);
        var lambda = new LambdaClient(http);
        const string name = "alias-bench";
        await lambda.CreateNoOpAsync(name, FunctionCode.Python, cancellationToken);
        await lambda.PostJsonAsync($"/2015-03-31/functions/{name}/versions", [], 201, cancellationToken);
        await lambda.PostJsonAsync(
            $"/2015-03-31/functions/{name}/aliases", new JsonObject { ["Name"] = "live", ["FunctionVersion"] = "1" }, 201, cancellationToken);

        var version = new PostTarget("version", http, BenchSession.InvokePath($"{name}:1"), BenchSession.Payload);
        var alias = new PostTarget("alias", http, BenchSession.InvokePath($"{name}:live"), BenchSession.Payload);
        await LoadRunner.SequentialAsync(version, WarmUp, 1, cancellationToken);
        await LoadRunner.SequentialAsync(alias, WarmUp, 1, cancellationToken);
        var versionP50 = new List<double>(Rounds);
        var aliasP50 = new List<double>(Rounds);
        var errors = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var (v, a) = await LoadRunner.InterleavedAsync(version, alias, PerRound, cancellationToken);
            versionP50.Add(v.P50);
            aliasP50.Add(a.P50);
            errors += v.Errors + a.Errors;
            Report.Line($"round {round + 1}: version p50 {Report.Ms(v.P50)}  alias p50 {Report.Ms(a.P50)}");
        }

        var versionMedian = Stats.Median(versionP50);
        var aliasMedian = Stats.Median(aliasP50);
        var overhead = (aliasMedian / versionMedian) - 1;
        Report.Line($"median of round p50s: version {Report.Ms(versionMedian)}  alias {Report.Ms(aliasMedian)}  overhead {Report.Percent(overhead)}  errors {errors}");
        session.Report.Add(new Verdict(
            "invoke via alias",
            Report.Ms(aliasMedian),
            $"version {Report.Ms(versionMedian)}",
            Report.Times(aliasMedian / versionMedian),
            $"≤ +{Report.Percent(TargetOverhead)}",
            overhead <= TargetOverhead && errors == 0));
    }
}
