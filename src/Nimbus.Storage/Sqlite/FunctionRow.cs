// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Functions;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// The stored form of a function's <c>$LATEST</c>: its JSON documents and the columns queried on. Built before
/// the write lock is taken, so serialization never runs while writers wait.
/// </summary>
internal sealed record FunctionRow(
    string Config,
    string Tags,
    string RevisionId,
    string CodeSha256,
    long CodeSize,
    string State,
    string? LastUpdateStatus)
{
    public static FunctionRow From(FunctionRecord function)
    {
        var latest = function.Latest;
        if (latest.Version != FunctionVersion.Latest)
        {
            throw new ArgumentException(
                $"A function row holds {FunctionVersion.Latest}, not version {latest.Version}.",
                nameof(function));
        }

        return new FunctionRow(
            JsonSerializer.Serialize(latest, StorageJsonContext.Default.FunctionVersion),
            JsonSerializer.Serialize(function.Tags, StorageJsonContext.Default.IReadOnlyDictionaryStringString),
            latest.RevisionId,
            latest.CodeSha256,
            latest.CodeSize,
            latest.State,
            latest.LastUpdateStatus);
    }

    public void AddParameters(SqliteCommand command)
    {
        command.Parameters.AddWithValue("@config", Config);
        command.Parameters.AddWithValue("@tags", Tags);
        command.Parameters.AddWithValue("@revisionId", RevisionId);
        command.Parameters.AddWithValue("@codeSha256", CodeSha256);
        command.Parameters.AddWithValue("@codeSize", CodeSize);
        command.Parameters.AddWithValue("@state", State);
        command.Parameters.AddWithValue("@lastUpdateStatus", (object?)LastUpdateStatus ?? DBNull.Value);
    }
}
