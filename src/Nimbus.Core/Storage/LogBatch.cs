// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Storage;

/// <summary>Log lines for one stream of one log group.</summary>
public sealed record LogBatch(Scope Scope, string Group, string Stream, IReadOnlyList<LogEvent> Events);
