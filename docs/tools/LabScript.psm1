<#
.SYNOPSIS
    How our scripts on the lab (the demo, the benchmarks) end: the lab is always stopped, the failing step's own error is
    what the user sees, and the process exits non-zero.
.NOTES
    A throw inside `finally` replaces the error in flight: a cleanup that failed (or complained that there was no lab,
    because the lab never started) used to be the only message on screen. Here the cleanup's own trouble is a warning
    when the body already failed, so the body's error is the one the user sees.
#>

Set-StrictMode -Version 3.0

function Stop-ScriptLab {
    <#
    The cleanup in a script's `finally`: stops the lab at -LabPath if there is one (silent when it never started) and
    checks that no libvirtd or QEMU of it is left. When the script's body failed (-AfterFailure), trouble here is only a
    warning, so the body's own error goes on to the user; otherwise it is thrown.
        $failed = $true
        try { ...; $failed = $false } finally { Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed }
    #>
    param(
        [Parameter(Mandatory)] [string] $LabPath,
        [switch] $AfterFailure
    )
    $problems = @(Stop-LabIfPresent -LabPath $LabPath)
    $left = @(Get-LabProcessLeftover -LabPath $LabPath)
    if ($left.Count) { $problems += "processes of the lab at $LabPath are still running: $($left -join ', ')" }
    $problem = $problems -join '; '
    if (-not $problem) { return }
    if ($AfterFailure) { Write-Warning "The cleanup after the failure did not finish either: $problem" }
    else { throw $problem }
}

function Stop-LabIfPresent {
    <#
    Stops the lab at -LabPath and writes a line for each problem: none when it stopped, and none when there was no lab
    (LabNotRunning: it never started, or only its directory is left), which is the one error that is not a problem. The
    error is known by its id, never by its message. The one way our scripts and tests stop a lab (tests/pester/TestLab.psm1).
    #>
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $LabPath)
    try { Stop-MigrationLab -Path $LabPath -Force -ErrorAction Stop }
    catch {
        # 'LabNotRunning,VmMigration.Commands.StopMigrationLabCommand': the id, then where it was raised.
        if (("$($_.FullyQualifiedErrorId)" -split ',')[0] -ne 'LabNotRunning') { "stopping the lab at $($LabPath): $($_.Exception.Message)" }
    }
}

function Get-LabProcessLeftover {
    <# 'name (pid)' for every libvirtd or QEMU whose command line names the lab's path. #>
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $LabPath)
    foreach ($process in Get-Process -ErrorAction Ignore | Where-Object Name -In 'libvirtd', 'qemu-system-x86_64', 'qemu-system-x86') {
        $commandLine = Get-Content "/proc/$($process.Id)/cmdline" -Raw -ErrorAction Ignore
        if ($commandLine -and $commandLine.Contains($LabPath.TrimEnd('/') + '/')) { "$($process.Name) ($($process.Id))" }
    }
}

Export-ModuleMember -Function Stop-ScriptLab, Stop-LabIfPresent, Get-LabProcessLeftover
