// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;

namespace Nimbus.Core.Functions;

public sealed partial class FunctionService
{
    /// <summary>Queues every function left unsettled by a previous run (called once at start).</summary>
    public async Task ResumeSettlingAsync(CancellationToken cancellationToken)
    {
        foreach (var record in await _store.ListSettlingFunctionsAsync(cancellationToken))
        {
            _settling.Writer.TryWrite(new FunctionKey(record.Scope, record.Name));
        }
    }

    /// <summary>
    /// After a restart: SnapStart versions still Pending settle again, and the snapshots of Active ones are made again
    /// in the background (they live in memory), so the first new environment after a restart does not wait for init.
    /// </summary>
    public async Task ResumeSnapshotsAsync(CancellationToken cancellationToken)
    {
        if (_snapshots is null)
        {
            return;
        }

        foreach (var record in await _store.ListSnapStartFunctionsAsync(cancellationToken))
        {
            foreach (var version in await ListAllVersionsAsync(record, cancellationToken))
            {
                if (!SnapStart.Applies(version))
                {
                    continue;
                }

                if (version.State == FunctionStates.Pending)
                {
                    _settling.Writer.TryWrite(new FunctionKey(record.Scope, record.Name));
                }
                else if (version.State == FunctionStates.Active)
                {
                    _ = _snapshots.CreateAsync(record.Scope, version, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>
    /// Finishes a create or update: unpacks the code once per CodeSha256 and checks the runtime can run here,
    /// then commits Active/Successful, or Failed with AWS's reason code. Versions published while $LATEST was
    /// settling settle the same way, first, so a restart finds them through $LATEST. Idempotent; safe after a restart.
    /// </summary>
    public async Task SettleAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        var record = await _store.GetFunctionAsync(key.Scope, key.Name, cancellationToken);
        if (record is null)
        {
            return;
        }

        if (record.LastPublishedVersion > 0)
        {
            foreach (var version in await ListAllVersionsAsync(record, cancellationToken))
            {
                if (version.IsSettling)
                {
                    await _store.UpdateVersionAsync(key.Scope, await SettledAsync(key.Scope, version, cancellationToken), cancellationToken);
                }
            }
        }

        if (record.Latest.IsSettling)
        {
            var settled = await SettledAsync(key.Scope, record.Latest, cancellationToken);

            // A concurrent change moved the revision on; that change queued its own settle.
            await _store.TryUpdateFunctionAsync(record with { Latest = settled with { RevisionId = NewRevisionId() } }, record.Latest.RevisionId, cancellationToken);
        }

        _cache.Invalidate(key);
    }

    private async Task<FunctionVersion> SettledAsync(Scope scope, FunctionVersion latest, CancellationToken cancellationToken)
    {
        string? failureCode = null;
        string? failureReason = null;
        try
        {
            if (latest.Image is { } image)
            {
                (failureCode, failureReason) = await SettleImageAsync(image, cancellationToken);
            }
            else
            {
                await _code.EnsureUnpackedAsync(latest.CodeSha256, cancellationToken);
            }
        }
        catch (InvalidDataException ex)
        {
            failureCode = FunctionStates.InvalidZipFile;
            failureReason = $"Failed to unzip archive: An error in the archive format was detected. Please fix the error and retry; {ex.Message}";
        }
        catch (LambdaException ex)
        {
            failureCode = FunctionStates.InvalidZipFile;
            failureReason = ex.Message;
        }

        if (failureCode is null && latest.Runtime is { } runtime && _runtimes.Find(runtime) is null)
        {
            failureCode = FunctionStates.InvalidRuntime;
            failureReason = $"The runtime {runtime} is not available on this Nimbus host.";
        }

        if (failureCode is null && _snapshots is not null && latest.State == FunctionStates.Pending && SnapStart.Applies(latest)
            && await _snapshots.CreateAsync(scope, latest, cancellationToken) is { } snapshotFailure)
        {
            // The version's init failed while its snapshot was being made: AWS leaves it Failed with the init's reason.
            (failureCode, failureReason) = snapshotFailure;
        }

        var creating = latest.State == FunctionStates.Pending;
        return failureCode is null
            ? latest with
            {
                State = creating ? FunctionStates.Active : latest.State,
                StateReason = creating ? null : latest.StateReason,
                StateReasonCode = creating ? null : latest.StateReasonCode,
                LastUpdateStatus = FunctionStates.Successful,
                LastUpdateStatusReason = null,
                LastUpdateStatusReasonCode = null,
            }
            : latest with
            {
                State = creating ? FunctionStates.Failed : latest.State,
                StateReason = creating ? failureReason : latest.StateReason,
                StateReasonCode = creating ? failureCode : latest.StateReasonCode,
                LastUpdateStatus = FunctionStates.Failed,
                LastUpdateStatusReason = failureReason,
                LastUpdateStatusReasonCode = failureCode,
            };
    }
}
