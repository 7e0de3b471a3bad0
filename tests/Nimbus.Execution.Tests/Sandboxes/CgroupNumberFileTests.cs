// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Sandboxes;

namespace Nimbus.Execution.Tests.Sandboxes;

public sealed class CgroupNumberFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cgroup-number-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("12337152\n", 12337152L)]
    [InlineData("0\n", 0L)]
    [InlineData("9223372036854775807\n", long.MaxValue)]
    [InlineData("", null)]
    [InlineData("\n", null)]
    [InlineData("max\n", null)]
    [InlineData("-5\n", null)]
    [InlineData("12 34\n", null)]
    [InlineData("99999999999999999999\n", null)]
    public void Read_Content_IsTheNumberOrNull(string content, long? expected)
    {
        var path = Path.Combine(_directory, "value");
        File.WriteAllText(path, content);
        using var file = CgroupNumberFile.Open(path);
        Assert.NotNull(file);
        Assert.Equal(expected, file.Read());
    }

    [Fact]
    public void Read_AfterTheContentChanged_IsTheNewNumber()
    {
        var path = Path.Combine(_directory, "value");
        File.WriteAllText(path, "100\n");
        using var file = CgroupNumberFile.Open(path)!;
        Assert.Equal(100, file.Read());
        File.WriteAllText(path, "2048\n");
        Assert.Equal(2048, file.Read());
    }

    [Fact]
    public void Open_MissingFile_IsNull() => Assert.Null(CgroupNumberFile.Open(Path.Combine(_directory, "missing")));

    [Fact]
    public void Read_Disposed_IsNull()
    {
        var path = Path.Combine(_directory, "value");
        File.WriteAllText(path, "7\n");
        var file = CgroupNumberFile.Open(path)!;
        file.Dispose();
        Assert.Null(file.Read());
    }
}
