<#
.SYNOPSIS
    Rolling maintenance of a whole lab cluster, every host rebooted for real: ours (Invoke-RollingMaintenance -HostOrder
    Auto -Failback None) against evacuate-then-fail-back each host (Cluster-Aware Updating with failback) and a hand loop
    that moves one VM at a time.
.DESCRIPTION
    Three hosts, six guests of mixed sizes and dirty rates (two a host), one shared bandwidth cap. Each host in turn is
    emptied, rebooted with Restart-MigrationLabHost (down -DownSec), waited for, and (for the two baselines) given its
    VMs back. The baselines are written with the module's single-host cmdlets, the way a runbook does it by hand.
    Columns: makespan, moves, bytes moved (the hypervisor's own transferred-bytes counters), worst downtime, and VMs lost
    (not running on exactly one host, or memory not intact, at the end). Writes bench/results/rolling-maintenance.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $BandwidthMBps = 32,
    [int] $DownSec = 3,
    [string] $LabPath = '/var/lib/vmmigration/bench-rolling',
    [string] $OutFile = (Join-Path $PSScriptRoot '../results/rolling-maintenance.md')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')
$env:VMMIGRATION_STATE_DIR = Join-Path ([IO.Path]::GetTempPath()) "vmm-bench-rolling-$PID"

$hosts = 'lab1', 'lab2', 'lab3'
$guests = @(
    @{ Name = 'r1'; MemoryMB = 160; WorkingSetMB = 96; DirtyRateMBps = 4; HostName = 'lab1' }
    @{ Name = 'r2'; MemoryMB = 64; WorkingSetMB = 32; DirtyRateMBps = 0; HostName = 'lab1' }
    @{ Name = 'r3'; MemoryMB = 128; WorkingSetMB = 64; DirtyRateMBps = 2; HostName = 'lab2' }
    @{ Name = 'r4'; MemoryMB = 64; WorkingSetMB = 16; DirtyRateMBps = 1; HostName = 'lab2' }
    @{ Name = 'r5'; MemoryMB = 96; WorkingSetMB = 48; DirtyRateMBps = 0; HostName = 'lab3' }
    @{ Name = 'r6'; MemoryMB = 64; WorkingSetMB = 24; DirtyRateMBps = 2; HostName = 'lab3' }
)
# The floor of ours against evacuate-then-fail-back, by memory: the latter moves every VM twice; no order can do better
# than moving every VM once and those of the first host drained twice (they can only go to hosts not yet done).
$totalMB = ($guests | Measure-Object MemoryMB -Sum).Sum
$lightestHostMB = ($guests | Group-Object { $_.HostName } | ForEach-Object { ($_.Group | Measure-Object MemoryMB -Sum).Sum } | Measure-Object -Minimum).Minimum
$floorRatio = ($totalMB + $lightestHostMB) / (2 * $totalMB)
$reboot = { param($MigrationHost) Restart-MigrationLabHost -HostName $MigrationHost.Name -DownSec $DownSec -Wait -Confirm:$false }

function Reset-Placement {
    foreach ($h in $hosts) {
        if ((Get-MigrationHost -Name $h).State -eq 'Maintenance') { Resume-MigrationHost -HostName $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null }
    }
    foreach ($g in $guests) {
        if ((Get-MigrationVM -Name $g.Name).HostName -ne $g.HostName) { Move-VMLive -VM $g.Name -Destination $g.HostName -Confirm:$false | Out-Null }
    }
    Start-Sleep -Seconds 2
}

function Measure-Ours {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $output = @(Invoke-RollingMaintenance -HostName $hosts -HostOrder Auto -Failback None -BandwidthMBps $BandwidthMBps -HostReturnTimeoutSec 120 -Force -ScriptBlock $reboot -ErrorAction SilentlyContinue)
    $moves = @($output | Where-Object { $_ -is [VmMigration.HostMaintenanceResult] } | ForEach-Object { $_.Moves })
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Moves = $moves }
}

<# What Cluster-Aware Updating does with failback: each host drained, patched, back, its VMs returned, then the next. #>
function Measure-EvacuateThenFailback {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $moves = [System.Collections.Generic.List[object]]::new()
    foreach ($h in $hosts) {
        $own = @(Get-MigrationVM -HostName $h).Name
        foreach ($r in Invoke-HostEvacuation -HostName $h -BandwidthMBps $BandwidthMBps -Force -ErrorAction SilentlyContinue) { if ($r -is [VmMigration.MigrationResult]) { $moves.Add($r) } }
        & $reboot (Get-MigrationHost -Name $h)
        Resume-MigrationHost -HostName $h -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        foreach ($vm in $own) { $moves.Add((Move-VMLive -VM $vm -Destination $h -BandwidthMBps $BandwidthMBps -Confirm:$false -ErrorAction SilentlyContinue)) }
    }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Moves = $moves }
}

