// SPDX-License-Identifier: Apache-2.0
using System.Threading.Channels;
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Images;
using Nimbus.Core.Runtimes;
using Nimbus.Core.Storage;
using Nimbus.Core.Validation;
using static Nimbus.Core.Functions.Paging;

namespace Nimbus.Core.Functions;

/// <summary>
/// The function control plane: AWS's rules for creating, reading, updating and deleting functions, their tags and
/// the read the invoke path makes (<see cref="GetForInvokeAsync"/>, cached). Versions and aliases are
/// <see cref="VersionService"/>'s, concurrency <see cref="ConcurrencyService"/>'s, event invoke configs
/// <see cref="EventInvokeConfigService"/>'s, qualifiers <see cref="QualifierResolver"/>'s. It does no I/O itself;
/// state and code go through <see cref="IFunctionStore"/> and <see cref="ICodeStore"/>, and every change is
/// committed before the method returns. Creates and updates settle in the background (<see cref="SettleAsync"/>),
/// as on AWS: Pending → Active, InProgress → Successful, or Failed.
/// </summary>
public sealed partial class FunctionService : IDisposable
{
    private readonly IFunctionStore _store;
    private readonly IEventInvokeConfigStore _invokeConfigs;
    private readonly QualifierResolver _resolver;
    private readonly ConcurrencyService _concurrencyService;
    private readonly ILayerStore _layers;
    private readonly ICodeStore _code;
    private readonly IRuntimeRegistry _runtimes;
    private readonly TimeProvider _time;
    private readonly FunctionServiceOptions _options;
    private readonly ExecutionRoles? _roles;
    private readonly IImageService? _images;
    private readonly FunctionCache _cache = new();
    private readonly IEnvironmentRetirement? _retirement;
    private readonly ISnapshotBuilder? _snapshots;
    private readonly SemaphoreSlim _tagLock = new(1, 1);
    private readonly Channel<FunctionKey> _settling = Channel.CreateUnbounded<FunctionKey>(new UnboundedChannelOptions { SingleReader = true });

    public FunctionService(
        IFunctionStore store,
        IEventInvokeConfigStore invokeConfigs,
        ILayerStore layers,
        ICodeStore code,
        IRuntimeRegistry runtimes,
        QualifierResolver resolver,
        ConcurrencyService concurrency,
        TimeProvider time,
        FunctionServiceOptions options,
        ExecutionRoles? roles = null,
        IImageService? images = null,
        IEnvironmentRetirement? retirement = null,
        ISnapshotBuilder? snapshots = null)
    {
        _snapshots = snapshots;
        _roles = roles;
        _images = images;
        _retirement = retirement;
        _store = store;
        _invokeConfigs = invokeConfigs;
        _resolver = resolver;
        _concurrencyService = concurrency;
        _layers = layers;
        _code = code;
        _runtimes = runtimes;
        _time = time;
        _options = options;
    }

    public void Dispose() => _tagLock.Dispose();

    /// <summary>
    /// The execution role check of CreateFunction and UpdateFunctionConfiguration. Without <see cref="ExecutionRoles"/>
    /// (a control plane built without IAM, as in unit tests) every role is taken as named.
    /// </summary>
    private ValueTask RequireAssumableAsync(string role, CancellationToken cancellationToken) =>
        _roles is null ? ValueTask.CompletedTask : _roles.RequireAssumableAsync(role, cancellationToken);

    /// <summary>Functions whose create or update waits to be settled; read by one background worker.</summary>
    public ChannelReader<FunctionKey> Settling => _settling.Reader;

    /// <summary>CreateFunction; with <paramref name="publish"/> it also publishes version 1 and returns that.</summary>
    public async Task<FunctionVersion> CreateAsync(Scope scope, string functionName, FunctionChange change, CodeUpload? code, IReadOnlyDictionary<string, string>? tags, bool publish, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, null, scope, forWrite: true);
        if (change.Runtime is { } runtime)
        {
            // A runtime fetched or compiled on first use is made ready here, so the check below knows whether it can be provided.
            await _runtimes.AcquireAsync(runtime, cancellationToken);
        }

        FunctionValidator.Validate(change, isCreate: true, _runtimes);
        TagRules.Validate(tags, "tags");
        if (tags is { Count: > LambdaQuotas.MaxTags })
        {
            throw LambdaErrors.InvalidParameter("Number of tags exceeds resource tag limit.");
        }

        var isImage = change.PackageType == "Image";
        var imageUri = isImage ? RequireImageUri(code, ImageUriMissingOnCreate) : null;
        var zip = isImage ? default : RequireZip(code);
        if (await _store.GetFunctionAsync(scope, reference.Name, cancellationToken) is not null)
        {
            throw LambdaErrors.FunctionExists(reference.Name);
        }

        await RequireAssumableAsync(change.Role!, cancellationToken); // Validate refuses a create without Role.
        if (change.CodeSigningConfigArn is { } codeSigning)
        {
            throw LambdaErrors.CodeSigningConfigNotFound(codeSigning);
        }

