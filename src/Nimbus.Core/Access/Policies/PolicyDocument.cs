// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Policies;

/// <summary>A parsed, compiled, immutable IAM policy document. Build one with <see cref="PolicyParser"/>.</summary>
public sealed class PolicyDocument
{
    public const string CurrentVersion = "2012-10-17";
    public const string LegacyVersion = "2008-10-17";

    internal PolicyDocument(PolicyKind kind, string? version, string? id, PolicyStatement[] statements)
    {
        Kind = kind;
        Version = version;
        Id = id;
        Statements = Array.AsReadOnly(statements);
        StatementArray = statements;
    }

    public PolicyKind Kind { get; }

    /// <summary>2012-10-17 or 2008-10-17; null when absent, which IAM reads as 2008-10-17 (no policy variables).</summary>
    public string? Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    internal PolicyStatement[] StatementArray { get; }
}