<# The hand loop: one VM at a time to the next host, reboot, one VM at a time back. #>
function Measure-OneAtATime {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $moves = [System.Collections.Generic.List[object]]::new()
    for ($i = 0; $i -lt $hosts.Count; $i++) {
        $h = $hosts[$i]; $next = $hosts[($i + 1) % $hosts.Count]
        $own = @(Get-MigrationVM -HostName $h).Name
        foreach ($vm in $own) { $moves.Add((Move-VMLive -VM $vm -Destination $next -BandwidthMBps $BandwidthMBps -Confirm:$false -ErrorAction SilentlyContinue)) }
        & $reboot (Get-MigrationHost -Name $h)
        foreach ($vm in $own) { $moves.Add((Move-VMLive -VM $vm -Destination $h -BandwidthMBps $BandwidthMBps -Confirm:$false -ErrorAction SilentlyContinue)) }
    }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Moves = $moves }
}

<# A VM is lost when it does not run on exactly one host, or its memory is not what it was. #>
function Measure-Lost {
    $lost = 0
    foreach ($g in $guests) {
        $running = @(Get-MigrationVM -Name $g.Name -ErrorAction SilentlyContinue | Where-Object State -EQ 'Running')
        if ($running.Count -ne 1 -or -not (Test-MigrationLabVM -VM $g.Name -IntervalMs 300).Intact) { $lost++ }
    }
    $lost
}

$rows = [System.Collections.Generic.List[object]]::new()
Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
$accelerator = (Get-MigrationLab -Path $LabPath).Accelerator
$failed = $true
try {
    foreach ($g in $guests) { New-MigrationLabVM @g -Confirm:$false | Out-Null }
    Start-Sleep -Seconds 3
    $runs = [ordered]@{
        'ours (Auto order, no failback)' = { Measure-Ours }
        'evacuate then fail back (CAU)' = { Measure-EvacuateThenFailback }
        'one VM at a time (hand loop)' = { Measure-OneAtATime }
    }
    foreach ($name in $runs.Keys) {
        Reset-Placement
        $run = & $runs[$name]
        $ok = @($run.Moves | Where-Object { $_ -and $_.Status -eq 'Succeeded' })
        $rows.Add([pscustomobject]@{
                Policy = $name; MakespanSec = [Math]::Round($run.Seconds, 1); Moves = $ok.Count
                MovedMiB = [Math]::Round((($ok | Measure-Object TransferredBytes -Sum).Sum) / 1MB, 0)
                WorstDowntimeMs = ($ok | Measure-Object DowntimeMs -Maximum).Maximum
                FailedMoves = @($run.Moves | Where-Object { $_ -and $_.Status -ne 'Succeeded' -and $_.Status -ne 'Skipped' }).Count
                VMsLost = Measure-Lost
            })
    }
    $failed = $false
}
finally {
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
    Remove-Item -Recurse -Force $env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
}

$ours = $rows[0]; $cau = $rows[1]
$table = $rows | Format-Table -AutoSize | Out-String -Width 200
$table | Out-Host
$verdict = 'ours / evacuate-then-failback: bytes {0:N2} (target <= 0.6; floor for this placement, by memory: {3:N2}), makespan {1:N2} (target <= 0.7); VMs lost in ours: {2}' -f `
    ($ours.MovedMiB / [Math]::Max(1, $cau.MovedMiB)), ($ours.MakespanSec / [Math]::Max(0.1, $cau.MakespanSec)), $ours.VMsLost, $floorRatio
Write-Host $verdict
@(
    '# Rolling maintenance: ours vs evacuate-then-fail-back vs one VM at a time'
    ''
    "Measured $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, accelerator $accelerator; three hosts, six guests (working sets 16-96 MiB, dirty rates 0-4 MiB/s), shared cap $BandwidthMBps MiB/s, each host rebooted for real (down $DownSec s)."
    ''
    '```'
    $table.Trim()
    '```'
    ''
    $verdict
) | Set-Content $OutFile
