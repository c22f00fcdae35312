<#
.SYNOPSIS
    Listing every VM of a 12-host lab (24 idle guests) with Get-MigrationVM: all hosts answering, then one host frozen
    (its libvirtd stopped with SIGSTOP). Baseline in the same run: virsh, one host after another, as a hand loop does.
.DESCRIPTION
    One silent host must never stall the rest: ours asks every host at once, each call within the session's call limit
    (15 s by default), so a frozen host costs the limit once, not a hang. virsh has no such limit (it waits on libvirt's
    keepalive), so its loop over a frozen host is cut at -VirshTimeoutSec by `timeout`. The floor for the answering case
    is the slowest single host's own answer. Writes bench/results/inventory.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $HostCount = 12,
    [int] $GuestsPerHost = 2,
    [int] $Repeat = 3,
    [int] $VirshTimeoutSec = 60,
    [string] $LabPath = '/var/lib/vmmigration/bench-inventory',
    [string] $OutFile = (Join-Path $PSScriptRoot '../results/inventory.md')
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../../docs/tools/LabScript.psm1')
Import-Module (Join-Path $PSScriptRoot '../../tests/pester/LabWitness.psm1')
Import-Module (Join-Path $PSScriptRoot '../BenchTools.psm1')

$hostNames = 1..$HostCount | ForEach-Object { "lab$_" }

function Measure-VirshLoop([int] $TimeoutSec) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $listed = 0
    foreach ($name in $hostNames) {
        $output = & timeout $TimeoutSec virsh -c (Get-VirshUri $LabPath $name) list --all --name 2>$null
        $listed += @($output | Where-Object { "$_".Trim() }).Count
    }
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Listed = $listed }
}

function Measure-Ours {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $vms = @(Get-MigrationVM -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
    [pscustomobject]@{ Seconds = $clock.Elapsed.TotalSeconds; Listed = $vms.Count }
}

Start-MigrationLab -HostCount $HostCount -Path $LabPath -WarningAction SilentlyContinue | Out-Null
$accelerator = (Get-MigrationLab -Path $LabPath).Accelerator
$frozenPid = $null
$failed = $true
try {
    foreach ($name in $hostNames) {
        foreach ($i in 1..$GuestsPerHost) { New-MigrationLabVM -HostName $name -Name "$name-g$i" -MemoryMB 32 -WorkingSetMB 4 -Confirm:$false | Out-Null }
    }
    $expected = $HostCount * $GuestsPerHost
    Measure-Ours | Out-Null # the first call warms the connections up

    $answering = foreach ($i in 1..$Repeat) { [pscustomobject]@{ Ours = Measure-Ours; Virsh = Measure-VirshLoop $VirshTimeoutSec } }
    $floor = Get-Median @(foreach ($i in 1..$Repeat) {
        ($hostNames | ForEach-Object { Measure-Seconds { & virsh -c (Get-VirshUri $LabPath $_) list --all --name } } | Measure-Object -Maximum).Maximum
    })

    $frozenPid = ((Get-MigrationLab -Path $LabPath).Hosts | Where-Object Name -eq "lab$HostCount").Pid
    & kill -STOP $frozenPid
    $frozen = foreach ($i in 1..$Repeat) { [pscustomobject]@{ Ours = Measure-Ours; Virsh = Measure-VirshLoop $VirshTimeoutSec } }
    & kill -CONT $frozenPid
    $frozenPid = $null
    $failed = $false
}
finally {
    if ($frozenPid) { & kill -CONT $frozenPid }
    Stop-ScriptLab -LabPath $LabPath -AfterFailure:$failed
}

$limit = 15
$rows = @(
    foreach ($case in @(@{ Name = "all $HostCount hosts answer"; Runs = $answering; Floor = $floor; Expected = $expected },
                        @{ Name = "lab$HostCount frozen (SIGSTOP)"; Runs = $frozen; Floor = $limit; Expected = $expected - $GuestsPerHost })) {
        $ours = Get-Median @($case.Runs.Ours.Seconds)
        $virsh = Get-Median @($case.Runs.Virsh.Seconds)
        [pscustomobject]@{
            Case = $case.Name
            'Ours (s)' = '{0:N2}' -f $ours
            'Ours, each run (s)' = ($case.Runs.Ours.Seconds | ForEach-Object { '{0:N2}' -f $_ }) -join ' / ' 
            'VMs listed (ours)' = "$(($case.Runs.Ours.Listed | Sort-Object -Unique) -join '/') of $($case.Expected)"
            'virsh loop (s)' = '{0:N2}' -f $virsh
            'VMs listed (virsh)' = "$(($case.Runs.Virsh.Listed | Sort-Object -Unique) -join '/')"
            Ratio = '{0:N2}x' -f ($ours / $virsh)
            'Floor (s)' = '{0:N2}' -f $case.Floor
        }
    }
)
$rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$columns = 'Case', 'Ours (s)', 'Ours, each run (s)', 'VMs listed (ours)', 'virsh loop (s)', 'VMs listed (virsh)', 'Ratio', 'Floor (s)'
@(
    '# Inventory at scale: Get-MigrationVM across hosts'
    ''
    "Run $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, accelerator $accelerator; $HostCount lab hosts, $GuestsPerHost idle guests each; median of $Repeat runs."
    "Baseline: ``virsh list --all`` host after host (a hand loop), cut at $VirshTimeoutSec s per host by ``timeout`` (virsh has no call limit of its own)."
    'Floor: all hosts answering, the slowest single host''s answer; one host frozen, the call limit (15 s), which is what a frozen host costs at best.'
    'A host that did not answer within the limit shows as Unreachable and is not waited for again until it answers, so only the first run with it frozen pays the limit.'
    ''
    ConvertTo-MarkdownTable $rows $columns
) | Set-Content -Path $OutFile
Write-Host "Wrote $OutFile"
