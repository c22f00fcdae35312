using System;
using System.Collections.Generic;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// What a Hyper-V source puts inside a VM's live definition (<see cref="GuestDefinition.ProviderDefinition"/>) for the
    /// destination's compatibility check: the source's compatibility blob (GetSystemCompatibilityInfo, opaque, null when the
    /// source would not give one) and a way to ask the source itself whether the move would be accepted
    /// (CheckVirtualSystemIsMigratableToHost), since that question is answered by the source, not by the destination.
    /// </summary>
    internal sealed class HyperVLiveDefinition
    {
        public HyperVLiveDefinition(byte[]? compatibilityInfo, Func<string, IReadOnlyList<MigrationException>> checkMigratableTo)
        {
            CompatibilityInfo = compatibilityInfo;
            CheckMigratableTo = checkMigratableTo;
        }

        public byte[]? CompatibilityInfo { get; }

        /// <summary>The source's reasons against a move to the named destination host; none when it would be accepted.</summary>
        public Func<string, IReadOnlyList<MigrationException>> CheckMigratableTo { get; }
    }
}
