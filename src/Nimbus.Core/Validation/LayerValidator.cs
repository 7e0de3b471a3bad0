// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Layers;

namespace Nimbus.Core.Validation;

/// <summary>The model's constraints on the layers API's requests, reported together as one ValidationException.</summary>
public static class LayerValidator
{
    public const int MaxCompatibleRuntimes = 15;
    public const int MaxCompatibleArchitectures = 2;

    private static readonly string[] s_architectures = ["x86_64", "arm64"];

    /// <summary>The Runtime enum of the model (service-2.json), in its order.</summary>
    private static readonly string[] s_runtimes =
    [
        "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x",
        "nodejs20.x", "nodejs22.x", "nodejs24.x", "java8", "java8.al2", "java11", "java17", "java21", "java25", "python2.7",
        "python3.6", "python3.7", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
        "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "dotnet10", "nodejs4.3-edge",
        "go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0", "provided", "provided.al2", "provided.al2023",
        "nodejs26.x", "python3.15", "java8.al2023", "java11.al2023", "java17.al2023",
    ];

    public static void ValidatePublish(LayerPublish request)
    {
        var errors = new ValidationErrors();
        if (request.Content is null)
        {
            errors.Add(null, "content", "Member must not be null");
        }

        errors.Length(request.Description, "description", 0, 256);
        errors.Length(request.LicenseInfo, "licenseInfo", 0, 512);
        if (request.CompatibleRuntimes is { } runtimes)
        {
            var shown = ValidationErrors.ListText(runtimes);
            if (runtimes.Count > MaxCompatibleRuntimes)
            {
                errors.Add(shown, "compatibleRuntimes", $"Member must have length less than or equal to {MaxCompatibleRuntimes}");
            }

            if (runtimes.Any(r => !s_runtimes.Contains(r)))
            {
                errors.Add(shown, "compatibleRuntimes", $"Member must satisfy enum value set: [{string.Join(", ", s_runtimes)}]");
            }
        }

        if (request.CompatibleArchitectures is { } architectures)
        {
            var shown = ValidationErrors.ListText(architectures);
            if (architectures.Count > MaxCompatibleArchitectures)
            {
                errors.Add(shown, "compatibleArchitectures", $"Member must have length less than or equal to {MaxCompatibleArchitectures}");
            }

            if (architectures.Any(a => !s_architectures.Contains(a)))
            {
                errors.Add(shown, "compatibleArchitectures", "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]");
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>The CompatibleRuntime / CompatibleArchitecture / MaxItems query parameters of the list operations.</summary>
    public static void ValidateList(LayerFilter filter, int? maxItems)
    {
        var errors = new ValidationErrors();
        errors.Enum(filter.CompatibleRuntime, "compatibleRuntime", s_runtimes);
        errors.Enum(filter.CompatibleArchitecture, "compatibleArchitecture", s_architectures);
        errors.Range(maxItems, "maxItems", 1, 50);
        errors.ThrowIfAny();
    }

    public static void ValidatePermission(LayerStatement permission)
    {
        var errors = new ValidationErrors();
        errors.Length(permission.StatementId, "statementId", 1, 100);
        errors.Pattern(permission.StatementId, "statementId", Patterns.StatementId(), Patterns.StatementIdText);
        errors.Length(permission.Action, "action", 0, 22);
        errors.Pattern(permission.Action, "action", Patterns.LayerAction(), Patterns.LayerActionText);
        errors.Pattern(permission.Principal, "principal", Patterns.LayerPrincipal(), Patterns.LayerPrincipalText);
        errors.Length(permission.OrganizationId, "organizationId", 0, 34);
        errors.Pattern(permission.OrganizationId, "organizationId", Patterns.OrganizationId(), Patterns.OrganizationIdText);
        errors.ThrowIfAny();
    }

    public static void ValidateStatementId(string statementId)
    {
        var errors = new ValidationErrors();
        errors.Length(statementId, "statementId", 1, 100);
        errors.Pattern(statementId, "statementId", Patterns.StatementId(), Patterns.StatementIdText);
        errors.ThrowIfAny();
    }

    /// <summary>The VersionNumber path parameter: a long.</summary>
    public static long ParseVersionNumber(string value)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            var errors = new ValidationErrors();
            errors.Add(value, "versionNumber", "Member must be a number");
            errors.ThrowIfAny();
        }

        return number;
    }
}
