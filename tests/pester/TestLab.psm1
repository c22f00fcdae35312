<#
.SYNOPSIS
    The lab a Pester file shares across its tests: started in BeforeAll, and cleaned in AfterAll in a way that never masks
    the error that made the file fail, and leaves nothing behind even when the lab never started.
.NOTES
    Every lab and mount a test makes is under /var/lib/vmmigration/pester-<file>-<runner pid>[-<what>], so the runner can
    sweep what a broken cleanup left (Clear-TestLabLeftover) and name it.
#>

Set-StrictMode -Version 3.0

# Stop-LabIfPresent: a lab is stopped the same way here as in the demo and the benchmarks.
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')

$script:TestRoot = '/var/lib/vmmigration'

function Get-TestLabPath {
    <# Where the lab of test file -Name lives for this runner. #>
    param([Parameter(Mandatory)] [string] $Name, [string] $Suffix)
    $path = Join-Path $script:TestRoot "pester-$Name-$PID"
    if ($Suffix) { "$path-$Suffix" } else { $path }
}

function Mount-TestTmpfs {
    <#
    A small tmpfs at -Path (a pool that is too small, say). Mounted before the lab starts: each lab host's libvirtd lives
    in a private mount namespace that copies the mounts present when it starts.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [int] $SizeMB)
    New-Item -ItemType Directory $Path -Force | Out-Null
    & mount -t tmpfs -o "size=$($SizeMB)m" tmpfs $Path
    if ($LASTEXITCODE) { throw "mount of a $SizeMB MiB tmpfs at $Path failed (exit $LASTEXITCODE)" }
}

function Stop-TestLab {
    <#
    Stops the lab at -Path if there is one and unmounts and removes each -Mount. Every step is tried whatever the others
    did; a lab or mount that does not exist is not an error. Throws at the end, naming every step that failed, so a
    cleanup that could not clean is seen, after the error that made the tests fail.
    #>
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Path, [string[]] $Mount = @())
    $problems = [System.Collections.Generic.List[string]]::new()
    Get-Job -ErrorAction Ignore | Remove-Job -Force -ErrorAction Ignore
    if ($Path -and (Test-Path -LiteralPath $Path)) {
        foreach ($problem in Stop-LabIfPresent -LabPath $Path) { $problems.Add($problem) }
        if ((Test-Path -LiteralPath $Path) -and -not (Get-ChildItem -LiteralPath $Path -Force)) { Remove-Item -LiteralPath $Path -Force }
    }
    foreach ($mountPoint in $Mount) {
        if (Test-TestMount $mountPoint) {
            & umount $mountPoint 2>&1 | Out-Null
            if ($LASTEXITCODE -and (Test-TestMount $mountPoint)) { $problems.Add("umount $mountPoint failed (exit $LASTEXITCODE)") }
        }
        Remove-Item -LiteralPath $mountPoint -Recurse -Force -ErrorAction Ignore
    }
    if ($problems.Count) { throw "The test lab's cleanup did not finish: $($problems -join '; ')" }
}

function Test-TestMount([string] $Path) {
    $target = $Path.TrimEnd('/')
    foreach ($line in [System.IO.File]::ReadAllLines('/proc/self/mounts')) {
        if (($line -split ' ')[1] -eq $target) { return $true }
    }
    return $false
}

function Clear-TestLabLeftover {
    <#
    The runner's safety net, after every test file: stops any lab, unmounts any mount and removes any directory that a
    test of runner -OwnerPid left under /var/lib/vmmigration, and returns a line for each, so the run can name the test
    file whose cleanup let it through. Labs of other runners (another pid) are not touched.
    #>
    [OutputType([string])]
    param([Parameter(Mandatory)] [int] $OwnerPid)
    if (-not (Test-Path -LiteralPath $script:TestRoot)) { return }
    $mine = "^pester-[A-Za-z0-9]+-$OwnerPid(-|$)"
    $mounts = foreach ($line in [System.IO.File]::ReadAllLines('/proc/self/mounts')) {
        $point = ($line -split ' ')[1]
        $prefix = "$($script:TestRoot)/"
        if ($point.StartsWith($prefix) -and $point.Substring($prefix.Length) -match $mine) { $point }
    }
    foreach ($directory in @(Get-ChildItem -LiteralPath $script:TestRoot -Directory | Where-Object Name -Match $mine)) {
        $isMount = $directory.FullName -in @($mounts)
        $what = if ($isMount) { 'a mount' } elseif (Test-Path -LiteralPath (Join-Path $directory.FullName 'lab.json')) { 'a lab' } else { 'a directory' }
        "$what at $($directory.FullName)"
        try {
            if ($isMount) { Stop-TestLab -Path '' -Mount $directory.FullName } else { Stop-TestLab -Path $directory.FullName }
        }
        catch { "  and it could not be removed: $($_.Exception.Message)" }
        Remove-Item -LiteralPath $directory.FullName -Recurse -Force -ErrorAction Ignore
    }
}

function Remove-StuckIncomingCopy {
    <#
    What an administrator does about the copy libvirt 9.0 leaves when its daemon dies while starting an incoming QEMU
    (status pid 0, an incoming job nothing ends): stop the daemon, end that QEMU, remove its status file. The daemon is
    left stopped; Start-MigrationLab starts it again, and it finds its other guests running.
    #>
    param([Parameter(Mandatory)] [string] $LabPath, [Parameter(Mandatory)] [string] $HostName, [Parameter(Mandatory)] [string] $VMName)
    $daemon = (Get-MigrationLab -Path $LabPath).Hosts | Where-Object Name -eq $HostName
    & kill -9 $daemon.Pid
    $qemuState = Join-Path $LabPath "$HostName/run/qemu"
    $pidFile = Join-Path $qemuState "$VMName.pid"
    if (Test-Path $pidFile) { & kill -9 ([int](Get-Content $pidFile -Raw).Trim()) 2>&1 | Out-Null }
    Remove-Item (Join-Path $qemuState "$VMName.xml"), $pidFile -ErrorAction Ignore
}

Export-ModuleMember -Function Get-TestLabPath, Mount-TestTmpfs, Stop-TestLab, Clear-TestLabLeftover, Remove-StuckIncomingCopy
