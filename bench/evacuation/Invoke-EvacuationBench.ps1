<#
.SYNOPSIS
    Host evacuation makespan on the lab: ours (Invoke-HostEvacuation, governed) against fixed concurrency policies
    (one at a time as OpenStack Nova does by default, two at a time as Hyper-V does, all at once), and the floor.
.DESCRIPTION
    Six guests of mixed sizes and dirty rates on lab1 drain to lab2 and lab3 under one shared bandwidth cap. A fixed
    policy runs N moves at a time, each with an even static share (cap / N) of the bandwidth, in name order. Ours gets
    the cap as a shared budget and decides order and concurrency itself. The floor is the data that must move (every
    guest's working set) over the cap. Writes bench/results/evacuation.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $BandwidthMBps = 32,
    [int] $MaxDowntimeMs = 300,
    [string] $LabPath = '/var/lib/vmmigration/bench-evacuation',
    [string] $OutFile = (Join-Path $PSScriptRoot '../results/evacuation.md')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')
Import-Module (Join-Path $PSScriptRoot '../BenchTools.psm1')
$env:VMMIGRATION_STATE_DIR = Join-Path ([IO.Path]::GetTempPath()) "vmm-bench-evacuation-$PID"

$guests = @(
    @{ Name = 'b1'; MemoryMB = 192; WorkingSetMB = 128; DirtyRateMBps = 8 }
    @{ Name = 'b2'; MemoryMB = 128; WorkingSetMB = 96; DirtyRateMBps = 4 }
    @{ Name = 'b3'; MemoryMB = 128; WorkingSetMB = 64; DirtyRateMBps = 0 }
    @{ Name = 'b4'; MemoryMB = 96; WorkingSetMB = 48; DirtyRateMBps = 2 }
    @{ Name = 'b5'; MemoryMB = 64; WorkingSetMB = 32; DirtyRateMBps = 0 }
    @{ Name = 'b6'; MemoryMB = 64; WorkingSetMB = 16; DirtyRateMBps = 1 }
)
$floorSec = ($guests | Measure-Object WorkingSetMB -Sum).Sum / $BandwidthMBps

function Reset-Guests {
    Resume-MigrationHost -HostName lab1 -Confirm:$false -WarningAction SilentlyContinue | Out-Null
    foreach ($vm in Get-MigrationVM | Where-Object HostName -ne 'lab1') {
        Move-VMLive -VM $vm.Name -Destination lab1 -Confirm:$false | Out-Null
    }
    Start-Sleep -Seconds 2
}

function Measure-FixedPolicy([int] $Concurrency) {
    $share = [Math]::Max(1, [int]($BandwidthMBps / $Concurrency))
    $destinations = @('lab2', 'lab3')
    $queue = [System.Collections.Generic.Queue[object]]::new()
    $i = 0
    foreach ($g in $guests) { $queue.Enqueue(@{ Name = $g.Name; Destination = $destinations[$i++ % 2] }) }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $running = @(); $results = @()
    while ($queue.Count -gt 0 -or $running.Count -gt 0) {
        while ($queue.Count -gt 0 -and $running.Count -lt $Concurrency) {
            $next = $queue.Dequeue()
            $running += Move-VMLive -VM $next.Name -Destination $next.Destination -BandwidthMBps $share -MaxDowntimeMs $MaxDowntimeMs -TimeoutSec 600 -Confirm:$false -AsJob
        }
        $done = @($running | Wait-Job -Any -Timeout 1)
        foreach ($job in $done) {
            $results += $job | Receive-Job -ErrorAction SilentlyContinue
            $running = @($running | Where-Object Id -ne $job.Id)
            $job | Remove-Job
        }
    }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Results = $results }
}

function Measure-Ours {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $output = @(Invoke-HostEvacuation -HostName lab1 -BandwidthMBps $BandwidthMBps -MaxConcurrent 6 -MaxConcurrentPerHost 6 -MaxDowntimeMs $MaxDowntimeMs -Force -ErrorAction SilentlyContinue)
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Results = @($output | Where-Object { $_ -is [VmMigration.MigrationResult] }) }
}

$rows = [System.Collections.Generic.List[object]]::new()
Start-MigrationLab -HostCount 3 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
$accelerator = (Get-MigrationLab -Path $LabPath).Accelerator
$failed = $true
try {
    foreach ($g in $guests) { New-MigrationLabVM -HostName lab1 @g | Out-Null }
    Start-Sleep -Seconds 3
    $runs = [ordered]@{
        'ours (Invoke-HostEvacuation)' = { Measure-Ours }
        'one at a time (Nova default)' = { Measure-FixedPolicy 1 }
        'two at a time (Hyper-V default)' = { Measure-FixedPolicy 2 }
        'all at once' = { Measure-FixedPolicy 6 }
    }
    foreach ($name in $runs.Keys) {
        Reset-Guests
        $run = & $runs[$name]
        if ($name -like 'ours*') { $predictions = @(Get-PredictionError $run.Results) }
        $ok = @($run.Results | Where-Object Status -eq 'Succeeded')
        $rows.Add([pscustomobject]@{
                Policy = $name; MakespanSec = [Math]::Round($run.Seconds, 1); RatioToFloor = [Math]::Round($run.Seconds / $floorSec, 2)
                WorstDowntimeMs = ($ok | Measure-Object DowntimeMs -Maximum).Maximum; OverLimit = @($ok | Where-Object DowntimeMs -gt $MaxDowntimeMs).Count
                Failures = 6 - $ok.Count
            })
    }
    $rows.Add([pscustomobject]@{ Policy = 'floor (working sets / bandwidth)'; MakespanSec = [Math]::Round($floorSec, 1); RatioToFloor = 1; WorstDowntimeMs = $null; OverLimit = $null; Failures = $null })
    $failed = $false
}
finally {
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
    Remove-Item -Recurse -Force $env:VMMIGRATION_STATE_DIR -ErrorAction Ignore
}

$best = ($rows | Where-Object { $_.Policy -notlike 'ours*' -and $_.Policy -notlike 'floor*' -and $_.Failures -eq 0 } | Measure-Object MakespanSec -Minimum).Minimum
$ours = ($rows | Where-Object Policy -like 'ours*').MakespanSec
$table = $rows | Format-Table -AutoSize | Out-String -Width 200
$table | Out-Host
$predictionTable = $predictions | Format-Table -AutoSize | Out-String -Width 200
$predictionSummary = Format-PredictionSummary $predictions
$predictionTable | Out-Host
$predictionSummary | Out-Host
$verdict = if ($best) { 'ours / best fixed policy = {0:N2} (target <= 0.8); ours / floor = {1:N2} (target <= 1.2)' -f ($ours / $best), ($ours / $floorSec) } else { 'no fixed policy finished without failures' }
Write-Host $verdict
@(
    '# Host evacuation: ours vs fixed concurrency policies vs the floor'
    ''
    "Measured $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, accelerator $accelerator; six guests (working sets 16-128 MiB, dirty rates 0-8 MiB/s), shared cap $BandwidthMBps MiB/s, -MaxDowntimeMs $MaxDowntimeMs."
    ''
    '```'
    $table.Trim()
    '```'
    ''
    $verdict
    ''
    "Our moves' prediction (the convergence model at each move's share of the cap, made as it was started) against what happened. $predictionSummary"
    ''
    '```'
    $predictionTable.Trim()
    '```'
) | Set-Content $OutFile
