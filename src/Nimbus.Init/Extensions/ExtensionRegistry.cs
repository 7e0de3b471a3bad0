// SPDX-License-Identifier: Apache-2.0
using Nimbus.Init.Http;
using Nimbus.Init.RuntimeApi;

namespace Nimbus.Init.Extensions;

/// <summary>
/// Every extension of the environment and the phases they take part in (RIE core/registrations.go, AWS's
/// extensions API page): registration until the init phase ends, the events each waits for, and the post-invoke
/// phase (an invocation is over when the runtime answered and every INVOKE extension asked for its next event).
/// </summary>
internal sealed class ExtensionRegistry
{
    private readonly Lock _gate = new();
    private readonly List<Extension> _all = [];
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;
    private string? _invocation;
    private bool _runtimeAnswered;

    /// <summary>Called (outside the lock) with the request id when an invocation's post-invoke phase ends.</summary>
    public Action<string>? InvokeDone { get; set; }

    /// <summary>Completes when every external extension registered (or failed); at once without any.</summary>
    public Task AllRegistered => CheckedAsync(_registered);

    /// <summary>Completes when every registered extension is waiting for its first event; at once without any.</summary>
    public Task AllReady => CheckedAsync(_ready);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>An external extension's process was started under <paramref name="name"/>.</summary>
    public Extension AddExternal(string name)
    {
        var extension = new Extension(name, external: true);
        lock (_gate)
        {
            _all.Add(extension);
        }

        return extension;
    }

    /// <summary>POST /extension/register: an external extension by its file name, else a new internal one.</summary>
    public ApiError? Register(string name, ExtensionEvents events, out Extension? registered)
    {
        registered = null;
        lock (_gate)
        {
            var external = Find(name, externalOnly: true);
            if ((events & ExtensionEvents.Shutdown) != 0 && external is null)
            {
                return ExtensionErrors.InvalidEvent("SHUTDOWN", shutdownForInternal: true);
            }

            if (external is not null)
            {
                if (external.State != ExtensionState.Launched)
                {
                    return ExtensionErrors.StateTransition(external.State, ExtensionState.Registered, name);
                }

                registered = external;
            }
            else
            {
                if (_closed)
                {
                    return ExtensionErrors.RegistrationClosed;
                }

                if (_all.Count >= ExtensionErrors.MaxExtensions)
                {
                    return ExtensionErrors.TooMany;
                }

                if (Find(name, externalOnly: false) is not null)
                {
                    return ExtensionErrors.NameCollision;
                }

                registered = new Extension(name, external: false);
                _all.Add(registered);
            }

            registered.Id = Guid.NewGuid().ToString();
            registered.Events = events;
            registered.State = ExtensionState.Registered;
            CheckLocked();
            return null;
        }
    }

    /// <summary>The extension a request names by Lambda-Extension-Identifier, or the error to answer.</summary>
    public ApiError? Identify(string? id, out Extension extension)
    {
        extension = null!;
        if (string.IsNullOrEmpty(id))
        {
            return ExtensionErrors.MissingIdentifier;
        }

        if (!Guid.TryParse(id, out _))
        {
            return ExtensionErrors.InvalidIdentifier;
        }

        lock (_gate)
        {
            foreach (var candidate in _all)
            {
                if (candidate.Id.Length > 0 && string.Equals(candidate.Id, id, StringComparison.OrdinalIgnoreCase))
                {
                    extension = candidate;
                    return null;
                }
            }
        }

        return ExtensionErrors.Unknown(id);
    }

    /// <summary>
    /// GET /event/next: the extension is done with its last event. Returns its next event, or registers a wait
    /// (<paramref name="waiter"/>) that completes with one, or with null when the client goes away.
    /// </summary>
    public ApiError? Next(Extension extension, HttpConnection connection, out ValueTask<byte[]?> next, out Extension.EventWaiter? waiter)
    {
        next = default;
        waiter = null;
        string? finished;
        lock (_gate)
        {
            if (extension.State is not (ExtensionState.Registered or ExtensionState.Ready or ExtensionState.Running))
            {
                return ExtensionErrors.StateTransition(extension.State, ExtensionState.Ready, extension.Id);
            }

            extension.Busy = false;
            if (extension.Pending.TryDequeue(out var pending))
            {
                extension.State = ExtensionState.Running;
                next = new ValueTask<byte[]?>(pending);
            }
            else
            {
                extension.State = ExtensionState.Ready;
                extension.Waiter?.TrySetResult(null);
                waiter = new Extension.EventWaiter(connection);
                extension.Waiter = waiter;
                next = new ValueTask<byte[]?>(waiter.Task);
            }

            finished = CheckLocked();
        }

        Finish(finished);
        return null;
    }

    /// <summary>The client of a waiting /event/next went away.</summary>
    public void Withdraw(Extension extension, Extension.EventWaiter waiter)
    {
        lock (_gate)
        {
            if (extension.Waiter != waiter)
            {
                return;
            }

            extension.Waiter = null;
        }

        waiter.TrySetResult(null);
    }

    /// <summary>/init/error or /exit/error: no further call of this extension succeeds.</summary>
    public void Failed(Extension extension, ExtensionState state, string errorType)
    {
        Extension.EventWaiter? waiter;
        string? finished;
        lock (_gate)
        {
            extension.State = state;
            extension.ErrorType = errorType;
            extension.Busy = false;
            waiter = extension.Waiter;
            extension.Waiter = null;
            finished = CheckLocked();
        }

        waiter?.TrySetResult(null);
        Finish(finished);
    }

