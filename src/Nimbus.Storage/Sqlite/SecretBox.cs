// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Encrypts the secrets the store keeps (access keys' secrets, sessions' secrets and tokens) with AES-256-GCM under
/// one key in <c>&lt;DataDir&gt;/secret.key</c>: 32 random bytes, created on first start, readable by its owner only
/// (0600). Each value gets a fresh 12-byte nonce; the row's id is bound in as associated data, so a ciphertext moved
/// to another row does not decrypt. Stored form: nonce ‖ tag ‖ ciphertext. Nothing here is ever logged.
/// </summary>
internal sealed class SecretBox
{
    public const string KeyFileName = "secret.key";

    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public SecretBox(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, KeyFileName);
        _key = File.Exists(path) ? File.ReadAllBytes(path) : Create(path);
        if (_key.Length != KeySize)
        {
            throw new InvalidDataException($"{path} must hold {KeySize} bytes; it holds {_key.Length}.");
        }
    }

    public byte[] Seal(string plaintext, string associatedData)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(associatedData));
        CryptographicOperations.ZeroMemory(plain);
        return sealedBytes;
    }

    /// <summary>Decrypts what <see cref="Seal"/> made; throws <see cref="CryptographicException"/> for anything else
    /// (a changed row, another data directory's key).</summary>
    public string Open(byte[] sealedBytes, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(sealedBytes);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("A stored secret is too short to be one.");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Writes a new key whole (temp file, 0600 from its creation, fsync, rename), so it is never seen half-written.</summary>
    private static byte[] Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a file path in the data directory always has one.
        var key = RandomNumberGenerator.GetBytes(KeySize);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: false);
        return key;
    }
}
