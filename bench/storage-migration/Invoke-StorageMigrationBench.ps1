<#
.SYNOPSIS
    Live storage migration on the lab: our Move-VMLive -DestinationStoragePool against `virsh blockcopy --wait --pivot`
    with libvirt's defaults, idle and under steady guest writes, in the same run, with the floor.
.DESCRIPTION
    One lab host with two directory pools (lab and fast) and a running guest whose -DiskSizeMB qcow2 disk holds data in
    its first half (New-MigrationLabVM -DiskSizeMB). Each measurement moves the disk lab -> fast and back, ours and
    virsh alternating, -Repeat times; the table shows the median. virsh needs --transient-job on a persistent guest
    (libvirt refuses a copy job there otherwise); it leaves the old file behind, which is removed untimed.
    The floor is the data bytes over the pools' throughput, measured with `qemu-img convert` of the same image between
    the same pools. Under writes, a writer puts steady writes through the guest's disk (QEMU's block layer, as a guest
    write would go) at a fraction of -BandwidthMBps, the copy cap both tools get; virsh is guarded by --timeout (a copy
    still not in sync then is cancelled: reported as not converged). Writes bench/results/storage-migration.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $DiskSizeMB = 2048,
    [int] $Repeat = 3,
    [int] $BandwidthMBps = 32,
    [double[]] $WriteRatios = @(0.5, 1.5),
    [int] $TimeoutSec = 240,
    [string] $LabPath = '/var/lib/vmmigration/bench-storage',
    [string] $OutFile = (Join-Path $PSScriptRoot '../results/storage-migration.md')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')
Import-Module (Join-Path $PSScriptRoot '../../tests/pester/LabWitness.psm1')
Import-Module (Join-Path $PSScriptRoot '../BenchTools.psm1')

$dataMB = [Math]::Max(1, [int][Math]::Floor($DiskSizeMB / 2))
$pools = @{ lab = "$LabPath/lab1/pool"; fast = "$LabPath/lab1/fast" }
$uri = Get-VirshUri $LabPath lab1

function Get-DiskPool { if ((Get-VirshDiskPaths $LabPath lab1 src)['vda'] -like "$($pools.fast)/*") { 'fast' } else { 'lab' } }

<# One move of the disk to the other pool by us; seconds, the switch pause and whether it finished. #>
function Move-Ours([int] $BandwidthMBps) {
    $to = if ((Get-DiskPool) -eq 'lab') { 'fast' } else { 'lab' }
    $result = $null
    $seconds = Measure-Seconds { $script:result = Move-VMLive -VM src -DestinationStoragePool $to -BandwidthMBps $BandwidthMBps -TimeoutSec $TimeoutSec -Confirm:$false -ErrorAction SilentlyContinue }
    [pscustomobject]@{ Seconds = $seconds; Converged = $script:result.Status -eq 'Succeeded'; PauseMs = $script:result.SwitchPauseMs; Detail = $script:result.Message }
}

<# One move of the disk to the other pool by virsh blockcopy with its defaults; the old file is removed afterwards, untimed. #>
function Move-Virsh([int] $BandwidthMBps) {
    $from = (Get-VirshDiskPaths $LabPath lab1 src)['vda']
    $to = if ((Get-DiskPool) -eq 'lab') { $pools.fast } else { $pools.lab }
    $arguments = @('-c', $uri, 'blockcopy', 'src', 'vda', "$to/src.qcow2", '--wait', '--pivot', '--transient-job', '--timeout', $TimeoutSec)
    if ($BandwidthMBps -gt 0) { $arguments += @('--bandwidth', $BandwidthMBps) }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $output = & virsh @arguments 2>&1
    $seconds = $clock.Elapsed.TotalSeconds
    $converged = $LASTEXITCODE -eq 0 -and (Get-VirshDiskPaths $LabPath lab1 src)['vda'] -eq "$to/src.qcow2"
    # The same move as ours ends with the old volume gone: timed apart, so both figures are shown.
    $cleanup = Measure-Seconds { if ($converged) { Invoke-Native virsh @('-c', $uri, 'vol-delete', $from) } else { Remove-Item "$to/src.qcow2" -ErrorAction Ignore } }
    foreach ($pool in 'lab', 'fast') { Invoke-Virsh $LabPath lab1 @('pool-refresh', $pool) | Out-Null }
    [pscustomobject]@{ Seconds = $seconds; WithCleanup = $seconds + $cleanup; Converged = $converged; PauseMs = $null; Detail = "$output".Trim() }
}

