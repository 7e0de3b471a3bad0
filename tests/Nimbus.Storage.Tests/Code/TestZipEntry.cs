// SPDX-License-Identifier: Apache-2.0
using System.IO.Compression;

namespace Nimbus.Storage.Tests.Code;

/// <summary>An entry for <see cref="TestZips"/>: a name, bytes, optional Unix permissions and a compression level.</summary>
internal sealed record TestZipEntry(
    string Name,
    byte[] Content,
    int? UnixMode = null,
    CompressionLevel Level = CompressionLevel.Optimal);
