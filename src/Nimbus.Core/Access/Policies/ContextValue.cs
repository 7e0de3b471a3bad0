// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;

namespace Nimbus.Core.Access.Policies;

/// <summary>A condition key's value in a request: one value, or several for a multivalued key (aws:TagKeys), which
/// the set operators ForAnyValue and ForAllValues range over.</summary>
public sealed class ContextValue
{
    private readonly ContextScalar[] _values;

    private ContextValue(ContextScalar[] values) => _values = values;

    public int Count => _values.Length;

    public ref readonly ContextScalar this[int index] => ref _values[index];

    public static ContextValue Of(string value) => new([ContextScalar.From(value)]);

    public static ContextValue Of(params IEnumerable<string> values) => new([.. values.Select(ContextScalar.From)]);

    public static ContextValue Number(long value) => Of(value.ToString(CultureInfo.InvariantCulture));

    public static ContextValue Number(double value) => Of(value.ToString("R", CultureInfo.InvariantCulture));

    public static ContextValue Bool(bool value) => Of(value ? "true" : "false");

    /// <summary>A date as IAM writes aws:CurrentTime: <c>2026-12-03T05:00:00Z</c>.</summary>
    public static ContextValue Date(DateTimeOffset value) =>
        Of(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    public static ContextValue Ip(IPAddress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Of(value.ToString());
    }
}
