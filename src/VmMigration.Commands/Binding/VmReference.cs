using System;

namespace VmMigration.Commands
{
    /// <summary>
    /// What -VM accepts: a MigrationVM from Get-MigrationVM, or a name or UUID (also bound from a plan step's VMName).
    /// PowerShell converts either into this through the constructors.
    /// </summary>
    public sealed class VmReference
    {
        public VmReference(string nameOrUuid)
        {
            if (string.IsNullOrWhiteSpace(nameOrUuid))
            {
                throw new ArgumentException("A VM name or UUID cannot be empty.", nameof(nameOrUuid));
            }
            NameOrUuid = nameOrUuid;
        }

        public VmReference(MigrationVM vm)
        {
            VM = vm ?? throw new ArgumentNullException(nameof(vm));
            NameOrUuid = string.IsNullOrEmpty(vm.Uuid) ? vm.Name : vm.Uuid;
        }

        public string NameOrUuid { get; }

        /// <summary>The object it came from, when it came from Get-MigrationVM; its HostName is searched first.</summary>
        public MigrationVM? VM { get; }

        public string DisplayName => VM?.Name ?? NameOrUuid;

        public override string ToString() => DisplayName;
    }
}
