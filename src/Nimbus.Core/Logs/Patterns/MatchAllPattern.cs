// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs.Patterns;

/// <summary>The empty filter pattern: every event matches.</summary>
internal sealed class MatchAllPattern : FilterPattern
{
    public override bool IsMatch(string message) => true;
}
