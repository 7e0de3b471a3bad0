// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>
/// Told when a function's code or configuration changes or the function goes: its warm environments of the old
/// configuration are shut down (their extensions get SHUTDOWN), as AWS does, instead of waiting to idle out.
/// </summary>
public interface IEnvironmentRetirement
{
    /// <summary>Retires the idle environments of $LATEST (<paramref name="allVersions"/> false) or of every version.</summary>
    void Retire(Scope scope, string functionName, bool allVersions);
}
