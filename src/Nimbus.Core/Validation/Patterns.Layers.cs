// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Nimbus.Core.Validation;

/// <summary>The layer shapes' patterns (LayerName, StatementId, LayerPermissionAllowedPrincipal, ...).</summary>
public static partial class Patterns
{
    public const string LayerNameText =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";

    public const string StatementIdText = "([a-zA-Z0-9-_]+)";

    public const string LayerActionText = "lambda:GetLayerVersion";

    public const string LayerPrincipalText = @"\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root";

    public const string OrganizationIdText = "o-[a-z0-9]{10,32}";

    /// <summary>A layer name, or the layer's ARN (no version), with named groups.</summary>
    [GeneratedRegex(@"^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:(?<region>(?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}):(?<account>\d{12}):layer:(?<name>[a-zA-Z0-9-_]+)|(?<name>[a-zA-Z0-9-_]+))\z")]
    public static partial Regex LayerName();

    [GeneratedRegex(@"^([a-zA-Z0-9-_]+)\z")]
    public static partial Regex StatementId();

    [GeneratedRegex(@"^(lambda:GetLayerVersion)\z")]
    public static partial Regex LayerAction();

    [GeneratedRegex(@"^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)\z")]
    public static partial Regex LayerPrincipal();

    [GeneratedRegex(@"^(o-[a-z0-9]{10,32})\z")]
    public static partial Regex OrganizationId();
}
