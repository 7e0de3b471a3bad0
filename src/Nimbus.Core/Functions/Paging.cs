// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

/// <summary>The list APIs' markers (opaque base64 of where a page ended) and MaxItems check.</summary>
internal static class Paging
{
    internal static string EncodeMarker(string name) => Convert.ToBase64String(Encoding.UTF8.GetBytes(name));

    internal static string? DecodeMarker(string? marker)
    {
        if (string.IsNullOrEmpty(marker))
        {
            return null;
        }

        var bytes = new byte[marker.Length];
        if (!Convert.TryFromBase64String(marker, bytes, out var written))
        {
            throw LambdaErrors.InvalidParameter($"Invalid marker: {marker}");
        }

        return Encoding.UTF8.GetString(bytes, 0, written);
    }

    internal static void CheckMaxItems(int? maxItems)
    {
        if (maxItems is { } max && max is < 1 or > 10_000)
        {
            var errors = new ValidationErrors();
            errors.Range(max, "maxItems", 1, 10_000);
            errors.ThrowIfAny();
        }
    }
}
