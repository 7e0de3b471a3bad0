// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Storage;

namespace Nimbus.Execution.Tests.Fakes;

/// <summary>One event as <see cref="RecordingLogStore"/> received it, with where it was written.</summary>
internal sealed record StoredLogEvent(Scope Scope, string Group, string Stream, LogEvent Event);
