// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nimbus.Core.Threading;
using Nimbus.Execution.Environments;

namespace Nimbus.Execution.Runtimes;

/// <summary>
/// Makes the Java runtime client's class-data-sharing archive (AppCDS, a JDK 13+ dynamic archive on top of the JDK's
/// own): one training start of the client, with the JVM flags a function gets, against a Runtime API of its own that
/// hands it one event and then closes, so the JVM exits and writes every class it loaded that the JDK's archive lacks:
/// the client's, the JDK classes its sockets, reflection and class loader pull in, and the lambdas the JDK spins on the
/// way. A function's JVM maps them instead of parsing, verifying and linking them (measured in bench/README.md). The
/// training handler (runtimes/java/nimbus/training) is loaded from a task root of its own, as a function's is; no
/// function's class is ever archived. The archive records the JAR's path, size and time: it is made in the final
/// directory, and a JVM whose JAR or JDK differs ignores it (the JDK's build is part of the directory's name).
/// </summary>
internal static class JavaClassArchive
{
    /// <summary>The training handler's task root, in the client's directory.</summary>
    public const string TrainingDirectory = "training";

    private const string Handler = "nimbus.training.Warmup::handle";

    /// <summary>The whole training start's bound (a JVM start and exit; seconds on a loaded machine).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Writes <see cref="JavaRuntimeClient.ArchiveName"/> into <paramref name="directory"/>; false (and no archive, the
    /// client then starts without one) when the training start failed.
    /// </summary>
    public static async Task<bool> MakeAsync(string jdkHome, string directory, CancellationToken cancellationToken)
    {
        var archive = Path.Combine(directory, JavaRuntimeClient.ArchiveName);
        var temporary = archive + ".tmp-" + Guid.NewGuid().ToString("N");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Process? java = null;
        try
        {
            var taskRoot = Path.Combine(directory, TrainingDirectory);
            var start = new ProcessStartInfo(Path.Combine(jdkHome, "bin", "java"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = taskRoot,
            };
            start.ArgumentList.Add("-XX:ArchiveClassesAtExit=" + temporary);
            List<string> arguments = [];
            JavaLaunch.AddArguments(arguments, 512, null, directory, Path.Combine(taskRoot, "opt"));
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var variable in (ReadOnlySpan<string>)["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH"])
            {
                start.Environment.Remove(variable);
            }

            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            start.Environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
            start.Environment["_HANDLER"] = Handler;
            start.Environment["LAMBDA_TASK_ROOT"] = taskRoot;
            java = Process.Start(start) ?? throw new InvalidOperationException("java did not start.");
            var output = java.StandardOutput.ReadToEndAsync(deadline.Token);
            var errors = java.StandardError.ReadToEndAsync(deadline.Token);

            // A JVM that exits before it connects (an option this JDK refuses) ends the wait for its connection.
            var exited = java.WaitForExitAsync(deadline.Token);
            var serving = ServeOneEventAsync(listener, deadline.Token);
            if (await Task.WhenAny(serving, exited) == exited && !serving.IsCompleted)
            {
                listener.Stop();
                await exited;
                try
                {
                    await serving;
                }
                catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
                {
                    // The accept ended by the stop, or the connection by the exit.
                }

                return false;
            }

            var answered = await serving;
            await exited;
            await Task.WhenAll(output, errors);
            // The training's socket and pipes complete on event threads; the archive is files (EventThreads).
            await EventThreads.Leave();
            if (!answered || !File.Exists(temporary))
            {
                return false;
            }

            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temporary, archive, overwrite: true);
            return true;
        }
        catch (Exception e) when ((e is IOException or SocketException or InvalidOperationException or System.ComponentModel.Win32Exception
            or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            listener.Stop();
            if (java is not null)
            {
                // Whatever ended the training early (its deadline, a malformed request), its JVM does not outlive it.
                if (!java.HasExited)
                {
                    java.Kill(entireProcessTree: true);
                    await java.WaitForExitAsync(CancellationToken.None);
                }

                java.Dispose();
            }

            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Answers the client's first /next with an event and its response with 202, then closes the connection: the
    /// client's next /next fails and its JVM exits. True when the client posted a response (not an error).
    /// </summary>
    private static async Task<bool> ServeOneEventAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        using var client = await listener.AcceptTcpClientAsync(cancellationToken);
        var stream = client.GetStream();
        var buffer = new byte[64 * 1024];
        var (next, _) = await ReadRequestAsync(stream, buffer, cancellationToken);
        if (!next.StartsWith("GET /2018-06-01/runtime/invocation/next ", StringComparison.Ordinal))
        {
            return false;
        }

        var body = """{"message":"hello","count":1,"ok":true,"items":[1.5,"two",null],"nested":{"key":"value"}}"""u8.ToArray();
        var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: 00000000-0000-0000-0000-000000000000\r\n"
            + "Lambda-Runtime-Deadline-Ms: 32503680000000\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:training\r\n"
            + "Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000;Sampled=0\r\nContent-Length: " + body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
        var (result, _) = await ReadRequestAsync(stream, buffer, cancellationToken);
        await stream.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n"u8.ToArray(), cancellationToken);
        return result.StartsWith("POST /2018-06-01/runtime/invocation/00000000-0000-0000-0000-000000000000/response ", StringComparison.Ordinal);
    }

    /// <summary>Reads one request (its head and a Content-Length body); returns its request line and its body's length.</summary>
    private static async Task<(string Line, int BodyLength)> ReadRequestAsync(NetworkStream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int end;
        while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                throw new IOException("the training client's request head is too long");
            }

            var count = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (count == 0)
            {
                throw new IOException("the training client closed its connection");
            }

            filled += count;
        }

        var head = Encoding.ASCII.GetString(buffer, 0, end);
        var length = 0;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }

        // The body: what came with the head, then the rest (the training event's answer is small).
        var remaining = length - (filled - end - 4);
        while (remaining > 0)
        {
            var count = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(remaining, buffer.Length)), cancellationToken);
            if (count == 0)
            {
                throw new IOException("the training client closed its connection");
            }

            remaining -= count;
        }

        var lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        return (lineEnd < 0 ? head : head[..lineEnd], length);
    }
}
