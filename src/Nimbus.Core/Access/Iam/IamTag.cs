// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Access.Iam;

/// <summary>A tag on an IAM user or role.</summary>
public sealed record IamTag(string Key, string Value);
