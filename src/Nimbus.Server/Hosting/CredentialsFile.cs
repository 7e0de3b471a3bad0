// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Nimbus.Server.Hosting;

/// <summary>
/// <c>&lt;DataDir&gt;/credentials</c>, in the AWS shared-credentials format: one profile per account root key
/// (<c>nimbus</c> for the configured account, <c>nimbus-ID</c> for each account <c>nimbus account create</c> made).
/// Written whole (temp file, 0600 from its creation, then rename) so it is never seen half-written or readable by
/// others; a writer holds <c>credentials.lock</c>, so a server starting and <c>nimbus account create</c> never lose
/// each other's profiles. Other profiles a user added are kept as they are.
/// </summary>
internal static class CredentialsFile
{
    public const string FileName = "credentials";

    /// <summary>The profiles with both a key id and a secret, in file order.</summary>
    public static IReadOnlyList<(string Profile, string KeyId, string Secret)> Read(string path)
    {
        var profiles = new List<(string, string, string)>();
        if (!File.Exists(path))
        {
            return profiles;
        }

        string? profile = null;
        string? keyId = null;
        string? secret = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                Flush();
                profile = line[1..^1].Trim();
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (profile is null || equals < 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            switch (line[..equals].Trim())
            {
                case "aws_access_key_id":
                    keyId = value;
                    break;
                case "aws_secret_access_key":
                    secret = value;
                    break;
            }
        }

        Flush();
        return profiles;

        void Flush()
        {
            if (profile is not null && keyId is { Length: > 0 } && secret is { Length: > 0 })
            {
                profiles.Add((profile, keyId, secret));
            }

            (profile, keyId, secret) = (null, null, null);
        }
    }

    /// <summary>
    /// Under the file's lock: reads the profiles, lets <paramref name="change"/> replace or add some (by name), and
    /// writes the file if anything changed. Gives what <paramref name="change"/> gave.
    /// </summary>
    public static T Update<T>(string path, Func<IReadOnlyList<(string Profile, string KeyId, string Secret)>, (T Result, IReadOnlyList<(string Profile, string KeyId, string Secret)> Changes)> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!; // A full file path always has one.
        Directory.CreateDirectory(directory);
        using var held = Lock(Path.Combine(directory, FileName + ".lock"));
        var current = Read(path);
        var (result, changes) = change(current);
        var merged = current.ToList();
        var changed = false;
        foreach (var entry in changes)
        {
            var at = merged.FindIndex(p => p.Item1 == entry.Profile);
            if (at < 0)
            {
                merged.Add(entry);
                changed = true;
            }
            else if (merged[at] != entry)
            {
                merged[at] = entry;
                changed = true;
            }
        }

        if (changed || !File.Exists(path))
        {
            Write(path, merged);
        }

        return result;
    }

    private static FileStream Lock(string lockPath)
    {
        // Another writer holds it only for a read and a write of a small file; wait for it a little while.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static void Write(string path, IReadOnlyList<(string Profile, string KeyId, string Secret)> profiles)
    {
        var text = new StringBuilder();
        foreach (var (profile, keyId, secret) in profiles)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append('[').Append(profile).Append("]\naws_access_key_id = ").Append(keyId).Append("\naws_secret_access_key = ").Append(secret).Append('\n');
        }

        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
