// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Functions;

/// <summary>Identifies one function: its scope and name.</summary>
public sealed record FunctionKey(Scope Scope, string Name);
