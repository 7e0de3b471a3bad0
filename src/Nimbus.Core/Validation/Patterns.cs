// SPDX-License-Identifier: Apache-2.0
using System.Text.RegularExpressions;

namespace Nimbus.Core.Validation;

/// <summary>The regular expressions of the Lambda service model, anchored, with the text AWS quotes in messages.</summary>
public static partial class Patterns
{
    /// <summary>The name pattern AWS quotes for CreateFunction and updates.</summary>
    public const string FunctionNameText =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";

    /// <summary>The name pattern AWS quotes for reads and deletes.</summary>
    public const string FunctionNameGetText =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

    public const string HandlerText = @"[^\s]+";

    public const string RoleText = @"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+";

    public const string EnvironmentKeyText = "[a-zA-Z]([a-zA-Z0-9_])+";

    public const string ResourceArnText = @"(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()";

    public const string CodeSigningConfigArnText =
        @"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}";

    public const string LayerVersionArnText =
        @"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";

    public const string LogGroupText = @"[\.\-_/#A-Za-z0-9]+";

    public const string TagText = @"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)";

    public const string QualifierText = @"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

    public const string DestinationArnText =
        @"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)";

    public const string AliasText = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";

    public const string VersionText = @"(\$LATEST|[0-9]+)";

    public const string AdditionalVersionText = "[0-9]+";

    public const string TaggableResourceText =
        @"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)";

    /// <summary>The function-name pattern with named groups, to take a name or ARN apart.</summary>
    [GeneratedRegex(@"^(?:arn:(?<partition>aws[a-zA-Z-]*)?:lambda:)?(?:(?<region>(?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}):)?(?:(?<account>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9-_\.]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?\z")]
    public static partial Regex FunctionName();

    [GeneratedRegex(@"^[^\s]+\z")]
    public static partial Regex Handler();

    [GeneratedRegex(@"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+\z")]
    public static partial Regex Role();

    [GeneratedRegex(@"^[a-zA-Z]([a-zA-Z0-9_])+\z")]
    public static partial Regex EnvironmentKey();

    [GeneratedRegex(@"^((arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|())\z")]
    public static partial Regex ResourceArn();

    [GeneratedRegex(@"^arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}\z")]
    public static partial Regex CodeSigningConfigArn();

    [GeneratedRegex(@"^arn:(?<partition>aws[a-zA-Z-]*)?:lambda:(?<region>[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):(?<account>\d{12}):layer:(?<name>[a-zA-Z0-9-_]+):(?<version>[0-9]+)\z")]
    public static partial Regex LayerVersionArn();

    [GeneratedRegex(@"^[\.\-_/#A-Za-z0-9]+\z")]
    public static partial Regex LogGroup();

    [GeneratedRegex(@"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)\z")]
    public static partial Regex Tag();

    [GeneratedRegex(@"^(\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+)\z")]
    public static partial Regex Qualifier();

    [GeneratedRegex(@"^($|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*))\z")]
    public static partial Regex DestinationArn();

    [GeneratedRegex("^(?!^[0-9]+$)([a-zA-Z0-9-_]+)\\z")]
    public static partial Regex Alias();

    [GeneratedRegex(@"^(\$LATEST|[0-9]+)\z")]
    public static partial Regex Version();

    [GeneratedRegex("^[0-9]+\\z")]
    public static partial Regex AdditionalVersion();

    [GeneratedRegex(@"^arn:(?<partition>aws[a-zA-Z-]*):lambda:(?<region>(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):(?<account>\d{12}):(?<rest>function:(?<name>[a-zA-Z0-9-_]+)(:(?<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)\z")]
    public static partial Regex TaggableResource();
}
