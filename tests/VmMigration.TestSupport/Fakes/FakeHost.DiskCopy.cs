using System;
using System.Collections.Concurrent;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Tests.Fakes
{
    /// <summary>Scripted live disk copies: each poll advances a copy by a step until it is in sync; a pivot repoints the live XML.</summary>
    public sealed partial class FakeHost
    {
        private readonly ConcurrentDictionary<string, (string Path, string Format, DiskCopyProgress Progress)> diskCopies =
            new ConcurrentDictionary<string, (string Path, string Format, DiskCopyProgress Progress)>();

        /// <summary>Polls a copy takes to be in sync; int.MaxValue never gets there.</summary>
        public int DiskCopyPolls { get; set; } = 3;

        /// <summary>The copy ends by itself (a failure of the hypervisor's job) after this many polls; null never.</summary>
        public int? DiskCopyVanishesAfterPolls { get; set; }

        public long DiskWrittenBytes { get; set; }

        /// <summary>The disk (target) whose switch reports a failure.</summary>
        public string? PivotFailsFor { get; set; }

        /// <summary>With <see cref="PivotFailsFor"/>: the switch happens and the call still fails (a reply lost or late).</summary>
        public bool PivotSwitchesBeforeFailing { get; set; }

        private int polls;

        public void StartDiskCopy(string name, string diskTarget, string destinationPath, string destinationFormat, long bandwidthBytesPerSecond, bool synchronousWrites)
        {
            Step("Copy", $"{name} {diskTarget} {destinationPath} {destinationFormat} bw={bandwidthBytesPerSecond} sync={synchronousWrites}");
            diskCopies[name + "/" + diskTarget] = (destinationPath, destinationFormat, new DiskCopyProgress { TotalBytes = 100 });
        }

        public DiskCopyProgress? GetDiskCopyProgress(string name, string diskTarget)
        {
            Answer();
            if (!diskCopies.TryGetValue(name + "/" + diskTarget, out var copy)) return null;
            polls++;
            if (DiskCopyVanishesAfterPolls.HasValue && polls > DiskCopyVanishesAfterPolls.Value)
            {
                diskCopies.TryRemove(name + "/" + diskTarget, out _);
                return null;
            }
            copy.Progress.CopiedBytes = DiskCopyPolls == int.MaxValue ? 10 : Math.Min(100, copy.Progress.CopiedBytes + 100 / Math.Max(1, DiskCopyPolls) + 1);
            return new DiskCopyProgress { CopiedBytes = copy.Progress.CopiedBytes, TotalBytes = copy.Progress.TotalBytes };
        }

        public TimeSpan PivotDiskCopy(string name, string diskTarget, TimeSpan timeout)
        {
            Step("Pivot", name + " " + diskTarget);
            if (!diskCopies.TryRemove(name + "/" + diskTarget, out var copy) || !copy.Progress.InSync)
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.InvalidOperation, "block copy still active: disk not ready for pivot yet", name);
            var fails = PivotFailsFor == diskTarget;
            if (!fails || PivotSwitchesBeforeFailing)
                LiveDefinitions[name] = GetLiveGuestDefinition(name).WithDisksPlaced(new[] { new DiskPlacement(diskTarget, copy.Path, copy.Format) });
            if (fails)
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.OperationTimeout, "the switch did not answer in time", name);
            return TimeSpan.FromMilliseconds(7);
        }

        public void CancelDiskCopy(string name, string diskTarget)
        {
            Answer();
            Calls.Add($"CancelCopy {name} {diskTarget}");
            diskCopies.TryRemove(name + "/" + diskTarget, out _);
        }

        public long GetDiskWrittenBytes(string name, string diskTarget) => Answered(() => DiskWrittenBytes);

        public bool HasDiskCopy(string name) => diskCopies.Keys.Any(k => k.StartsWith(name + "/", StringComparison.Ordinal));
    }
}
