// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Execution.Images;

namespace Nimbus.Execution.Tests.Images;

public sealed class RegistryCredentialsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"registry-auth-{Guid.NewGuid():N}.json");
    private readonly string _helpers = Directory.CreateTempSubdirectory("credential-helpers-").FullName;

    public void Dispose()
    {
        File.Delete(_path);
        Directory.Delete(_helpers, recursive: true);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Find_NoFile_Null()
    {
        Assert.Null(await new RegistryCredentials(_path).FindAsync("registry.example.com", Token));
    }

    [Fact]
    public async Task Find_DockerAndPodmanForms_CredentialsOfThatHostOnly()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss"));
        await File.WriteAllTextAsync(_path, $$"""
            {
              // docker login writes "auth"; podman may write the URL form; username/password are accepted too.
              "auths": {
                "registry.example.com": { "auth": "{{auth}}" },
                "https://index.docker.io/v1/": { "username": "bob", "password": "secret" },
                "127.0.0.1:5000": { "username": "carol", "password": "local" },
              }
            }
            """, Token);
        var credentials = new RegistryCredentials(_path);

        Assert.Equal(("alice", "pa:ss"), await credentials.FindAsync("registry.example.com", Token));
        Assert.Equal(("alice", "pa:ss"), await credentials.FindAsync("REGISTRY.example.com", Token));
        Assert.Equal(("bob", "secret"), await credentials.FindAsync("index.docker.io", Token));
        Assert.Equal(("carol", "local"), await credentials.FindAsync("127.0.0.1:5000", Token));
        Assert.Null(await credentials.FindAsync("127.0.0.1:5001", Token));
        Assert.Null(await credentials.FindAsync("other.example.com", Token));
    }

    [Fact]
    public async Task Find_FileChanged_ReadAgain()
    {
        var credentials = new RegistryCredentials(_path);
        await File.WriteAllTextAsync(_path, """{"auths": {}}""", Token);
        Assert.Null(await credentials.FindAsync("r.example.com", Token));

        await File.WriteAllTextAsync(_path, """{"auths": {"r.example.com": {"username": "u", "password": "p"}}}""", Token);

        Assert.Equal(("u", "p"), await credentials.FindAsync("r.example.com", Token));
    }

    [Theory]
    [InlineData("""{"auths": {"r.example.com": {"auth": "not base64!"}}}""")]
    [InlineData("""{"auths": {"r.example.com": {"username": 1, "password": "secret-in-file"}}}""")]
    [InlineData("""{"auths": secret-in-file""")]
    public async Task Find_MalformedFile_RefusedWithoutQuotingIt(string content)
    {
        await File.WriteAllTextAsync(_path, content, Token);

        var error = await Assert.ThrowsAsync<RegistryAccessException>(() => new RegistryCredentials(_path).FindAsync("r.example.com", Token));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_CredHelperForTheHost_AskedWithTheHostOnStdin_OverTheFilesEntry()
    {
        // A helper as Docker's are: reads the server on stdin, answers JSON, exits 1 when it holds nothing.
        await HelperAsync("test", """
            read -r server
            case "$server" in
              registry.example.com) printf '{"ServerURL":"%s","Username":"helped","Secret":"from-helper"}' "$server" ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            """);
        await File.WriteAllTextAsync(_path, """
            {"auths": {"registry.example.com": {"username": "file", "password": "entry"}, "other.example.com": {"username": "o", "password": "p"}},
             "credHelpers": {"registry.example.com": "test", "unknown.example.com": "test"}}
            """, Token);
        var credentials = new RegistryCredentials(_path, _helpers);

        Assert.Equal(("helped", "from-helper"), await credentials.FindAsync("registry.example.com", Token));
        Assert.Null(await credentials.FindAsync("unknown.example.com", Token)); // the helper has none: no fallback, as Docker
        Assert.Equal(("o", "p"), await credentials.FindAsync("other.example.com", Token)); // no helper for it: the file's entry
    }

    [Fact]
    public async Task Find_CredsStore_UsedForEveryHostWithoutItsOwnHelper()
    {
        await HelperAsync("store", """read -r server; printf '{"Username":"store-user","Secret":"s-%s"}' "$server" """);
        await File.WriteAllTextAsync(_path, """{"credsStore": "store", "auths": {"r.example.com": {"username": "file", "password": "entry"}}}""", Token);

        Assert.Equal(("store-user", "s-r.example.com"), await new RegistryCredentials(_path, _helpers).FindAsync("r.example.com", Token));
    }

    [Theory]
    [InlineData("missing", "is not on the server's PATH")]
    [InlineData("garbage", "answered something other than Docker's credential JSON")]
    [InlineData("token", "answered an identity token")]
    public async Task Find_HelperMissingOrAnsweringBadly_RefusedWithoutQuotingIt(string helper, string expected)
    {
        await HelperAsync("garbage", """echo 'secret-from-helper {'""");
        await HelperAsync("token", """printf '{"Username":"<token>","Secret":"secret-from-helper"}'""");
        await File.WriteAllTextAsync(_path, "{\"credHelpers\": {\"r.example.com\": \"" + helper + "\"}}", Token);

        var error = await Assert.ThrowsAsync<RegistryAccessException>(() => new RegistryCredentials(_path, _helpers).FindAsync("r.example.com", Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("docker-credential-" + helper, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    private async Task HelperAsync(string name, string script)
    {
        var path = Path.Combine(_helpers, "docker-credential-" + name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + script + "\n", Token);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
