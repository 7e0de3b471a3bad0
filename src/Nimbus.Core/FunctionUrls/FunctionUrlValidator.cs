// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text.RegularExpressions;
using Nimbus.Core.Validation;

namespace Nimbus.Core.FunctionUrls;

/// <summary>The botocore model's constraints on function URL requests, reported in AWS's validation wording.</summary>
public static partial class FunctionUrlValidator
{
    /// <summary>FunctionUrlQualifier's pattern as the model states it: an alias name, never a version number or $LATEST.</summary>
    public const string QualifierText = @"((?!^\d+$)^[0-9a-zA-Z-_]+$)";

    private static readonly string[] s_authTypes = [FunctionUrlConfig.AuthNone, FunctionUrlConfig.AuthIam];
    private static readonly string[] s_invokeModes = [FunctionUrlConfig.Buffered, FunctionUrlConfig.ResponseStream];

    public static void CheckQualifier(string qualifier)
    {
        var errors = new ValidationErrors();
        errors.Length(qualifier, "qualifier", 1, 128);
        errors.Pattern(qualifier, "qualifier", Qualifier(), QualifierText);
        errors.ThrowIfAny();
    }

    public static void Check(FunctionUrlChange change, bool requireAuthType)
    {
        ArgumentNullException.ThrowIfNull(change);
        var errors = new ValidationErrors();
        if (requireAuthType && change.AuthType is null)
        {
            errors.Add(null, "authType", "Member must not be null");
        }

        errors.Enum(change.AuthType, "authType", s_authTypes);
        errors.Enum(change.InvokeMode, "invokeMode", s_invokeModes);
        if (change.Cors is { } cors)
        {
            // Nested members are named as AWS's validation names them: 'cors.maxAge', list members by 1-based index.
            List(errors, cors.AllowHeaders, "cors.allowHeaders", 100, 0, 1024);
            List(errors, cors.AllowMethods, "cors.allowMethods", 6, 0, 6);
            List(errors, cors.AllowOrigins, "cors.allowOrigins", 100, 1, 253);
            List(errors, cors.ExposeHeaders, "cors.exposeHeaders", 100, 0, 1024);
            errors.Range(cors.MaxAge, "cors.maxAge", 0, 86_400);
        }

        errors.ThrowIfAny();
    }

    private static void List(ValidationErrors errors, IReadOnlyList<string>? values, string field, int maxCount, int minLength, int maxLength)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count > maxCount)
        {
            errors.Add(ValidationErrors.ListText(values), field, $"Member must have length less than or equal to {maxCount.ToString(CultureInfo.InvariantCulture)}");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (errors.MemberNotNull(values[i], field, i))
            {
                errors.Length(values[i], ValidationErrors.MemberName(field, i), minLength, maxLength);
            }
        }
    }

    [GeneratedRegex(@"^(?!^\d+$)[0-9a-zA-Z\-_]+\z")]
    private static partial Regex Qualifier();
}