        var version = new FunctionVersion
        {
            Name = reference.Name,
            Role = change.Role!, // Validate refuses a create without Role.
            Logging = new LoggingSettings { LogGroup = $"/aws/lambda/{reference.Name}" },
            CodeSha256 = "",
            RevisionId = NewRevisionId(),
        };

        // Every rule is checked before the code is stored, so a rejected request leaves nothing behind.
        version = WithRuntimeVersion(scope, Apply(version, change));
        SnapStart.Check(version);
        StoredCode stored;
        if (isImage)
        {
            var image = await ResolveImageAsync(scope, imageUri!, cancellationToken); // Set when isImage.
            version = version with { ImageUri = imageUri, Image = image };
            stored = new StoredCode(image.CodeSha256, 0, 0);
        }
        else
        {
            version = await WithLayersAsync(scope, version, change.Layers, () => _code.Inspect(zip).UnzippedSize, cancellationToken);
            stored = await _code.StoreZipAsync(zip, cancellationToken);
        }

        version = version with
        {
            CodeSha256 = stored.Sha256,
            CodeSize = stored.Size,
            UnzippedCodeSize = stored.UnzippedSize,
            LastModified = _time.GetUtcNow(),
            State = FunctionStates.Pending,
            StateReason = FunctionStates.CreatingReason,
            StateReasonCode = FunctionStates.Creating,
        };

        var record = new FunctionRecord
        {
            Scope = scope,
            Latest = version,
            Tags = tags is null ? new Dictionary<string, string>() : new Dictionary<string, string>(tags),
        };
        if (!await _store.TryCreateFunctionAsync(record, cancellationToken))
        {
            await DeleteCodeIfUnusedAsync(stored.Sha256, cancellationToken);
            throw LambdaErrors.FunctionExists(reference.Name);
        }

