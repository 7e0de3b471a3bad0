// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Api.Code;

namespace Nimbus.Api.Tests.Code;

public sealed class CodeLocationSignerTests
{
    // A base64 SHA-256 with '+' and '/', which must survive the URL-safe id.
    private const string Sha = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";

    private static readonly DateTimeOffset s_start = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly CodeLocationSigner _signer;

    public CodeLocationSignerTests()
    {
        _signer = new CodeLocationSigner(_time);
    }

    private static (string Id, string Expires, string Signature) Parse(string path)
    {
        var uri = new Uri("http://localhost" + path);
        var file = uri.AbsolutePath["/_nimbus/code/".Length..];
        Assert.EndsWith(".zip", file, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(uri.Query);
        return (file[..^".zip".Length], query["X-Amz-Expires"].ToString(), query["X-Amz-Signature"].ToString());
    }

    [Fact]
    public void CreatePath_Fresh_ValidatesToSameSha()
    {
        var (id, expires, signature) = Parse(_signer.CreatePath(Sha));

        Assert.True(_signer.TryValidate(id, expires, signature, out var sha));
        Assert.Equal(Sha, sha);
    }

    [Fact]
    public void CreatePath_Path_IsUrlSafeAndExpiresInTenMinutes()
    {
        var path = _signer.CreatePath(Sha);
        var (id, expires, _) = Parse(path);

        Assert.StartsWith("/_nimbus/code/", path, StringComparison.Ordinal);
        Assert.DoesNotContain('+', id);
        Assert.DoesNotContain('/', id);
        Assert.DoesNotContain('=', id);
        Assert.Equal(s_start.AddMinutes(10).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), expires);
    }

    [Fact]
    public void TryValidate_TamperedSignature_False()
    {
        var (id, expires, signature) = Parse(_signer.CreatePath(Sha));
        var tampered = (signature[0] == 'a' ? "b" : "a") + signature[1..];

        Assert.False(_signer.TryValidate(id, expires, tampered, out _));
    }

    [Fact]
    public void TryValidate_ExtendedExpiry_False()
    {
        var (id, expires, signature) = Parse(_signer.CreatePath(Sha));
        var later = (long.Parse(expires, CultureInfo.InvariantCulture) + 3600).ToString(CultureInfo.InvariantCulture);

        Assert.False(_signer.TryValidate(id, later, signature, out _));
    }

    [Fact]
    public void TryValidate_OtherPackageId_False()
    {
        var (_, expires, signature) = Parse(_signer.CreatePath(Sha));
        var (otherId, _, _) = Parse(_signer.CreatePath("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));

        Assert.False(_signer.TryValidate(otherId, expires, signature, out _));
    }

    [Fact]
    public void TryValidate_SignedByAnotherInstance_False()
    {
        var (id, expires, signature) = Parse(new CodeLocationSigner(_time).CreatePath(Sha));

        Assert.False(_signer.TryValidate(id, expires, signature, out _));
    }

    [Fact]
    public void TryValidate_AfterLifetime_False()
    {
        var (id, expires, signature) = Parse(_signer.CreatePath(Sha));
        _time.Advance(CodeLocationSigner.Lifetime + TimeSpan.FromSeconds(1));

        Assert.False(_signer.TryValidate(id, expires, signature, out _));
    }

    [Fact]
    public void TryValidate_AtEndOfLifetime_True()
    {
        var (id, expires, signature) = Parse(_signer.CreatePath(Sha));
        _time.Advance(CodeLocationSigner.Lifetime);

        Assert.True(_signer.TryValidate(id, expires, signature, out _));
    }

    [Theory]
    [InlineData(null, "sig")]
    [InlineData("1704110400", null)]
    [InlineData("-1", "sig")]
    [InlineData("soon", "sig")]
    public void TryValidate_MissingOrBadParameters_FalseWithEmptySha(string? expires, string? signature)
    {
        var (id, _, _) = Parse(_signer.CreatePath(Sha));

        Assert.False(_signer.TryValidate(id, expires, signature, out var sha));
        Assert.Equal("", sha);
    }
}
