// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>
/// A user namespace and a pid namespace made on the host before <c>runc create</c>, which the container joins
/// instead of runc making them (SnapStart under runc, docs/cold-starts.md): the user namespace is owned by the
/// sandbox uid, so a SnapStart template's child may enter the container, and maps the container's root to
/// <see cref="RuncBundle.JoinedRootHostUid"/> and the sandbox uid to itself; the pid namespace already has its PID 1.
/// </summary>
/// <param name="UserNamespacePath">A path that opens the user namespace (e.g. /proc/PID/ns/user).</param>
/// <param name="PidNamespacePath">A path that opens the pid namespace (e.g. /proc/PID/ns/pid_for_children).</param>
public sealed record RuncJoinedNamespaces(string UserNamespacePath, string PidNamespacePath);
