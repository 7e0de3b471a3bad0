// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;

namespace Nimbus.Init.Telemetry;

/// <summary>
/// The Telemetry API's sending side inside the environment: platform events and the runtime's and extensions' log
/// lines, fanned out to every subscription. Events of the init phase are kept until it ends, so an extension that
/// subscribes during its init still gets platform.initStart and the init's log lines (as on AWS). With no
/// subscriber after init, publishing costs one volatile read.
/// </summary>
internal sealed class TelemetryHub : IDisposable
{
    /// <summary>Events kept from the init phase for subscriptions made during it.</summary>
    private const int MaxBacklog = 10_000;

    private readonly Lock _gate = new();
    private readonly List<TelemetrySubscription> _subscriptions = [];
    private readonly List<TelemetryRecord> _backlog = [];
    private readonly LineSplitter[] _lines = [new(), new(), new(), new()];
    private readonly TimeProvider _time;
    private bool _backlogOpen = true;
    private volatile bool _active = true;

    public TelemetryHub(TimeProvider time)
    {
        _time = time;
    }

    public TimeProvider Time => _time;

    /// <summary>Something listens (or may: the init phase is not over).</summary>
    public bool Active => _active;

    /// <summary>A platform event whose record <paramref name="record"/> writes.</summary>
    public void Platform<TState>(string type, TState state, Action<Utf8JsonWriter, TState> record)
    {
        if (_active)
        {
            Publish(new TelemetryRecord(TelemetryCategory.Platform, TelemetryJson.Event(_time.GetUtcNow(), type, state, record)));
        }
    }

    /// <summary>
    /// Output of the runtime or the extensions, as read (<see cref="Runtime.RuntimeOutput"/>'s stream names): each
    /// complete line becomes a function or extension record.
    /// </summary>
    public void Output(string stream, ReadOnlySpan<byte> bytes)
    {
        if (!_active)
        {
            return;
        }

        var index = stream switch
        {
            "stdout" => 0,
            "stderr" => 1,
            Runtime.RuntimeOutput.ExtensionStdout => 2,
            _ => 3,
        };
        var category = index < 2 ? TelemetryCategory.Function : TelemetryCategory.Extension;
        var type = index < 2 ? "function" : "extension";
        lock (_gate)
        {
            var splitter = _lines[index];
            while (!bytes.IsEmpty)
            {
                var newline = bytes.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    splitter.Partial.Append(Encoding.UTF8.GetString(bytes));
                    return;
                }

                var line = bytes[..newline];
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                string text;
                if (splitter.Partial.Length > 0)
                {
                    text = splitter.Partial.Append(Encoding.UTF8.GetString(line)).ToString();
                    splitter.Partial.Clear();
                }
                else
                {
                    text = Encoding.UTF8.GetString(line);
                }

                PublishLocked(new TelemetryRecord(category, TelemetryJson.Line(_time.GetUtcNow(), type, text)));
                bytes = bytes[(newline + 1)..];
            }
        }
    }

    /// <summary>Adds (or replaces) an extension's subscription; it gets the init phase's events if that is not over.</summary>
    public void Subscribe(TelemetrySubscription subscription)
    {
        TelemetrySubscription? replaced = null;
        lock (_gate)
        {
            for (var i = 0; i < _subscriptions.Count; i++)
            {
                if (_subscriptions[i].ExtensionName == subscription.ExtensionName)
                {
                    replaced = _subscriptions[i];
                    _subscriptions.RemoveAt(i);
                    break;
                }
            }

            foreach (var record in _backlog)
            {
                subscription.Enqueue(record);
            }

            _subscriptions.Add(subscription);
            _active = true;
        }

        replaced?.Dispose();
        subscription.Start();
        Platform("platform.telemetrySubscription", subscription, static (writer, s) =>
        {
            writer.WriteString("name", s.ExtensionName);
            writer.WriteString("state", "Subscribed");
            s.WriteTypes(writer);
        });
    }

    /// <summary>The init phase is over: its events are no longer kept; without subscribers, publishing stops.</summary>
    public void EndInit()
    {
        lock (_gate)
        {
            _backlogOpen = false;
            _backlog.Clear();
            _active = _subscriptions.Count > 0;
        }
    }

    /// <summary>Delivers every queued event now; completes when all subscriptions are drained.</summary>
    public Task FlushAsync()
    {
        List<Task> flushes;
        lock (_gate)
        {
            flushes = new List<Task>(_subscriptions.Count);
            foreach (var subscription in _subscriptions)
            {
                flushes.Add(subscription.FlushAsync());
            }
        }

        return Task.WhenAll(flushes);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    private void Publish(TelemetryRecord record)
    {
        lock (_gate)
        {
            PublishLocked(record);
        }
    }

    private void PublishLocked(TelemetryRecord record)
    {
        if (_backlogOpen && _backlog.Count < MaxBacklog)
        {
            _backlog.Add(record);
        }

        foreach (var subscription in _subscriptions)
        {
            subscription.Enqueue(record);
        }
    }

    /// <summary>The unfinished last line of one output stream.</summary>
    private sealed class LineSplitter
    {
        public StringBuilder Partial { get; } = new();
    }
}
