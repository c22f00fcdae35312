<#
.SYNOPSIS
    Clone benchmark on the lab: our full clone against `qemu-img convert` of the same disk (and virt-clone when it is
    installed) in the same run, and our linked clone against `qemu-img create -b`, with a floor for each.
.DESCRIPTION
    The source is a lab guest with a 2 GiB qcow2 disk whose first 1 GiB holds data (New-MigrationLabVM -DiskSizeMB 2048),
    shut off. Each measurement runs -Repeat times, alternating ours and the baselines so the page cache favours neither;
    the table shows the median. Times are wall-clock around the whole command (ours includes the identity survey of the
    connected hosts and defining the VM). Floors: for a copy, `cp --sparse=always` of the image file (bytes moved, no
    format work); for an overlay, `qemu-img create -b`. Also measured: a clone of the running source (disks frozen under
    overlays, copied, merged back) and a clone to the other host (streamed). Writes bench/results/clone.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $DiskSizeMB = 2048,
    [int] $Repeat = 3,
    [string] $LabPath = '/var/lib/vmmigration/bench-clone',
    [string] $OutFile = (Join-Path $PSScriptRoot '../results/clone.md')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')
Import-Module (Join-Path $PSScriptRoot '../../tests/pester/LabWitness.psm1')
Import-Module (Join-Path $PSScriptRoot '../BenchTools.psm1')

function Remove-Clone([string] $HostName, [string] $Name) {
    Invoke-Virsh $LabPath $HostName @('destroy', $Name) | Out-Null
    Invoke-Virsh $LabPath $HostName @('undefine', $Name, '--remove-all-storage') | Out-Null
}

Start-MigrationLab -HostCount 2 -Path $LabPath -WarningAction SilentlyContinue | Out-Null
$accelerator = (Get-MigrationLab -Path $LabPath).Accelerator
$pool = "$LabPath/lab1/pool"
$uri = Get-VirshUri $LabPath lab1
$virtClone = (Get-Command virt-clone -ErrorAction Ignore).Source
$failed = $true
try {
    New-MigrationLabVM -HostName lab1 -Name src -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB $DiskSizeMB -Confirm:$false | Out-Null
    $source = "$pool/src.qcow2"
    $dataMB = [Math]::Max(1, [int][Math]::Floor($DiskSizeMB / 2))

    # The running source first: frozen under overlays, copied by its host, merged back.
    $running = @(foreach ($i in 1..$Repeat) {
        $clone = $null
        $seconds = Measure-Seconds { $script:clone = Copy-VMClone -VM src -Name "run$i" -Confirm:$false }
        [pscustomobject]@{ Seconds = $seconds; PausedMs = $script:clone.SourcePausedMs }
        Remove-Clone lab1 "run$i"
    })
    Invoke-Virsh $LabPath lab1 @('destroy', 'src') | Out-Null

    $virshStream = @(); $ours = @(); $convert = @(); $copyFloor = @(); $virt = @(); $remote = @(); $linked = @(); $overlay = @()
    foreach ($i in 1..$Repeat) {
        $convert += Measure-Seconds { Invoke-Native qemu-img @('convert', '-f', 'qcow2', '-O', 'qcow2', '-o', 'compat=1.1', $source, "$pool/convert$i.qcow2") }
        Remove-Item "$pool/convert$i.qcow2"
        $ours += Measure-Seconds { Copy-VMClone -VM src -Name "full$i" -Confirm:$false }
        Remove-Clone lab1 "full$i"
        $copyFloor += Measure-Seconds { Invoke-Native cp @('--sparse=always', $source, "$pool/cp$i.qcow2") }
        Remove-Item "$pool/cp$i.qcow2"
        if ($virtClone) {
            $virt += Measure-Seconds { Invoke-Native $virtClone @('--connect', $uri, '--original', 'src', '--name', "virt$i", '--auto-clone') }
            Remove-Clone lab1 "virt$i"
        }
        $remote += Measure-Seconds { Copy-VMClone -VM src -Name "remote$i" -Destination lab2 -Confirm:$false }
        Remove-Clone lab2 "remote$i"
        # libvirt's own streaming through virsh: download to a file, upload from it (two passes; our stream pipes one into the other).
        $uri2 = Get-VirshUri $LabPath lab2
        $virshStream += Measure-Seconds {
            Invoke-Native virsh @('-c', $uri, 'vol-download', '--sparse', '--pool', 'lab', 'src.qcow2', "/var/tmp/clone-bench-$PID.qcow2")
            Invoke-Native virsh @('-c', $uri2, 'vol-create-as', 'lab', "virsh$i.qcow2", ((Get-Item "/var/tmp/clone-bench-$PID.qcow2").Length), '--allocation', '0', '--format', 'raw')
            Invoke-Native virsh @('-c', $uri2, 'vol-upload', '--sparse', '--pool', 'lab', "virsh$i.qcow2", "/var/tmp/clone-bench-$PID.qcow2")
        }
        Remove-Item "/var/tmp/clone-bench-$PID.qcow2"
        Invoke-Virsh $LabPath lab2 @('vol-delete', '--pool', 'lab', "virsh$i.qcow2") | Out-Null
        $overlay += Measure-Seconds { Invoke-Native qemu-img @('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', $source, "$pool/overlay$i.qcow2") }
        Remove-Item "$pool/overlay$i.qcow2"
    }
    # A linked clone of a running parent: the parent moves onto a new overlay for good (each clone adds one to its chain).
    New-MigrationLabVM -HostName lab1 -Name srclive -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB $DiskSizeMB -Confirm:$false | Out-Null
    $linkedRunning = @(foreach ($i in 1..$Repeat) {
        $seconds = Measure-Seconds { $script:clone = Copy-VMClone -VM srclive -Name "live$i" -Linked -Confirm:$false }
        [pscustomobject]@{ Seconds = $seconds; PausedMs = $script:clone.SourcePausedMs }
    })
    # The same by hand: virsh's atomic disk-only snapshot of the running guest, then an overlay of the frozen file.
    New-MigrationLabVM -HostName lab1 -Name srchand -MemoryMB 32 -WorkingSetMB 4 -DiskSizeMB $DiskSizeMB -Confirm:$false | Out-Null
    $frozen = "$pool/srchand.qcow2"
    $byHand = @(foreach ($i in 1..$Repeat) {
        $top = "$pool/srchand.hand$i.qcow2"
        Measure-Seconds {
            Invoke-Native virsh @('-c', $uri, 'snapshot-create-as', 'srchand', "hand$i", '--disk-only', '--atomic', '--no-metadata', '--diskspec', "vda,file=$top")
            Invoke-Native qemu-img @('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', $frozen, "$pool/hand$i.qcow2")
        }
        $frozen = $top
    })

    # Linked clones last: the first one makes src a protected parent for good.
    foreach ($i in 1..$Repeat) {
        $linked += Measure-Seconds { Copy-VMClone -VM src -Name "linked$i" -Linked -Confirm:$false }
    }
    $failed = $false
}
finally {
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
}

