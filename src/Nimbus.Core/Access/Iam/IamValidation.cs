// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nimbus.Core.Access.Iam;

/// <summary>The botocore model's constraints on IAM's and STS's parameters (lengths, patterns, ranges), refused with
/// AWS's ValidationError text. Java's <c>\w</c> in the model is ASCII: letters, digits and '_'.</summary>
public static partial class IamValidation
{
    public const string NamePattern = @"[\w+=,.@-]+";
    public const string PathPattern = @"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
    public const string PathPrefixPattern = @"\u002F[\u0021-\u007F]*";
    public const string PolicyPathPattern = @"((/[A-Za-z0-9\.,\+@=_-]+)*)/";
    public const string DocumentPattern = @"[\u0009\u000A\u000D\u0020-\u00FF]+";
    public const string VersionIdPattern = @"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?";
    public const string SessionNamePattern = @"[\w+=,.@-]*";

    /// <summary>A required string with a length range and, when given, a pattern; returns it.</summary>
    public static string Required(string? value, string member, int min, int max, Regex? pattern = null, string? patternText = null)
    {
        if (value is null)
        {
            throw IamErrors.Validation(null, member, "Member must not be null");
        }

        Optional(value, member, min, max, pattern, patternText);
        return value;
    }

    public static void Optional(string? value, string member, int min, int max, Regex? pattern = null, string? patternText = null)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length < min)
        {
            throw IamErrors.Validation(value, member, $"Member must have length greater than or equal to {min}");
        }

        if (value.Length > max)
        {
            throw IamErrors.Validation(value, member, $"Member must have length less than or equal to {max}");
        }

        if (pattern is not null && !pattern.IsMatch(value))
        {
            throw IamErrors.Validation(value, member, $"Member must satisfy regular expression pattern: {patternText}");
        }
    }

    public static string UserName(string? value, string member = "userName", int max = 64) => Required(value, member, 1, max, Name(), NamePattern);

    public static string EntityName(IamEntityKind kind, string? value) => kind switch
    {
        IamEntityKind.User => UserName(value),
        IamEntityKind.Role => UserName(value, "roleName"),
        _ => UserName(value, "groupName", 128),
    };

    public static string PolicyName(string? value) => UserName(value, "policyName", 128);

    /// <summary>A path ("/" by default); IAM's pattern for users, roles and groups.</summary>
    public static string Path(string? value)
    {
        Optional(value, "path", 1, 512, PathRegex(), PathPattern);
        return value ?? "/";
    }

    public static string PolicyPath(string? value)
    {
        Optional(value, "path", 1, 512, PolicyPathRegex(), PolicyPathPattern);
        return value ?? "/";
    }

    public static string? PathPrefix(string? value)
    {
        Optional(value, "pathPrefix", 1, 512, PathPrefixRegex(), PathPrefixPattern);
        return value;
    }

    public static string Document(string? value, string member) => Required(value, member, 1, 131072, DocumentRegex(), DocumentPattern);

    public static string VersionId(string? value) => Required(value, "versionId", 0, int.MaxValue, VersionIdRegex(), VersionIdPattern);

    public static string Arn(string? value, string member) => Required(value, member, 20, 2048);

    public static string AccessKeyId(string? value) => Required(value, "accessKeyId", 16, 128, WordRegex(), @"[\w]+");

    public static string SessionName(string? value) => Required(value, "roleSessionName", 2, 64, SessionNameRegex(), SessionNamePattern);

    /// <summary>An integer parameter within a range; null when absent.</summary>
    public static int? Number(string? value, string member, int min, int max)
    {
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            // The query protocol's text for a number it cannot read is not known; ValidationError with the value.
            throw IamErrors.Validation(value, member, "Member must be a number");
        }

        if (number < min)
        {
            throw IamErrors.Validation(value, member, $"Member must have value greater than or equal to {min}");
        }

        return number > max ? throw IamErrors.Validation(value, member, $"Member must have value less than or equal to {max}") : number;
    }

    public static bool? Flag(string? value, string member) => value switch
    {
        null => null,
        _ when value.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        _ when value.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw IamErrors.Validation(value, member, "Member must be a boolean"),
    };

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]+\z")]
    private static partial Regex Name();

    [GeneratedRegex(@"^(/|/[\u0021-\u007E]+/)\z")]
    private static partial Regex PathRegex();

    [GeneratedRegex(@"^/[\u0021-\u007F]*\z")]
    private static partial Regex PathPrefixRegex();

    [GeneratedRegex(@"^(/[A-Za-z0-9.,+@=_-]+)*/\z")]
    private static partial Regex PolicyPathRegex();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u00FF]+\z")]
    private static partial Regex DocumentRegex();

    [GeneratedRegex(@"^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?\z")]
    private static partial Regex VersionIdRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_]+\z")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]*\z")]
    private static partial Regex SessionNameRegex();
}
