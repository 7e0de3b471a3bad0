// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Core.FunctionUrls;

/// <summary>
/// Function URL ids: 32 lowercase letters and digits, derived from the account, region, function name and
/// qualifier (as AWS derives its own deterministically), so a URL deleted and created again keeps its address.
/// </summary>
public static class FunctionUrlIds
{
    public const int Length = 32;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string For(string account, string region, string functionName, string qualifier)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{account}\n{region}\n{functionName}\n{qualifier}"), digest);

        // Base32 of the first 20 bytes: 160 bits, 32 characters of 5 bits each.
        Span<char> id = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            var bit = i * 5;
            var value = (digest[bit / 8] << 8) | digest[(bit / 8) + 1];
            id[i] = Alphabet[(value >> (11 - (bit % 8))) & 31];
        }

        return new string(id);
    }

    /// <summary>True when <paramref name="value"/> has the shape of a URL id (not whether one exists).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        if (value.Length != Length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '2' and <= '7')))
            {
                return false;
            }
        }

        return true;
    }
}
