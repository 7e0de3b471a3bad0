// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Validation;

/// <summary>The model's constraints on tag keys and values.</summary>
public static class TagRules
{
    public static void Validate(IReadOnlyDictionary<string, string>? tags, string field)
    {
        if (tags is null)
        {
            return;
        }

        var errors = new ValidationErrors();
        foreach (var (key, value) in tags)
        {
            if (key.Length is < 1 or > 128 || !Patterns.Tag().IsMatch(key))
            {
                errors.Add(
                    key,
                    $"{field}.key",
                    $"Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {Patterns.TagText}]");
            }

            if (value is null)
            {
                // JSON's null as a tag's value (the model's TagValue is a string): refused as a null member; AWS's own
                // answer to this body is not known.
                errors.Add(null, $"{field}.value", "Member must not be null");
            }
            else if (value.Length > 256 || !Patterns.Tag().IsMatch(value))
            {
                errors.Add(
                    value,
                    $"{field}.value",
                    $"Member must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: {Patterns.TagText}]");
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>TagResource's checks, for any taggable resource: tags given, not empty, each key and value valid.</summary>
    public static void ValidateTagRequest(IReadOnlyDictionary<string, string>? tags)
    {
        var errors = new ValidationErrors();
        if (tags is null)
        {
            errors.Add(null, "tags", "Member must not be null");
        }

        errors.ThrowIfAny();
        if (tags!.Count == 0) // Checked for null above.
        {
            throw Errors.LambdaErrors.InvalidParameter("An error occurred and the request cannot be processed.");
        }

        Validate(tags, "tags");
    }

    /// <summary>UntagResource's check: tag keys given.</summary>
    public static void ValidateUntagRequest(IReadOnlyList<string>? tagKeys)
    {
        if (tagKeys is null || tagKeys.Count == 0)
        {
            var errors = new ValidationErrors();
            errors.Add(null, "tagKeys", "Member must not be null");
            errors.ThrowIfAny();
        }
    }
}
