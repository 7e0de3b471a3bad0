// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Runtimes;

/// <summary>A runtime id and the host executable that runs it (null for OS-only runtimes such as provided.al2023).</summary>
public sealed record HostRuntime(string Id, string Family, string? Interpreter, string? InterpreterHome);
