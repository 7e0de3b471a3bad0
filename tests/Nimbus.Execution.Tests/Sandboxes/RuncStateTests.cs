// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

/// <summary>The init pid read from runc's saved state (runc 1.1's state.json shape), and malformed input refused.</summary>
public sealed class RuncStateTests
{
    [Theory]
    [InlineData("""{"id":"nimbus-a","init_process_pid":14447,"init_process_start":4022615,"config":{"rootfs":"/r","mounts":[{"source":"proc"}]}}""", 14447)]
    [InlineData("""{"id":"c","config":{"init_process_pid":1,"labels":["x"]},"cgroup_paths":{"memory":"/m"},"init_process_pid":7}""", 7)]
    [InlineData(""" { "init_process_pid" : 1 } """, 1)]
    public void InitPid_TopLevelField_IsRead(string json, int expected)
    {
        Assert.Equal(expected, RuncState.InitPid(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"id":"c","config":{"init_process_pid":5}}""")]
    [InlineData("""{"init_process_pid":0}""")]
    [InlineData("""{"init_process_pid":-3}""")]
    [InlineData("""{"init_process_pid":1.5}""")]
    [InlineData("""{"init_process_pid":99999999999}""")]
    [InlineData("""{"init_process_pid":"12"}""")]
    [InlineData("""{"init_process_pid":""")]
    [InlineData("""{"id":"c",""")]
    [InlineData("""{"id":"c" "init_process_pid":3}""")]
    [InlineData("\u0000\u00ff{")]
    public void InitPid_MissingOrMalformed_IsNull(string json)
    {
        Assert.Null(RuncState.InitPid(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void InitPid_RandomBytes_NeverThrow()
    {
        var random = new Random(14);
        var buffer = new byte[64];
        var seed = Encoding.UTF8.GetBytes("""{"id":"c","init_process_pid":42,"config":{"a":[1,2,{"b":null}]}}""");
        for (var i = 0; i < 20_000; i++)
        {
            // Half pure noise, half the real shape with a few bytes changed.
            var length = random.Next(buffer.Length);
            if (i % 2 == 0)
            {
                random.NextBytes(buffer.AsSpan(0, length));
                _ = RuncState.InitPid(buffer.AsSpan(0, length));
            }
            else
            {
                var mutated = (byte[])seed.Clone();
                for (var j = 0; j < 3; j++)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                _ = RuncState.InitPid(mutated.AsSpan(0, random.Next(mutated.Length + 1)));
            }
        }
    }
}
