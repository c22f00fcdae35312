<#
.SYNOPSIS
    The package: docs/tools/Publish-LocalPackage.ps1 makes a .nupkg that PSResourceGet installs and finds by command, and
    the installed copy imports in a fresh pwsh with the cmdlets, the version and the help of the built module, its licence
    and changelog, and a manifest that claims only what is true.
.NOTES
    The module under test is the built one, named by $env:VMMIGRATION_MODULE (out/VmMigration/<version>/VmMigration.psd1).
    Everything is done in temporary folders and a temporary repository, removed in AfterAll.
#>

BeforeAll {
    if (-not $env:VMMIGRATION_MODULE) { throw 'Set VMMIGRATION_MODULE to the built VmMigration.psd1.' }
    $builtManifestPath = (Resolve-Path $env:VMMIGRATION_MODULE).ProviderPath
    $moduleDirectory = Split-Path $builtManifestPath -Parent
    $manifest = Import-PowerShellDataFile $builtManifestPath
    $version = $manifest.ModuleVersion

    $work = Join-Path ([System.IO.Path]::GetTempPath()) "vmmigration-package-test-$([guid]::NewGuid().ToString('N'))"
    $packageFolder = Join-Path $work 'repository'
    $installFolder = Join-Path $work 'installed'
    New-Item -ItemType Directory -Force $packageFolder, $installFolder | Out-Null
    $repositoryName = "VmMigrationTest-$([guid]::NewGuid().ToString('N').Substring(0, 12))"

    # A child PowerShell started the way this one was (pwsh, or 'dotnet pwsh.dll' for the dotnet tool).
    Import-Module (Join-Path $PSScriptRoot 'ChildProcess.psm1') -Force

    $publish = Join-Path $PSScriptRoot '../../docs/tools/Publish-LocalPackage.ps1'
    $package = & $publish -ModuleDirectory $moduleDirectory -Repository $packageFolder

    Register-PSResourceRepository -Name $repositoryName -Uri $packageFolder -Trusted
    Save-PSResource -Name VmMigration -Version $version -Repository $repositoryName -Path $installFolder -TrustRepository
    $installedManifest = Join-Path $installFolder "VmMigration/$version/VmMigration.psd1"
    $installedData = Import-PowerShellDataFile $installedManifest
    $foundByCommand = @(Find-PSResource -Command Move-VMLive -Repository $repositoryName -ErrorAction SilentlyContinue)

    # What the installed copy says about itself, from a process that has never loaded the built one.
    $probe = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
`$m = Import-Module '$installedManifest' -PassThru
[pscustomobject]@{
    Version = `$m.Version.ToString()
    Path    = `$m.ModuleBase
    Cmdlets = @(`$m.ExportedCmdlets.Keys | Sort-Object)
    HelpSynopsis = (Get-Help Move-VMLive).Synopsis
    HelpUris = @(Get-Command -Module VmMigration -CommandType Cmdlet | ForEach-Object { "`$(`$_.Name) `$(`$_.HelpUri)" })
} | ConvertTo-Json -Compress
"@
    $installed = if ($probe.ExitCode -eq 0) { ($probe.StandardOutput.Trim() -split "`n")[-1] | ConvertFrom-Json } else { $null }

    $built = Invoke-ChildPwsh "`$m = Import-Module '$builtManifestPath' -PassThru; @(`$m.ExportedCmdlets.Keys | Sort-Object) -join ','"
}

AfterAll {
    if ($repositoryName) { Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue }
    if ($work) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'The VmMigration package' {
    It 'is written as VmMigration.<version>.nupkg' {
        Test-Path (Join-Path $packageFolder "VmMigration.$version.nupkg") | Should -BeTrue
        $package.Name | Should -Be "VmMigration.$version.nupkg"
    }

    It 'leaves no repository registered by the publish script' {
        @(Get-PSResourceRepository | Where-Object { $_.Name -like 'VmMigrationLocal-*' }) | Should -BeNullOrEmpty
    }

    It 'installs from a local repository with PSResourceGet' {
        Test-Path $installedManifest | Should -BeTrue
        Test-Path (Join-Path (Split-Path $installedManifest) 'VmMigration.dll') | Should -BeTrue
    }

    It 'imports in a fresh pwsh' {
        $probe.ExitCode | Should -Be 0 -Because $probe.Output
        $installed | Should -Not -BeNullOrEmpty
        $installed.Path | Should -BeLike "$installFolder*"
    }

    It 'has the manifest version' {
        $installed.Version | Should -Be $version
    }

    It 'exports the cmdlets the built module exports' {
        $built.ExitCode | Should -Be 0 -Because $built.Output
        $expected = @($built.StandardOutput.Trim() -split "`n")[-1] -split ','
        @($installed.Cmdlets) | Should -Be $expected
        @($installed.Cmdlets) | Should -Contain 'Move-VMLive'
    }

    It 'carries the offline help' {
        # Without the help file Get-Help falls back to the syntax line; with it, the synopsis is the markdown's.
        . (Join-Path $PSScriptRoot '../../docs/tools/ConvertTo-MamlHelp.ps1')
        $documented = (Read-CommandMarkdown -Path (Join-Path $PSScriptRoot '../../docs/VmMigration/Move-VMLive.md')).Synopsis -join ' '
        "$($installed.HelpSynopsis)".Trim() | Should -Be $documented.Trim()
    }

    It 'carries its licence and changelog, and its release notes point at the changelog' {
        $installedFolder = Split-Path $installedManifest
        Get-Content (Join-Path $installedFolder 'LICENSE') -Raw | Should -Match 'MIT License'
        Get-Content (Join-Path $installedFolder 'CHANGELOG.md') -Raw | Should -Match '## \[Unreleased\]'
        $installedData.PrivateData.PSData.ReleaseNotes | Should -Match 'CHANGELOG\.md'
    }

    It 'claims the Core edition only, on PowerShell 7.4 or later' {
        $installedData.CompatiblePSEditions | Should -Be @('Core')
        [version]$installedData.PowerShellVersion | Should -BeGreaterOrEqual ([version]'7.4')
    }

    It 'is tagged for the Core edition and Linux' {
        $installedData.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $installedData.PrivateData.PSData.Tags | Should -Contain 'Linux'
    }

    It 'is found by Find-PSResource -Command Move-VMLive' {
        @($foundByCommand.ParentResource.Name) | Should -Contain 'VmMigration'
    }

    It 'names no help link that cannot resolve' {
        @($installed.HelpUris).Count | Should -Be @($installed.Cmdlets).Count
        @($installed.HelpUris | Where-Object { $_ -like '*.invalid*' }) | Should -BeNullOrEmpty
    }
}
