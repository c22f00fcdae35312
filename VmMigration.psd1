@{
    # ModuleVersion is filled in by build.ps1 from Directory.Build.props (the one version source).
    RootModule           = 'VmMigration.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = 'b7e4f3a2-5c61-4d8e-9a0f-2e6c1d9b8a47'
    Author               = 'VmMigration contributors'
    CompanyName          = 'VmMigration'
    Copyright            = '(c) VmMigration contributors. MIT License.'
    Description          = 'Live migration, cloning, planning and host evacuation for virtual machines (QEMU/KVM through libvirt), as typed objects that compose in pipelines.'
    # 7.4 (.NET 8) is the oldest PowerShell whose own System.Text.Json is at least the 8.0 the engine is built against;
    # on 7.2 and 7.3 (.NET 6 and 7) the host's older copy is loaded first and the engine's JSON calls fail.
    PowerShellVersion    = '7.4'
    # Core only: on .NET Framework (Windows PowerShell 5.1) the dependencies' versions clash, and the libvirt binding
    # assumes LP64 (a 64-bit long), which Windows is not. Desktop comes back with the Hyper-V provider.
    CompatiblePSEditions = @('Core')
    NestedModules        = @()
    FormatsToProcess     = @('VmMigration.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-MigrationHost'
        'Disconnect-MigrationHost'
        'Get-MigrationHost'
        'Get-MigrationVM'
        'Move-VMLive'
        'Test-VMMigration'
        'Measure-MigrationVM'
        'Get-MigrationJob'
        'Stop-MigrationJob'
        'Get-MigrationPlan'
        'Export-MigrationPlan'
        'Import-MigrationPlan'
        'Export-MigrationInventory'
        'Get-MigrationRule'
        'New-MigrationRule'
        'Remove-MigrationRule'
        'Invoke-HostEvacuation'
        'Invoke-ClusterBalance'
        'Resume-MigrationHost'
        'Invoke-RollingMaintenance'
        'Start-MigrationLab'
        'Get-MigrationLab'
        'Stop-MigrationLab'
        'New-MigrationLabVM'
        'Test-MigrationLabVM'
        'Restart-MigrationLabHost'
        'Copy-VMClone'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            # build.ps1 adds a PSCommand_<name> and PSCmdlet_<name> tag per CmdletsToExport entry (Find-PSResource -Command
            # searches them; Publish-PSResource adds none), so the cmdlet list above stays the only one.
            Tags         = @('Migration', 'LiveMigration', 'libvirt', 'KVM', 'QEMU', 'Virtualization', 'Linux', 'PSEdition_Core')
            # No LicenseUri or ProjectUri: the project has no public address yet. LICENSE ships in the module folder.
            ReleaseNotes = 'What changed in each version: CHANGELOG.md in the module folder.'
        }
    }
}
