// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Storage;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests.Sqlite;

public sealed class SqliteIdentityStoreTests : IdentityStoreConformanceTests
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _open;

    [Fact]
    public async Task Secrets_AreEncryptedAtRest_UnderAnOwnerOnlyKeyFile()
    {
        await Store.CreateEntityAsync(Entity(IamEntityKind.User, "u"), Token);
        await Store.CreateAccessKeyAsync(Key("AKIAAAAAAAAAAAAAAAA1", "u"), 2, Token);
        await Store.SaveSessionAsync(Session("ASIAAAAAAAAAAAAAAAA1", Now.AddHours(1)), Token);
        await CloseAsync();

        var bytes = ReadAllFiles(_directory.Path);
        Assert.DoesNotContain("secret-of-AKIAAAAAAAAAAAAAAAA1", bytes, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-ASIAAAAAAAAAAAAAAAA1", bytes, StringComparison.Ordinal);
        Assert.DoesNotContain("token-ASIAAAAAAAAAAAAAAAA1", bytes, StringComparison.Ordinal);
        var keyFile = Path.Combine(_directory.Path, SecretBox.KeyFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(32, new FileInfo(keyFile).Length);

        var reopened = await OpenAsync();
        Assert.Equal("secret-of-AKIAAAAAAAAAAAAAAAA1", Assert.Single(await reopened.ListAccessKeysAsync(null, null, Token)).SecretAccessKey);
        Assert.Equal("token-ASIAAAAAAAAAAAAAAAA1", Assert.Single(await reopened.ListSessionsAsync(Now, Token)).SessionToken);
    }

    protected override async Task<IIdentityStore> OpenAsync()
    {
        _open = SqliteStores.OpenDatabase(_directory.Path);
        await _open.MigrateAsync(Token);
        return new SqliteIdentityStore(_open, new SecretBox(_directory.Path));
    }

    protected override ValueTask CloseAsync()
    {
        _open?.Dispose();
        _open = null;
        return ValueTask.CompletedTask;
    }

    protected override ValueTask DisposeStorageAsync()
    {
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string ReadAllFiles(string directory)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            text.Append(Encoding.Latin1.GetString(File.ReadAllBytes(file)));
        }

        return text.ToString();
    }
}
