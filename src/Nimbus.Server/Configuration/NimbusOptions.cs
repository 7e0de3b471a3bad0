// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution;

namespace Nimbus.Server.Configuration;

/// <summary>
/// The server's settings (docs/configuration.md). Sources, later wins: defaults, the JSON config file,
/// NIMBUS_* environment variables, command-line options.
/// </summary>
public sealed class NimbusOptions
{
    /// <summary>Address to listen on.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one (printed at start).</summary>
    public int Port { get; set; } = 9000;

    /// <summary>Where state and code live.</summary>
    public string DataDir { get; set; } = "./.nimbus";

    /// <summary>The account id in every ARN.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>The region of requests that carry no SigV4 credential scope.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// The account's concurrency limit, per account and region (AWS's default quota is 1,000). Reservations must leave
    /// 100 of it unreserved, or all of it when it is below 100 (docs/concurrency.md).
    /// </summary>
    public int ConcurrentExecutions { get; set; } = 1000;

    /// <summary>New execution environments (cold starts) one function may start per 10 s, refilled continuously (AWS: 1,000).</summary>
    public int ScalingBurstPer10Seconds { get; set; } = 1000;

    /// <summary>Sandbox backend: <c>auto</c> (runc as root with runc installed, else bwrap, else process), <c>runc</c>, <c>bwrap</c>, <c>process</c>.</summary>
    public string Sandbox { get; set; } = "auto";

    /// <summary>Outbound network for sandboxed functions (user-mode NAT, Lambda's default); false: loopback only.</summary>
    public bool OutboundNetwork { get; set; } = true;

    /// <summary>Keep a pool of stem cells (runc only): sandboxes with a runtime started ahead of need (docs/cold-starts.md).</summary>
    public bool StemCells { get; set; } = true;

    /// <summary>Stem cells kept per runtime once it is in demand (or listed in <see cref="StemCellRuntimes"/>).</summary>
    public int StemCellsMinimum { get; set; } = 1;

    /// <summary>Stem cells kept per runtime at most, however great the demand.</summary>
    public int StemCellsMaximum { get; set; } = 8;

    /// <summary>Memory all waiting stem cells together may use, in MB.</summary>
    public int StemCellsMemoryMb { get; set; } = 1024;

    /// <summary>Runtimes kept warm from the start, comma-separated (e.g. python3.12,nodejs20.x); others once they are in demand.</summary>
    public string StemCellRuntimes { get; set; } = "";

    /// <summary>Hours a runtime not in <see cref="StemCellRuntimes"/> stays in the pool after its last cold start, across restarts.</summary>
    public int StemCellsKeepHours { get; set; } = 24;

    /// <summary>Pre-initialized spare environments kept per published SnapStart version of a java or dotnet function (docs/cold-starts.md#snapstart).</summary>
    public int SnapStartSpares { get; set; } = 1;

    /// <summary>The server answers a runtime's Runtime API requests itself once nimbus-init hands it the connection (docs/internals/invoke-path.md#direct-runtime-api).</summary>
    public bool DirectRuntimeApi { get; set; } = true;

    /// <summary>nimbus-init becomes nimbus-idle once the server serves the runtime (docs/internals/invoke-path.md#the-idle-supervisor).</summary>
    public bool IdleSupervisor { get; set; } = true;

    /// <summary>One nimbus-net process is every runc sandbox's network instead of a slirp4netns each (docs/isolation.md#outbound-network).</summary>
    public bool SharedNetwork { get; set; } = true;

    /// <summary>Bytes per second a streamed response may send after its first 6 MB (AWS: 2 MB/s); 0: no cap.</summary>
    public int StreamBandwidthBytesPerSecond { get; set; } = ExecutionOptions.AwsStreamBandwidth;

    /// <summary>Seconds an idle environment stays warm.</summary>
    public int IdleTimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds an environment lives at most.</summary>
    public int MaxLifetimeSeconds { get; set; } = 7200;

    /// <summary>Seconds between sweeps that delete log events past their group's retention (PutRetentionPolicy).</summary>
    public int LogRetentionSweepSeconds { get; set; } = 3600;

    /// <summary>MiB of messages a log group may store before its oldest events are dropped (checked each minute); 0: no cap.</summary>
    public int LogGroupMaxMb { get; set; } = 1024;

    /// <summary>Record AWS/Lambda and AWS/SQS metrics (served by the CloudWatch API and /metrics); false: none are recorded.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Days metric points are kept (CloudWatch keeps 1-minute points for 15).</summary>
    public int MetricsRetentionDays { get; set; } = 15;

    /// <summary>Serve the platform's figures at GET /metrics in Prometheus' text format, unsigned.</summary>
    public bool PrometheusEndpoint { get; set; } = true;

    /// <summary>Seconds before each retry of a failed asynchronous invocation, comma-separated (AWS: about 60 then 120).</summary>
    public string AsyncRetryDelays { get; set; } = "60,120";

    /// <summary>
    /// Authentication: <c>iam</c> (every request SigV4-signed with a key Nimbus holds) or <c>off</c> (nothing checked,
    /// every caller acts as the account's root: for throwaway local use only).
    /// </summary>
    public string Auth { get; set; } = "iam";

    /// <summary>Seeds the account's root access key id (NIMBUS_ROOT_ACCESS_KEY_ID) instead of generating one on first start.</summary>
    public string? RootAccessKeyId { get; set; }

    /// <summary>The seeded root key's secret (NIMBUS_ROOT_SECRET_ACCESS_KEY); never printed.</summary>
    public string? RootSecretAccessKey { get; set; }

    /// <summary>Minimum level of the server's own log (Trace, Debug, Information, Warning, Error).</summary>
    public string LogLevel { get; set; } = "Information";

    /// <summary>Records every API call in the audit trail (docs/audit.md).</summary>
    public bool Audit { get; set; } = true;

    /// <summary>Records data events too (Invoke, queue messages, log events), as a trail with data event selectors does.</summary>
    public bool AuditDataEvents { get; set; }

    /// <summary>Days audit events are kept (CloudTrail's event history: 90).</summary>
    public int AuditRetentionDays { get; set; } = 90;

    /// <summary>Seconds between sweeps that delete audit events past the retention.</summary>
    public int AuditSweepSeconds { get; set; } = 3600;

    /// <summary>
    /// Credentials for pulling function images from other registries (Docker's config.json format, per registry host);
    /// empty: <c>&lt;DataDir&gt;/registry-auth.json</c> (docs/images.md).
    /// </summary>
    public string RegistryAuthFile { get; set; } = "";

    /// <summary>
    /// OTLP/HTTP endpoint to export trace spans to (e.g. <c>http://127.0.0.1:4318</c>; spans go to <c>/v1/traces</c>);
    /// empty: no spans are made (docs/tracing.md).
    /// </summary>
    public string TracingOtlpEndpoint { get; set; } = "";
}
