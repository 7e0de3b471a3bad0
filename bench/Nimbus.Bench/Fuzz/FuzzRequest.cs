// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Bench.Fuzz;

/// <summary>One raw HTTP/1.1 request of the fuzz pass, and a one-line summary of it for the report.</summary>
internal sealed record FuzzRequest(string Summary, byte[] Bytes);
