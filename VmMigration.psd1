@{
    # ModuleVersion is filled in by build.ps1 from Directory.Build.props (the one version source).
    RootModule           = 'VmMigration.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = 'b7e4f3a2-5c61-4d8e-9a0f-2e6c1d9b8a47'
    Author               = 'VmMigration contributors'
    CompanyName          = 'VmMigration'
    Copyright            = '(c) VmMigration contributors. MIT License.'
    Description          = 'Live migration, cloning, planning and host evacuation for virtual machines (QEMU/KVM through libvirt), as typed objects that compose in pipelines.'
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
        'Get-MigrationPlan'
        'Export-MigrationPlan'
        'Import-MigrationPlan'
        'Export-MigrationInventory'
        'Get-MigrationRule'
        'New-MigrationRule'
        'Remove-MigrationRule'
        'Invoke-HostEvacuation'
        'Resume-MigrationHost'
        'Start-MigrationLab'
        'Get-MigrationLab'
        'Stop-MigrationLab'
        'New-MigrationLabVM'
        'Test-MigrationLabVM'
        'Copy-VMClone'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Migration', 'LiveMigration', 'libvirt', 'KVM', 'QEMU', 'Virtualization', 'Linux')
        }
    }
}
