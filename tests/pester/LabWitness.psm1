<#
.SYNOPSIS
    Independent witnesses for the Pester tests: what virsh (not the module) says about the lab's hosts and guests.
#>

function Get-VirshUri([string] $LabPath, [string] $HostName) {
    "qemu+unix:///system?socket=$LabPath/$HostName/run/libvirt-sock"
}

function Invoke-Virsh([string] $LabPath, [string] $HostName, [string[]] $Arguments) {
    $output = & virsh -c (Get-VirshUri $LabPath $HostName) @Arguments 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String).Trim() }
}

<# The VM's state on a host as virsh sees it: 'running', 'shut off', 'paused' ... or $null when not defined there. #>
function Get-VirshDomainState([string] $LabPath, [string] $HostName, [string] $VMName) {
    $answer = Invoke-Virsh $LabPath $HostName @('domstate', $VMName)
    if ($answer.ExitCode -ne 0) { return $null }
    $answer.Output
}

<# The guest's pass and heartbeat counters read through QEMU's monitor (xp at the lab header), not through the module. #>
function Get-VirshGuestCounters([string] $LabPath, [string] $HostName, [string] $VMName) {
    $answer = Invoke-Virsh $LabPath $HostName @('qemu-monitor-command', $VMName, '--hmp', 'xp /2gx 0x200028')
    if ($answer.ExitCode -ne 0) { throw "virsh could not read the guest header: $($answer.Output)" }
    $words = [regex]::Matches($answer.Output, '0x[0-9a-fA-F]{16}') | ForEach-Object { [Convert]::ToUInt64($_.Value.Substring(2), 16) }
    [pscustomobject]@{ Pass = $words[0]; Heartbeat = $words[1] }
}

<# The pid of the QEMU process running (or receiving) a guest on one lab host, from that host's own pid file. #>
function Get-LabQemuPid([string] $LabPath, [string] $HostName, [string] $VMName) {
    $pidFile = "$LabPath/$HostName/run/qemu/$VMName.pid"
    if (-not (Test-Path $pidFile)) { return $null }
    $text = (Get-Content $pidFile -Raw -ErrorAction Ignore)
    if (-not $text) { return $null }
    [int]$text.Trim()
}

<# Waits until the destination has started receiving the guest (its incoming QEMU exists), then a little longer. #>
function Wait-IncomingMigration([string] $LabPath, [string] $Destination, [string] $VMName, [int] $TimeoutSec = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $qemu = Get-LabQemuPid $LabPath $Destination $VMName
        if ($qemu -and (Test-Path "/proc/$qemu")) { return $qemu }
        Start-Sleep -Milliseconds 200
    }
    throw "No incoming migration of '$VMName' appeared on '$Destination' within $TimeoutSec s."
}

<# Whether the migration of -VMName from -Source has sent memory already (its job on the source has processed data). #>
function Test-MigrationDataFlowing([string] $LabPath, [string] $Source, [string] $VMName) {
    (Invoke-Virsh $LabPath $Source @('domjobinfo', $VMName)).Output -match 'Data processed:\s+[1-9]'
}

<#
Waits until the migration of -VMName from -Source sends memory: past the stream's set-up, where a fault on the
destination is a different case (the source's QEMU may then block its monitor while it writes the stream's first bytes).
#>
function Wait-MigrationDataFlowing([string] $LabPath, [string] $Source, [string] $VMName, [int] $TimeoutSec = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (Test-MigrationDataFlowing $LabPath $Source $VMName) { return }
        Start-Sleep -Milliseconds 200
    }
    throw "The migration of '$VMName' from '$Source' sent no memory within $TimeoutSec s."
}

<# Asserts the one rule that matters after any fault: the VM runs on exactly one host and is defined on exactly one. #>
function Get-VirshPlacement([string] $LabPath, [string[]] $HostNames, [string] $VMName) {
    $HostNames | ForEach-Object {
        [pscustomobject]@{ Host = $_; State = (Get-VirshDomainState $LabPath $_ $VMName) }
    } | Where-Object State
}

<# The volume names in a pool of a lab host, as virsh lists them after a refresh. #>
function Get-VirshPoolVolumes([string] $LabPath, [string] $HostName, [string] $Pool = 'lab') {
    Invoke-Virsh $LabPath $HostName @('pool-refresh', $Pool) | Out-Null
    # virsh 9.0's vol-list has no --name: the first column of the rows below the header.
    (Invoke-Virsh $LabPath $HostName @('vol-list', $Pool)).Output -split "`n" | Select-Object -Skip 2 |
        ForEach-Object { ($_.Trim() -split '\s+')[0] } | Where-Object { $_ } | Sort-Object
}

