// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Arns;

/// <summary>Where a resource lives: an account and a region. Every Lambda resource belongs to exactly one.</summary>
public sealed record Scope(string Account, string Region)
{
    public const string Partition = "aws";

    public string FunctionArn(string name) => $"arn:{Partition}:lambda:{Region}:{Account}:function:{name}";

    public string FunctionArn(string name, string? qualifier) =>
        qualifier is null ? FunctionArn(name) : $"{FunctionArn(name)}:{qualifier}";
}
