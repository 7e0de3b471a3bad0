// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>A function as stored: its scope, its <c>$LATEST</c> version and the function-level tags.</summary>
public sealed record FunctionRecord
{
    public required Scope Scope { get; init; }

    public required FunctionVersion Latest { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public string Name => Latest.Name;

    public string Arn => Scope.FunctionArn(Name);
}
