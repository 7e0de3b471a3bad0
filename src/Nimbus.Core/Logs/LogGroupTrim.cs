// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Logs;

/// <summary>What a log group's size cap dropped: its oldest <paramref name="Events"/>, <paramref name="Bytes"/> of messages.</summary>
public sealed record LogGroupTrim(string Account, string Region, string Group, long Events, long Bytes);
