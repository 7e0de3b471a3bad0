// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>One version of a managed policy: its document, as given (JSON text).</summary>
public sealed record PolicyVersion(string VersionId, string Document, bool IsDefaultVersion, DateTimeOffset CreatedAt);
