// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>A layer version a function uses, in order, with the size AWS reports for it.</summary>
public sealed record LayerReference(string Arn, long CodeSize);