<# The file behind each disk of a guest, from virsh domblklist: target -> path. #>
function Get-VirshDiskPaths([string] $LabPath, [string] $HostName, [string] $VMName) {
    $answer = Invoke-Virsh $LabPath $HostName @('domblklist', $VMName)
    if ($answer.ExitCode -ne 0) { throw "virsh domblklist failed: $($answer.Output)" }
    $paths = [ordered]@{}
    foreach ($line in ($answer.Output -split "`n" | Select-Object -Skip 2)) {
        $fields = $line.Trim() -split '\s+', 2
        if ($fields.Count -eq 2) { $paths[$fields[0]] = $fields[1] }
    }
    $paths
}

<#
    Starts writing a known pattern into a running guest's first disk through QEMU's own block layer (qemu-io on the guest's
    disk device, the path a guest write takes, so a running copy mirrors it). Write i puts -ChunkMB MiB of byte
    (0x40 + i % 64) at MiB -StartMB + (i * ChunkMB) % RegionMB, one write every -IntervalMs (paced against the clock, so
    the rate holds however long a write takes, as far as the host keeps up). Stop-GuestDiskWriter says which writes landed.
#>
function Start-GuestDiskWriter([string] $LabPath, [string] $HostName, [string] $VMName, [int] $StartMB, [int] $CountMB, [int] $IntervalMs,
    [int] $ChunkMB = 1, [int] $RegionMB = 0) {
    if ($RegionMB -le 0) { $RegionMB = $CountMB * $ChunkMB }
    $log = [IO.Path]::GetTempFileName()
    $script = @'
uri=$1; vm=$2; start=$3; count=$4; interval_ms=$5; chunk=$6; region=$7; log=$8
device=$(virsh -c "$uri" qemu-monitor-command "$vm" --hmp 'info block' | sed -n 's/^ *Attached to: *//p' | head -n1 | tr -d '\r')
began=$(date +%s%N)
for i in $(seq 0 $((count - 1))); do
  byte=$(printf '0x%02x' $((0x40 + i % 64)))
  offset=$((start + (i * chunk) % region))
  virsh -c "$uri" qemu-monitor-command "$vm" --hmp "qemu-io -d $device \"write -P $byte ${offset}M ${chunk}M\"" >/dev/null && echo $i >> "$log"
  wait_ms=$(( (began + (i + 1) * interval_ms * 1000000 - $(date +%s%N)) / 1000000 ))
  [ $wait_ms -gt 0 ] && sleep $(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))
done
'@
    $start = [Diagnostics.ProcessStartInfo]::new('bash')
    foreach ($argument in @('-c', $script, 'writer', (Get-VirshUri $LabPath $HostName), $VMName, $StartMB, $CountMB, $IntervalMs, $ChunkMB, $RegionMB, $log)) {
        $start.ArgumentList.Add([string]$argument)
    }
    $process = [Diagnostics.Process]::Start($start)
    [pscustomobject]@{ Process = $process; Log = $log; StartMB = $StartMB }
}

function Stop-GuestDiskWriter($Writer) {
    if (-not $Writer.Process.HasExited) { $Writer.Process.Kill($true) }
    $Writer.Process.WaitForExit()
    $written = @(Get-Content $Writer.Log -ErrorAction Ignore | ForEach-Object { [int]$_ })
    Remove-Item $Writer.Log -ErrorAction Ignore
    $written
}

<#
    Checks a disk file (opened read-only, shared with a running QEMU) against expected MiB patterns: each item is
    @{ MB = offset; Byte = pattern }. Returns the MiB that do not match.
#>
function Test-DiskPattern([string] $Path, [string] $Format, [object[]] $Expected) {
    $bad = @()
    # One qemu-io process reads many MiB; a command per MiB says which one fails.
    for ($start = 0; $start -lt $Expected.Count; $start += 200) {
        $batch = $Expected[$start..([Math]::Min($Expected.Count, $start + 200) - 1)]
        $commands = $batch | ForEach-Object { '-c'; ('read -P 0x{0:x2} {1}M 1M' -f $_.Byte, $_.MB) }
        $output = & qemu-io -r -U -f $Format @commands $Path 2>&1
        foreach ($line in $output) {
            if ("$line" -match 'Pattern verification failed at offset (\d+)') { $bad += [long]$Matches[1] / 1MB }
        }
    }
    $bad
}

Export-ModuleMember -Function Get-VirshUri, Invoke-Virsh, Get-VirshDomainState, Get-VirshGuestCounters, Get-LabQemuPid, Wait-IncomingMigration, Test-MigrationDataFlowing, Wait-MigrationDataFlowing, Get-VirshPlacement,
    Get-VirshPoolVolumes, Get-VirshDiskPaths, Start-GuestDiskWriter, Stop-GuestDiskWriter, Test-DiskPattern
