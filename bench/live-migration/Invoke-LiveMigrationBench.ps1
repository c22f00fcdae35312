<#
.SYNOPSIS
    Live-migration sweep on the lab: our Move-VMLive -Strategy Auto (encrypted: the lab's hosts have certificates)
    against `virsh migrate --live` with libvirt's defaults, under one bandwidth cap, at dirty-rate/bandwidth ratios 0,
    0.5, 0.9, 1.5 and 3, with the physical floor; -CompareEncryption adds both tools in the clear and over TLS.
.DESCRIPTION
    For each ratio a fresh guest (working set -WorkingSetMB, paced to ratio x -BandwidthMBps) is migrated lab1 -> lab2 by
    us, then a second fresh guest of the same spec lab1 -> lab2 by virsh, guarded by --timeout so that it ends (a guest
    still iterating at the timeout is suspended by virsh: reported as not converged). The floor is the bytes that must
    move (the working set) over the bandwidth. Guest slowdown compares the guest's page-write rate during the move with
    its rate before (read from the guest header through QEMU's monitor). Writes bench/results/live-migration.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $BandwidthMBps = 100,
    [int] $WorkingSetMB = 1024,
    [double[]] $Ratios = @(0, 0.5, 0.9, 1.5, 3),
    [int] $MaxDowntimeMs = 300,
    [int] $TimeoutSec = 120,
    # Runs ours with post-copy permitted (Auto then takes that step when pre-copy cannot finish in time).
    [switch] $AllowPostCopy,
    # Adds, per ratio, our move in the clear (-Encryption None) and virsh migrate --tls beside the encrypted default, and
    # a table of what TLS costs us (target: encrypted within 1.15x of plain on the idle and 0.5 rows).
    [switch] $CompareEncryption,
    [string] $LabPath = '/var/lib/vmmigration/bench-live',
    [string] $OutFile = (Join-Path $PSScriptRoot '../results/live-migration.md')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')
Import-Module (Join-Path $PSScriptRoot '../../tests/pester/LabWitness.psm1')
Import-Module (Join-Path $PSScriptRoot '../BenchTools.psm1')

function Get-PagesWritten([string] $HostName, [string] $VMName) {
    $answer = Invoke-Virsh $LabPath $HostName @('qemu-monitor-command', $VMName, '--hmp', 'xp /1gx 0x200038')
    if ($answer.ExitCode) { return $null }
    [Convert]::ToUInt64(([regex]::Match($answer.Output, '0x([0-9a-fA-F]{16})')).Groups[1].Value, 16)
}

function New-BenchGuest([string] $Name, [int] $RateMBps) {
    New-MigrationLabVM -HostName lab1 -Name $Name -MemoryMB ($WorkingSetMB + 128) -WorkingSetMB $WorkingSetMB -DirtyRateMBps $RateMBps -Confirm:$false | Out-Null
    # Let the guest write its first pass and settle into its pace before measuring.
    Start-Sleep -Seconds ([Math]::Max(4, [int]($WorkingSetMB / 256)))
    $a = Get-PagesWritten lab1 $Name; $t = [Diagnostics.Stopwatch]::StartNew(); Start-Sleep -Seconds 2
    $b = Get-PagesWritten lab1 $Name
    [pscustomobject]@{ PagesPerSec = ($b - $a) / $t.Elapsed.TotalSeconds; PagesAtStart = $b }
}

function Measure-Slowdown($Before, [string] $Destination, [string] $Name, [double] $Seconds) {
    if ($Before.PagesPerSec -le 0) { return 'n/a (idle guest)' }
    $after = Get-PagesWritten $Destination $Name
    if ($null -eq $after -or $Seconds -le 0) { return 'n/a' }
    $during = ($after - $Before.PagesAtStart) / $Seconds
    '{0:P0}' -f [Math]::Max(0, 1 - $during / $Before.PagesPerSec)
}

function Remove-BenchGuest([string] $Name) {
    foreach ($h in 'lab1', 'lab2') { & virsh -c (Get-VirshUri $LabPath $h) destroy $Name 2>&1 | Out-Null; & virsh -c (Get-VirshUri $LabPath $h) undefine $Name 2>&1 | Out-Null }
}

# One move of a fresh guest by Move-VMLive -Strategy Auto; -Encryption Auto is TLS on the lab (every host has certificates).
function Measure-OursMove([double] $Ratio, [int] $Rate, [double] $FloorSec, [string] $Encryption) {
    $name = "ours-$($Encryption.ToLowerInvariant())-$($Ratio -replace '\.', '_')"
    $before = New-BenchGuest $name $Rate
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $result = Move-VMLive -VM $name -Destination lab2 -Strategy Auto -BandwidthMBps $BandwidthMBps -MaxDowntimeMs $MaxDowntimeMs -TimeoutSec $TimeoutSec -AllowPostCopy:$AllowPostCopy -Encryption $Encryption -Confirm:$false -ErrorAction SilentlyContinue
    $wall = $clock.Elapsed.TotalSeconds
    $row = [pscustomobject]@{
        Ratio = $Ratio; Method = "ours (Auto$(if ($AllowPostCopy) { ' -AllowPostCopy' })$(if ($Encryption -eq 'None') { ', -Encryption None' }))"; Wire = $(if ($result.Encrypted) { 'TLS' } else { 'clear' })
        Converged = ($result.Status -eq 'Succeeded'); TotalSec = [Math]::Round($wall, 1)
        DowntimeMs = $result.DowntimeMs; MovedMiB = [Math]::Round($result.TransferredBytes / 1MB); RatioToFloor = [Math]::Round($wall / $FloorSec, 2)
        Slowdown = (Measure-Slowdown $before $result.RunningOn $name $wall); Notes = (($result.Escalations | ForEach-Object Action) -join ',') + " throttle<=$($result.MaxThrottlePercent)%"
    }
    Remove-BenchGuest $name
    $predictions.AddRange(@(Get-PredictionError @($result) -Label "ratio $Ratio, $Encryption"))
    $row
}

# One move of a fresh guest by virsh migrate --live with libvirt's defaults (and --tls when asked), ended by --timeout.
function Measure-VirshMove([double] $Ratio, [int] $Rate, [double] $FloorSec, [switch] $Tls) {
    $name = "virsh-$(if ($Tls) { 'tls-' })$($Ratio -replace '\.', '_')"
    $before = New-BenchGuest $name $Rate
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $flags = @('--live', '--p2p', '--persistent', '--undefinesource') + $(if ($Tls) { @('--tls') } else { @() })
    $output = & virsh -c (Get-VirshUri $LabPath 'lab1') migrate @flags --bandwidth $BandwidthMBps --timeout $TimeoutSec `
        $name (Get-VirshUri $LabPath 'lab2') 'tcp://127.0.0.1' 2>&1
    $wall = $clock.Elapsed.TotalSeconds
    $ok = $LASTEXITCODE -eq 0
    $stats = (& virsh -c (Get-VirshUri $LabPath 'lab2') domjobinfo $name --completed 2>&1) -join "`n"
    $downtime = if ($stats -match 'Total downtime:\s+(\d+)') { [int]$Matches[1] } else { $null }
    $moved = if ($stats -match 'Memory processed:\s+([\d.]+) (\w+)') { "$($Matches[1]) $($Matches[2])" } else { 'n/a' }
    $converged = $ok -and $wall -lt $TimeoutSec
    $row = [pscustomobject]@{
        Ratio = $Ratio; Method = "virsh migrate $($flags[0])$(if ($Tls) { ' --tls' })"; Wire = $(if ($Tls) { 'TLS' } else { 'clear' }); Converged = $converged; TotalSec = [Math]::Round($wall, 1)
        DowntimeMs = $downtime; MovedMiB = $moved; RatioToFloor = [Math]::Round($wall / $FloorSec, 2)
        Slowdown = (Measure-Slowdown $before 'lab2' $name $wall); Notes = if (-not $ok) { "$output" } elseif (-not $converged) { 'suspended at --timeout' } else { '' }
    }
    Remove-BenchGuest $name
    $row
}

$rows = [System.Collections.Generic.List[object]]::new()
$tlsCost = [System.Collections.Generic.List[object]]::new()
$predictions = [System.Collections.Generic.List[object]]::new()
Start-MigrationLab -HostCount 2 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
$accelerator = (Get-MigrationLab -Path $LabPath).Accelerator
$failed = $true
try {
    foreach ($ratio in $Ratios) {
        $rate = [int][Math]::Round($ratio * $BandwidthMBps)
        $floorSec = $WorkingSetMB / $BandwidthMBps
        $oursTls = Measure-OursMove $ratio $rate $floorSec 'Auto'
        $rows.Add($oursTls)
        if ($CompareEncryption) {
            $oursClear = Measure-OursMove $ratio $rate $floorSec 'None'
            $rows.Add($oursClear)
            $tlsCost.Add([pscustomobject]@{ Ratio = $ratio; OursTlsSec = $oursTls.TotalSec; OursClearSec = $oursClear.TotalSec
                    TlsOverClear = [Math]::Round($oursTls.TotalSec / $oursClear.TotalSec, 2); Target = '<= 1.15' })
        }
        $rows.Add((Measure-VirshMove $ratio $rate $floorSec -Tls:$false))
        if ($CompareEncryption) { $rows.Add((Measure-VirshMove $ratio $rate $floorSec -Tls)) }
        $rows.Add([pscustomobject]@{
                Ratio = $ratio; Method = 'floor (working set / bandwidth)'; Wire = ''; Converged = $null; TotalSec = [Math]::Round($floorSec, 1)
                DowntimeMs = $null; MovedMiB = $WorkingSetMB; RatioToFloor = 1; Slowdown = ''; Notes = ''
            })
    }
    $failed = $false
}
finally {
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
}

$table = $rows | Format-Table Ratio, Method, Wire, Converged, TotalSec, DowntimeMs, MovedMiB, RatioToFloor, Slowdown, Notes -AutoSize | Out-String -Width 250
$table | Out-Host
$costTable = if ($tlsCost.Count) { $tlsCost | Format-Table -AutoSize | Out-String -Width 200 } else { '' }
if ($costTable) { $costTable | Out-Host }
$predictionTable = $predictions | Format-Table -AutoSize | Out-String -Width 200
$predictionSummary = Format-PredictionSummary $predictions
$predictionTable | Out-Host
$predictionSummary | Out-Host
$header = @(
    "# Live migration: ours vs virsh migrate --live vs the floor"
    ''
    "Measured $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, accelerator $accelerator; bandwidth cap $BandwidthMBps MiB/s, working set $WorkingSetMB MiB, -MaxDowntimeMs $MaxDowntimeMs, timeout $TimeoutSec s."
    'Ratio = guest dirty rate / bandwidth. TotalSec is the whole command as a caller sees it. RatioToFloor = TotalSec / floor.'
    ''
    '```'
    $table.Trim()
    '```'
    if ($costTable) {
        ''
        'What TLS costs our move: the encrypted default over the same move in the clear (-Encryption None), same run.'
        ''
        '```'
        $costTable.Trim()
        '```'
    }
    ''
    "Our moves' prediction (the convergence model, made before each move from the VM's memory, the dirty rate measured just before and the bandwidth cap) against what happened. $predictionSummary"
    ''
    '```'
    $predictionTable.Trim()
    '```'
)
$header | Set-Content $OutFile
