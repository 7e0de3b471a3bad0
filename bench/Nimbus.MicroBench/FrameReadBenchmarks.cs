// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Nimbus.Init.Protocol;

namespace Nimbus.MicroBench;

/// <summary>
/// One frame of the invoke path (a Response of a no-op handler: request id, content type, a 4-byte body) written to
/// a connected Unix socket pair and read back: with <see cref="FrameCodec.ReadAsync"/> (a length-prefix read, then
/// the rest) against <see cref="FrameReader"/> (one read with a 4 KB read-ahead). The write is the same in both.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FrameReadBenchmarks : IDisposable
{
    private readonly Frame _frame = new(
        FrameType.Response,
        [new(FrameHeaders.RequestId, "8f5c3a1e-4b2d-4c6f-9a7b-1d2e3f4a5b6c"), new(FrameHeaders.ContentType, "application/json")],
        "null"u8.ToArray());

    private NetworkStream _writeStream = null!;
    private NetworkStream _readStream = null!;
    private FrameReader _frames = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nimbus-frames-{Environment.ProcessId}.sock");
        File.Delete(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var writer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        writer.Connect(new UnixDomainSocketEndPoint(path));
        _writeStream = new NetworkStream(writer, ownsSocket: true);
        _readStream = new NetworkStream(listener.Accept(), ownsSocket: true);
        File.Delete(path);
        _frames = new FrameReader(_readStream);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _writeStream.Dispose();
        _readStream.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> PrefixThenRestAsync()
    {
        await FrameCodec.WriteAsync(_writeStream, _frame, CancellationToken.None);
        var frame = await FrameCodec.ReadAsync(_readStream, CancellationToken.None);
        return frame!.Body.Length; // the frame was just written: never null
    }

    [Benchmark]
    public async Task<int> ReadAheadAsync()
    {
        await FrameCodec.WriteAsync(_writeStream, _frame, CancellationToken.None);
        var frame = await _frames.ReadAsync(CancellationToken.None);
        return frame!.Body.Length; // the frame was just written: never null
    }
}