        _cache.Invalidate(new FunctionKey(scope, reference.Name));
        _settling.Writer.TryWrite(new FunctionKey(scope, reference.Name));
        return publish ? await PublishAsync(record, null, cancellationToken) : version;
    }

    /// <summary>
    /// What an invocation runs, from memory when nothing changed the function since it was last read (the invoke
    /// path reads the store once per change, not once per invocation).
    /// </summary>
    public async Task<InvokeTarget> GetForInvokeAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var key = new FunctionKey(scope, reference.Name);
        var cacheKey = reference.Qualifier ?? FunctionVersion.Latest;
        if (_cache.TryGetTarget(key, cacheKey, out var target, out var generation))
        {
            return reference == target.Reference ? target : target with { Reference = reference };
        }

        if (!_cache.TryGet(key, out var record, out generation))
        {
            record = Found(reference, await _store.GetFunctionAsync(scope, reference.Name, cancellationToken));
            _cache.Set(key, record, generation);
        }

        target = await _resolver.ResolveTargetAsync(reference, record, cancellationToken);
        _cache.SetTarget(key, cacheKey, target, generation);
        return target;
    }

    /// <summary>The config that applies to an asynchronous invocation of <paramref name="qualifier"/>, or null.</summary>
    public Task<EventInvokeConfig?> FindEventInvokeConfigAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken) =>
        _invokeConfigs.GetEventInvokeConfigAsync(scope, functionName, qualifier ?? FunctionVersion.Latest, cancellationToken);

    /// <summary>Drops what the invoke path cached of a function, after a change to it committed.</summary>
    internal void Invalidate(FunctionKey key) => _cache.Invalidate(key);

    /// <summary>What the invoke path caches, for the services that cache beside it (function policies).</summary>
    internal FunctionCache Cache => _cache;

    /// <summary>
    /// After another service moved <c>$LATEST</c>'s RevisionId (a policy change): drops the cache and, if
    /// <paramref name="latestBefore"/> was still settling, queues the settle again, since its compare-and-swap write
    /// now fails on the moved revision.
    /// </summary>
    internal void LatestRevisionMoved(FunctionKey key, FunctionVersion latestBefore)
    {
        _cache.Invalidate(key);
        if (latestBefore.IsSettling)
        {
            _settling.Writer.TryWrite(key);
        }
    }

    /// <summary>GetFunction / GetFunctionConfiguration: the function at the qualifier, or ResourceNotFoundException.</summary>
    public async Task<FunctionView> GetAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        var record = Found(reference, await _store.GetFunctionAsync(scope, reference.Name, cancellationToken));
        var target = await _resolver.ResolveTargetAsync(reference, record, cancellationToken);
        return new FunctionView(record, target.Primary, reference.Qualifier);
    }

    /// <summary>The record, or AWS's not-found error naming what the caller asked for.</summary>
    private static FunctionRecord Found(FunctionReference reference, FunctionRecord? record) =>
        record ?? throw LambdaErrors.FunctionNotFound(reference.Qualifier == FunctionVersion.Latest ? reference.Arn : reference.UnqualifiedArn);

    public async Task<FunctionPage> ListAsync(Scope scope, string? functionVersion, string? marker, int? maxItems, CancellationToken cancellationToken)
    {
        if (functionVersion is not null && functionVersion != "ALL")
        {
            var errors = new ValidationErrors();
            errors.Enum(functionVersion, "functionVersion", ["ALL"]);
            errors.ThrowIfAny();
        }

        CheckMaxItems(maxItems);
        var after = DecodeMarker(marker);
        var limit = Math.Min(maxItems ?? 50, 50);
        if (functionVersion is not null)
        {
            return await ListWithVersionsAsync(scope, after, limit, cancellationToken);
        }

        var records = await _store.ListFunctionsAsync(scope, after, limit + 1, cancellationToken);
        var count = Math.Min(records.Count, limit);
        var functions = new FunctionVersion[count];
        for (var i = 0; i < count; i++)
        {
            functions[i] = records[i].Latest;
        }

        var next = records.Count > limit ? EncodeMarker(functions[^1].Name) : null;
        return new FunctionPage(functions, next);
    }

    public async Task DeleteAsync(Scope scope, string functionName, string? qualifier, CancellationToken cancellationToken)
    {
        var reference = FunctionReference.Parse(functionName, qualifier, scope, forWrite: false);
        if (reference.Qualifier == FunctionVersion.Latest)
        {
            throw LambdaErrors.InvalidParameter("$LATEST version cannot be deleted without deleting the function.");
        }

        var record = await _store.GetFunctionAsync(scope, reference.Name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        if (reference.Qualifier is not null)
        {
            await DeleteVersionAsync(record, reference.Qualifier, cancellationToken);
            return;
        }

        var packages = new HashSet<string>(StringComparer.Ordinal) { record.Latest.CodeSha256 };
        var usedLayers = new List<IReadOnlyList<LayerReference>> { record.Latest.Layers };
        foreach (var version in await ListAllVersionsAsync(record, cancellationToken))
        {
            packages.Add(version.CodeSha256);
            usedLayers.Add(version.Layers);
        }

        var deleted = await _store.DeleteFunctionAsync(scope, reference.Name, cancellationToken);
        _cache.Invalidate(new FunctionKey(scope, reference.Name));
        _concurrencyService.FunctionDeleted(scope, reference.Name);
        _retirement?.Retire(scope, reference.Name, allVersions: true);
        _snapshots?.Delete(scope, reference.Name, null);
        if (!deleted)
        {
            throw LambdaErrors.FunctionNotFound(reference.UnqualifiedArn);
        }

        foreach (var sha256 in packages)
        {
            await DeleteCodeIfUnusedAsync(sha256, cancellationToken);
        }

        foreach (var layers in usedLayers)
        {
            await ReleaseLayersAsync(layers, cancellationToken);
        }
    }

    /// <summary>
    /// Removes a package no stored version uses any more. A concurrent create of the same bytes may store it again
    /// between the check and the delete; the store's settle step then finds it missing and fails that update, which
    /// the caller can retry. Packages are content-addressed, so nothing else is lost.
    /// </summary>
    private async Task DeleteCodeIfUnusedAsync(string codeSha256, CancellationToken cancellationToken)
    {
        if (!await _store.IsCodeReferencedAsync(codeSha256, cancellationToken) && !await _layers.IsLayerCodeReferencedAsync(codeSha256, cancellationToken))
        {
            // An image function's CodeSha256 is its digest's hex (64 digits), a zip's the base64 SHA-256 (44).
            if (codeSha256.Length == 64)
            {
                _images?.Release(codeSha256);
            }
            else
            {
                _code.Delete(codeSha256);
            }
        }
    }

    public async Task<AccountSettings> GetAccountSettingsAsync(Scope scope, CancellationToken cancellationToken)
    {
        var (count, size) = await _store.GetUsageAsync(scope, cancellationToken);
        var reserved = await _concurrencyService.GetTotalReservedAsync(scope, cancellationToken);
        return new AccountSettings(
            LambdaQuotas.TotalCodeStorage,
            LambdaQuotas.MaxUnzippedCode,
            LambdaQuotas.MaxZippedCode,
            _options.ConcurrentExecutions,
            (int)Math.Max(0, _options.ConcurrentExecutions - reserved),
            size,
            count);
    }

    private static ReadOnlyMemory<byte> RequireZip(CodeUpload? code)
    {
        if (code is null)
        {
            var errors = new ValidationErrors();
            errors.Add(null, "code", "Member must not be null");
            errors.ThrowIfAny();
            return default;
        }

        if (code.ImageUri is not null)
        {
            // The text AWS answers UpdateFunctionCode with; CreateFunction's for this case is not known.
            throw LambdaErrors.InvalidParameter("Please don't provide ImageUri when updating a function with packageType Zip.");
        }

        if (code.S3Bucket is not null || code.S3Key is not null)
        {
            throw LambdaErrors.InvalidParameter(
                "Code from S3 (S3Bucket, S3Key) is not supported by this Nimbus server yet. Send the .zip file archive inline in ZipFile.");
        }

        if (code.ZipFile is not { } zip)
        {
            throw LambdaErrors.InvalidParameter("Please provide a source for function code.");
        }

        if (zip.Length > LambdaQuotas.MaxZippedCode)
        {
            throw LambdaErrors.ZippedTooLarge(LambdaQuotas.MaxZippedCode);
        }

        return zip;
    }

    internal static string NewRevisionId() => Guid.NewGuid().ToString();
}
