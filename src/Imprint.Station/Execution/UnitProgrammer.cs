using Imprint.Projects;
using Imprint.Station.Internal;
using Imprint.Station.Records;
using Imprint.Station.State;
using Imprint.Targets;

namespace Imprint.Station.Execution;

/// <summary>
/// Programs one unit: checks the request, reserves serial numbers, runs the image's script
/// step by step on a target session, and writes the record with the counts and serial state
/// in one transaction.
/// </summary>
/// <param name="state">The station database.</param>
/// <param name="stationId">The station id written into records.</param>
/// <param name="time">The clock for start times, restrictions and delay steps.</param>
/// <param name="power">The power switch, or <see langword="null"/> to record power steps only.</param>
public sealed partial class UnitProgrammer(StationState state, string stationId, TimeProvider time, IPowerSwitch? power = null)
{
    private readonly IPowerSwitch _power = power ?? new RecordedPowerSwitch();

    /// <summary>Programs one unit.</summary>
    /// <param name="image">The opened image.</param>
    /// <param name="target">An open session to the part.</param>
    /// <param name="dynamicData">Bytes for the image's dynamic slots, by slot name.</param>
    /// <param name="progress">Receives per-step progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the unit; it is then recorded as failed.</param>
    /// <returns>The unit's record (pass or fail), already durable.</returns>
    /// <exception cref="UnitRefusedException">The unit was refused before the target was touched (restrictions, dynamic data, device).</exception>
    public Task<ProgrammingRecord> ProgramAsync(
        StationImage image,
        ITargetSession target,
        IReadOnlyDictionary<string, byte[]>? dynamicData = null,
        IProgress<UnitProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ProgramAsync(image, target, dynamicData, progress, cloud: null, cancellationToken);

    /// <summary>Programs one unit, of a cloud-connected (JOB) image when <paramref name="cloud"/> is given.</summary>
    /// <param name="image">The opened image.</param>
    /// <param name="target">An open session to the part.</param>
    /// <param name="dynamicData">Bytes for the image's dynamic slots, by slot name.</param>
    /// <param name="progress">Receives per-step progress, or <see langword="null"/>.</param>
    /// <param name="cloud">The cloud's grant for the unit (serials come from it), or <see langword="null"/> for a SAP image.</param>
    /// <param name="cancellationToken">Cancels the unit; it is then recorded as failed.</param>
    /// <returns>The unit's record (pass or fail), already durable (and queued for upload when cloud-connected).</returns>
    internal async Task<ProgrammingRecord> ProgramAsync(
        StationImage image,
        ITargetSession target,
        IReadOnlyDictionary<string, byte[]>? dynamicData,
        IProgress<UnitProgress>? progress,
        CloudUnit? cloud,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(target);
        dynamicData ??= new Dictionary<string, byte[]>();
        var spec = image.Spec;
        UnitPreflight.Check(image, target.Info, dynamicData, cloud is not null);

        var startedAt = time.GetUtcNow();
        long started = time.GetTimestamp();
        var serials = spec.Script
            .Where(s => s.Kind == StepKind.ProgramSerial)
            .Select(s => s.Name!)
            .Distinct(StringComparer.Ordinal)
            .Select(name => spec.Serials.First(d => d.Name == name))
            .ToList();
        var lease = await state.BeginUnitAsync(
            new UnitStart(Ulid.New(startedAt), image.ImageId, image.Name, image.Crc, target.Info.Url.OriginalString, startedAt, spec.Restrictions, serials, cloud),
            cancellationToken);

        var metered = new MeteredTargetSession(target);
        var run = new UnitRun(image, metered, lease, dynamicData);
        string? failureStep = null, failureMessage = null;
        ulong? failureAddress = null;
        Exception? rethrow = null;
        for (int i = 0; i < spec.Script.Count && failureStep is null; i++)
        {
            var step = spec.Script[i];
            var name = Describe(step);
            long stepStarted = time.GetTimestamp();
            var reporter = new StepReporter(progress, lease.RecordId, i + 1, spec.Script.Count, name, time, stepStarted);
            reporter.Report(StepPhase.Started, 0, 0);
            try
            {
                await RunStepAsync(run, step, reporter, cancellationToken);
                var elapsed = time.GetElapsedTime(stepStarted).TotalMilliseconds;
                run.Steps.Add(new StepRecord(i + 1, name, elapsed, StepOutcome.Ok));
                reporter.Report(StepPhase.Finished, 0, 0);
            }
            catch (Exception ex)
            {
                var elapsed = time.GetElapsedTime(stepStarted).TotalMilliseconds;
                failureStep = $"{i + 1}:{name}";
                (failureMessage, failureAddress) = Explain(ex);
                run.Steps.Add(new StepRecord(i + 1, name, elapsed, StepOutcome.Failed, failureMessage));
                reporter.Report(StepPhase.Failed, 0, 0, failureMessage);
                if (ex is not ImprintException) rethrow = ex;
            }
        }

        if (spec.Power.PowerOffAfter)
        {
            const string powerOff = "power off (after unit)";
            long offStarted = time.GetTimestamp();
            try
            {
                await _power.SetAsync(false, spec.Power.Voltage, failureStep is null ? cancellationToken : CancellationToken.None);
                run.Steps.Add(new StepRecord(spec.Script.Count + 1, powerOff, time.GetElapsedTime(offStarted).TotalMilliseconds, StepOutcome.Ok));
            }
            catch (Exception ex)
            {
                // Recorded like any step; a unit that already failed keeps its first failure.
                var (message, address) = Explain(ex);
                run.Steps.Add(new StepRecord(spec.Script.Count + 1, powerOff, time.GetElapsedTime(offStarted).TotalMilliseconds, StepOutcome.Failed, message));
                if (failureStep is null)
                {
                    (failureStep, failureMessage, failureAddress) = ($"{spec.Script.Count + 1}:{powerOff}", message, address);
                }

                if (ex is not ImprintException) rethrow ??= ex;
            }
        }

        var record = new ProgrammingRecord
        {
            Id = lease.RecordId,
            ImageId = image.ImageId,
            ImageName = image.Name,
            ImageCrc = image.Crc,
            StationId = stationId,
            Target = target.Info.Url.OriginalString,
            StartedAt = startedAt,
            DurationMs = time.GetElapsedTime(started).TotalMilliseconds,
            TargetMs = metered.Elapsed.TotalMilliseconds,
            Result = failureStep is null ? UnitResult.Pass : UnitResult.Fail,
            FailureStep = failureStep,
            FailureMessage = failureMessage,
            FailureAddress = failureAddress,
            Serials = run.Serials,
            Data = run.Data,
            Tests = run.Tests,
            Dynamic = run.Dynamic,
            Steps = run.Steps,
            Cloud = cloud,
        };

        // Even a cancelled or crashed unit gets its record, so its serials return now rather
        // than at the next start.
        await state.FinishUnitAsync(record, CancellationToken.None);
        if (rethrow is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(rethrow);
        return record;
    }

    private static (string Message, ulong? Address) Explain(Exception ex) => ex switch
    {
        TargetException t => (t.Message, t.Address),
        StepFailure f => (f.Message, f.Address),
        OperationCanceledException => ("the unit was cancelled.", null),
        _ => (ex.Message, null),
    };

    private sealed class StepReporter(IProgress<UnitProgress>? sink, string recordId, int index, int count, string step, TimeProvider time, long started)
        : IProgress<TargetProgress>
    {
        public void Report(StepPhase phase, long done, long total, string? message = null) =>
            sink?.Report(new UnitProgress(recordId, index, count, step, phase, done, total, time.GetElapsedTime(started).TotalMilliseconds, message));

        public void Report(TargetProgress value) => Report(StepPhase.Running, value.Done, value.Total);
    }
}
