// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.CloudWatch;

/// <summary>
/// Writes an operation's output in the request's protocol. Members are named; items of a list are written with a
/// null name. Counts are given up front (CBOR's definite lengths; the XML ignores them).
/// </summary>
internal interface ICloudWatchWriter
{
    void StartStructure(string? name, int members);

    void EndStructure();

    void StartList(string name, int items);

    void EndList();

    /// <summary>A map of statistic names to values (ExtendedStatistics).</summary>
    void Map(string name, IReadOnlyList<KeyValuePair<string, double>> entries);

    void String(string? name, string value);

    void Double(string? name, double value);

    void Timestamp(string? name, DateTimeOffset value);
}
