// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>IAM's pagination (Marker, MaxItems, IsTruncated) over a list already in key order.</summary>
public static class IamPaging
{
    /// <summary>
    /// Pages <paramref name="all"/> (in its order) as IAM does: up to <paramref name="maxItems"/> (1–1000, 100 by
    /// default) from the item whose key is <paramref name="marker"/>. IAM's markers are opaque; ours is the key of the
    /// next item.
    /// </summary>
    public static IamPage<T> Of<T>(IReadOnlyList<T> all, Func<T, string> key, string? marker, string? maxItems)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(key);
        var max = IamValidation.Number(maxItems, "maxItems", 1, 1000) ?? 100;
        IamValidation.Optional(marker, "marker", 1, 320);
        var start = 0;
        if (marker is not null)
        {
            while (start < all.Count && string.CompareOrdinal(key(all[start]), marker) < 0)
            {
                start++;
            }
        }

        var count = Math.Min(max, all.Count - start);
        var items = new T[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = all[start + i];
        }

        var next = start + count;
        return next < all.Count ? new IamPage<T>(items, true, key(all[next])) : new IamPage<T>(items, false, null);
    }
}
