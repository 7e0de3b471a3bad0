// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Core.Access.Signing;

/// <summary>
/// Derived SigV4 signing keys (HMAC chain over date, region, service, "aws4_request"), one per access key for the scope
/// it last signed with: a key is derived once a day per scope, and a lookup with a cached key allocates nothing.
/// </summary>
public sealed class SigningKeyCache
{
    private readonly ConcurrentDictionary<string, DerivedKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DerivedKey>.AlternateLookup<ReadOnlySpan<char>> _byName;

    public SigningKeyCache()
    {
        _byName = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The signing key for <paramref name="accessKeyId"/>'s secret and the given scope, derived once and cached.</summary>
    public ReadOnlySpan<byte> Get(ReadOnlySpan<char> accessKeyId, string secretAccessKey, ReadOnlySpan<char> date, ReadOnlySpan<char> region, ReadOnlySpan<char> service) =>
        GetArray(accessKeyId, secretAccessKey, date, region, service);

    /// <summary>As <see cref="Get"/>, as the cached array itself (never written to after derivation), to keep across awaits.</summary>
    internal byte[] GetArray(ReadOnlySpan<char> accessKeyId, string secretAccessKey, ReadOnlySpan<char> date, ReadOnlySpan<char> region, ReadOnlySpan<char> service)
    {
        if (_byName.TryGetValue(accessKeyId, out var cached) && cached.Matches(secretAccessKey, date, region, service))
        {
            return cached.Key;
        }

        var derived = new DerivedKey(secretAccessKey, date.ToString(), region.ToString(), service.ToString(), Derive(secretAccessKey, date, region, service));
        _byName[accessKeyId] = derived;
        return derived.Key;
    }

    /// <summary>Forgets an access key's derived keys (the key was deleted, deactivated or rotated).</summary>
    public void Forget(ReadOnlySpan<char> accessKeyId) => _byName.TryRemove(accessKeyId, out _);

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] Derive(string secretAccessKey, ReadOnlySpan<char> date, ReadOnlySpan<char> region, ReadOnlySpan<char> service)
    {
        ArgumentNullException.ThrowIfNull(secretAccessKey);
        var secret = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        Span<byte> key = stackalloc byte[32];
        HMACSHA256.HashData(secret, Ascii(date), key);
        CryptographicOperations.ZeroMemory(secret);
        HMACSHA256.HashData(key, Ascii(region), key);
        HMACSHA256.HashData(key, Ascii(service), key);
        HMACSHA256.HashData(key, "aws4_request"u8, key);
        return key.ToArray();
    }

    private static byte[] Ascii(ReadOnlySpan<char> text) => Encoding.UTF8.GetBytes(text.ToString());

    private sealed class DerivedKey(string secret, string date, string region, string service, byte[] key)
    {
        public byte[] Key { get; } = key;

        public bool Matches(string secretAccessKey, ReadOnlySpan<char> d, ReadOnlySpan<char> r, ReadOnlySpan<char> s) =>
            string.Equals(secret, secretAccessKey, StringComparison.Ordinal)
            && d.SequenceEqual(date) && r.SequenceEqual(region) && s.SequenceEqual(service);
    }
}
