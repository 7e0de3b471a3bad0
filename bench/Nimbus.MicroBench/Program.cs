// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process ShortRun by default: a few seconds per benchmark, no child build. Pass BenchmarkDotNet's own switches
// (--filter, --job) to change it. Reports go beside the binaries (bin/ is not committed).
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(Nimbus.MicroBench.PolicyEvaluationBenchmarks).Assembly).Run(args, config);
