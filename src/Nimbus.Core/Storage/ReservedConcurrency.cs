// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Storage;

/// <summary>One function's reserved concurrency.</summary>
public sealed record ReservedConcurrency(Scope Scope, string FunctionName, int Reserved);
