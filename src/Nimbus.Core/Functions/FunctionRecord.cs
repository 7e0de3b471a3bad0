// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>
/// A function as stored: its scope, its <c>$LATEST</c> version, the function-level tags, and the number of the last
/// version ever published (numbers are never reused, even after that version is deleted).
/// </summary>
public sealed record FunctionRecord
{
    public required Scope Scope { get; init; }

    public required FunctionVersion Latest { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public int LastPublishedVersion { get; init; }

    /// <summary>What Nimbus does with a recursive loop of this function: <c>Terminate</c> (AWS's default) or <c>Allow</c>.</summary>
    public string RecursiveLoop { get; init; } = RecursiveLoops.Terminate;

    public string Name => Latest.Name;

    public string Arn => Scope.FunctionArn(Name);
}
