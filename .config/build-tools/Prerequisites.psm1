<#
.SYNOPSIS
    What the lab needs from the machine, asked in a way a test can call: which Debian packages are missing, and which of
    the programs the lab runs cannot be found after installing them.
.NOTES
    A native command that prints nothing yields an empty result, and `$empty -notmatch 'x'` is an empty array, which is
    false: comparing dpkg-query's output that way made every missing package look installed. These functions decide on
    the exit code and on a string, never on a pipeline result.
#>

Set-StrictMode -Version 3.0

# The Debian packages the lab, the guest build and the tests need, and the programs each one brings: the list the engine
# embeds too (it names the package to install when Start-MigrationLab misses a program), so the two cannot drift apart.
$script:LabPackageFile = Join-Path $PSScriptRoot '../../src/VmMigration.Engine/Lab/LabPackages.json'
$script:LabPackages = @((Get-Content -LiteralPath $script:LabPackageFile -Raw | ConvertFrom-Json).Packages)

function Get-LabPackage {
    <# The lab's packages in install order, each with Name, Programs and NeededBy (Lab, Guest or Tests); -NeededBy keeps those. #>
    param([ValidateSet('Lab', 'Guest', 'Tests')] [string[]] $NeededBy)
    $script:LabPackages | Where-Object { -not $NeededBy -or $_.NeededBy -in $NeededBy }
}

function Get-LabPackageName {
    <# The Debian packages the lab needs, in install order. #>
    [OutputType([string])]
    param()
    (Get-LabPackage).Name
}

function Test-DebianPackageInstalled {
    <# True when dpkg says the package is installed; false when it is unknown, removed or only configured-files. #>
    [OutputType([bool])]
    param([Parameter(Mandatory)] [string] $Name)
    if (-not (Get-Command dpkg-query -CommandType Application -ErrorAction Ignore)) { return $false }
    $status = & dpkg-query -W -f '${Status}' -- $Name 2>$null
    if ($LASTEXITCODE -ne 0) { return $false }
    return ("$status" -match '\binstall ok installed\b')
}

function Get-MissingDebianPackage {
    <# The packages among -Name that are not installed. #>
    [OutputType([string])]
    param([string[]] $Name = @(Get-LabPackageName))
    foreach ($package in $Name) {
        if (-not (Test-DebianPackageInstalled -Name $package)) { $package }
    }
}

function Find-LabProgram {
    <# Full path of a program the lab runs, looked up in the system directories libvirt and root use; $null when absent. #>
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $Name)
    foreach ($directory in '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin') {
        $candidate = Join-Path $directory $Name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $onPath = Get-Command $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($onPath) { return $onPath.Source }
    return $null
}

function Get-MissingLabProgram {
    <# One object per program the lab needs (or the packages of -NeededBy bring) that cannot be found, with the package that brings it. #>
    param([ValidateSet('Lab', 'Guest', 'Tests')] [string[]] $NeededBy)
    foreach ($package in Get-LabPackage @PSBoundParameters) {
        foreach ($program in $package.Programs) {
            if (-not (Find-LabProgram -Name $program)) {
                [pscustomobject]@{ Program = $program; Package = $package.Name }
            }
        }
    }
}

function Get-LabUnavailableReason {
    <#
    Why this machine cannot run the lab ($null when it can): not Linux, not root, or a program missing. The tests that
    need the lab are reported as skipped with this reason instead of failing one by one.
    #>
    [OutputType([string])]
    param()
    if (-not $IsLinux) { return "the lab runs libvirtd in Linux namespaces and this machine is not Linux" }
    if ((& id -u) -ne '0') { return "the lab needs root (mount namespaces, libvirtd, QEMU); run the build as root" }
    $missing = @(Get-MissingLabProgram)
    if ($missing.Count) {
        return "missing programs: " + (($missing | ForEach-Object { "$($_.Program) (package $($_.Package))" }) -join ', ')
    }
    return $null
}

Export-ModuleMember -Function Get-LabPackage, Get-LabPackageName, Test-DebianPackageInstalled, Get-MissingDebianPackage, Find-LabProgram,
    Get-MissingLabProgram, Get-LabUnavailableReason