    /// <summary>The extension's process ended; its waits end and it holds no invocation up any more.</summary>
    public void Exited(Extension extension)
    {
        Extension.EventWaiter? waiter;
        string? finished;
        lock (_gate)
        {
            extension.State = ExtensionState.Exited;
            extension.Busy = false;
            waiter = extension.Waiter;
            extension.Waiter = null;
            finished = CheckLocked();
        }

        waiter?.TrySetResult(null);
        Finish(finished);
    }

    private void Finish(string? requestId)
    {
        if (requestId is not null)
        {
            InvokeDone?.Invoke(requestId);
        }
    }

    /// <summary>The init phase is over: no more registrations; the counts the host needs.</summary>
    public (int Invoke, int External, int Internal) Close()
    {
        lock (_gate)
        {
            _closed = true;
            var (invoke, external, @internal) = (0, 0, 0);
            foreach (var extension in _all)
            {
                invoke += (extension.Events & ExtensionEvents.Invoke) != 0 ? 1 : 0;
                external += extension.External ? 1 : 0;
                @internal += extension.External ? 0 : 1;
            }

            return (invoke, external, @internal);
        }
    }

    /// <summary>Hands an event to every extension registered for <paramref name="kind"/>; an INVOKE starts the post-invoke tracking.</summary>
    public int Dispatch(ExtensionEvents kind, byte[] payload, string? requestId)
    {
        List<(Extension.EventWaiter Waiter, byte[] Payload)>? handed = null;
        var count = 0;
        lock (_gate)
        {
            if (requestId is not null)
            {
                _invocation = requestId;
                _runtimeAnswered = false;
            }

            foreach (var extension in _all)
            {
                if ((extension.Events & kind) == 0 || extension.State is not (ExtensionState.Registered or ExtensionState.Ready or ExtensionState.Running))
                {
                    continue;
                }

                count++;
                extension.Busy = requestId is not null;
                if (extension.Waiter is { } waiter && !waiter.Connection.IsClosed())
                {
                    extension.Waiter = null;
                    extension.State = ExtensionState.Running;
                    (handed ??= []).Add((waiter, payload));
                }
                else
                {
                    extension.Waiter = null;
                    extension.Pending.Enqueue(payload);
                }
            }
        }

        if (handed is not null)
        {
            foreach (var (waiter, body) in handed)
            {
                waiter.TrySetResult(body);
            }
        }

        return count;
    }

    /// <summary>The runtime answered <paramref name="requestId"/> (which may end the post-invoke phase).</summary>
    public void RuntimeAnswered(string requestId)
    {
        string? finished;
        lock (_gate)
        {
            if (!string.Equals(_invocation, requestId, StringComparison.Ordinal))
            {
                return;
            }

            _runtimeAnswered = true;
            finished = CheckLocked();
        }

        Finish(finished);
    }

    /// <summary>
    /// Before the runtime's answer for <paramref name="requestId"/> goes to the host: true when every INVOKE extension
    /// is already back at /event/next, which ends the post-invoke phase with the answer itself (no InvokeDone callback
    /// follows). False leaves everything as it was: <see cref="RuntimeAnswered"/> comes after the answer is sent.
    /// </summary>
    public bool SettlesWithAnswer(string requestId)
    {
        lock (_gate)
        {
            if (!string.Equals(_invocation, requestId, StringComparison.Ordinal))
            {
                return false;
            }

            foreach (var extension in _all)
            {
                if (extension.Busy)
                {
                    return false;
                }
            }

            _runtimeAnswered = true;
            _invocation = null;
            return true;
        }
    }

    /// <summary>The names and events of the registered extensions (the platform.extension records).</summary>
    public List<(string Name, ExtensionEvents Events, string State, string? ErrorType)> Describe()
    {
        lock (_gate)
        {
            var list = new List<(string, ExtensionEvents, string, string?)>(_all.Count);
            foreach (var extension in _all)
            {
                var state = extension.State is ExtensionState.Registered or ExtensionState.Ready or ExtensionState.Running ? "Ready" : extension.State.ToString();
                list.Add((extension.Name, extension.Events, state, extension.ErrorType));
            }

            return list;
        }
    }

    private Task CheckedAsync(TaskCompletionSource phase)
    {
        if (!phase.Task.IsCompleted)
        {
            lock (_gate)
            {
                CheckLocked();
            }
        }

        return phase.Task;
    }

    private Extension? Find(string name, bool externalOnly)
    {
        foreach (var extension in _all)
        {
            if ((!externalOnly || extension.External) && string.Equals(extension.Name, name, StringComparison.Ordinal))
            {
                return extension;
            }
        }

        return null;
    }

    /// <summary>Completes the phases whose condition now holds; returns the request id whose post-invoke phase ended.</summary>
    private string? CheckLocked()
    {
        var launched = false;
        var notReady = false;
        var busy = false;
        foreach (var extension in _all)
        {
            launched |= extension.State == ExtensionState.Launched;
            notReady |= extension.State is ExtensionState.Launched or ExtensionState.Registered;
            busy |= extension.Busy;
        }

        if (!launched)
        {
            _registered.TrySetResult();
        }

        if (!notReady)
        {
            _ready.TrySetResult();
        }

        if (_invocation is { } id && _runtimeAnswered && !busy)
        {
            _invocation = null;
            return id;
        }

        return null;
    }
}