function Measure-Case([string] $Case, [double] $WriteRatio, [int] $Cap) {
    $ours = @(); $virsh = @()
    foreach ($i in 1..$Repeat) {
        # Who goes first alternates, so a warm page cache favours neither.
        $order = if ($i % 2) { 'ours', 'virsh' } else { 'virsh', 'ours' }
        foreach ($tool in $order) {
            $writer = $null
            if ($WriteRatio -gt 0) {
                # 4 MiB writes, paced to the rate, wrapping over the disk's second half (the data in the first stays as written).
                $interval = [int](4000 / ($WriteRatio * $Cap))
                $writer = Start-GuestDiskWriter $LabPath lab1 src -StartMB $dataMB -CountMB 1000000 -IntervalMs $interval -ChunkMB 4 -RegionMB ($DiskSizeMB - $dataMB)
                Start-Sleep -Seconds 1
            }
            try {
                $run = if ($tool -eq 'ours') { Move-Ours $Cap } else { Move-Virsh $Cap }
            }
            finally {
                $writes = if ($writer) { @(Stop-GuestDiskWriter $writer).Count } else { 0 }
            }
            $run | Add-Member WrittenMB ($writes * 4)
            if ($tool -eq 'ours') { $ours += $run } else { $virsh += $run }
            Write-Host ("  {0,-28} {1,-5} {2,7:N2} s converged={3} pause={4} ms written={5} MiB" -f $Case, $tool, $run.Seconds, $run.Converged, $run.PauseMs, $run.WrittenMB)
        }
    }
    [pscustomobject]@{ Case = $Case; WriteRatio = $WriteRatio; Cap = $Cap; Ours = $ours; Virsh = $virsh }
}

Start-MigrationLab -HostCount 1 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
$accelerator = (Get-MigrationLab -Path $LabPath).Accelerator
$failed = $true
try {
    New-Item -ItemType Directory $pools.fast -Force | Out-Null
    Invoke-Native virsh @('-c', $uri, 'pool-create-as', 'fast', 'dir', '--target', $pools.fast)
    New-MigrationLabVM -HostName lab1 -Name src -MemoryMB 64 -WorkingSetMB 8 -DiskSizeMB $DiskSizeMB -Confirm:$false | Out-Null

    # The floor: the same image between the same pools by qemu-img convert, which does nothing but move the data.
    $floor = Get-Median @(foreach ($i in 1..$Repeat) {
        $seconds = Measure-Seconds { Invoke-Native qemu-img @('convert', '-U', '-f', 'qcow2', '-O', 'qcow2', "$($pools.lab)/src.qcow2", "$($pools.fast)/floor.qcow2") }
        Remove-Item "$($pools.fast)/floor.qcow2"
        $seconds
    })
    $throughput = $dataMB / $floor

    $cases = @(Measure-Case 'idle, no cap' 0 0)
    foreach ($ratio in $WriteRatios) { $cases += Measure-Case "writes at $ratio x the cap" $ratio $BandwidthMBps }
    $failed = $false
}
finally {
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
}

