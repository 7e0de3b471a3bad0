// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Mappings;

/// <summary>The states of an event source mapping, as AWS names them.</summary>
public static class EventSourceMappingStates
{
    public const string Creating = "Creating";
    public const string Enabling = "Enabling";
    public const string Enabled = "Enabled";
    public const string Disabling = "Disabling";
    public const string Disabled = "Disabled";
    public const string Updating = "Updating";
    public const string Deleting = "Deleting";

    /// <summary>True while a change waits for the pollers to take it up.</summary>
    public static bool IsTransitional(string state) => state is Creating or Enabling or Disabling or Updating or Deleting;
}
