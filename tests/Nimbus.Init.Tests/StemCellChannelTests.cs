// SPDX-License-Identifier: Apache-2.0
using System.Net.Sockets;
using System.Text;
using Nimbus.Init.Runtime;

namespace Nimbus.Init.Tests;

/// <summary>The stem cell's socket pair itself, with the test as the runtime on the other end (no process).</summary>
public sealed class StemCellChannelTests
{
    [Fact]
    public void Specialize_BeforeTheRuntimesByteWasRead_RuntimeReadsItsEnvironmentToEndOfFile()
    {
        // The byte the runtime writes when it waits sits unread in nimbus-init's end when Specialize comes first. A
        // close of that end would reset the runtime's (Linux: ECONNRESET after the data instead of end of file).
        using var channel = StemCellChannel.Open();
        using var runtime = new Socket(new SafeSocketHandle(channel.RuntimeEnd, ownsHandle: false));
        Assert.Equal(1, runtime.Send("w"u8));

        Assert.True(channel.Specialize("FUNCTION_VAR=early\0"u8));

        var received = new MemoryStream();
        var buffer = new byte[64];
        int read;
        while ((read = runtime.Receive(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        Assert.Equal("FUNCTION_VAR=early\0", Encoding.UTF8.GetString(received.ToArray()));
        Assert.False(channel.Specialize("AGAIN=1\0"u8));
    }
}
