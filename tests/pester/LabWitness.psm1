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

<# Asserts the one rule that matters after any fault: the VM runs on exactly one host and is defined on exactly one. #>
function Get-VirshPlacement([string] $LabPath, [string[]] $HostNames, [string] $VMName) {
    $HostNames | ForEach-Object {
        [pscustomobject]@{ Host = $_; State = (Get-VirshDomainState $LabPath $_ $VMName) }
    } | Where-Object State
}

Export-ModuleMember -Function Get-VirshUri, Invoke-Virsh, Get-VirshDomainState, Get-VirshGuestCounters, Get-LabQemuPid, Wait-IncomingMigration, Get-VirshPlacement
