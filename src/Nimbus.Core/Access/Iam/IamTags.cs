// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Nimbus.Core.Access.Iam;

/// <summary>IAM's tag rules: up to 50 per resource, keys 1–128 and values 0–256 characters of the model's pattern,
/// keys unique without regard to case.</summary>
public static partial class IamTags
{
    public const int MaxTags = 50;

    public static void Validate(IReadOnlyList<IamTag> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count > MaxTags)
        {
            // The list's printed value in AWS's text is not known; the constraint is the model's.
            throw new IamException(IamErrors.ValidationErrorCode, 400, $"1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MaxTags}");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < tags.Count; i++)
        {
            IamValidation.Required(tags[i].Key, $"tags.{i + 1}.member.key", 1, 128, KeyRegex(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+");
            IamValidation.Required(tags[i].Value, $"tags.{i + 1}.member.value", 0, 256, ValueRegex(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");
            if (!seen.Add(tags[i].Key))
            {
                // IAM's text for a repeated key is not known exactly; InvalidInput names it.
                throw IamErrors.InvalidInput($"Duplicate tag keys found. Please note that Tag keys are case insensitive. ({tags[i].Key})");
            }
        }
    }

    /// <summary>Adds or replaces tags by key (compared without case).</summary>
    public static IReadOnlyList<IamTag> Merge(IReadOnlyList<IamTag> existing, IReadOnlyList<IamTag> added)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(added);
        var merged = existing.Where(t => !added.Any(a => a.Key.Equals(t.Key, StringComparison.OrdinalIgnoreCase))).ToList();
        merged.AddRange(added);
        if (merged.Count > MaxTags)
        {
            throw IamErrors.Quota("TagsPerResource", MaxTags);
        }

        return merged;
    }

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+\z")]
    private static partial Regex KeyRegex();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z")]
    private static partial Regex ValueRegex();
}
