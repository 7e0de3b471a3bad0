// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution;

/// <summary>Settings of the execution layer (docs/configuration.md).</summary>
public sealed class ExecutionOptions
{
    /// <summary>
    /// The sandbox backend: <c>auto</c> (runc as root with runc installed, else bwrap where bubblewrap can create
    /// user namespaces, else process), <c>runc</c>, <c>bwrap</c> or <c>process</c> (docs/isolation.md).
    /// </summary>
    public string Sandbox { get; set; } = "auto";

    /// <summary>The nimbus-init executable; default: next to the nimbus executable.</summary>
    public string? InitExecutable { get; set; }

    /// <summary>The runtime clients (runtimes/); default: next to the nimbus executable.</summary>
    public string? RuntimeDirectory { get; set; }

    /// <summary>Where environments keep their sockets and temp directories; default: &lt;DataDir&gt;/run.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>
    /// Where runtimes fetched on first use (Node.js from the npm registry) and the compiled Java runtime client are
    /// cached; default: &lt;DataDir&gt;/runtimes.
    /// </summary>
    public string? RuntimeCacheDirectory { get; set; }

    /// <summary>The npm registry Node.js interpreters are fetched from when the host has none of a runtime's major version.</summary>
    public Uri NpmRegistry { get; set; } = new("https://registry.npmjs.org/");

    /// <summary>An idle environment is reclaimed after this long without an invocation.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An environment is recycled after this long, however busy.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The init phase's limit; past it, init is retried within the invocation's own timeout, as on AWS.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The endpoint functions reach Nimbus's APIs at (AWS_ENDPOINT_URL); set by the server once it listens.</summary>
    public string? PlatformEndpoint { get; set; }

    /// <summary>
    /// A Unix socket on which the server also serves its API; sandboxes with their own network reach Nimbus through
    /// it (nimbus-init bridges AWS_ENDPOINT_URL to it). Default: &lt;WorkDirectory&gt;/platform.sock.
    /// </summary>
    public string? PlatformSocketPath { get; set; }

    /// <summary>New environments (cold starts) a function may start per 10 s, refilled continuously (AWS: 1,000).</summary>
    public int ScalingBurstPer10Seconds { get; set; } = 1_000;

    /// <summary>AWS's rate for a streamed response past its first 6 MB: "a maximum rate of 2 MBps" (Lambda Developer
    /// Guide, configuration-response-streaming), taken here as 2 MiB per second.</summary>
    public const int AwsStreamBandwidth = 2 * 1024 * 1024;

    /// <summary>The uncapped start of a streamed response: 6 MB, the buffered payload limit (6,291,456 bytes).</summary>
    public const int StreamBurstBytes = 6 * 1024 * 1024;

    /// <summary>Bytes per second a streamed response may send after <see cref="StreamBurstBytes"/>; 0: no cap.</summary>
    public int StreamBandwidthBytesPerSecond { get; set; } = AwsStreamBandwidth;

    /// <summary>
    /// Credentials for pulling images from other registries, per registry host, in Docker's config.json / containers'
    /// auth.json format (docs/images.md); default: &lt;DataDir&gt;/registry-auth.json. Read on every pull, never logged.
    /// </summary>
    public string? RegistryAuthFile { get; set; }

    /// <summary>Outbound network: runc through a user-mode NAT (slirp4netns), bwrap on the host's network; false: loopback only (process: no effect).</summary>
    public bool OutboundNetwork { get; set; } = true;

    /// <summary>
    /// Pre-initialized spare environments kept per published SnapStart version of a java or dotnet function, each
    /// having run the function's init and before-snapshot hooks (docs/cold-starts.md#snapstart); 0: none.
    /// </summary>
    public int SnapStartSpares { get; set; } = 1;

    /// <summary>
    /// The server answers a runtime's Runtime API requests itself once nimbus-init hands it the runtime's connection
    /// and output pipes (after the first invocation, when no extension registered): one process fewer on every warm
    /// invoke (docs/internals/invoke-path.md#direct-runtime-api). False: nimbus-init serves them throughout.
    /// </summary>
    public bool DirectRuntimeApi { get; set; } = true;

    /// <summary>
    /// Once the server serves an environment's runtime, nimbus-init executes nimbus-idle, which supervises the
    /// runtime in a few dozen KiB (docs/internals/invoke-path.md#the-idle-supervisor). False: nimbus-init stays.
    /// </summary>
    public bool IdleSupervisor { get; set; } = true;

    /// <summary>The nimbus-idle executable; default: next to nimbus-init, when it is there and <see cref="IdleSupervisor"/> is on.</summary>
    public string? IdleExecutable { get; set; }

    /// <summary>
    /// Under runc, one nimbus-net process gives every sandbox its outbound network (a libslirp NAT per sandbox) instead
    /// of a slirp4netns per sandbox (docs/isolation.md#outbound-network). False, or no nimbus-net built: slirp4netns.
    /// </summary>
    public bool SharedNetwork { get; set; } = true;
}
