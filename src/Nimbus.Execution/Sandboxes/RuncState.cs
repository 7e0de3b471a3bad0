// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Nimbus.Execution.Sandboxes;

/// <summary>What Nimbus reads of the state runc saves for a container (<c>runc --root R</c>: <c>R/&lt;id&gt;/state.json</c>).</summary>
internal static class RuncState
{
    /// <summary>The top-level <c>init_process_pid</c>, or null when it is missing, not a positive integer, or the JSON is malformed.</summary>
    public static int? InitPid(ReadOnlySpan<byte> stateJson)
    {
        try
        {
            var reader = new Utf8JsonReader(stateJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPid = reader.ValueTextEquals("init_process_pid"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isPid)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var pid) && pid > 0 ? pid : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
