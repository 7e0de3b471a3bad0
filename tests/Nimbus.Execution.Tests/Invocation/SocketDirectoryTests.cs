// SPDX-License-Identifier: Apache-2.0
using Nimbus.Execution.Invocation;

namespace Nimbus.Execution.Tests.Invocation;

/// <summary>Where environments' Unix sockets live: the work directory's own, or a fresh short one when it is too deep.</summary>
public sealed class SocketDirectoryTests
{
    [Fact]
    public void SocketDirectory_DeepWorkDirectory_IsAFreshPrivateDirectoryNeverOneThatExisted()
    {
        var deep = "/" + string.Join('/', Enumerable.Repeat("deep-directory", 6)) + Guid.NewGuid().ToString("N");
        // What another local user could have made in advance under the name the fallback once had.
        var planted = Path.Combine(Path.GetTempPath(), $"nimbus-{Environment.ProcessId}");
        var plantedHere = !Directory.Exists(planted);
        Directory.CreateDirectory(planted);
        try
        {
            var directory = Invoker.SocketDirectory(deep);

            Assert.NotEqual(planted, directory);
            Assert.True(directory.Length < 60, directory);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal(directory, Invoker.SocketDirectory(deep));
            Directory.Delete(directory);
        }
        finally
        {
            if (plantedHere)
            {
                Directory.Delete(planted);
            }
        }
    }
}
