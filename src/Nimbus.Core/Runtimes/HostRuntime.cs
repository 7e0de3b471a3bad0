// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Runtimes;

/// <summary>
/// A runtime id and the host executable that runs it (null for OS-only runtimes such as provided.al2023), and for
/// Python runtimes the host directory holding the AWS SDK the runtime provides (boto3, botocore and what they import),
/// or null where the host has none; for java17 the directory of Nimbus's compiled Java runtime client.
/// </summary>
public sealed record HostRuntime(string Id, string Family, string? Interpreter, string? InterpreterHome, string? SdkDirectory = null);
