// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A SnapStart environment under runc (docs/cold-starts.md#snapstart): its container's user and pid namespaces are
/// made by a holder process nested under the template's pid namespace, so the template's child may enter them.
/// </summary>
/// <param name="Template">The version's template sandbox.</param>
/// <param name="TemplateSocketPath">The template's socket on the host (bound at <see cref="RuncSnapshot.SocketPath"/>).</param>
/// <param name="HolderPython">A Python 3 on the host that runs the holder (the template's own interpreter).</param>
public sealed record SnapshotRestore(ISandbox Template, string TemplateSocketPath, string HolderPython);
