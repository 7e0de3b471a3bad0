// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Execution.Images;

namespace Nimbus.Execution.Tests.Images;

public sealed class RegistryCredentialsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"registry-auth-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Find_NoFile_Null()
    {
        Assert.Null(new RegistryCredentials(_path).Find("registry.example.com"));
    }

    [Fact]
    public void Find_DockerAndPodmanForms_CredentialsOfThatHostOnly()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss"));
        File.WriteAllText(_path, $$"""
            {
              // docker login writes "auth"; podman may write the URL form; username/password are accepted too.
              "auths": {
                "registry.example.com": { "auth": "{{auth}}" },
                "https://index.docker.io/v1/": { "username": "bob", "password": "secret" },
                "127.0.0.1:5000": { "username": "carol", "password": "local" },
              }
            }
            """);
        var credentials = new RegistryCredentials(_path);

        Assert.Equal(("alice", "pa:ss"), credentials.Find("registry.example.com"));
        Assert.Equal(("alice", "pa:ss"), credentials.Find("REGISTRY.example.com"));
        Assert.Equal(("bob", "secret"), credentials.Find("index.docker.io"));
        Assert.Equal(("carol", "local"), credentials.Find("127.0.0.1:5000"));
        Assert.Null(credentials.Find("127.0.0.1:5001"));
        Assert.Null(credentials.Find("other.example.com"));
    }

    [Fact]
    public void Find_FileChanged_ReadAgain()
    {
        var credentials = new RegistryCredentials(_path);
        File.WriteAllText(_path, """{"auths": {}}""");
        Assert.Null(credentials.Find("r.example.com"));

        File.WriteAllText(_path, """{"auths": {"r.example.com": {"username": "u", "password": "p"}}}""");

        Assert.Equal(("u", "p"), credentials.Find("r.example.com"));
    }

    [Theory]
    [InlineData("""{"auths": {"r.example.com": {"auth": "not base64!"}}}""")]
    [InlineData("""{"auths": {"r.example.com": {"username": 1, "password": "secret-in-file"}}}""")]
    [InlineData("""{"auths": secret-in-file""")]
    public void Find_MalformedFile_RefusedWithoutQuotingIt(string content)
    {
        File.WriteAllText(_path, content);

        var error = Assert.Throws<RegistryAccessException>(() => new RegistryCredentials(_path).Find("r.example.com"));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }
}
