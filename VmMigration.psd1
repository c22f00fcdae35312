@{
    # ModuleVersion is filled in by build.ps1 from Directory.Build.props (the one version source).
    RootModule           = 'VmMigration.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = 'b7e4f3a2-5c61-4d8e-9a0f-2e6c1d9b8a47'
    Author               = 'VmMigration contributors'
    CompanyName          = 'VmMigration'
    Copyright            = '(c) VmMigration contributors. MIT License.'
    Description          = 'Live migration, cloning, planning and host evacuation for virtual machines (QEMU/KVM through libvirt on Linux; Hyper-V, experimental, on Windows), as typed objects that compose in pipelines.'
    # Windows PowerShell 5.1 (Desktop) binds the module folder's System.Text.Json 8 closure through the module's own
    # assembly resolver (src/VmMigration.Commands/Loading). On Core, 7.4 (.NET 8) is the oldest PowerShell whose own
    # System.Text.Json is at least the 8.0 the engine is built against: the module refuses 7.0-7.3 at import, saying so.
    # On Windows the libvirt provider refuses qemu URIs (its binding assumes LP64); hyperv:// is the provider there.
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
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
            Tags         = @('Migration', 'LiveMigration', 'libvirt', 'KVM', 'QEMU', 'HyperV', 'Virtualization', 'Linux', 'Windows', 'PSEdition_Core', 'PSEdition_Desktop')
            # No LicenseUri or ProjectUri: the project has no public address yet. LICENSE ships in the module folder.
            ReleaseNotes = 'What changed in each version: CHANGELOG.md in the module folder.'
        }
    }
}
