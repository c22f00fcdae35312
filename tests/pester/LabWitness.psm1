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

Export-ModuleMember -Function Get-VirshUri, Invoke-Virsh, Get-VirshDomainState, Get-VirshGuestCounters