$full = Get-Median $ours; $base = Get-Median $convert; $floor = Get-Median $copyFloor
$rows = @(
    [pscustomobject]@{ Operation = 'full clone, stopped source, same host'; Ours = $full; Baseline = 'qemu-img convert'; BaselineSec = $base; Floor = $floor; Target = '<= 1.1x' }
    if ($virtClone) { [pscustomobject]@{ Operation = 'full clone, stopped source, same host'; Ours = $full; Baseline = 'virt-clone'; BaselineSec = (Get-Median $virt); Floor = $floor; Target = '' } }
    [pscustomobject]@{ Operation = 'full clone, stopped source, other host (streamed)'; Ours = (Get-Median $remote); Baseline = 'qemu-img convert'; BaselineSec = $base; Floor = $floor; Target = '' }
    [pscustomobject]@{ Operation = 'full clone, stopped source, other host (streamed)'; Ours = (Get-Median $remote); Baseline = 'virsh vol-download + vol-upload'; BaselineSec = (Get-Median $virshStream); Floor = $floor; Target = '' }
    [pscustomobject]@{ Operation = 'full clone, running source, same host (frozen, merged back)'; Ours = (Get-Median $running.Seconds); Baseline = 'qemu-img convert'; BaselineSec = $base; Floor = $floor; Target = '' }
    [pscustomobject]@{ Operation = 'linked clone'; Ours = (Get-Median $linked); Baseline = 'qemu-img create -b'; BaselineSec = (Get-Median $overlay); Floor = (Get-Median $overlay); Target = '< 1 s' }
    [pscustomobject]@{ Operation = 'linked clone, running parent (runs on, on a new overlay)'; Ours = (Get-Median $linkedRunning.Seconds); Baseline = 'virsh snapshot-create-as --disk-only + qemu-img create -b'; BaselineSec = (Get-Median $byHand); Floor = (Get-Median $overlay); Target = '< 1 s' }
) | ForEach-Object {
    [pscustomobject]@{
        Operation = $_.Operation
        'Ours (s)' = '{0:N2}' -f $_.Ours
        Baseline = $_.Baseline
        'Baseline (s)' = '{0:N2}' -f $_.BaselineSec
        Ratio = '{0:N2}x' -f ($_.Ours / $_.BaselineSec)
        'Floor (s)' = '{0:N2}' -f $_.Floor
        Target = $_.Target
    }
}
$pause = Get-Median ($running.PausedMs | ForEach-Object { [double]$_ })
$linkedPause = Get-Median ($linkedRunning.PausedMs | ForEach-Object { [double]$_ })
$rows | Format-Table -AutoSize | Out-String | Write-Host
Write-Host "Running source: the switch onto overlays took a median $pause ms per clone. Running parent of a linked clone: its switch onto its new overlay took a median $linkedPause ms. virt-clone: $(if ($virtClone) { $virtClone } else { 'not installed' })."

$columns = 'Operation', 'Ours (s)', 'Baseline', 'Baseline (s)', 'Ratio', 'Floor (s)', 'Target'
$markdown = @(
    '# Clone benchmark'
    ''
    "Run $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, accelerator $accelerator; a $DiskSizeMB MiB qcow2 disk with $dataMB MiB of data; median of $Repeat runs, ours and baselines alternating."
    'Floor for a copy: `cp --sparse=always` of the image file; for a linked clone: `qemu-img create -b`.'
    ''
    ConvertTo-MarkdownTable $rows $columns
    ''
    "Running source: switching its disks onto temporary overlays (QEMU pauses the guest within it) took a median $pause ms per clone; it kept running during the copy."
    "Running parent of a linked clone: switching it onto its new overlay for good took a median $linkedPause ms per clone; it kept running."
    "virt-clone: $(if ($virtClone) { $virtClone } else { 'not installed (apt-get install virtinst failed or was not run)' })."
)
New-Item -ItemType Directory (Split-Path $OutFile) -Force | Out-Null
$markdown | Set-Content -Path $OutFile
Write-Host "Wrote $OutFile"
