// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>One entry of config.json's <c>mounts</c>.</summary>
internal sealed record RuncMount(string Destination, string Type, string Source, IReadOnlyList<string> Options);
