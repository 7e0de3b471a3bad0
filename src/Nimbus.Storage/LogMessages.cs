// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;

namespace Nimbus.Storage;

/// <summary>The log messages of the storage part; event ids 2000-2099.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Opened state store {DatabasePath}")]
    public static partial void StateStoreOpened(this ILogger logger, string databasePath);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Applied schema migration {SchemaVersion}")]
    public static partial void MigrationApplied(this ILogger logger, int schemaVersion);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Schema is at version {SchemaVersion}")]
    public static partial void SchemaUpToDate(this ILogger logger, int schemaVersion);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Stored code {CodeSha256} ({CodeSize} bytes, {UnzippedSize} unzipped)")]
    public static partial void CodeStored(this ILogger logger, string codeSha256, long codeSize, long unzippedSize);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Unpacked code {CodeSha256} into {Path}")]
    public static partial void CodeUnpacked(this ILogger logger, string codeSha256, string path);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Could not unpack code {CodeSha256}")]
    public static partial void CodeUnpackFailed(this ILogger logger, Exception exception, string codeSha256);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Deleted code {CodeSha256}")]
    public static partial void CodeDeleted(this ILogger logger, string codeSha256);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Removed leftover temporary entry {Path}")]
    public static partial void TemporaryEntryRemoved(this ILogger logger, string path);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Could not remove temporary entry {Path}")]
    public static partial void TemporaryEntryRemovalFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2050, Level = LogLevel.Information, Message = "Merged {LayerCount} layers ({FileCount} files) into {Path}")]
    public static partial void LayersMerged(this ILogger logger, int layerCount, int fileCount, string path);
}
