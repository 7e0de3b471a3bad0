// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;

namespace Nimbus.Api.Lambda;

/// <summary>Query-string parameters of the Lambda API, read the way AWS reads them.</summary>
internal static class Query
{
    /// <summary>The parameter's value, or null when it is absent or empty.</summary>
    public static string? String(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && value.Count > 0 && !string.IsNullOrEmpty(value[0]) ? value[0] : null;

    /// <summary>MaxItems as an integer; AWS's validation error when it is not one.</summary>
    public static int? MaxItems(IQueryCollection query)
    {
        if (!query.TryGetValue("MaxItems", out var max))
        {
            return null;
        }

        if (!int.TryParse(max, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            throw LambdaErrors.Validation($"1 validation error detected: Value '{max}' at 'maxItems' failed to satisfy constraint: Member must be an integer");
        }

        return parsed;
    }
}
