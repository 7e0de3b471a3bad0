// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Validation;

/// <summary>
/// Collects constraint violations the way AWS's request validation reports them: every violation in one
/// <c>ValidationException</c>, "N validation error(s) detected: Value '...' at 'field' failed to satisfy constraint: ...",
/// joined with "; ".
/// </summary>
public sealed class ValidationErrors
{
    private readonly List<string> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public void Add(string? value, string field, string constraint)
    {
        var shown = value is null ? "null" : $"'{value}'";
        _errors.Add($"Value {shown} at '{field}' failed to satisfy constraint: {constraint}");
    }

    /// <summary>A list as AWS's validation quotes it (Java's rendering): "[a, b]", a null member as null.</summary>
    public static string ListText(IEnumerable<string?> values)
    {
        var text = new System.Text.StringBuilder("[");
        foreach (var value in values)
        {
            if (text.Length > 1)
            {
                text.Append(", ");
            }

            text.Append(value ?? "null");
        }

        return text.Append(']').ToString();
    }

    /// <summary>
    /// JSON's null as a member of a list of strings (the wire type cannot refuse it), named as AWS's validation names
    /// list members: 'field.N.member', N from 1.
    /// </summary>
    public void MembersNotNull(IReadOnlyList<string?>? values, string field)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            MemberNotNull(values[i], field, i);
        }
    }

    /// <summary>The check of <see cref="MembersNotNull"/> for the member at <paramref name="index"/> (from 0); true when it is not null.</summary>
    public bool MemberNotNull(string? value, string field, int index)
    {
        if (value is null)
        {
            Add(null, MemberName(field, index), "Member must not be null");
        }

        return value is not null;
    }

    /// <summary>A list member's name in AWS's validation messages: 'field.N.member', N from 1.</summary>
    public static string MemberName(string field, int index) =>
        $"{field}.{(index + 1).ToString(CultureInfo.InvariantCulture)}.member";

    public void AddSensitive(string field, string constraint) =>
        _errors.Add($"Value at '{field}' failed to satisfy constraint: {constraint}");

    public void Length(string? value, string field, int min, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < min)
        {
            Add(value, field, $"Member must have length greater than or equal to {min}");
        }
        else if (value.Length > max)
        {
            Add(value, field, $"Member must have length less than or equal to {max}");
        }
    }

    public void Range(int? value, string field, int min, int max)
    {
        if (value is not int v)
        {
            return;
        }

        var shown = v.ToString(CultureInfo.InvariantCulture);
        if (v < min)
        {
            Add(shown, field, $"Member must have value greater than or equal to {min}");
        }
        else if (v > max)
        {
            Add(shown, field, $"Member must have value less than or equal to {max}");
        }
    }

    public void Pattern(string? value, string field, System.Text.RegularExpressions.Regex regex, string pattern)
    {
        if (value is not null && !regex.IsMatch(value))
        {
            Add(value, field, $"Member must satisfy regular expression pattern: {pattern}");
        }
    }

    public void Enum(string? value, string field, IReadOnlyCollection<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            Add(value, field, $"Member must satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
    }

    /// <summary>Throws one <c>ValidationException</c> carrying every collected error, if any.</summary>
    public void ThrowIfAny()
    {
        if (Describe() is { } message)
        {
            throw LambdaErrors.Validation(message);
        }
    }

    /// <summary>The message AWS gives for the collected errors, or null when there are none (for APIs of other error types).</summary>
    public string? Describe()
    {
        if (_errors.Count == 0)
        {
            return null;
        }

        var noun = _errors.Count == 1 ? "error" : "errors";
        return $"{_errors.Count} validation {noun} detected: {string.Join("; ", _errors)}";
    }
}
