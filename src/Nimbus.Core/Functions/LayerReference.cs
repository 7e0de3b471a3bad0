// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Functions;

/// <summary>
/// A layer version a function uses, in order, with the size AWS reports for it. The package's hash and unzipped
/// size are resolved when the function is configured, so the function keeps running on a version deleted later.
/// </summary>
public sealed record LayerReference(string Arn, long CodeSize, string CodeSha256 = "", long UnzippedCodeSize = 0);