$rows = foreach ($case in $cases) {
    $capFloor = if ($case.Cap -gt 0) { $dataMB / $case.Cap } else { $floor }
    $ourSeconds = Get-Median @($case.Ours | Where-Object Converged | ForEach-Object Seconds)
    $virshSeconds = Get-Median @($case.Virsh | Where-Object Converged | ForEach-Object Seconds)
    $virshMove = Get-Median @($case.Virsh | Where-Object Converged | ForEach-Object WithCleanup)
    $pauses = @($case.Ours | Where-Object { $null -ne $_.PauseMs } | ForEach-Object { [double]$_.PauseMs })
    [pscustomobject]@{
        Case = $case.Case
        'Cap (MiB/s)' = if ($case.Cap -gt 0) { $case.Cap } else { 'none' }
        'Ours converged' = '{0}/{1}' -f @($case.Ours | Where-Object Converged).Count, $case.Ours.Count
        'Ours (s)' = if ($ourSeconds) { '{0:N2}' -f $ourSeconds } else { '-' }
        'Ours max pause (ms)' = if ($pauses.Count) { ($pauses | Measure-Object -Maximum).Maximum } else { '-' }
        'virsh converged' = '{0}/{1}' -f @($case.Virsh | Where-Object Converged).Count, $case.Virsh.Count
        'virsh (s)' = if ($virshSeconds) { '{0:N2}' -f $virshSeconds } else { '-' }
        'virsh + vol-delete (s)' = if ($virshMove) { '{0:N2}' -f $virshMove } else { '-' }
        'Ratio to virsh + vol-delete' = if ($ourSeconds -and $virshMove) { '{0:N2}x' -f ($ourSeconds / $virshMove) } else { '-' }
        'Ratio to virsh alone' = if ($ourSeconds -and $virshSeconds) { '{0:N2}x' -f ($ourSeconds / $virshSeconds) } else { '-' }
        'Floor (s)' = '{0:N2}' -f $capFloor
        'Ours / floor' = if ($ourSeconds) { '{0:N2}x' -f ($ourSeconds / $capFloor) } else { '-' }
    }
}
$rows | Format-Table -AutoSize | Out-String -Width 240 | Write-Host

$columns = 'Case', 'Cap (MiB/s)', 'Ours converged', 'Ours (s)', 'Ours max pause (ms)', 'virsh converged', 'virsh (s)', 'virsh + vol-delete (s)', 'Ratio to virsh + vol-delete', 'Ratio to virsh alone', 'Floor (s)', 'Ours / floor'
$markdown = @(
    '# Live storage migration benchmark'
    ''
    "Run $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, accelerator $accelerator; a running guest's $DiskSizeMB MiB qcow2 disk with $dataMB MiB of data moved between two directory pools of one host; median of $Repeat runs of each tool (converged runs), ours and virsh alternating, each going first every other time."
    "Ours: ``Move-VMLive -DestinationStoragePool``; virsh: ``virsh blockcopy --wait --pivot --transient-job`` (libvirt's defaults otherwise; --transient-job because libvirt refuses a copy job on a persistent guest without it), ``--bandwidth`` and ``--timeout $TimeoutSec`` under writes. virsh leaves the old volume behind; ours removes it after the switch, so virsh is shown alone and with the ``virsh vol-delete`` that completes the same move."
    ('Floor: {0} MiB of data over the pools'' throughput measured by `qemu-img convert` between them ({1:N0} MiB/s, {2:N2} s); with a cap, data / cap.' -f $dataMB, $throughput, $floor)
    'Under writes, the writer puts 4 MiB writes through the guest''s disk (QEMU''s block layer) at the given fraction of the cap, into the disk''s second half (it reaches about 30 MiB/s at most here: each write is a virsh call). What the guest writes there before the copy passes is new data the copy must move too, so under writes the data / cap floor is a lower bound that no copy can reach.'
    'Pause: the longest time our switch onto the copy held the disk''s I/O, measured around the hypervisor call (an upper bound); the guest''s CPUs never stop.'
    ''
    ConvertTo-MarkdownTable $rows $columns
)
New-Item -ItemType Directory (Split-Path $OutFile) -Force | Out-Null
$markdown | Set-Content -Path $OutFile
Write-Host "Wrote $OutFile"
