// SPDX-License-Identifier: Apache-2.0
using System.Formats.Cbor;

namespace Nimbus.Api.CloudWatch;

/// <summary>Smithy RPC v2 CBOR: structures and maps as CBOR maps, lists as arrays, timestamps as tag 1 with epoch seconds.</summary>
internal sealed class CborCloudWatchWriter(CborWriter cbor) : ICloudWatchWriter
{
    public void StartStructure(string? name, int members)
    {
        Key(name);
        cbor.WriteStartMap(members);
    }

    public void EndStructure() => cbor.WriteEndMap();

    public void StartList(string name, int items)
    {
        Key(name);
        cbor.WriteStartArray(items);
    }

    public void EndList() => cbor.WriteEndArray();

    public void Map(string name, IReadOnlyList<KeyValuePair<string, double>> entries)
    {
        Key(name);
        cbor.WriteStartMap(entries.Count);
        foreach (var (key, value) in entries)
        {
            cbor.WriteTextString(key);
            cbor.WriteDouble(value);
        }

        cbor.WriteEndMap();
    }

    public void String(string? name, string value)
    {
        Key(name);
        cbor.WriteTextString(value);
    }

    public void Double(string? name, double value)
    {
        Key(name);
        cbor.WriteDouble(value);
    }

    public void Timestamp(string? name, DateTimeOffset value)
    {
        Key(name);
        cbor.WriteTag(CborTag.UnixTimeSeconds);
        cbor.WriteDouble(value.ToUnixTimeMilliseconds() / 1000.0);
    }

    private void Key(string? name)
    {
        if (name is not null)
        {
            cbor.WriteTextString(name);
        }
    }
}
