// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>A policy embedded in one user, role or group, by name; the document as given (JSON text).</summary>
public sealed record InlinePolicy(string PolicyName, string Document);
