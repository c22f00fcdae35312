<#
.SYNOPSIS
    Packs the built module into <Repository>/VmMigration.<version>.nupkg, a package Install-PSResource can install.
.DESCRIPTION
    Registers a temporary PSResourceGet repository on the -Repository folder, publishes the module directory to it, and
    unregisters it again, whatever happens. Needs only PowerShell 7's own Microsoft.PowerShell.PSResourceGet.
.EXAMPLE
    ./docs/tools/Publish-LocalPackage.ps1 -ModuleDirectory out/VmMigration/0.1.0 -Repository out/package
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    # The built module: the folder holding VmMigration.psd1 (out/VmMigration/<version>).
    [Parameter(Mandatory)]
    [string] $ModuleDirectory,

    # The folder the .nupkg is written to; created when missing.
    [Parameter(Mandatory)]
    [string] $Repository
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ModuleDirectory = (Resolve-Path $ModuleDirectory).ProviderPath
$manifestPath = Get-ChildItem $ModuleDirectory -Filter *.psd1 | Where-Object { $_.BaseName -eq 'VmMigration' } | Select-Object -First 1
if (-not $manifestPath) { throw "No VmMigration.psd1 in '$ModuleDirectory'. Build the module first (build.ps1 Build)." }
$manifest = Import-PowerShellDataFile $manifestPath.FullName
$version = $manifest.ModuleVersion

New-Item -ItemType Directory -Force $Repository | Out-Null
$Repository = (Resolve-Path $Repository).ProviderPath
$package = Join-Path $Repository "VmMigration.$version.nupkg"
# Publishing the same version twice fails; the package is rebuilt from this build instead.
Remove-Item $package -Force -ErrorAction Ignore

# Publish-PSResource wants the folder to be named as the module; the build lays it out as VmMigration/<version>.
$staging = Join-Path ([System.IO.Path]::GetTempPath()) "vmmigration-pack-$([guid]::NewGuid().ToString('N'))"
$stagedModule = Join-Path $staging 'VmMigration'
$repositoryName = "VmMigrationLocal-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
try {
    New-Item -ItemType Directory -Force $stagedModule | Out-Null
    Copy-Item (Join-Path $ModuleDirectory '*') $stagedModule -Recurse -Force
    Register-PSResourceRepository -Name $repositoryName -Uri $Repository -Trusted
    Publish-PSResource -Path $stagedModule -Repository $repositoryName
}
finally {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
    Remove-Item $staging -Recurse -Force -ErrorAction SilentlyContinue
}

if (-not (Test-Path $package)) { throw "Publishing finished but '$package' is not there." }
Get-Item $package
