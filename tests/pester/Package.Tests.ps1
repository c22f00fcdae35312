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

    It 'claims Windows PowerShell 5.1 and PowerShell 7' {
        $installedData.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        [version]$installedData.PowerShellVersion | Should -Be ([version]'5.1')
    }

    It 'is tagged for both editions, Linux and Windows' {
        $installedData.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $installedData.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Desktop'
        $installedData.PrivateData.PSData.Tags | Should -Contain 'Linux'
        $installedData.PrivateData.PSData.Tags | Should -Contain 'Windows'
    }

    It 'ships every dependency at the version its users ask for, or later (what its resolver answers on .NET Framework)' {
        # On Windows PowerShell no binding redirects apply; the module's resolver answers a bind with the folder's copy only
        # when that copy is the same or a later version. A reference to a later version than the folder has would fail there.
        $installedFolder = Split-Path $installedManifest
        $shipped = @{}
        foreach ($dll in Get-ChildItem $installedFolder -Filter *.dll) { $shipped[$dll.BaseName] = [System.Reflection.AssemblyName]::GetAssemblyName($dll.FullName).Version }
        $tooOld = foreach ($dll in Get-ChildItem $installedFolder -Filter *.dll) {
            $stream = [System.IO.File]::OpenRead($dll.FullName)
            try {
                $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
                $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                foreach ($handle in $reader.AssemblyReferences) {
                    $reference = $reader.GetAssemblyReference($handle)
                    $name = $reader.GetString($reference.Name)
                    if ($shipped.ContainsKey($name) -and $shipped[$name] -lt $reference.Version) { "$($dll.Name) wants $name $($reference.Version), ships $($shipped[$name])" }
                }
                $pe.Dispose()
            } finally { $stream.Dispose() }
        }
        @($tooOld) | Should -BeNullOrEmpty
        $shipped.Keys | Should -Contain 'System.Text.Json'
    }

    It 'is found by Find-PSResource -Command Move-VMLive' {
        @($foundByCommand.ParentResource.Name) | Should -Contain 'VmMigration'
    }

    It 'names no help link that cannot resolve' {
        @($installed.HelpUris).Count | Should -Be @($installed.Cmdlets).Count
        @($installed.HelpUris | Where-Object { $_ -like '*.invalid*' }) | Should -BeNullOrEmpty
    }
}
