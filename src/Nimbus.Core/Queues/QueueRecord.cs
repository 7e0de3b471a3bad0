// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;

namespace Nimbus.Core.Queues;

/// <summary>A queue as stored: its settable attributes (defaults filled in) and tags; counts are computed on read.</summary>
public sealed record QueueRecord
{
    private QueueSettings? _settings;

    /// <summary>The store's id for the queue (receipt handles and messages refer to it); 0 before it is stored.</summary>
    public long Id { get; init; }

    public required Scope Scope { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyDictionary<string, string> Attributes
    {
        get;
        init
        {
            field = value;
            _settings = null; // a copy made with `with` parses its own attributes
        }
    }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastModifiedAt { get; init; }

    public string Arn => QueueArn.Format(Scope, Name);

    /// <summary>The attributes as typed values.</summary>
    public QueueSettings Settings => _settings ??= QueueSettings.From(Attributes);

    public bool IsFifo => Settings.FifoQueue;
}
