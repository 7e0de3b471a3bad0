// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Nimbus.Init.Protocol;

namespace Nimbus.Init.Tests.Support;

/// <summary>
/// The steps to a hand-over of the runtime's connection (docs/internals/invoke-path.md#direct-runtime-api), shared by
/// the hand-over and idle supervisor tests: nimbus-init started with a runtime that only sleeps (the test plays the
/// runtime), its first invocation served, and the host's copies of the descriptors nimbus-init names.
/// </summary>
internal static partial class Handovers
{
    public const string Next = "/2018-06-01/runtime/invocation/next";

    public static async Task<FakeHost> StartedAsync(bool direct, IReadOnlyDictionary<string, string>? environment = null, string script = "echo started; exec sleep 60")
    {
        var host = await FakeHost.StartAsync(environment);
        List<KeyValuePair<string, string>> headers =
        [
            new(FrameHeaders.Command, "sh"), new(FrameHeaders.Argument, "-c"), new(FrameHeaders.Argument, script),
            new(FrameHeaders.WorkingDirectory, host.Directory), new(FrameHeaders.Environment, "PATH=" + Environment.GetEnvironmentVariable("PATH")),
        ];
        if (direct)
        {
            headers.Add(new(FrameHeaders.DirectRuntimeApi, "1"));
        }

        await host.SendAsync(new Frame(FrameType.Start, headers));

        // Not before nimbus-init took the Start (the runtime it starts would not ask before either).
        await host.WaitForStdoutAsync("started");
        return host;
    }

    /// <summary>The runtime's init ends and it has its first invocation (nimbus-init serves both).</summary>
    public static async Task<RawHttpClient> FirstInvokedAsync(FakeHost host)
    {
        var runtime = await RawHttpClient.ConnectAsync(host.RuntimeApi);
        await runtime.SendHeadAsync("GET", Next);
        await host.ExpectAsync(FrameType.Ready);
        await host.InvokeAsync("req-1", "{}");
        await runtime.ReadResponseAsync();
        return runtime;
    }

    /// <summary>The same, and the runtime sends its result and its next /next in one write (HTTP pipelining).</summary>
    public static async Task<RawHttpClient> FirstResultWithNextAsync(FakeHost host)
    {
        var runtime = await FirstInvokedAsync(host);
        await runtime.WriteAsync($"POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{{}}GET {Next} HTTP/1.1\r\n\r\n");
        await host.ExpectAsync(FrameType.Response);
        return runtime;
    }

    /// <summary>The runtime's init ends and it answers its first invocation (nimbus-init serves both).</summary>
    public static async Task<RawHttpClient> FirstAnsweredAsync(FakeHost host)
    {
        var runtime = await FirstInvokedAsync(host);
        var accepted = await runtime.RequestAsync("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}");
        await host.ExpectAsync(FrameType.Response);
        Assert.Equal(202, accepted.Status);
        return runtime;
    }

    public static Socket Copy(FakeHost host, Frame handover, string header)
    {
        var fd = CopyDescriptor(host, handover, header);
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    public static string PipeTarget(FakeHost host, Frame handover, string header)
    {
        var fd = CopyDescriptor(host, handover, header);
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "";
        }
        finally
        {
            _ = Close(fd);
        }
    }

    public static int CopyDescriptor(FakeHost host, Frame handover, string header)
    {
        var pidfd = PidfdOpen(host.InitPid, 0);
        Assert.True(pidfd >= 0, $"pidfd_open: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            var fd = PidfdGetfd(pidfd, int.Parse(handover.Header(header)!, CultureInfo.InvariantCulture), 0);
            Assert.True(fd >= 0, $"pidfd_getfd: errno {Marshal.GetLastPInvokeError()}");
            return fd;
        }
        finally
        {
            _ = Close(pidfd);
        }
    }

    [LibraryImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    private static partial int PidfdOpen(int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "pidfd_getfd", SetLastError = true)]
    private static partial int PidfdGetfd(int pidfd, int targetFd, uint flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
