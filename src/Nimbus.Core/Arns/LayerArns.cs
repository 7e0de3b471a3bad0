// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Arns;

/// <summary>Layer ARNs: <c>arn:aws:lambda:REGION:ACCOUNT:layer:NAME</c>, and with <c>:VERSION</c> for a layer version.</summary>
public static class LayerArns
{
    public const int MaxNameLength = 140;

    public static string Layer(Scope scope, string name) => $"arn:{Scope.Partition}:lambda:{scope.Region}:{scope.Account}:layer:{name}";

    public static string Version(Scope scope, string name, long version) =>
        string.Create(CultureInfo.InvariantCulture, $"{Layer(scope, name)}:{version}");

    /// <summary>
    /// The LayerName of a request: a name (the caller's own layer) or a layer ARN, checked against the model. Gives
    /// the layer's scope, which differs from the caller's for another account's layer.
    /// </summary>
    public static (Scope Owner, string Name) ParseName(string value, Scope caller)
    {
        var errors = new ValidationErrors();
        errors.Length(value, "layerName", 1, MaxNameLength);
        var match = Patterns.LayerName().Match(value);
        if (!match.Success)
        {
            errors.Add(value, "layerName", $"Member must satisfy regular expression pattern: {Patterns.LayerNameText}");
        }

        errors.ThrowIfAny();
        var region = match.Groups["region"];
        if (region.Success && region.Value != caller.Region)
        {
            throw LambdaErrors.NotFound("The resource you requested does not exist.");
        }

        var account = match.Groups["account"];
        var owner = account.Success ? caller with { Account = account.Value } : caller;
        return (owner, match.Groups["name"].Value);
    }

    /// <summary>A layer version ARN, or null when it does not have that form (the model's pattern is checked apart).</summary>
    public static (Scope Owner, string Name, long Version)? TryParseVersion(string arn)
    {
        var match = Patterns.LayerVersionArn().Match(arn);
        if (!match.Success || !long.TryParse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return null;
        }

        return (new Scope(match.Groups["account"].Value, match.Groups["region"].Value), match.Groups["name"].Value, version);
    }
}
